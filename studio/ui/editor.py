"""The text editor with its live character count and request-splitting hint."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QContextMenuEvent, QFont, QHelpEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from studio.core.contract import TEXT_IDEAL_CHARS, TEXT_MAX_CHARS
from studio.core.text import split_sentences, split_text
from studio.core.wordmatch import WordMatch
from studio.ui.rule_highlighter import RuleHighlighter
from studio.ui.theme import mark_as_hint

PLACEHOLDER = (
    "Type or paste a line to hear it…\n\n"
    "Ctrl+Enter speaks it. Long text is split into requests at sentence boundaries."
)


class TextEditor(QPlainTextEdit):
    """Plain text editing with undo/redo; leaves the window's shortcuts to the window.

    Ctrl+Enter, Esc and Ctrl+Space belong to the main window's actions, so the editor
    refuses them as shortcut overrides instead of inserting a newline or swallowing them.
    Words of ticked dictionaries are underlined; hovering shows the pronunciation, and a
    word that matches a rule only when case is ignored offers a one-click fix.

    Signals:
        add_variant_requested(str spelling, object ActiveRule): add the text's spelling to
            the rule's dictionary with the same pronunciation.
    """

    add_variant_requested = Signal(str, object)

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
        self.highlighter = RuleHighlighter(self.document())

    def match_at(self, point: QPoint) -> WordMatch | None:
        """The dictionary match under a viewport point, if any."""
        cursor = self.cursorForPosition(point)
        block = cursor.block()
        column = cursor.positionInBlock()
        for match in self.highlighter.matches(block.text()):
            if match.start <= column <= match.end:
                return match
        return None

    def viewportEvent(self, event: QEvent) -> bool:
        """Tooltips for dictionary words."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            match = self.match_at(event.pos())
            if match is None:
                QToolTip.hideText()
                return True
            rule = self.highlighter.rule_for(match.word)
            where = f" ({rule.dict_name})" if rule else ""
            if match.exact:
                tip = f"“{match.word}” is read as “{match.pronunciation}”{where}."
            else:
                tip = (
                    f"The rule for “{match.word}”{where} does not apply here: the text says "
                    f"“{match.found}” and dictionary words match case-sensitively. "
                    "Right-click to add this spelling."
                )
            QToolTip.showText(event.globalPos(), tip, self)
            return True
        return super().viewportEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """The usual menu, plus 'Add this spelling' on a case-only match."""
        menu = self.createStandardContextMenu()
        match = self.match_at(event.pos())
        rule = self.highlighter.rule_for(match.word) if match and not match.exact else None
        if match is not None and rule is not None:
            menu.insertSeparator(menu.actions()[0])
            action = QAction(
                f"Add “{match.found}” → “{rule.pronunciation}” to {rule.dict_name}", menu
            )
            found = match.found
            action.triggered.connect(
                lambda _checked=False: self.add_variant_requested.emit(found, rule)
            )
            menu.insertAction(menu.actions()[0], action)
        menu.exec(event.globalPos())

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


def longest_sentence(text: str) -> tuple[int, int]:
    """(start, end) of the longest sentence in `text` ((0, 0) for no text)."""
    best, pos = (0, 0), 0
    for sentence in split_sentences(text):
        start = text.find(sentence, pos)
        if start < 0:  # cannot happen (pieces are stripped, in order); keep the scan safe
            continue
        pos = start + len(sentence)
        if len(sentence) > best[1] - best[0]:
            best = (start, pos)
    return best


def excerpt(sentence: str, words: int = 6) -> str:
    """The first few words of a sentence, to name it in a hint."""
    parts = sentence.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def describe_length(text: str) -> tuple[str, str]:
    """The count line and the hint for `text` (hint empty when all is well).

    A hint about a long sentence names it by its first words (as a link the panel turns
    into "select that sentence").

    Returns:
        (count, hint), e.g. ("180 characters · 2 requests", "Long text is split…").
    """
    chars = len(text)
    pieces = split_text(text)
    requests = len(pieces)
    count = f"{chars} character{'s' * (chars != 1)}"
    if requests > 1:
        count += f" · {requests} requests"
    start, end = longest_sentence(text)
    named = f'<a href="#sentence">“{html.escape(excerpt(text[start:end]))}”</a>'
    if end - start > TEXT_MAX_CHARS:
        hint = (
            f"The sentence {named} is over {TEXT_MAX_CHARS} characters, the most one request "
            "can hold; it will be split at commas. A full stop would sound more natural."
        )
    elif end - start > TEXT_IDEAL_CHARS:
        hint = (
            f"The sentence {named} is over ~{TEXT_IDEAL_CHARS} characters; shorter ones sound best."
        )
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
        self.hint_label.setTextFormat(Qt.TextFormat.RichText)
        self.hint_label.setToolTip("Click the sentence to select it in the text")
        mark_as_hint(self.hint_label)
        footer = QHBoxLayout()
        footer.setContentsMargins(4, 0, 4, 0)
        footer.addWidget(self.hint_label, 1)
        footer.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        layout.addLayout(footer)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.hint_label.linkActivated.connect(self._on_hint_link_activated)
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

    def select_longest_sentence(self) -> None:
        """Select the longest sentence (the one the hint names) and focus the editor."""
        start, end = longest_sentence(self.text())
        cursor = self.editor.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def _on_hint_link_activated(self, _link: str) -> None:
        self.select_longest_sentence()
