"""Split long text into requests at sentence boundaries, as the Waves docs advise (§11)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from studio.core.contract import RENDER_MAX_CHARS, TEXT_IDEAL_CHARS, TEXT_MAX_CHARS

# Latin-script sentence ends need a following space ("3.5" is not a boundary); CJK and Indic
# full stops (。！？ and the danda ।) end a sentence even with no space after them.
# A closing quote or bracket after the stop stays with its sentence (lookbehind, not consumed).
_SENTENCE_END = re.compile(r"(?<=[.!?…][\"'”’)\]])\s+|(?<=[.!?…])\s+|(?<=[。！？।])\s*|\n\s*\n|\n")
CLAUSE_END = re.compile(r"(?<=[,;:،、，；：])\s+")
CHARS_PER_HOUR = 15 * 3600  # speech runs at about 15 characters a second


def iter_sentences(text: str) -> Iterator[str]:
    """The sentences of `text` one at a time (as split_sentences, without a list of them)."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.start()].strip()
        if piece:
            yield piece
        start = match.end()
    tail = text[start:].strip()
    if tail:
        yield tail


def split_sentences(text: str) -> list[str]:
    """Split text after sentence-ending punctuation and at line breaks; drop empty pieces."""
    return list(iter_sentences(text))


def _split_long(piece: str, max_chars: int) -> list[str]:
    """Split one over-long sentence at clause punctuation, then spaces, then anywhere."""
    if len(piece) <= max_chars:
        return [piece]
    for pattern in (CLAUSE_END, re.compile(r"\s+")):
        parts = [p for p in pattern.split(piece) if p]
        if len(parts) > 1:
            return list(_packed(parts, max_chars, max_chars))
    return [piece[i : i + max_chars] for i in range(0, len(piece), max_chars)]


def _packed(parts: Iterable[str], max_chars: int, ideal_chars: int) -> Iterator[str]:
    """Join consecutive parts while the result stays under the limits, one chunk at a time."""
    current = ""
    for part in parts:
        for sub in _split_long(part, max_chars):
            joined = f"{current} {sub}" if current else sub
            if current and len(joined) > min(ideal_chars, max_chars):
                yield current
                current = sub
            else:
                current = joined
    if current:
        yield current


def iter_pieces(
    text: str, max_chars: int = TEXT_MAX_CHARS, ideal_chars: int = TEXT_IDEAL_CHARS
) -> Iterator[str]:
    """The request-sized chunks of `text`, made as they are asked for (see split_text).

    A render takes one chunk at a time, so a long script never holds a list of its sentences,
    chunks or requests: only the text itself and the chunk on the wire.
    """
    return _packed(iter_sentences(text), max_chars, ideal_chars)


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
    return list(iter_pieces(text, max_chars, ideal_chars))


def too_long_for_one_render(what: str, limit: int = RENDER_MAX_CHARS) -> str:
    """The sentence that refuses a text over `limit` (`what`: "This text", a file name)."""
    hours = limit / CHARS_PER_HOUR
    return (
        f"{what} has more than {limit:,} characters, the most one render takes "
        f"(about {hours:.0f} hours of speech). Split it into parts (by chapter, say) and "
        "render each; waves-studio batch renders a folder of text files."
    )


def check_render_length(text: str) -> None:
    """Refuse a text longer than one render takes (before anything is hashed or sent).

    Raises:
        ValidationError: `text` has more than RENDER_MAX_CHARS characters.
    """
    if len(text) > RENDER_MAX_CHARS:
        from studio.core.errors import ValidationError

        raise ValidationError(too_long_for_one_render("This text"), "text")
