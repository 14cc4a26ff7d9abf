"""The Script view: a project's blocks as rows, the selected segment's actions, the cast."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.core.project import Project
from studio.services.project import ProjectService
from studio.services.project_playback import ProjectPlayer
from studio.services.project_render import ProjectRenderer
from studio.ui import dialogs
from studio.ui.script_cast import CastPanel
from studio.ui.script_edits import ScriptEditing
from studio.ui.script_find import ScriptFinder
from studio.ui.script_find_bar import FindBar
from studio.ui.script_render_bar import RenderProgress
from studio.ui.script_rows import BlockRow
from studio.ui.script_segment_bar import SegmentBar
from studio.ui.script_summary import ScriptSummary

# The Render button stops a run that is going on (same letter, so the key stays the same).
RENDER_LABELS = ("Render chan&ged", "Stop renderin&g")


class ScriptView(ScriptEditing, QWidget):
    """Edits the open project through ProjectService; renders and plays through its services.

    Attributes:
        rows: BlockRow by block id, in reading order.
        selected: The selected segment id ("" for none).

    Signals:
        status(str text): a line for the status bar.
    """

    status = Signal(str)

    def __init__(
        self,
        projects: ProjectService,
        renderer: ProjectRenderer,
        player: ProjectPlayer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.projects, self.renderer, self.player = projects, renderer, player
        self.rows: dict[str, BlockRow] = {}
        self.selected = ""
        self._shown: Project | None = None
        self._order: list[str] = []

        self.render_button = QPushButton(RENDER_LABELS[0], self)
        self.render_button.clicked.connect(self.render_changed)
        self.play_button = QPushButton("Pla&y from selected", self)
        self.play_button.clicked.connect(self.play_project)
        self.paste_button = QPushButton("Paste scr&ipt", self)
        self.paste_button.setToolTip("Add the clipboard's text; 'Name: line' assigns speakers")
        self.paste_button.clicked.connect(self._on_paste_clicked)
        self.new_button = QPushButton("Ne&w paragraph", self)
        self.new_button.setToolTip("Add an empty paragraph at the end and type in it")
        self.new_button.clicked.connect(self.new_paragraph)
        self.pause_button = QPushButton("Pa&use", self)
        self.pause_button.setToolTip("Insert a one-second pause at the caret of the paragraph")
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self._caret_block = ""
        self._tools = (
            self.render_button, self.play_button, self.new_button, self.paste_button,
            self.pause_button,
        )  # fmt: skip
        self.summary = ScriptSummary(self)
        self.render_progress = RenderProgress(renderer, self)
        self.progress = self.render_progress.bar
        top = QHBoxLayout()
        for widget in self._tools:
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.summary)

        self.bar = SegmentBar(self)
        self.bar.play_requested.connect(self.player.play_take)
        self.bar.regenerate_requested.connect(self._on_regenerate_requested)
        self.bar.take_chosen.connect(self.choose_take)
        self.bar.lock_toggled.connect(self._on_lock_toggled)
        # The selected sentence's actions (tests and the screenshot script reach them here).
        self.segment_play, self.regenerate_button = self.bar.play_button, self.bar.regenerate_button
        self.takes_button, self.takes_menu = self.bar.takes_button, self.bar.takes_menu
        self.lock_button = self.bar.lock_button
        self.bar.overrides_changed.connect(self._on_overrides_changed)
        self.segment_menu: QMenu | None = None  # the last sentence context menu shown

        self._rows_box = QWidget(self)
        self._rows_layout = QVBoxLayout(self._rows_box)
        self._rows_layout.addStretch(1)
        self.rows_scroll = QScrollArea(self)
        self.rows_scroll.setWidgetResizable(True)
        self.rows_scroll.setWidget(self._rows_box)
        self.find_bar = FindBar(self)
        self.finder = ScriptFinder(self, self.find_bar)
        self.empty_label = QLabel("No project open: File → New project or Open project…", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cast = CastPanel(self)
        self.cast.speaker_changed.connect(self._on_speaker_changed)
        self.cast.add_requested.connect(self._on_add_speaker)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.find_bar)
        left_layout.addWidget(self.render_progress)  # a row of its own while a job runs
        left_layout.addWidget(self.empty_label)
        left_layout.addWidget(self.rows_scroll, 1)
        left_layout.addWidget(self.bar)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.cast)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        projects.project_changed.connect(self.show_project)
        renderer.render_progressed.connect(self._on_render_progressed)
        renderer.render_finished.connect(self._on_render_finished)
        renderer.resume_offered.connect(self._on_resume_offered)
        player.segment_changed.connect(self._on_speaking_changed)
        self.show_project(None)

    # -- showing ----------------------------------------------------------------------------

    @Slot(object)
    def show_project(self, project: Project | None) -> None:
        """Show `project`: rows are reused by block id, only changed blocks repaint."""
        self._shown = project
        has = project is not None
        self.empty_label.setVisible(not has)
        self.rows_scroll.setVisible(has)
        for button in self._tools:
            button.setEnabled(has)
        blocks = project.blocks if project is not None else ()
        ids = [b.block_id for b in blocks]
        reorder = ids != self._order
        self._order = ids
        for block_id in list(self.rows):
            if block_id not in ids:
                gone = self.rows.pop(block_id)
                gone.retire()
                gone.deleteLater()
        for n, block in enumerate(blocks):
            row = self.rows.get(block.block_id)
            if row is None:
                row = self.rows[block.block_id] = BlockRow(block.block_id, self._rows_box)
                row.text_committed.connect(self._on_text_committed)
                row.speaker_chosen.connect(self._on_speaker_chosen)
                row.segment_selected.connect(self.select_segment)
                row.text_entered.connect(self._on_text_entered)
                row.split_requested.connect(self._on_split_requested)
                row.join_requested.connect(self._on_join_requested)
                row.join_next_requested.connect(self._on_join_next_requested)
                row.text_typed.connect(self._on_text_typed)
                row.segment_menu_requested.connect(self._on_segment_menu_requested)
            if reorder and self._rows_layout.indexOf(row) != n:
                self._rows_layout.insertWidget(n, row)
            assert project is not None
            row.show_block(project, block, self.selected, self.player.current)
        if project is not None and self.selected and not project.has(self.selected):
            self.selected = ""
        self.cast.show_project(project)
        self._show_selection()
        self.summary.show_project(project)  # recounts the changed blocks, at most every 150 ms
        self.finder.project_changed()

    def select_segment(self, segment_id: str) -> None:
        """Select a segment (its actions show below the rows); while playing, jump there."""
        self.selected = segment_id
        self._refresh_marks()
        self._show_selection()
        if self.player.playing:
            self.player.play_from(segment_id)

    def _refresh_marks(self) -> None:
        project = self._shown
        if project is None:
            return
        for block in project.blocks:
            self.rows[block.block_id].show_block(project, block, self.selected, self.player.current)

    def _show_selection(self) -> None:
        self.bar.show_segment(self._shown, self.selected)

    # -- intents ----------------------------------------------------------------------------

    def render_changed(self) -> None:
        """Say what Render changed costs, then start it (while a run goes on: stop it)."""
        if self.renderer.busy:
            self.renderer.cancel()
            return
        plan = self.renderer.plan()
        if not plan.jobs:
            self.status.emit("Everything is rendered: nothing to send.")
            return
        if plan.unvoiced:
            self.status.emit(f"Pick a voice for {', '.join(plan.unvoiced)} in the cast first.")
            return
        text = (
            f"Render {plan.requests} segment(s): {plan.characters} characters in "
            f"{plan.requests} request(s)?"
        )
        if dialogs.ask(self, "Render changed", text, default_yes=True):
            self.status.emit(f"Rendering {plan.requests} segment(s), {plan.characters} characters…")
            self.renderer.render_segments(plan.jobs)

    def open_find(self, replace: bool = False) -> None:
        """Open the find bar (Ctrl+F), with the replace fields (Ctrl+H)."""
        if self._shown is not None:
            self.finder.open(replace)

    def play_project(self) -> None:
        """Play the chosen takes from the selected segment (from the start when none)."""
        self.player.play_from(self.selected)

    def choose_take(self, segment_id: str, take_id: str) -> None:
        """Make a take the one played and exported, and play it."""
        self.projects.edit(lambda e: e.choose_take(segment_id, take_id))
        self.player.play_take(take_id)

    @Slot(str, QPoint)
    def _on_segment_menu_requested(self, segment_id: str, pos: QPoint) -> None:
        self.select_segment(segment_id)
        if self.segment_menu is not None:
            self.segment_menu.deleteLater()
        self.segment_menu = self.bar.context_menu(self)
        self.segment_menu.popup(pos)

    @Slot(str)
    def _on_regenerate_requested(self, segment_id: str) -> None:
        self.renderer.regenerate(segment_id)

    @Slot(str, bool)
    def _on_lock_toggled(self, segment_id: str, locked: bool) -> None:
        self.projects.edit(lambda e: e.set_locked(segment_id, locked))

    @Slot(int, int)
    def _on_render_progressed(self, done: int, total: int) -> None:
        self.render_button.setText(RENDER_LABELS[1])
        self.status.emit(f"Rendering segments: {done} of {total}")

    @Slot(int, int)
    def _on_render_finished(self, rendered: int, failed: int) -> None:
        self.render_button.setText(RENDER_LABELS[0])
        tail = f", {failed} failed" if failed else ""
        self.status.emit(f"Rendered {rendered} segment(s){tail}.")

    @Slot(object, int)
    def _on_resume_offered(self, job_ids: list[int], left: int) -> None:
        text = (
            f"Rendering this project stopped with {left} segment(s) to go (Waves Studio was "
            "closed or stopped unexpectedly). Resume it now? Finished segments are kept either way."
        )
        if dialogs.ask(self, "Resume rendering", text, default_yes=True):
            self.renderer.resume(job_ids)
        else:
            self.renderer.discard(job_ids)

    @Slot(str)
    def _on_speaking_changed(self, segment_id: str) -> None:
        self._refresh_marks()
        row = next((r for r in self.rows.values() if segment_id in r.stripe_buttons), None)
        if row is not None:
            self.rows_scroll.ensureWidgetVisible(row)
