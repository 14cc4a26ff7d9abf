"""Find and replace across a project's blocks, and its word and character counts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.core.errors import ValidationError
from studio.core.project import Project
from studio.core.project_text import PAUSE_MARKER

MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class Match:
    """One hit: the block and the [start, end) span in its text."""

    block_id: str
    start: int
    end: int


def compile_query(
    query: str, *, case_sensitive: bool = False, whole_word: bool = False
) -> re.Pattern[str]:
    """The pattern `find` uses (raises ValidationError for an empty or overlong query)."""
    if not query or len(query) > MAX_QUERY_CHARS:
        raise ValidationError(f"Search for 1–{MAX_QUERY_CHARS} characters.", "query")
    body = re.escape(query)
    if whole_word:
        body = rf"(?<!\w){body}(?!\w)"
    return re.compile(body, 0 if case_sensitive else re.IGNORECASE)


def text_matches(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """[start, end) spans of `pattern` in one block's text, outside pause markers (replacing
    "pause" must not break `[pause 1s]`)."""
    markers = [(m.start(), m.end()) for m in PAUSE_MARKER.finditer(text)]
    return [
        (m.start(), m.end())
        for m in pattern.finditer(text)
        if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e in markers)
    ]


def find(
    project: Project, query: str, *, case_sensitive: bool = False, whole_word: bool = False
) -> list[Match]:
    """Every match in reading order."""
    pattern = compile_query(query, case_sensitive=case_sensitive, whole_word=whole_word)
    return [
        Match(block.block_id, start, end)
        for block in project.blocks
        for start, end in text_matches(pattern, block.text)
    ]


def replaced_texts(
    project: Project,
    query: str,
    replacement: str,
    *,
    case_sensitive: bool = False,
    whole_word: bool = False,
) -> dict[str, str]:
    """{block id: new text} for every block with a match (replacement taken literally)."""
    pattern = compile_query(query, case_sensitive=case_sensitive, whole_word=whole_word)
    changed: dict[str, str] = {}
    for block in project.blocks:
        spans = text_matches(pattern, block.text)
        if spans:
            text = block.text
            for start, end in reversed(spans):
                text = text[:start] + replacement + text[end:]
            changed[block.block_id] = text
    return changed


@dataclass(frozen=True)
class TextCounts:
    """Words and characters of the spoken text (pause markers left out)."""

    words: int
    characters: int


def counts(project: Project) -> TextCounts:
    """Word and character counts over every segment's spoken text."""
    words = chars = 0
    for segment in project.segments():
        words += len(segment.text.split())
        chars += len(segment.text)
    return TextCounts(words, chars)
