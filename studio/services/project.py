"""ProjectService: the open script project, its editor, its file and its batched autosave."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from studio.core.errors import StudioError
from studio.core.project import PROJECT_SUFFIX as SUFFIX
from studio.core.project import Project
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project
from studio.services.messages import MessageBus, user_message
from studio.services.settings import Settings
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # the file format (SQLite, FLAC) loads with the first project opened
    from studio.store.project_autosave import ProjectAutosaver
    from studio.store.project_file import ProjectFile

log = logging.getLogger(__name__)
RECENT_KEY = "projects/recent"
MAX_RECENT = 10
# Edits paused this long: fold the WAL into the file (it would otherwise keep every page
# saved since the project was opened), so it stays small and a copy of the file is current.
IDLE_CHECKPOINT_MS = 5000


class ProjectService(QObject):
    """Holds the open project: edits go through `edit` (the editor, then a batched autosave
    on the file runner), never touching the disk on the GUI thread.

    Attributes:
        editor: The ProjectEditor of the open project, or None.
        file: The open ProjectFile, or None (used only on the file runner).
        files: The runner for file work: one thread, so saves happen in order.
        close_hooks: Called with a ProjectFile on the file runner just before it closes
            (Close, Open, Save As, quit): a render stops writing into it.

    Signals:
        project_changed(object Project): after every edit, undo, redo or new take.
        file_changed(str path): a project was opened, created or saved as ("" when closed).
        open_failed(str message): a project could not be created or opened.
    """

    project_changed = Signal(object)
    file_changed = Signal(str)
    open_failed = Signal(str)

    def __init__(
        self,
        settings: Settings,
        messages: MessageBus,
        files: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._messages = messages
        self.files = files or TaskRunner(max_threads=1, parent=self)
        self.editor: ProjectEditor | None = None
        self.file: ProjectFile | None = None
        self._autosaver: ProjectAutosaver | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.timeout.connect(self._on_save_timer_timeout)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_CHECKPOINT_MS)
        self._idle_timer.timeout.connect(self.checkpoint)
        self.close_hooks: list[Callable[[ProjectFile], None]] = []

    # -- state ------------------------------------------------------------------------------

    @property
    def project(self) -> Project | None:
        """The current project value, or None when no project is open."""
        return self.editor.project if self.editor is not None else None

    @property
    def path(self) -> Path | None:
        """The open file, or None."""
        return self.file.path if self.file is not None else None

    def recent(self) -> list[str]:
        """Recently opened project files, newest first (those that still exist)."""
        return [p for p in self._settings.get(RECENT_KEY) if Path(p).exists()]

    # -- files ------------------------------------------------------------------------------

    def new(self, path: Path, voice_id: str = "") -> None:
        """Create a project file at `path` (its name is the title) and open it."""
        path = _with_suffix(path)
        project = new_project(path.stem, voice_id)
        self._run_open(lambda: _project_file().create(path, project))

    def create(self, path: Path, build: Callable[[], Project]) -> None:
        """Create a project file at `path` from `build()` (run on the file runner: an imported
        book takes a while to split) and open it."""
        path = _with_suffix(path)
        self._run_open(lambda: _project_file().create(path, build()))

    def open(self, path: Path) -> None:
        """Open a project file (errors come back as `open_failed`, nothing else changes)."""
        if self.path is not None and path.resolve() == self.path.resolve():
            return  # already open here (opening it again would meet our own lock)
        self._run_open(lambda: _project_file().open(path))

    def _run_open(self, make: Callable[[], ProjectFile]) -> None:
        self.files.submit(lambda _ctx: make(), self._on_opened, self._on_open_failed)

    def _on_opened(self, opened: ProjectFile) -> None:
        self._close_file()
        self.file = opened
        self.editor = ProjectEditor(opened.project)
        self._autosaver = _autosaver(opened)
        self._remember(opened.path)
        self.file_changed.emit(str(opened.path))
        self.project_changed.emit(self.editor.project)

    def _on_open_failed(self, exc: BaseException) -> None:
        self.open_failed.emit(user_message(exc, "Opening a project failed"))

    def save_as(self, path: Path) -> None:
        """Flush pending edits, copy the project to `path`, and carry on in the copy."""
        file, saver = self.file, self._autosaver
        if file is None or saver is None:
            return
        path = _with_suffix(path)
        hooks = list(self.close_hooks)

        def copy(_ctx: TaskContext) -> ProjectFile:
            for hook in hooks:  # this file closes too: a render stops writing into it first
                hook(file)
            saver.flush()
            return file.save_as(path)

        def done(opened: ProjectFile) -> None:
            editor = self.editor
            self.file, self._autosaver = opened, _autosaver(opened)
            self._remember(opened.path)
            if editor is not None and editor.project is not opened.project:
                self._autosaver.changed(editor.project)  # edits made while copying
                self._schedule_save()
            self.file_changed.emit(str(opened.path))

        self.files.submit(copy, done, self._on_open_failed)

    def close(self) -> None:
        """Close the project (pending edits are written first, on the file runner)."""
        self._close_file()
        self.editor = None
        self.file_changed.emit("")
        self.project_changed.emit(None)

    def _close_file(self) -> None:
        file, saver = self.file, self._autosaver
        self.file, self._autosaver = None, None
        self._save_timer.stop()
        self._idle_timer.stop()
        if file is None:
            return
        hooks = list(self.close_hooks)

        def finish(_ctx: TaskContext) -> None:
            try:
                for hook in hooks:
                    hook(file)
                if saver is not None:
                    saver.flush()
            finally:
                file.close()  # folds the WAL in

        self.files.submit(finish, on_failure=self._messages.report)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Write pending edits and close the file (on quit); waits for the file runner."""
        self._close_file()
        self.files.pool.waitForDone(timeout_ms)

    def _remember(self, path: Path) -> None:
        recent = [str(path), *(p for p in self._settings.get(RECENT_KEY) if p != str(path))]
        self._settings.set(RECENT_KEY, recent[:MAX_RECENT])

    # -- editing ----------------------------------------------------------------------------

    def edit(self, change: Callable[[ProjectEditor], Any]) -> Any:
        """Apply `change` to the editor; a ValidationError becomes a status message.

        Returns what `change` returned (None when it failed or no project is open).
        """
        editor = self.editor
        if editor is None:
            return None
        before = editor.version
        try:
            result = change(editor)
        except StudioError as exc:
            self._messages.warning(exc.user_message)
            return None
        if editor.version != before:
            self.changed()
        return result

    def undo(self) -> None:
        """Undo the last edit."""
        if self.editor is not None and self.editor.undo_label:
            self.edit(lambda e: e.undo())

    def redo(self) -> None:
        """Redo the last undone edit."""
        if self.editor is not None and self.editor.redo_label:
            self.edit(lambda e: e.redo())

    def changed(self) -> None:
        """Tell the window and the autosaver the project changed."""
        if self.editor is None:
            return
        if self._autosaver is not None:
            self._autosaver.changed(self.editor.project)
            self._schedule_save()
        self.project_changed.emit(self.editor.project)

    def _schedule_save(self) -> None:
        saver = self._autosaver
        due = saver.due_in() if saver is not None else None
        if due is not None and not self._save_timer.isActive():
            self._save_timer.start(int(due * 1000))

    @Slot()
    def _on_save_timer_timeout(self) -> None:
        saver = self._autosaver
        if saver is None:
            return

        def write(_ctx: TaskContext) -> None:
            saver.flush()

        # Written on the file runner; a change that arrives meanwhile schedules the next one.
        self.files.submit(write, self._on_saved, self._on_save_failed)

    def _on_saved(self, _result: object) -> None:
        self._schedule_save()
        self._idle_timer.start()  # restarted by every save: it fires once edits pause

    def _on_save_failed(self, exc: BaseException) -> None:
        self._messages.report(exc, context="Saving the project failed")
        QTimer.singleShot(2000, self._schedule_save)  # the change is kept: try again

    def flush(self) -> None:
        """Write pending edits now (on the file runner)."""
        saver = self._autosaver
        if saver is not None:
            self._save_timer.stop()
            self.files.submit(lambda _ctx: saver.flush(), on_failure=self._on_save_failed)

    @Slot()
    def checkpoint(self) -> None:
        """Write pending edits and fold the WAL into the project file, on the file runner (when
        edits pause, and after a render job)."""
        file = self.file
        if file is None:
            return
        self.flush()
        # After the flush (one thread: in order). A failure is only logged: the saves are safe
        # in the WAL, and the next pause tries again.
        self.files.submit(
            lambda _ctx: file.checkpoint(),
            on_failure=lambda exc: log.warning("Folding in the project's recent saves: %s", exc),
        )


def _project_file() -> type[ProjectFile]:
    from studio.store.project_file import ProjectFile

    return ProjectFile


def _autosaver(opened: ProjectFile) -> ProjectAutosaver:
    from studio.store.project_autosave import ProjectAutosaver

    return ProjectAutosaver(opened)


def _with_suffix(path: Path) -> Path:
    return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)
