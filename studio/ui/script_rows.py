"""One row of the Script view: a block's speaker chip, its text, and its segments' stripes."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from studio.core.project import Block, Project
from studio.core.project_cast import Cast
from studio.core.project_state import SegmentState, block_states
from studio.ui.script_text import BlockText

# Colour plus a symbol and text, so the state never rests on colour alone.
STATE_LOOK: dict[SegmentState, tuple[str, str]] = {
    SegmentState.NOT_RENDERED: ("#9e9e9e", "○"),
    SegmentState.RENDERED: ("#2e7d32", "●"),
    SegmentState.STALE: ("#ef6c00", "◐"),
    SegmentState.LOCKED: ("#1565c0", "🔒"),
    SegmentState.FAILED: ("#c62828", "✕"),
}
# A sentence with its own voice or speed (not the speaker's) carries this mark.
OVERRIDE_MARK = "✱"


class BlockRow(QWidget):
    """A block: speaker chip (a combo of the cast), its text, one stripe button per segment.

    Signals:
        text_committed(str block_id, str text)
        speaker_chosen(str block_id, str speaker_id)
        segment_selected(str segment_id)
        text_entered(str block_id): the caret went into this block's text.
        split_requested(str block_id, int offset, str text): Enter in the text.
        join_requested(str block_id, str text): Backspace at its start.
        join_next_requested(str block_id, str text): Delete at its end.
        text_typed(str block_id): the text changed in the field (not yet committed).
        segment_menu_requested(str segment_id, QPoint global_pos): a right-click on a stripe.
    """

    text_committed = Signal(str, str)
    speaker_chosen = Signal(str, str)
    segment_selected = Signal(str)
    text_entered = Signal(str)
    split_requested = Signal(str, int, str)
    join_requested = Signal(str, str)
    join_next_requested = Signal(str, str)
    text_typed = Signal(str)
    segment_menu_requested = Signal(str, QPoint)

    def __init__(self, block_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.block_id = block_id
        self.block: Block | None = None
        self._cast: Cast | None = None
        self._marks = ("", "")
        self.speaker = QComboBox(self)
        self.speaker.setAccessibleName("Speaker")
        self.speaker.setMinimumContentsLength(8)
        self.speaker.activated.connect(self._on_speaker_activated)
        self.text = BlockText(self)
        self.text.setAccessibleName("Paragraph text")
        self.text.committed.connect(self._on_text_committed)
        self.text.entered.connect(lambda: self.text_entered.emit(self.block_id))
        self.text.split_requested.connect(
            lambda offset, text: self.split_requested.emit(self.block_id, offset, text)
        )
        self.text.join_requested.connect(lambda text: self.join_requested.emit(self.block_id, text))
        self.text.join_next_requested.connect(
            lambda text: self.join_next_requested.emit(self.block_id, text)
        )
        self.text.textChanged.connect(self._on_text_changed)
        self.stripes = QHBoxLayout()
        self.stripes.setSpacing(2)
        self.stripe_buttons: dict[str, QToolButton] = {}
        body = QVBoxLayout()
        body.setSpacing(2)
        body.addWidget(self.text)
        body.addLayout(self.stripes)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.speaker, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(body, 1)

    def show_block(self, project: Project, block: Block, selected: str, speaking: str) -> None:
        """Show `block` (text untouched while the user is typing in it)."""
        # Values are shared by identity across edits: an unchanged block and cast need nothing.
        if block is self.block and project.cast is self._cast:
            self._mark(selected, speaking)
            return
        self.block, self._cast = block, project.cast
        speakers = project.cast.speakers
        self.speaker.blockSignals(True)
        self.speaker.clear()
        for s in speakers:
            self.speaker.addItem(s.name, s.speaker_id)
        self.speaker.setCurrentIndex(max(0, self.speaker.findData(block.speaker_id)))
        colour = project.cast.get(block.speaker_id).colour
        self.speaker.setStyleSheet(
            f"QComboBox {{ border: 1px solid palette(mid); border-left: 6px solid {colour};"
            " border-radius: 3px; padding: 2px 4px; }"
        )
        self.speaker.blockSignals(False)
        self.text.show_text(block.text)
        self._show_segments(project, block)
        self._mark(selected, speaking, force=True)

    def _show_segments(self, project: Project, block: Block) -> None:
        while self.stripes.count():
            item = self.stripes.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.stripe_buttons = {}
        states = dict(block_states(project, block.block_id))
        for n, segment in enumerate(block.segments, 1):
            state = states[segment.segment_id]
            colour, symbol = STATE_LOOK[state]
            take = segment.take()
            duration = f" {take.duration_s:.1f} s" if take is not None else ""
            if segment.pause_after_s:
                duration += f" ⏸{segment.pause_after_s:g} s"
            own = override_text(segment.voice_id, segment.speed)
            button = QToolButton(self)
            button.setCheckable(True)
            button.setText(f"{symbol} {n}{duration}" + (f" {OVERRIDE_MARK}" if own else ""))
            button.setProperty("state", state.value)
            button.setStyleSheet(
                f"QToolButton {{ color: {colour}; border: 1px solid transparent;"
                f" border-bottom: 3px solid {colour}; padding: 1px 4px; }}"
                f" QToolButton:checked {{ border: 1px solid palette(highlight);"
                f" border-bottom: 3px solid {colour}; }}"
            )
            preview = segment.text[:60] + ("…" if len(segment.text) > 60 else "")
            own = f", {own}" if own else ""
            button.setToolTip(f"Sentence {n}: {state.value}{duration}{own}\n{preview}")
            button.setAccessibleName(f"Sentence {n}, {state.value}{duration}{own}")
            button.clicked.connect(
                lambda _=False, sid=segment.segment_id: self.segment_selected.emit(sid)
            )
            button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            button.customContextMenuRequested.connect(
                lambda pos, sid=segment.segment_id, b=button: self.segment_menu_requested.emit(
                    sid, b.mapToGlobal(pos)
                )
            )
            self.stripes.addWidget(button)
            self.stripe_buttons[segment.segment_id] = button
        self.stripes.addStretch(1)

    def _mark(self, selected: str, speaking: str, force: bool = False) -> None:
        if not force and self._marks == (selected, speaking):
            return
        self._marks = (selected, speaking)
        for segment_id, button in self.stripe_buttons.items():
            button.setChecked(segment_id == selected)
            font = button.font()
            # The read-along mark: bold and underlined (not colour, which shows the state).
            font.setBold(segment_id == speaking)
            font.setUnderline(segment_id == speaking)
            button.setFont(font)

    def retire(self) -> None:
        """The block is gone: a late focus-out must not commit text for it."""
        self.block = None

    @Slot()
    def _on_text_changed(self) -> None:
        if self.text.document().isModified():
            self.text_typed.emit(self.block_id)

    @Slot(int)
    def _on_speaker_activated(self, index: int) -> None:
        self.speaker_chosen.emit(self.block_id, str(self.speaker.itemData(index)))

    @Slot(str)
    def _on_text_committed(self, text: str) -> None:
        # A blank paragraph is reported too: the view removes it.
        if self.block is not None and (text != self.block.text or not text.strip()):
            self.text_committed.emit(self.block_id, text)


def override_text(voice_id: str | None, speed: float | None) -> str:
    """ "own voice emily, own speed 1.2×" for a sentence's overrides ("" for none)."""
    parts = []
    if voice_id is not None:
        parts.append(f"own voice {voice_id or '(default)'}")
    if speed is not None:
        parts.append(f"own speed {speed:g}×")
    return ", ".join(parts)
