"""Marks dictionary words in the editor: underlined where a rule applies, warned on case only."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from studio.core.wordmatch import WordMatch, find_words


@dataclass(frozen=True)
class ActiveRule:
    """A rule of a ticked dictionary, as the editor shows it."""

    word: str
    pronunciation: str
    dict_id: str
    dict_name: str


class RuleHighlighter(QSyntaxHighlighter):
    """Underlines covered words (dotted) and case-only matches (red wavy) as you type."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.rules: list[ActiveRule] = []
        self._pairs: list[tuple[str, str]] = []
        self._covered = QTextCharFormat()
        self._covered.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        self._covered.setUnderlineColor(QColor("#4c6ef5"))
        self._mismatch = QTextCharFormat()
        self._mismatch.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._mismatch.setUnderlineColor(QColor(Qt.GlobalColor.red))

    def set_rules(self, rules: list[ActiveRule]) -> None:
        """Use these rules (first dictionary wins for a word, as on the server) and redraw."""
        if rules == self.rules:
            return
        self.rules = list(rules)
        self._pairs = [(r.word, r.pronunciation) for r in rules]
        self.rehighlight()

    def matches(self, text: str) -> list[WordMatch]:
        """Exact and case-only matches in a piece of text."""
        return find_words(text, self._pairs) if self._pairs else []

    def rule_for(self, word: str) -> ActiveRule | None:
        """The rule (first dictionary) for a word."""
        return next((r for r in self.rules if r.word == word), None)

    def highlightBlock(self, text: str) -> None:
        for match in self.matches(text):
            fmt = self._covered if match.exact else self._mismatch
            self.setFormat(match.start, match.end - match.start, fmt)
