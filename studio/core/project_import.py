"""Pasted or imported script text to paragraphs, with `Speaker: line` tags read as speakers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from studio.core.text import split_sentences
from studio.core.textfile import unix_lines

# A tag is 1–3 capitalised words (letters, apostrophes, hyphens, dots) and a colon, then a
# space. Digits are refused so that "Chapter 1: …" and "10:30" stay text; "http://" has no space.
_TAG = re.compile(r"^\s*([A-ZÀ-Þ][\w'’.-]*(?: [A-ZÀ-Þ][\w'’.-]*){0,2})\s*:\s+(\S.*)$", re.DOTALL)
_BLANK_LINE = re.compile(r"\n\s*\n")
# A paragraph longer than this is cut into several blocks at sentence ends.
PASTE_BLOCK_CHARS = 4_000


@dataclass(frozen=True)
class Paragraph:
    """One block to create: its text and the speaker name its tag gave ("" for none)."""

    text: str
    speaker: str = ""


def _tag(paragraph: str) -> tuple[str, str] | None:
    match = _TAG.match(paragraph)
    if match is None or any(ch.isdigit() for ch in match.group(1)):
        return None
    return match.group(1).strip(), match.group(2).strip()


def _raw_paragraphs(text: str) -> list[str]:
    """Paragraphs split at blank lines and before every line that starts with a tag."""
    paragraphs: list[str] = []
    for chunk in _BLANK_LINE.split(unix_lines(text)):
        current: list[str] = []
        for line in chunk.split("\n"):
            if current and _tag(line) is not None:
                paragraphs.append(" ".join(current))
                current = []
            if line.strip():
                current.append(line.strip())
        if current:
            paragraphs.append(" ".join(current))  # hard-wrapped lines join into one paragraph
    return paragraphs


def cut_paragraph(text: str) -> list[str]:
    """A paragraph cut at sentence ends into pieces of at most PASTE_BLOCK_CHARS."""
    if len(text) <= PASTE_BLOCK_CHARS:
        return [text]
    pieces: list[str] = []
    current = ""
    for whole in split_sentences(text):
        sentence = whole
        while len(sentence) > PASTE_BLOCK_CHARS:  # no sentence end for 4,000 characters
            pieces.append(sentence[:PASTE_BLOCK_CHARS])
            sentence = sentence[PASTE_BLOCK_CHARS:]
        if current and len(current) + 1 + len(sentence) > PASTE_BLOCK_CHARS:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def parse_script(text: str, known_speakers: tuple[str, ...] = ()) -> list[Paragraph]:
    """The paragraphs of a pasted script, each with the speaker its `Name:` tag names.

    A tag counts when the name is already in the cast, when the same name tags at least two
    paragraphs, or when every paragraph is tagged; so a dialogue pastes as is, while one
    "Note: …" inside prose stays text. Paragraphs are split at blank lines and at tagged lines;
    wrapped lines are joined.

    Args:
        text: The pasted text (any size; each block stays under PASTE_BLOCK_CHARS).
        known_speakers: Names in the cast (matched case-insensitively).
    """
    raw = _raw_paragraphs(text)
    tags = [_tag(p) for p in raw]
    counts = Counter(t[0].casefold() for t in tags if t is not None)
    known = {name.casefold() for name in known_speakers}
    all_tagged = bool(raw) and all(t is not None for t in tags)
    result: list[Paragraph] = []
    for paragraph, tag in zip(raw, tags, strict=True):
        speaker, body = "", paragraph
        if tag is not None:
            folded = tag[0].casefold()
            if folded in known or counts[folded] >= 2 or all_tagged:
                speaker, body = tag
        result.extend(Paragraph(piece, speaker) for piece in cut_paragraph(body))
    return result
