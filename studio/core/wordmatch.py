"""How dictionary words are found in text: case-sensitively, on word boundaries (§7).

One implementation for waves-local (which applies the rules), the editor (which underlines
covered words) and the pronunciation test bench (which explains why a rule did not apply).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WordMatch:
    """A place in the text where a rule's word stands.

    Attributes:
        start, end: Character span in the text.
        found: The text as written there.
        word: The rule's word.
        pronunciation: The rule's pronunciation.
        exact: True when the case matches too (the rule applies); False for a match that
            only ignores case (the rule will NOT apply).
    """

    start: int
    end: int
    found: str
    word: str
    pronunciation: str
    exact: bool


def _table(rules: Iterable[tuple[str, str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for word, pronunciation in rules:
        if word:
            table.setdefault(word, pronunciation)  # the first dictionary in the request wins
    return table


def _pattern(words: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)  # the longest word wins where words overlap
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)", flags)


def apply_rules(text: str, rules: Iterable[tuple[str, str]]) -> str:
    """Replace each rule's word by its pronunciation, case-sensitively, on word boundaries.

    One pass with one pattern: a replacement is never rewritten by a later rule, the longest
    word wins where words overlap, and `SQL` touches neither `MySQL` nor `sql`.
    """
    table = _table(rules)
    if not table:
        return text
    return _pattern(table).sub(lambda match: table[match.group(0)], text)


def find_words(text: str, rules: Iterable[tuple[str, str]]) -> list[WordMatch]:
    """Every exact match (the rule applies) and every case-only match (it does not), in order.

    A case-only match is reported only where no exact match covers the same span.
    """
    table = _table(rules)
    if not table:
        return []
    matches = [
        WordMatch(m.start(), m.end(), m.group(0), m.group(0), table[m.group(0)], True)
        for m in _pattern(table).finditer(text)
    ]
    taken = {(m.start, m.end) for m in matches}
    by_fold: dict[str, str] = {}
    for word in table:
        by_fold.setdefault(word.casefold(), word)
    for m in _pattern(table, re.IGNORECASE).finditer(text):
        if (m.start(), m.end()) in taken or m.group(0) in table:
            continue
        rule_word = by_fold.get(m.group(0).casefold())
        if rule_word is not None:
            matches.append(
                WordMatch(m.start(), m.end(), m.group(0), rule_word, table[rule_word], False)
            )
    return sorted(matches, key=lambda match: match.start)


def word_status(text: str, word: str) -> tuple[str, str]:
    """("present" | "case_differs" | "absent", the text as written where it was found)."""
    found = find_words(text, [(word, word)])
    exact = [m for m in found if m.exact]
    if exact:
        return "present", exact[0].found
    if found:
        return "case_differs", found[0].found
    return "absent", ""
