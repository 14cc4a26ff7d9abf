"""One row of the Script view: a block's speaker chip, its text, and its segments' stripes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.project import Block, Project
from studio.core.project_cast import Cast
from studio.core.project_state import SegmentState, block_states

# Colour plus a symbol and text, so the state never rests on colour alone.
STATE_LOOK: dict[SegmentState, tuple[str, str]] = {
    SegmentState.NOT_RENDERED: ("#9e9e9e", "○"),
    SegmentState.RENDERED: ("#2e7d32", "●"),
    SegmentState.STALE: ("#ef6c00", "◐"),
    SegmentState.LOCKED: ("#1565c0", "🔒"),
    SegmentState.FAILED: ("#c62828", "✕"),
}


class BlockText(QPlainTextEdit):
    """A paragraph's text; the edit is committed when the caret leaves (or Ctrl+Enter).

    Signals:
        committed(str text): the text as it stands, when editing ends.
    """

    committed = Signal(str)
    entered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().contentsChanged.connect(self._fit)
        self._fit()

    @Slot()
    def _fit(self) -> None:
        lines = max(1, min(8, int(self.document().size().height())))
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 12)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.entered.emit()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.committed.emit(self.toPlainText())
        super().focusOutEvent(event)

    def event(self, event: QEvent) -> bool:
        # The window's Ctrl+Enter renders the single line; here it ends the paragraph's edit.
        if event.type() == QEvent.Type.ShortcutOverride and _is_commit(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_commit(event):
            self.committed.emit(self.toPlainText())
            return
        super().keyPressEvent(event)


def _is_commit(event: QEvent) -> bool:
    """Ctrl+Enter."""
    return (
        isinstance(event, QKeyEvent)
        and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    )


class BlockRow(QWidget):
    """A block: speaker chip (a combo of the cast), its text, one stripe button per segment.

    Signals:
        text_committed(str block_id, str text)
        speaker_chosen(str block_id, str speaker_id)
        segment_selected(str segment_id)
        text_entered(str block_id): the caret went into this block's text.
    """

    text_committed = Signal(str, str)
    speaker_chosen = Signal(str, str)
    segment_selected = Signal(str)
    text_entered = Signal(str)

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
        if not self.text.hasFocus() and self.text.toPlainText() != block.text:
            self.text.setPlainText(block.text)
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
            button = QToolButton(self)
            button.setCheckable(True)
            button.setText(f"{symbol} {n}{duration}")
            button.setProperty("state", state.value)
            button.setStyleSheet(
                f"QToolButton {{ color: {colour}; border: 1px solid transparent;"
                f" border-bottom: 3px solid {colour}; padding: 1px 4px; }}"
                f" QToolButton:checked {{ border: 1px solid palette(highlight);"
                f" border-bottom: 3px solid {colour}; }}"
            )
            preview = segment.text[:60] + ("…" if len(segment.text) > 60 else "")
            button.setToolTip(f"Sentence {n}: {state.value}{duration}\n{preview}")
            button.setAccessibleName(f"Sentence {n}, {state.value}{duration}")
            button.clicked.connect(
                lambda _=False, sid=segment.segment_id: self.segment_selected.emit(sid)
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

    @Slot(int)
    def _on_speaker_activated(self, index: int) -> None:
        self.speaker_chosen.emit(self.block_id, str(self.speaker.itemData(index)))

    @Slot(str)
    def _on_text_committed(self, text: str) -> None:
        # A blank paragraph is reported too: the view removes it.
        if self.block is not None and (text != self.block.text or not text.strip()):
            self.text_committed.emit(self.block_id, text)
