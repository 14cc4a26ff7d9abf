"""Subtitle cues (SRT, WebVTT) from a mix's real timeline: sentences, 2 × 42 characters, ≥ 1 s."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.errors import ExportError
from studio.core.text import split_sentences, split_text

MAX_LINE = 42
MAX_LINES = 2
MIN_CUE_S = 1.0


@dataclass(frozen=True)
class SpokenPart:
    """One part of the mix as it was really placed.

    Attributes:
        text: What the part says.
        start_s, end_s: The part's place in the mix (from the mixdown timeline).
        speech: Measured (start, end) stretches of speech inside the part, in mix seconds
            (studio.audio.speech.speech_regions with the part's offset). Empty: unknown.
    """

    text: str
    start_s: float
    end_s: float
    speech: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Cue:
    """A subtitle: its lines and when it is on screen (seconds)."""

    start_s: float
    end_s: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The lines joined with newlines."""
        return "\n".join(self.lines)


def make_cues(parts: Sequence[SpokenPart]) -> list[Cue]:
    """Cues for every part: one per sentence (long sentences split at clauses, then words),
    each ≤ 2 lines of ≤ 42 characters, on screen ≥ 1 s where the next cue leaves room.

    Within a part, cue boundaries are placed at measured pauses: the text is apportioned by
    characters to find the expected point, and the boundary snaps to the pause (gap between
    speech stretches) nearest it, so each cue starts where its speech starts. A part with no
    measured speech is apportioned by characters alone: an estimate for the inner
    boundaries only (the part's own start and end are still real), and not word timing.
    """
    cues: list[Cue] = []
    for part in parts:
        pieces = _pieces(part.text)
        if pieces:
            cues.extend(_time_part(part, pieces))
    return _hold(cues)


def _pieces(text: str) -> list[str]:
    out: list[str] = []
    for sentence in split_sentences(text):
        out.extend(
            split_text(sentence, max_chars=MAX_LINE * MAX_LINES, ideal_chars=MAX_LINE * MAX_LINES)
        )
    return [p for p in out if p.strip()]


def _time_part(part: SpokenPart, pieces: list[str]) -> list[Cue]:
    speech = sorted(part.speech)
    begin = speech[0][0] if speech else part.start_s
    finish = speech[-1][1] if speech else part.end_s
    gaps = [(a[1], b[0]) for a, b in itertools.pairwise(speech)]
    total = sum(len(p) for p in pieces)
    bounds: list[tuple[float, float]] = []  # (end of cue k, start of cue k+1)
    done = 0
    for piece in pieces[:-1]:
        done += len(piece)
        expected = begin + (finish - begin) * done / total
        usable = [g for g in gaps if not bounds or g[0] >= bounds[-1][1]]
        if usable:
            gap = min(usable, key=lambda g: abs((g[0] + g[1]) / 2 - expected))
            gaps.remove(gap)
            bounds.append(gap)
        else:  # no measured pause left: proportional by characters (an estimate)
            at = max(expected, bounds[-1][1] if bounds else begin)
            bounds.append((at, at))
    starts = [begin] + [b[1] for b in bounds]
    ends = [b[0] for b in bounds] + [finish]
    return [Cue(s, e, wrap(p)) for p, s, e in zip(pieces, starts, ends, strict=True)]


def _hold(cues: list[Cue]) -> list[Cue]:
    """Keep every cue ≥ MIN_CUE_S on screen by extending its end, never past the next start.

    A cue the next one leaves too little room for is merged with it when both fit in two
    lines together (a flash of a few hundred ms cannot be read).
    """
    out: list[Cue] = []
    i = 0
    while i < len(cues):
        cue = cues[i]
        following = cues[i + 1] if i + 1 < len(cues) else None
        if following is not None and following.start_s - cue.start_s < MIN_CUE_S:
            joined = " ".join(f"{cue.text} {following.text}".split())
            merged = wrap(joined)
            if " ".join(merged) == joined and all(len(line) <= MAX_LINE for line in merged):
                cues[i + 1] = Cue(cue.start_s, max(cue.end_s, following.end_s), merged)
                i += 1
                continue
        limit = following.start_s if following is not None else float("inf")
        out.append(Cue(cue.start_s, max(cue.end_s, min(cue.start_s + MIN_CUE_S, limit)), cue.lines))
        i += 1
    return out


def wrap(text: str, width: int = MAX_LINE) -> tuple[str, ...]:
    """One line if it fits, else two balanced lines broken at a space (each ≤ `width` when the
    text allows; a word longer than the line is split)."""
    words = text.split()
    line = " ".join(words)
    if len(line) <= width:
        return (line,)
    best: tuple[str, str] | None = None
    for i in range(1, len(words)):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        fits = len(first) <= width and len(second) <= width
        if fits and (best is None or max(len(first), len(second)) < max(map(len, best))):
            best = (first, second)
    if best is not None:
        return best
    return (line[:width], line[width : 2 * width])


def to_srt(cues: Sequence[Cue]) -> str:
    """The cues as a SubRip file (composed by the `srt` library)."""
    import srt

    subtitles = [
        srt.Subtitle(i, _delta(c.start_s), _delta(c.end_s), c.text)
        for i, c in enumerate(cues, start=1)
    ]
    return str(srt.compose(subtitles, reindex=False))


def to_vtt(cues: Sequence[Cue]) -> str:
    """The cues as a WebVTT file, checked by parsing it back with webvtt-py.

    Raises:
        ExportError: the result does not parse (a bug: it means a cue was malformed).
    """
    lines = ["WEBVTT", ""]
    for i, c in enumerate(cues, start=1):
        lines += [str(i), f"{_vtt_time(c.start_s)} --> {_vtt_time(c.end_s)}", *c.lines, ""]
    text = "\n".join(lines)
    import webvtt

    try:
        parsed = webvtt.from_string(text)
    except Exception as exc:  # webvtt-py raises its own MalformedFileError and others
        raise ExportError(f"The WebVTT subtitles came out malformed: {exc}") from exc
    if len(parsed.captions) != len(cues):
        raise ExportError("The WebVTT subtitles came out malformed: cues were lost.")
    return text


def _delta(seconds: float) -> dt.timedelta:
    return dt.timedelta(milliseconds=round(seconds * 1000))


def _vtt_time(seconds: float) -> str:
    return timestamp(round(seconds * 1000))


def timestamp(ms: int) -> str:
    """HH:MM:SS.mmm of a time in milliseconds (WebVTT cue times; Vorbis CHAPTERnnn values)."""
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    return f"{h:02d}:{m:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
