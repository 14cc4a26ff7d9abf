"""File → Import into project… and File → Export…, and script files dropped on the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Slot
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMenuBar, QWidget

from studio.core.script_import import KINDS
from studio.services.messages import MessageBus
from studio.services.project_bundle import ProjectServices
from studio.services.project_transfer import ReadScript
from studio.services.settings import Settings
from studio.services.voices import VoiceCatalog
from studio.store.project_file import SUFFIX
from studio.ui import dialogs

if TYPE_CHECKING:  # built on first use
    from studio.audio.project_export import ProjectExport
    from studio.core.project_script import ScriptContent
    from studio.ui.export_dialog import ExportDialog

SCRIPT_FILTERS = [
    "Scripts (" + " ".join(f"*{suffix}" for suffix in KINDS) + ")",
    "All files (*)",
]
PROJECT_FILTERS = [f"Waves Studio projects (*{SUFFIX})"]
_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
MAX_LISTED = 8  # unrendered segments named in the question; the rest are counted


def script_paths(mime: QMimeData) -> list[Path]:
    """The local script files (by extension) among dropped URLs."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in KINDS]


class ProjectIO(QObject):
    """The import and export commands of a window (and its drop target for scripts).

    Attributes:
        import_action, export_action: File menu commands.
        dialog: The export dialog, built on first use (None until then).
    """

    def __init__(
        self,
        window: QMainWindow,
        services: ProjectServices,
        settings: Settings,
        messages: MessageBus,
        voices: VoiceCatalog,
        show_view: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._services = services
        self._settings = settings
        self._messages = messages
        self._show_view = show_view
        self._voices = voices
        self._appending: ReadScript | None = None
        self._after_render: ProjectExport | None = None
        self._rendered_first = False
        self.dialog: ExportDialog | None = None
        self.import_action = QAction("&Import into project…", window)
        self.import_action.setStatusTip("Read a script (text, Markdown, SRT, WebVTT, Word, EPUB)")
        self.import_action.triggered.connect(self.import_script)
        self.export_action = QAction("&Export project…", window)
        self.export_action.setShortcut("Ctrl+E")
        self.export_action.setStatusTip("Mix the chosen takes, with subtitles and chapters")
        self.export_action.triggered.connect(self.export)
        window.addAction(self.export_action)
        transfer = services.transfer
        transfer.script_read.connect(self._on_script_read)
        transfer.import_failed.connect(self._on_import_failed)
        transfer.content_ready.connect(self._on_content_ready)
        transfer.export_progressed.connect(self._on_export_progressed)
        transfer.export_finished.connect(self._on_export_finished)
        transfer.export_failed.connect(self._on_export_failed)
        transfer.export_cancelled.connect(self._on_export_cancelled)
        services.projects.project_changed.connect(self._on_project_changed)
        services.renderer.render_finished.connect(self._on_render_finished)
        self._on_project_changed(services.projects.project)
        window.setAcceptDrops(True)
        app = QApplication.instance()
        if app is not None:  # on the app: a drop on any text field of the window lands here too
            app.installEventFilter(self)
            window.destroyed.connect(lambda: app.removeEventFilter(self))

    def install_menu(self, menu_bar: QMenuBar, before: QAction) -> None:
        """Put Import and Export in the File menu, before `before` (one of its commands)."""
        menu = next((a.menu() for a in menu_bar.actions() if a.text() == "&File"), None)
        if isinstance(menu, QMenu) and before in menu.actions():
            menu.insertAction(before, self.import_action)
            menu.insertAction(before, self.export_action)
            menu.insertSeparator(before)

    # -- import -----------------------------------------------------------------------------

    @Slot()
    def import_script(self) -> None:
        """Ask for a script file and import it."""
        folder = str(self._settings.get("project_export/folder")) or str(Path.home())
        path = dialogs.open_file_name(self._window, "Import into project", folder, SCRIPT_FILTERS)
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Read `path` off the GUI thread; it then goes into the project (see _on_script_read)."""
        self._window.statusBar().showMessage(f"Reading {path.name}…", 5000)
        self._services.transfer.read_script(path)

    @Slot(object)
    def _on_script_read(self, read: ReadScript) -> None:
        for note in read.script.notes:
            self._messages.warning(note)  # e.g. "read as Windows-1252": the user checks
        if not read.script.paragraphs:
            self._messages.error(f"{read.path.name} holds no text to import.")
            return
        from studio.core.project_script import is_empty

        project = self._services.projects.project
        if project is None:
            self._import_as_new(read)
            return
        if not is_empty(project):
            choice = dialogs.choose(
                self._window, "Import into project",
                f"“{project.title}” already has a script. Add {read.path.name} at its end, or "
                "make a new project from it?",
                [f"Add to “{project.title}”", "New project…"],
            )  # fmt: skip
            if choice < 0:
                return
            if choice == 1:
                self._import_as_new(read)
                return
        self._appending = read
        self._services.transfer.build_content(project, read.script)

    def _import_as_new(self, read: ReadScript) -> None:
        suggested = read.path.with_name(read.path.stem + SUFFIX)
        path, _ = dialogs.save_file_name(
            self._window, "New project from script", str(suggested), PROJECT_FILTERS,
            PROJECT_FILTERS[0],
        )  # fmt: skip
        if path:
            # The narrator starts with the voice chosen for single lines, as File → New does.
            catalogue = self._voices.voices
            voice = self._settings.voice_id or (catalogue[0].voice_id if catalogue else "")
            self._services.transfer.create_project(Path(path), voice, read.script)
            self._show_view()
            self._say_imported(read)

    @Slot(object)
    def _on_content_ready(self, content: ScriptContent) -> None:
        from studio.core.project_script import import_command

        read, self._appending = self._appending, None
        if read is None:
            return
        label = f"Import {read.path.name}"
        done = self._services.projects.edit(
            lambda e: e.do(import_command(e.project, content, label))
        )
        if done is not None:
            self._show_view()
            self._say_imported(read)

    def _say_imported(self, read: ReadScript) -> None:
        script = read.script
        chapters = sum(1 for c in script.chapters if c.title)
        what = f"{len(script.paragraphs)} paragraph(s)"
        if chapters:
            what += f" in {chapters} chapter(s)"
        if script.timed:
            what += ", with the gaps between cues as pauses"
        self._window.statusBar().showMessage(f"Imported {what} from {read.path.name}.", 8000)

    @Slot(str)
    def _on_import_failed(self, message: str) -> None:
        self._appending = None
        self._messages.error(message)

    # -- drag and drop ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _DRAG_EVENTS or not isinstance(event, QDropEvent):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        paths = script_paths(event.mimeData())
        if not paths:
            return False  # audio and other drops keep whatever the widget does with them
        event.acceptProposedAction()
        if event.type() == QEvent.Type.Drop:
            if len(paths) > 1:
                self._messages.warning(f"One script at a time: importing {paths[0].name}.")
            self.import_path(paths[0])
        return True

    # -- export -----------------------------------------------------------------------------

    @Slot(object)
    def _on_project_changed(self, _project: object = None) -> None:
        project = self._services.projects.project
        has_takes = project is not None and any(s.chosen_take for s in project.segments())
        self.export_action.setEnabled(has_takes)

    @Slot()
    def export(self) -> ExportDialog | None:
        """Open the export dialog for the open project (built on first use)."""
        project = self._services.projects.project
        if project is None:
            return None
        if self.dialog is None:
            from studio.ui.export_dialog import ExportDialog

            self.dialog = ExportDialog(self._settings, self._window)
            self.dialog.export_requested.connect(self._on_export_requested)
            self.dialog.cancel_requested.connect(self._on_cancel_requested)
        if not self._services.transfer.exporting and self._after_render is None:
            self.dialog.load(project.title)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    @Slot(object)
    def _on_export_requested(self, request: ProjectExport) -> None:
        from dataclasses import replace

        from studio.audio.project_export import output_names, unrendered
        from studio.core.errors import StudioError
        from studio.core.project_state import SegmentState

        project, dialog = self._services.projects.project, self.dialog
        if project is None or dialog is None:
            return
        missing = unrendered(project)
        if missing:
            listed = "\n".join(f"• {m.text[:70]} ({m.state.value})" for m in missing[:MAX_LISTED])
            if len(missing) > MAX_LISTED:
                listed += f"\n…and {len(missing) - MAX_LISTED} more"
            renderable = any(m.state is not SegmentState.LOCKED for m in missing)
            choices = ["Export without them"]
            if renderable and not self._rendered_first:
                choices.insert(0, f"Render {len(missing)} first")
            text = f"{len(missing)} segment(s) have no current take:\n\n{listed}"
            choice = dialogs.choose(dialog, "Export project", text, choices)
            if choice < 0:
                self._rendered_first = False
                return
            if choices[choice].startswith("Render"):
                self._render_first(request, len(missing))
                return
        self._rendered_first = False
        try:
            names = output_names(project, request)
        except StudioError as exc:
            dialog.finish(exc.user_message)
            return
        existing = [n for n in names if (request.folder / n).exists()]
        if existing:
            shown = ", ".join(existing[:4]) + ("…" if len(existing) > 4 else "")
            if not dialogs.ask(dialog, "Replace files?", f"Replace {shown} in {request.folder}?"):
                return
            request = replace(request, options=replace(request.options, overwrite=True))
        dialog.set_running(True, "Exporting…")
        self._services.transfer.export(request)

    def _render_first(self, request: ProjectExport, count: int) -> None:
        assert self.dialog is not None
        self._after_render, self._rendered_first = request, True
        if self._services.renderer.render_changed() == 0:
            self._on_render_finished(0, 0)
            return
        self.dialog.set_running(True, f"Rendering {count} segment(s) first…")

    @Slot(int, int)
    def _on_render_finished(self, _rendered: int, _failed: int) -> None:
        request, self._after_render = self._after_render, None
        if request is not None and self.dialog is not None:
            self.dialog.set_running(False)
            self._on_export_requested(request)

    @Slot()
    def _on_cancel_requested(self) -> None:
        if self._after_render is not None:
            self._after_render, self._rendered_first = None, False
            self._services.renderer.cancel()
            if self.dialog is not None:
                self.dialog.finish("Rendering stopped; nothing was exported.")
            return
        self._services.transfer.cancel_export()

    @Slot(float)
    def _on_export_progressed(self, fraction: float) -> None:
        if self.dialog is not None:
            self.dialog.set_progress(fraction)

    @Slot(object)
    def _on_export_finished(self, files: list[Path]) -> None:
        folder = files[0].parent if files else None
        text = f"Exported {len(files)} file(s) to {folder}." if folder else "Nothing exported."
        if self.dialog is not None:
            self.dialog.finish(text, folder)
        self._window.statusBar().showMessage(text, 8000)

    @Slot(str)
    def _on_export_failed(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.finish(f"{message} Nothing was written.")

    @Slot()
    def _on_export_cancelled(self) -> None:
        if self.dialog is not None:
            self.dialog.finish("Export cancelled; nothing was written.")
