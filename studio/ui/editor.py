"""The text editor with its live character count and request-splitting hint."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from studio.core.contract import TEXT_IDEAL_CHARS, TEXT_MAX_CHARS
from studio.core.text import split_sentences, split_text

PLACEHOLDER = (
    "Type or paste a line to hear it…\n\n"
    "Ctrl+Enter speaks it. Long text is split into requests at sentence boundaries."
)


class TextEditor(QPlainTextEdit):
    """Plain text editing with undo/redo; leaves the window's shortcuts to the window.

    Ctrl+Enter, Esc and Ctrl+Space belong to the main window's actions, so the editor
    refuses them as shortcut overrides instead of inserting a newline or swallowing them.
    """

    _WINDOW_KEYS = (
        QKeySequence("Ctrl+Return"),
        QKeySequence("Ctrl+Enter"),
        QKeySequence("Escape"),
        QKeySequence("Ctrl+Space"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(PLACEHOLDER)
        self.setTabChangesFocus(True)
        self.setAccessibleName("Text to speak")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.setFont(font)
        self.document().setDocumentMargin(12)

    def event(self, event: QEvent) -> bool:
        """Let window shortcuts through."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(
                pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch
                for k in self._WINDOW_KEYS
            ):
                event.ignore()
                return False
        return super().event(event)


def describe_length(text: str) -> tuple[str, str]:
    """The count line and the hint for `text` (hint empty when all is well).

    Returns:
        (count, hint), e.g. ("180 characters · 2 requests", "Long text is split…").
    """
    chars = len(text)
    pieces = split_text(text)
    requests = len(pieces)
    count = f"{chars} character{'s' * (chars != 1)}"
    if requests > 1:
        count += f" · {requests} requests"
    longest = max((len(s) for s in split_sentences(text)), default=0)
    if longest > TEXT_MAX_CHARS:
        hint = (
            f"A sentence is over {TEXT_MAX_CHARS} characters, the most one request can hold; "
            "it will be split at commas. A full stop would sound more natural."
        )
    elif longest > TEXT_IDEAL_CHARS:
        hint = f"A sentence is over ~{TEXT_IDEAL_CHARS} characters; shorter ones sound best."
    elif requests > 1:
        hint = f"Sent as {requests} requests, split at sentence boundaries."
    else:
        hint = ""
    return count, hint


class EditorPanel(QWidget):
    """The editor with its count line underneath.

    Signals:
        text_edited(str text): after every change.
    """

    text_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = TextEditor(self)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Character count")
        self.hint_label = QLabel(self)
        self.hint_label.setWordWrap(True)
        self.hint_label.setAccessibleName("Length hint")
        self.hint_label.setStyleSheet("color: palette(mid);")
        footer = QHBoxLayout()
        footer.setContentsMargins(4, 0, 4, 0)
        footer.addWidget(self.hint_label, 1)
        footer.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        layout.addLayout(footer)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self._on_editor_text_changed()

    def text(self) -> str:
        """The whole text."""
        return self.editor.toPlainText()

    def selected_or_all(self) -> str:
        """The selection if there is one, else the whole text."""
        selected = self.editor.textCursor().selectedText()
        return selected.replace("\u2029", "\n") if selected.strip() else self.text()

    def set_text(self, text: str) -> None:
        """Replace the text (undoable)."""
        cursor = self.editor.textCursor()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(text)

    @Slot()
    def _on_editor_text_changed(self) -> None:
        text = self.text()
        count, hint = describe_length(text)
        self.count_label.setText(count)
        self.hint_label.setText(hint)
        self.text_edited.emit(text)
