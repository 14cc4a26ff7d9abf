"""A paragraph's text field in the Script view: commit on leaving, Enter/Backspace/Delete
split and join paragraphs, find matches highlighted."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QTextEdit, QWidget

# Find matches: dark text on amber, the current one deeper (readable on either theme).
MATCH_LOOK = (QColor("#ffe082"), QColor("#ffa726"), QColor("#000000"))


class BlockText(QPlainTextEdit):
    """A paragraph's text; the edit is committed when the caret leaves (or Ctrl+Enter).

    Enter splits the paragraph at the caret, Shift+Enter breaks the line (a new segment, the
    same paragraph), Backspace at the very start joins it to the paragraph before. The
    document's modified flag means "typed, not yet committed".

    Signals:
        committed(str text): the text as it stands, when editing ends.
        entered(): the caret came in.
        split_requested(int offset, str text): Enter at `offset` of `text`.
        join_requested(str text): Backspace at the start.
        join_next_requested(str text): Delete at the end.
    """

    committed = Signal(str)
    entered = Signal()
    split_requested = Signal(int, str)
    join_requested = Signal(str)
    join_next_requested = Signal(str)

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
        self._commit()
        super().focusOutEvent(event)

    def _commit(self) -> None:
        self.document().setModified(False)
        self.committed.emit(self.toPlainText())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            # The window's Ctrl+Enter renders the single line; here it ends the paragraph's edit.
            if _is_commit(event):
                event.accept()
                return True
            # With no typing of its own to undo, Ctrl+Z goes to the project (un-split, …).
            document = self.document()
            if (
                event.matches(QKeySequence.StandardKey.Undo) and not document.isUndoAvailable()
            ) or (event.matches(QKeySequence.StandardKey.Redo) and not document.isRedoAvailable()):
                event.ignore()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if _is_commit(event):
            self._commit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            mods & ~Qt.KeyboardModifier.KeypadModifier
        ):
            cursor = self.textCursor()
            cursor.removeSelectedText()
            self.document().setModified(False)  # the split takes the text as typed
            text = self.toPlainText()
            self.split_requested.emit(from_qt(text, cursor.position()), text)
            return
        cursor = self.textCursor()
        if key == Qt.Key.Key_Backspace and cursor.position() == 0 and not cursor.hasSelection():
            self.document().setModified(False)
            self.join_requested.emit(self.toPlainText())
            return
        at_end = cursor.atEnd()
        if key == Qt.Key.Key_Delete and at_end and not cursor.hasSelection():
            self.document().setModified(False)
            self.join_next_requested.emit(self.toPlainText())
            return
        super().keyPressEvent(event)

    def caret(self) -> int:
        """The caret as an index into the text (Qt counts UTF-16 units, Python characters)."""
        return from_qt(self.toPlainText(), self.textCursor().position())

    def set_caret(self, index: int) -> None:
        """Put the caret at an index into the text."""
        text = self.toPlainText()
        cursor = self.textCursor()
        cursor.setPosition(to_qt(text, min(index, len(text))))
        self.setTextCursor(cursor)

    def show_text(self, text: str) -> None:
        """Show the model's text unless the user has typed something not yet committed."""
        if not self.document().isModified() and self.toPlainText() != text:
            # textChanged means typing to listeners; the document marks itself modified while
            # its text is being set, so this is kept from them.
            self.blockSignals(True)
            try:
                self.setPlainText(text)
            finally:
                self.blockSignals(False)

    def set_matches(self, spans: list[tuple[int, int]], current: int = -1) -> None:
        """Highlight find matches; `current` (an index into spans) is the one gone to."""
        text = self.toPlainText()
        selections = []
        for n, (start, end) in enumerate(spans):
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(to_qt(text, start))
            cursor.setPosition(to_qt(text, end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = _MATCH_FORMATS[n == current]
            selections.append(selection)
        self.setExtraSelections(selections)


def _match_format(background: QColor) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(background)
    fmt.setForeground(MATCH_LOOK[2])
    return fmt


# Built once: a long script can show thousands of matches.
_MATCH_FORMATS = (_match_format(MATCH_LOOK[0]), _match_format(MATCH_LOOK[1]))


def from_qt(text: str, position: int) -> int:
    """A Qt position in `text` (UTF-16 units: an emoji counts two) as a Python index."""
    if text.isascii():
        return position
    units = 0
    for index, char in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def to_qt(text: str, index: int) -> int:
    """A Python index into `text` as a Qt position."""
    if text.isascii():
        return index
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)


def _is_commit(event: QEvent) -> bool:
    """Ctrl+Enter."""
    return (
        isinstance(event, QKeyEvent)
        and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    )
