"""MainWindow: composes the editor, waveform and controls, and wires them to the services."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio import APP_NAME
from studio.services.backend import BackendInfo
from studio.services.bundle import Services
from studio.services.messages import Action
from studio.services.synthesis import RenderJob, RenderResult, SamplesArrived
from studio.ui.actions import build_actions
from studio.ui.batch_launcher import LauncherProgress
from studio.ui.dictionary_picker import DictionaryPicker
from studio.ui.editor import EditorPanel
from studio.ui.icons import app_icon, icon
from studio.ui.keys import SpaceKeyGuard
from studio.ui.layout import SIDE_SHARE, default_size
from studio.ui.lazy_tabs import LazyTabs
from studio.ui.presenter import ErrorBanner, Presenter
from studio.ui.project_io import ProjectIO
from studio.ui.script_mode import ScriptMode
from studio.ui.take_flows import TakeFlows
from studio.ui.theme import apply_theme, status_colour
from studio.ui.voice_panel import VoicePanel
from studio.ui.waveform import WaveformView
from studio.ui.window_flows import WindowFlows

if TYPE_CHECKING:  # built on first use (LazyTabs), imported then
    from studio.ui.audition_panel import AuditionPanel
    from studio.ui.batch_panel import BatchPanel
    from studio.ui.history_panel import HistoryPanel


class MainWindow(QMainWindow):
    """The studio window. It only composes panels and connects signals; flows live elsewhere.

    Attributes:
        editor_panel, waveform, voice_panel, dictionary_picker, banner: The panels.
        commands: Every command (QAction) with its shortcut.
        flows: The user flows (synthesize, save, dialogs) in ui/window_flows.py.
    """

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setMinimumSize(760, 480)
        self.commands = build_actions(self)

        self.banner = ErrorBanner(self)
        self.editor_panel = EditorPanel(self)
        self.waveform = WaveformView(self)
        self.voice_panel = VoicePanel(services.settings, services.voices, self)
        self.dictionary_picker = DictionaryPicker(services.settings, services.dictionaries, self)

        self.bottom_tabs = QTabWidget(self)
        self.bottom_tabs.setDocumentMode(True)
        self.bottom_tabs.addTab(self.waveform, icon("synthesize"), "&Waveform")
        self.lazy_tabs = LazyTabs(self.bottom_tabs)  # built on first use: a faster start
        if services.audition is not None:
            self.lazy_tabs.add("grid", self._build_grid, icon("grid"), "&Audition grid")
        if services.history is not None:
            self.lazy_tabs.add("history", self._build_history, icon("history"), "H&istory")
        self.editor_split = QSplitter(Qt.Orientation.Vertical, self)
        self.editor_split.setObjectName("editorSplit")
        self.editor_split.addWidget(self.editor_panel)
        self.editor_split.addWidget(self.bottom_tabs)
        self.editor_split.setStretchFactor(0, 3)
        self.editor_split.setStretchFactor(1, 1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        left_layout.addWidget(self.banner)
        self.modes = QTabWidget(self)  # the single-line editor, and the Script view of projects
        self.modes.setDocumentMode(True)
        self.modes.addTab(self.editor_split, icon("synthesize"), "&Quick line")
        left_layout.addWidget(self.modes, 1)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 8, 8, 8)
        side_layout.addWidget(self.voice_panel)
        side_layout.addSpacing(8)
        side_layout.addWidget(self.dictionary_picker, 1)
        scroll = self.side_scroll = QScrollArea(self)
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        side.setMinimumWidth(320)
        scroll.setMinimumWidth(side.minimumSizeHint().width() + 16)

        self.main_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_split.setObjectName("mainSplit")
        self.main_split.addWidget(left)
        self.main_split.addWidget(scroll)
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setChildrenCollapsible(False)
        self.setCentralWidget(self.main_split)

        self.backend_label = QLabel("Starting…", self)
        self.backend_label.setAccessibleName("Active backend")
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(90)
        self.busy_bar.setAccessibleName("Rendering")
        self.busy_bar.hide()
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.backend_label)
        self.presenter = Presenter(services.messages, self.banner, self.statusBar())
        self.script: ScriptMode | None = None
        self.project_io: ProjectIO | None = None  # File → Import into project… / Export…
        if services.projects is not None:
            self.script = ScriptMode(
                self, services.projects, services.voices, services.messages, self.statusBar(),
                lambda: services.settings.voice_id, services.dictionaries,
            )  # fmt: skip
            self.modes.addTab(self.script.view, icon("dictionary"), "S&cript")
            self.script.install_menu(self.menuBar())
            view = self.script.view
            self.project_io = ProjectIO(
                self, services.projects, services.settings, services.messages, services.voices,
                lambda: self.modes.setCurrentWidget(view),
            )  # fmt: skip
            self.project_io.install_menu(self.menuBar(), self.commands.save)
            self.modes.currentChanged.connect(self._on_mode_changed)

        self._space_guard = SpaceKeyGuard(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._space_guard)
        self.setTabOrder(self.editor_panel.editor, self.waveform)
        self.setTabOrder(self.waveform, self.voice_panel.voice_combo)

        self.batch_panel: BatchPanel | None = None
        self.launcher = LauncherProgress()
        self.flows = WindowFlows(self, self)
        self.take_flows = TakeFlows(self, self)
        self._connect()
        self._restore()

    def _connect(self) -> None:
        s, a = self.services, self.commands
        a.synthesize.triggered.connect(self.flows.synthesize)
        a.play_pause.triggered.connect(self.flows.play_pause)
        a.stop.triggered.connect(self.flows.stop)
        a.save.triggered.connect(self.flows.save)
        a.copy_clip.triggered.connect(self.flows.copy_clip)
        a.audition.triggered.connect(self.take_flows.render_grid)
        a.history.triggered.connect(self.take_flows.show_history)
        a.pronunciation.triggered.connect(self.take_flows.open_pronunciation_bench)
        a.batch.triggered.connect(self.show_batch)
        if s.batch is not None:
            s.batch.unfinished_found.connect(self._on_batch_unfinished_found)
        self.editor_panel.editor.add_variant_requested.connect(self.take_flows.add_spelling)
        s.dictionaries.dictionaries_changed.connect(self._on_dictionaries_changed)
        s.settings.changed.connect(self._on_settings_changed)
        if s.history is not None:
            s.history.take_loaded.connect(self.take_flows.on_take_loaded)
        a.voices.triggered.connect(self.flows.open_voice_browser)
        a.new_clone.triggered.connect(self.flows.open_clone_dialog)
        a.dictionaries.triggered.connect(self.flows.open_dictionaries)
        a.api_key.triggered.connect(self.flows.open_api_key_dialog)
        a.preferences.triggered.connect(self.flows.open_preferences)
        a.about.triggered.connect(self.flows.open_about)
        a.quit.triggered.connect(self.close)
        self.banner.action_triggered.connect(self._on_banner_action_triggered)
        self.editor_panel.text_edited.connect(s.drafts.text_changed)
        self.voice_panel.browse_requested.connect(self.flows.open_voice_browser)
        self.voice_panel.preview_requested.connect(self.flows.preview_voice)
        self.dictionary_picker.edit_requested.connect(self.flows.open_dictionaries)
        self.waveform.seek_requested.connect(self.flows.seek)
        self.waveform.drag_requested.connect(self.flows.drag_clip)
        s.backend.backend_changed.connect(self._on_backend_changed)
        s.synthesis.synthesis_started.connect(self._on_synthesis_started)
        s.synthesis.synthesis_progressed.connect(self._on_synthesis_progressed)
        s.synthesis.synthesis_finished.connect(self._on_synthesis_finished)
        s.synthesis.busy_changed.connect(self.busy_bar.setVisible)
        s.playback.position_changed.connect(self._on_playback_position_changed)
        s.playback.playback_state_changed.connect(self._on_playback_state_changed)

    @property
    def audition_panel(self) -> AuditionPanel | None:
        """The audition grid (built on first use), or None without the service."""
        return cast("AuditionPanel | None", self.lazy_tabs.panel("grid"))

    @property
    def history_panel(self) -> HistoryPanel | None:
        """The history (built on first use), or None without the service."""
        return cast("HistoryPanel | None", self.lazy_tabs.panel("history"))

    def _build_grid(self) -> AuditionPanel:
        from studio.ui.audition_panel import AuditionPanel

        assert self.services.audition is not None
        panel = AuditionPanel(self.services.audition, self, self.services.voices.display_name)
        panel.render_requested.connect(self.take_flows.render_grid)
        panel.use_requested.connect(self.take_flows.use_grid_cell)
        return panel

    def _build_history(self) -> HistoryPanel:
        from studio.ui.history_panel import HistoryPanel

        assert self.services.history is not None
        panel = HistoryPanel(self.services.history, self)
        self.take_flows.setup_history_panel(panel)
        return panel

    def _restore(self) -> None:
        settings = self.services.settings
        geometry = settings.ui_state("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            size = default_size(self.screen().availableGeometry().size(), self.minimumSize())
            self.resize(size)
            side = max(self.side_scroll.minimumWidth(), round(size.width() * SIDE_SHARE))
            self.main_split.setSizes([size.width() - side, side])
        for name, splitter in (
            ("main_split", self.main_split),
            ("editor_split", self.editor_split),
        ):
            state = settings.ui_state(name)
            if state is not None:
                splitter.restoreState(state)
        self.editor_panel.editor.setPlainText(self.services.drafts.load())
        self.editor_panel.editor.moveCursor(self.editor_panel.editor.textCursor().MoveOperation.End)
        info = self.services.backend.info
        if info is not None:
            self._on_backend_changed(info)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = self.services.settings
        settings.set_ui_state("geometry", self.saveGeometry())
        settings.set_ui_state("main_split", self.main_split.saveState())
        settings.set_ui_state("editor_split", self.editor_split.saveState())
        self.services.drafts.text_changed(self.editor_panel.text())
        self.services.drafts.flush()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._space_guard)
        super().closeEvent(event)

    @Slot()
    def show_batch(self) -> BatchPanel | None:
        """Open the Batch window (made on first use)."""
        panel = self._batch()
        if panel is not None:
            panel.show()
            panel.activateWindow()
        return panel

    def _batch(self) -> BatchPanel | None:
        """The Batch window, made and wired on first use (None without the service)."""
        from studio.ui.batch_panel import BatchPanel

        if self.services.batch is not None and self.batch_panel is None:
            self.batch_panel = BatchPanel(self.services.batch, self.services.settings, self)
            self.batch_panel.play_requested.connect(self.services.playback.play_rendered)
            self.batch_panel.progress_fraction_changed.connect(self._on_batch_progress_changed)
        return self.batch_panel

    @Slot(object)
    def _on_batch_unfinished_found(self, jobs: object) -> None:
        from studio.ui.batch_panel import offer_resume

        panel = self._batch() if jobs else None  # nothing to resume: no window made
        if self.services.batch is not None and panel is not None:
            offer_resume(self, self.services.batch, panel, jobs)

    @Slot(float)
    def _on_batch_progress_changed(self, fraction: float) -> None:
        # Qt 6 has no portable taskbar progress: the title shows it in every task switcher, and
        # docks that read the LauncherEntry D-Bus signal show a bar on the icon.
        title = self.windowTitle().split(" · ", 1)[-1]
        self.setWindowTitle(title if fraction < 0 else f"{fraction:.0%} · {title}")
        self.launcher.set_fraction(fraction)

    @Slot(object)
    def _on_dictionaries_changed(self, _entries: object = None) -> None:
        self.editor_panel.editor.highlighter.set_rules(self.take_flows.active_rules())

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if key == "synthesis/dictionary_ids":
            self._on_dictionaries_changed()
        elif key == "app/theme":  # applied live: palette, frames and icons follow
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, str(self.services.settings.get("app/theme")))
            if self.services.backend.info is not None:
                self._on_backend_changed(self.services.backend.info)

    @Slot(object)
    def _on_backend_changed(self, info: BackendInfo) -> None:
        colour = status_colour("success" if info.kind == "local" else "info")
        self.backend_label.setText(f"<span style='color:{colour}'>●</span> {info.label} ")
        self.backend_label.setToolTip(f"Sending requests to {info.base_url}")
        title = self.script.title(info.label) if self.script else f"{APP_NAME} — {info.label}"
        self.setWindowTitle(title)

    @Slot(int, object)
    def _on_synthesis_started(self, _job_id: int, job: RenderJob) -> None:
        # Roughly 14 characters a second at 1x: enough to keep the x-axis from jumping.
        expected = len(job.text) / 14.0 / max(job.spec.speed, 0.1)
        self.waveform.begin(job.spec.sample_rate, expected)

    @Slot(int, object)
    def _on_synthesis_progressed(self, _job_id: int, progress: SamplesArrived) -> None:
        self.waveform.append(progress.samples, progress.sample_rate)

    @Slot(int, object)
    def _on_synthesis_finished(self, _job_id: int, result: RenderResult) -> None:
        self.services.voices.mark_used(result.rendered.spec.voice_id)
        self.flows.on_render_finished(result)
        if self.services.history is not None:
            self.services.history.search()

    @Slot(float)
    def _on_playback_position_changed(self, seconds: float) -> None:
        # The cursor follows the clip on screen only, not a preview or grid cell playing.
        self.waveform.set_position(seconds if self.flows.playing_current else 0.0)

    @Slot(int)
    def _on_mode_changed(self, index: int) -> None:
        # The Script tab has its own cast panel; the line's voice settings would only confuse.
        script = self.script is not None and self.modes.widget(index) is self.script.view
        self.side_scroll.setVisible(not script)
        # There Ctrl+H is Find and replace (History stays in the Speech menu).
        self.commands.history.setShortcuts([] if script else [QKeySequence("Ctrl+H")])
        if self.script is not None:
            self.script.set_active(script)

    @Slot(str)
    def _on_playback_state_changed(self, state: str) -> None:
        playing = state in ("playing", "buffering")
        self.commands.play_pause.setIcon(icon("pause" if playing else "play"))
        self.commands.play_pause.setText("&Pause" if playing else "&Play")

    @Slot(str)
    def _on_banner_action_triggered(self, action: str) -> None:
        if action == Action.SET_KEY:
            self.flows.open_api_key_dialog()
        elif action == Action.RETRY:
            self.flows.retry()
        elif action == Action.PREFERENCES:
            self.flows.open_preferences()
        elif action == Action.USE_LOCAL:
            self.services.backend.switch("local")
        elif action == Action.RELOAD:
            self.services.voices.refresh(force=True)
            self.services.dictionaries.refresh()
        elif action == Action.RESTART_BACKEND:
            self.services.backend.start()
