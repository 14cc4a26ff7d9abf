"""Split long text into requests at sentence boundaries, as the Waves docs advise (§11)."""

from __future__ import annotations

import re

from studio.core.contract import TEXT_IDEAL_CHARS, TEXT_MAX_CHARS

# Latin-script sentence ends need a following space ("3.5" is not a boundary); CJK and Indic
# full stops (。！？ and the danda ।) end a sentence even with no space after them.
# A closing quote or bracket after the stop stays with its sentence (lookbehind, not consumed).
_SENTENCE_END = re.compile(r"(?<=[.!?…][\"'”’)\]])\s+|(?<=[.!?…])\s+|(?<=[。！？।])\s*|\n\s*\n|\n")
CLAUSE_END = re.compile(r"(?<=[,;:،、，；：])\s+")


def split_sentences(text: str) -> list[str]:
    """Split text after sentence-ending punctuation and at line breaks; drop empty pieces."""
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece and piece.strip()]


def _split_long(piece: str, max_chars: int) -> list[str]:
    """Split one over-long sentence at clause punctuation, then spaces, then anywhere."""
    if len(piece) <= max_chars:
        return [piece]
    for pattern in (CLAUSE_END, re.compile(r"\s+")):
        parts = [p for p in pattern.split(piece) if p]
        if len(parts) > 1:
            return _pack(parts, max_chars, max_chars)
    return [piece[i : i + max_chars] for i in range(0, len(piece), max_chars)]


def _pack(parts: list[str], max_chars: int, ideal_chars: int) -> list[str]:
    """Join consecutive parts while the result stays under the limits."""
    chunks: list[str] = []
    current = ""
    for part in parts:
        for sub in _split_long(part, max_chars):
            joined = f"{current} {sub}" if current else sub
            if current and len(joined) > min(ideal_chars, max_chars):
                chunks.append(current)
                current = sub
            else:
                current = joined
    if current:
        chunks.append(current)
    return chunks


def split_text(
    text: str, max_chars: int = TEXT_MAX_CHARS, ideal_chars: int = TEXT_IDEAL_CHARS
) -> list[str]:
    """Split text into request-sized chunks.

    Sentences are kept whole where they fit; short sentences are joined while the chunk stays
    within `ideal_chars`; a sentence over `max_chars` is split at commas, then at spaces.

    Args:
        text: Any amount of text.
        max_chars: Hard limit per chunk.
        ideal_chars: Join sentences only while the chunk stays this short.

    Returns:
        Non-empty chunks, each at most `max_chars` long, in order. Empty for blank text.
    """
    return _pack(split_sentences(text), max_chars, ideal_chars)
