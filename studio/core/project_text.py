"""Block text to segments: pause markers, sentence splitting, and identity-keeping re-splits."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from studio.core.contract import TEXT_MAX_CHARS
from studio.core.errors import ValidationError
from studio.core.project import MAX_PAUSE_S, Segment
from studio.core.text import split_sentences, split_text

MAX_BLOCK_CHARS = 20_000
# `[pause 1.5s]`, `[pause 500ms]`, `[pause 2]` (seconds), any case; other brackets are text.
PAUSE_MARKER = re.compile(r"\[\s*pause\s+(\d{1,3}(?:\.\d{1,3})?)\s*(ms|s)?\s*\]", re.IGNORECASE)


def pause_marker(seconds: float) -> str:
    """The marker text for a pause, as the Pause button inserts it (`[pause 1.5s]`)."""
    return f"[pause {seconds:g}s]"


def _marker_seconds(match: re.Match[str]) -> float:
    value = float(match.group(1))
    seconds = value / 1000 if (match.group(2) or "s").lower() == "ms" else value
    return min(seconds, MAX_PAUSE_S)


@dataclass(frozen=True)
class Piece:
    """One segment's worth of a block: spoken text, its span in the block, the pause after."""

    text: str
    start: int
    end: int
    pause_after_s: float = 0.0


def _locate(text: str, piece: str, pos: int) -> tuple[int, int]:
    """Where `piece` (words possibly re-joined by single spaces) sits in `text` from `pos`."""
    found = text.find(piece, pos)
    if found >= 0:
        return found, found + len(piece)
    pattern = r"\s+".join(re.escape(word) for word in piece.split())
    match = re.compile(pattern).search(text, pos)
    return (match.start(), match.end()) if match else (pos, pos)


# The shared splitter cuts after any full stop; an abbreviation or an initial does not end a
# sentence here, since each sentence becomes a request of its own ("Mr." alone sounds wrong).
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Mt|vs|e\.g|i\.e|No|Vol|Fig|cf)|\b[A-Z])\.$"
)


def _joined(sentences: list[str]) -> list[str]:
    out: list[str] = []
    for sentence in sentences:
        if out and _ABBREVIATION.search(out[-1]) and sentence[:1].isalnum():
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out


def _sentences(run: str) -> list[str]:
    """One piece per sentence; a sentence over the request limit is cut at clauses, then words."""
    pieces: list[str] = []
    for sentence in _joined(split_sentences(run)):
        pieces.extend([sentence] if len(sentence) <= TEXT_MAX_CHARS else split_text(sentence))
    return pieces


def split_block(text: str) -> list[Piece]:
    """The segments of a block's text, in order.

    Every sentence is its own segment, so editing one sentence re-renders only that one (the
    single-line editor packs short sentences into ~140-character requests instead). A pause
    marker ends the segment before it and becomes its pause; a marker before any text makes a
    pause-only segment (empty text). Consecutive markers add up (at most 60 s).
    """
    pieces: list[Piece] = []
    pos = 0
    markers = [*PAUSE_MARKER.finditer(text), None]
    for marker in markers:
        end = marker.start() if marker else len(text)
        run_pos = pos
        for sentence in _sentences(text[pos:end]):
            start, stop = _locate(text, sentence, run_pos)
            pieces.append(Piece(sentence, start, stop))
            run_pos = stop
        if marker is None:
            break
        pause = _marker_seconds(marker)
        if pieces:  # only spaces lie between the last piece and this marker
            last = pieces[-1]
            total = min(last.pause_after_s + pause, MAX_PAUSE_S)
            pieces[-1] = replace(last, end=marker.end(), pause_after_s=total)
        else:
            pieces.append(Piece("", marker.start(), marker.end(), pause))
        pos = marker.end()
    return pieces


def check_block_text(text: str) -> str:
    """Refuse a block longer than MAX_BLOCK_CHARS (memory and time stay bounded)."""
    if len(text) > MAX_BLOCK_CHARS:
        raise ValidationError(
            f"A paragraph holds up to {MAX_BLOCK_CHARS:,} characters; split it with Enter.", "text"
        )
    return text


def resplit(
    text: str,
    old: Iterable[Segment],
    new_id: Callable[[], str],
    revive: Callable[[str], Segment | None] | None = None,
) -> tuple[Segment, ...]:
    """The segments of `text`, reusing `old` segments wherever their sentence is unchanged.

    Sentences are aligned with difflib (equal runs keep their segment, with its takes, lock and
    overrides); a run of edited sentences pairs with the old run position by position, so a
    sentence edited in place keeps its takes and becomes stale rather than new. Failures are
    cleared on edited segments. A sentence with no old segment to pair with asks `revive` for
    one this block lost earlier (undo, redo, retyping), so its takes come back. Cost:
    O(segments of this block).
    """
    previous = list(old)
    pieces = split_block(check_block_text(text))
    old_texts = [s.text for s in previous]
    new_texts = [p.text for p in pieces]
    result: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset, piece in enumerate(pieces[j1:j2]):
            reuse = previous[i1 + offset] if tag != "insert" and i1 + offset < i2 else None
            if reuse is None and revive is not None:
                reuse = revive(piece.text)
            if reuse is None:
                result.append(Segment(new_id(), piece.text, piece.pause_after_s))
            elif reuse.text == piece.text and reuse.pause_after_s == piece.pause_after_s:
                result.append(reuse)
            elif reuse.text == piece.text:
                result.append(replace(reuse, pause_after_s=piece.pause_after_s))
            else:
                result.append(
                    replace(
                        reuse,
                        text=piece.text,
                        pause_after_s=piece.pause_after_s,
                        failure="",
                        failed_key="",
                    )
                )
    return tuple(result)


def block_spans(text: str) -> list[tuple[int, int]]:
    """Each segment's (start, end) in the block text, markers included (read-along highlight)."""
    return [(p.start, p.end) for p in split_block(text)]
