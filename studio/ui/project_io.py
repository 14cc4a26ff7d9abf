"""File → Import into project… and File → Export…, and script files dropped on the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Slot
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMenuBar, QWidget

from studio.core.project import PROJECT_SUFFIX as SUFFIX
from studio.core.script_import import KINDS
from studio.services.messages import MessageBus
from studio.services.project_bundle import ProjectServices
from studio.services.project_transfer import ReadScript
from studio.services.settings import Settings
from studio.services.voices import VoiceCatalog
from studio.ui import dialogs
from studio.ui.export_flow import ExportFlow

if TYPE_CHECKING:  # built on first use
    from studio.core.project_build import ScriptContent

SCRIPT_FILTERS = [
    "Scripts (" + " ".join(f"*{suffix}" for suffix in KINDS) + ")",
    "All files (*)",
]
PROJECT_FILTERS = [f"Waves Studio projects (*{SUFFIX})"]
FOLDER_KEY = "projects/import_folder"
_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


def script_paths(mime: QMimeData) -> list[Path]:
    """The local script and project files (by extension) among dropped URLs."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in KINDS or p.suffix == SUFFIX]


class ProjectIO(QObject):
    """The import and export commands of a window (and its drop target for scripts).

    Attributes:
        import_action: File → Import into project….
        exports: The Export command and its dialog.
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
        self._appending: ReadScript | None = None  # waiting for its blocks to be built
        self._creating: ReadScript | None = None  # waiting for its new project file
        self.import_action = QAction("&Import into project…", window)
        self.import_action.setStatusTip("Read a script (text, Markdown, SRT, WebVTT, Word, EPUB)")
        self.import_action.triggered.connect(self.import_script)
        self.exports = ExportFlow(window, services, settings)
        transfer = services.transfer
        transfer.script_read.connect(self._on_script_read)
        transfer.import_failed.connect(self._on_import_failed)
        transfer.content_ready.connect(self._on_content_ready)
        services.projects.file_changed.connect(self._on_file_changed)
        services.projects.open_failed.connect(self._on_open_failed)
        window.setAcceptDrops(True)
        app = QApplication.instance()
        if app is not None:  # on the app: a drop on any text field of the window lands here too
            app.installEventFilter(self)  # (Qt drops a deleted filter by itself)

    def install_menu(self, menu_bar: QMenuBar, before: QAction) -> None:
        """Put Import and Export in the File menu, before `before` (one of its commands)."""
        menu = next((a.menu() for a in menu_bar.actions() if a.text() == "&File"), None)
        if isinstance(menu, QMenu) and before in menu.actions():
            menu.insertAction(before, self.import_action)
            menu.insertAction(before, self.exports.action)
            menu.insertSeparator(before)

    # -- import -----------------------------------------------------------------------------

    @Slot()
    def import_script(self) -> None:
        """Ask for a script file and import it."""
        folder = str(self._settings.get(FOLDER_KEY)) or str(Path.home())
        path = dialogs.open_file_name(self._window, "Import into project", folder, SCRIPT_FILTERS)
        if path:
            self._settings.set(FOLDER_KEY, str(Path(path).parent))
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Read `path` off the GUI thread; it then goes into the project (see _on_script_read)."""
        self._window.statusBar().showMessage(f"Reading {path.name}…", 5000)
        self._services.transfer.read_script(path)

    @Slot(object)
    def _on_script_read(self, read: ReadScript) -> None:
        if not read.script.paragraphs:
            self._messages.error(f"{read.path.name} holds no text to import.")
            return
        from studio.core.project_build import is_empty

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
            self._creating = read
            self._services.transfer.create_project(Path(path), voice, read.script)

    @Slot(str)
    def _on_file_changed(self, path: str) -> None:
        read, self._creating = self._creating, None
        if read is not None and path:
            self._show_view()
            self._say_imported(read)

    @Slot(str)
    def _on_open_failed(self, _message: str) -> None:
        self._creating = None  # the Script mode shows why

    @Slot(object)
    def _on_content_ready(self, content: ScriptContent) -> None:
        from studio.core.project_build import import_command

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
            what += ", timed to its cues"
        text = f"Imported {what} from {read.path.name}."
        if script.notes:  # e.g. "read as Windows-1252": a warning, so it stays up longer
            self._messages.warning(" ".join((text, *script.notes)))
        else:
            self._window.statusBar().showMessage(text, 8000)

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
                self._messages.warning(f"One file at a time: opening {paths[0].name}.")
            if paths[0].suffix == SUFFIX:  # a project file opens, as File → Open does
                self._services.projects.open(paths[0])
                self._show_view()
            else:
                self.import_path(paths[0])
        return True
