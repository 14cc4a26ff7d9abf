"""The Script mode of the main window: its view, File → project commands, title, undo/redo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QStatusBar, QTabWidget, QWidget

from studio import APP_NAME
from studio.core.project import PROJECT_SUFFIX as SUFFIX
from studio.services.dictionaries import DictionaryService
from studio.services.messages import MessageBus
from studio.services.project_bundle import ProjectServices
from studio.services.voices import VoiceCatalog
from studio.ui import dialogs
from studio.ui.script_view import ScriptView

FILTERS = [f"Waves Studio projects (*{SUFFIX})"]


class ScriptMode(QObject):
    """Builds the Script view and its commands for a window (it gets what it needs, not the
    window's internals).

    Attributes:
        view: The ScriptView (the window puts it in a tab).
        new_action, open_action, save_as_action, close_action, undo_action, redo_action
        find_action, replace_action: Ctrl+F and Ctrl+H on the Script tab.
        recent_menu: File → Open Recent.
    """

    def __init__(
        self,
        window: QMainWindow,
        services: ProjectServices,
        voices: VoiceCatalog,
        messages: MessageBus,
        status_bar: QStatusBar,
        default_voice: Callable[[], str],
        dictionaries: DictionaryService | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._services = services
        self._messages = messages
        self._backend_label = ""
        self._default_voice = default_voice
        self._voices = voices
        projects = services.projects
        self.view = ScriptView(projects, services.renderer, services.player, window)
        self.view.status.connect(lambda text: status_bar.showMessage(text, 5000))
        self.new_action = self._action("&New project…", "Ctrl+Shift+N", self.new_project)
        self.open_action = self._action("&Open project…", "Ctrl+O", self.open_project)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.save_as_action = self._action("Save Project &As…", "Ctrl+Shift+S", self.save_as)
        self.close_action = self._action("Close projec&t", "", projects.close)
        # Scoped to the Script view, so the single-line editor keeps its own Ctrl+Z.
        self.undo_action = self._action("&Undo", "Ctrl+Z", projects.undo, self.view)
        self.redo_action = self._action("&Redo", "Ctrl+Shift+Z", projects.redo, self.view)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        # Window-wide but enabled only while the Script tab is shown (set_active): Ctrl+F works
        # with the focus on the tab bar too.
        self.find_action = self._action("&Find…", "Ctrl+F", self.view.open_find)
        self.replace_action = self._action(
            "Find and &replace…", "Ctrl+H", lambda: self.view.open_find(replace=True)
        )
        for action in (self.find_action, self.replace_action):
            window.addAction(action)
        self.set_active(False)
        projects.file_changed.connect(self._on_file_changed)
        projects.open_failed.connect(self._on_open_failed)
        projects.project_changed.connect(self._on_project_changed)
        voices.voices_changed.connect(self._on_voices_changed)
        self._on_voices_changed()
        if dictionaries is not None:
            self.view.set_dictionaries(dictionaries)
        self._on_file_changed("")

    def _action(
        self, text: str, shortcut: str, slot: object, scope: QWidget | None = None
    ) -> QAction:
        action = QAction(text, scope or self._window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if scope is not None:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            scope.addAction(action)
        action.triggered.connect(slot)
        return action

    def set_active(self, active: bool) -> None:
        """The Script tab is shown (or not): its window-wide shortcuts follow."""
        for action in (self.find_action, self.replace_action):
            action.setEnabled(active)

    def install_menu(self, menu_bar: QMenuBar) -> None:
        """Put the project commands at the top of the File menu."""
        file_menu = next((a.menu() for a in menu_bar.actions() if a.text() == "&File"), None)
        if not isinstance(file_menu, QMenu) or not file_menu.actions():
            return
        first = file_menu.actions()[0]
        for action in (self.new_action, self.open_action):
            file_menu.insertAction(first, action)
        file_menu.insertMenu(first, self.recent_menu)
        for action in (self.save_as_action, self.close_action):
            file_menu.insertAction(first, action)
        file_menu.insertSeparator(first)

    def title(self, backend_label: str = "") -> str:
        """The window title: the project's name first (when one is open), then the backend."""
        if backend_label:
            self._backend_label = backend_label
        parts = [APP_NAME]
        path = self._services.projects.path
        if path is not None:
            parts.insert(0, path.stem)
        if self._backend_label:
            parts.append(self._backend_label)
        return " — ".join(parts)

    # -- commands ---------------------------------------------------------------------------

    @Slot()
    def new_project(self) -> None:
        """Ask where to create a project and open it."""
        path, _ = dialogs.save_file_name(
            self._window, "New project", str(Path.home() / f"Untitled{SUFFIX}"), FILTERS, FILTERS[0]
        )
        if path:
            # The narrator starts with the voice chosen for single lines.
            catalogue = self._voices.voices
            voice = self._default_voice() or (catalogue[0].voice_id if catalogue else "")
            self._services.projects.new(Path(path), voice)
            self._show_view()

    @Slot()
    def open_project(self) -> None:
        """Ask for a project file and open it."""
        path = dialogs.open_file_name(self._window, "Open project", str(Path.home()), FILTERS)
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> None:
        """Open a project file (errors go to the banner)."""
        self._services.projects.open(path)
        self._show_view()

    @Slot()
    def save_as(self) -> None:
        """Copy the open project to a new file and carry on there."""
        current = self._services.projects.path
        if current is None:
            return
        path, _ = dialogs.save_file_name(
            self._window, "Save project as", str(current.with_stem(current.stem + " copy")),
            FILTERS, FILTERS[0],
        )  # fmt: skip
        if path:
            self._services.projects.save_as(Path(path))

    def _show_view(self) -> None:
        parent = self.view.parentWidget()
        while parent is not None:
            if isinstance(parent, QTabWidget):
                parent.setCurrentWidget(self.view)
                return
            parent = parent.parentWidget()

    @Slot()
    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self._services.projects.recent()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(Path(p)))
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    # -- state ------------------------------------------------------------------------------

    @Slot(str)
    def _on_file_changed(self, path: str) -> None:
        has = bool(path)
        self.save_as_action.setEnabled(has)
        self.close_action.setEnabled(has)
        self._window.setWindowTitle(self.title())

    @Slot(object)
    def _on_voices_changed(self, _voices: object = None) -> None:
        self.view.cast.set_voices(self._voices.voices)
        self.view.bar.set_voices(self._voices.voices)

    @Slot(str)
    def _on_open_failed(self, message: str) -> None:
        self._messages.error(message)

    @Slot(object)
    def _on_project_changed(self, _project: object) -> None:
        editor = self._services.projects.editor
        undo = editor.undo_label if editor is not None else ""
        redo = editor.redo_label if editor is not None else ""
        self.undo_action.setText(f"&Undo {undo}" if undo else "&Undo")
        self.undo_action.setEnabled(bool(undo))
        self.redo_action.setText(f"&Redo {redo}" if redo else "&Redo")
        self.redo_action.setEnabled(bool(redo))
