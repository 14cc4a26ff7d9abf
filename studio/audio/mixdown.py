"""Mix parts (takes with pauses, or cues at absolute times) into one file, streamed in blocks."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from studio.audio import mixjoin
from studio.audio.atomic import atomic_target
from studio.audio.loudstream import LoudnessMeter, TruePeakLimiter
from studio.audio.mixsource import load_part
from studio.audio.mixwriter import StreamWriter
from studio.audio.mp3_export import DEFAULT_BITRATE
from studio.core.errors import CancelledError, ExportError
from studio.core.export_choices import JOIN_MODES

FloatArray = npt.NDArray[np.float32]
BLOCK = 1 << 16


@dataclass(frozen=True)
class Part:
    """One piece of the mix.

    Attributes:
        source: A file (WAV/MP3/PCM/μ-law/A-law via the app's decoder, FLAC/Ogg via
            libsndfile) or mono float samples.
        sample_rate: The samples' rate; for headerless files (.pcm/.ulaw/.alaw) their rate.
        pause_after_s: Silence after the part (ignored when the next part has `start_s`).
        start_s: Absolute start in the mix (a timed timeline, e.g. dubbing to cues); a part
            that would overlap the one before is pushed later, and the timeline says so.
        chapter: Title of a chapter that starts with this part.
    """

    source: str | os.PathLike[str] | FloatArray = field(repr=False)
    sample_rate: int | None = None
    pause_after_s: float = 0.0
    start_s: float | None = None
    chapter: str | None = None


@dataclass(frozen=True)
class MixOptions:
    """How the mix is made and saved.

    Attributes:
        export_format: One of studio.audio.export.EXPORT_FORMATS.
        sample_rate: Output rate in Hz (parts are resampled with soxr).
        join_ms: Length of the join treatment, 0–50 ms (0: plain butt joins).
        join_mode: "crossfade" (equal-power overlap when parts touch, raised-cosine fades
            to and from pauses) or "zero" (cut at zero crossings).
        target_lufs: Integrated loudness of the whole mix, or None to leave levels alone.
        true_peak_db: Ceiling (dBTP) a limiter holds when target_lufs is set.
        bitrate: MP3 kbps (or mp3_export.VBR).
        overwrite: Replace an existing file.
    """

    export_format: str = "wav"
    sample_rate: int = 44100
    join_ms: float = 10.0
    join_mode: str = "crossfade"
    target_lufs: float | None = None
    true_peak_db: float = -1.0
    bitrate: int = DEFAULT_BITRATE
    overwrite: bool = False


@dataclass(frozen=True)
class Span:
    """Where a part landed in the output, in samples: [start, end)."""

    start: int
    end: int


@dataclass(frozen=True)
class MixResult:
    """The saved mix and its real timeline.

    Attributes:
        path: The file.
        sample_rate: Its rate.
        frames: Its length in samples.
        spans: One Span per part, in order (what subtitles and chapters use); parts joined
            by a crossfade overlap by its length.
        chapters: (title, start sample) for each part that opens a chapter.
        loudness_lufs: The measured loudness before the gain (None: not measured).
        gain_db: The gain applied for the loudness target (0 without one).
        limited: True when the true-peak limiter reduced any peak.
    """

    path: Path
    sample_rate: int
    frames: int
    spans: tuple[Span, ...]
    chapters: tuple[tuple[str, int], ...]
    loudness_lufs: float | None = None
    gain_db: float = 0.0
    limited: bool = False

    def seconds(self, sample: int) -> float:
        """A sample index in seconds."""
        return sample / self.sample_rate


Finisher = Callable[[Path, "MixResult"], None]


def mixdown(
    parts: Sequence[Part],
    path: Path,
    options: MixOptions,
    finish: Finisher | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> MixResult:
    """Stream `parts` into `path`, atomically; returns the real timeline.

    With a loudness target the parts are read twice: once to measure (a streaming BS.1770
    meter), once to write with the gain and a true-peak limiter. `finish(temp, result)` runs
    on the finished temp file before it is renamed into place (chapters and tags go there,
    so the file appears complete or not at all). `progress(fraction)` is called before each
    part (0.0–1.0, both passes); setting `cancel` stops before the next part.

    Raises:
        ExportError: bad options or a failed save; DecodeError: a part could not be read;
        CancelledError: `cancel` was set (nothing is left on disk).
    """
    _check(parts, options)
    spans: list[Span] = []
    loudness, gain_db = None, 0.0
    passes = 2 if options.target_lufs is not None else 1

    def ticker(pass_index: int) -> Callable[[int], None]:
        def tick(done: int) -> None:
            if cancel is not None and cancel.is_set():
                raise CancelledError("Export cancelled.")
            if progress is not None:
                progress((pass_index + done / len(parts)) / passes)

        return tick

    if options.target_lufs is not None:
        meter = LoudnessMeter(options.sample_rate)
        for block in _mix_blocks(parts, options, [], ticker(0)):
            meter.feed(block)
        loudness = meter.integrated()
        if math.isfinite(loudness):
            gain_db = options.target_lufs - loudness
    limiter = None
    if options.target_lufs is not None:
        limiter = TruePeakLimiter(options.sample_rate, options.true_peak_db)
    gain = np.float32(10.0 ** (gain_db / 20.0))
    with atomic_target(path, overwrite=options.overwrite) as temp:
        writer = StreamWriter(temp, options.export_format, options.sample_rate, options.bitrate)
        try:
            for block in _mix_blocks(parts, options, spans, ticker(passes - 1)):
                out = block * gain if gain_db else block
                writer.write(limiter.process(out) if limiter is not None else out)
            if limiter is not None:
                writer.write(limiter.flush())
        finally:
            writer.close()
        chapters = tuple(
            (p.chapter, s.start) for p, s in zip(parts, spans, strict=True) if p.chapter
        )
        result = MixResult(
            path=path,
            sample_rate=options.sample_rate,
            frames=writer.frames,
            spans=tuple(spans),
            chapters=chapters,
            loudness_lufs=loudness,
            gain_db=gain_db,
            limited=bool(limiter and limiter.reduced),
        )
        if finish is not None:
            finish(temp, result)
    if progress is not None:
        progress(1.0)
    return result


def _check(parts: Sequence[Part], options: MixOptions) -> None:
    if not parts:
        raise ExportError("There is nothing to mix: no parts.")
    if not 0.0 <= options.join_ms <= mixjoin.MAX_JOIN_MS:
        raise ExportError(f"The join length must be 0–{mixjoin.MAX_JOIN_MS:g} ms.")
    if options.join_mode not in JOIN_MODES:
        raise ExportError(f"Unknown join mode '{options.join_mode}'.")
    if not 1000 <= options.sample_rate <= 384000:
        raise ExportError(f"Cannot save at {options.sample_rate} Hz.")
    if any(p.pause_after_s < 0 or (p.start_s is not None and p.start_s < 0) for p in parts):
        raise ExportError("Pauses and start times cannot be negative.")


def _mix_blocks(
    parts: Sequence[Part], options: MixOptions, spans: list[Span], tick: Callable[[int], None]
) -> Iterator[FloatArray]:
    """The mix as blocks of at most BLOCK samples; fills `spans` as parts land."""
    rate = options.sample_rate
    join = round(options.join_ms * rate / 1000)
    crossfading = options.join_mode == "crossfade" and join > 0
    pos = 0  # samples yielded so far
    carry = np.zeros(0, dtype=np.float32)  # the unfaded end of the previous part, not yet out
    gap = 0  # silence owed after the previous part
    for index, part in enumerate(parts):
        tick(index)
        x = load_part(part.source, part.sample_rate, rate)
        n = min(join, len(x) // 2)
        if options.join_mode == "zero" and n:
            x = mixjoin.zero_cut_tail(mixjoin.zero_cut_head(x, n), n)
        if part.start_s is not None:
            gap = max(0, round(part.start_s * rate) - pos - len(carry))
        touching = crossfading and gap == 0 and bool(spans) and part.start_s is None
        overlap = min(n, len(carry)) if touching else 0  # a timed part keeps its start
        if overlap:
            yield from _chunks(carry[: len(carry) - overlap])
            pos += len(carry) - overlap
            start = pos
            mixed = mixjoin.crossfade(carry[len(carry) - overlap :], x[:overlap])
            x = np.concatenate([mixed, x[overlap:]])
        else:
            tail = mixjoin.fade_out(carry, len(carry)) if crossfading else carry
            yield from _chunks(tail)
            yield from _silence(gap)
            pos += len(carry) + gap
            start = pos
            if crossfading:
                x = mixjoin.fade_in(x, n)
        spans.append(Span(start, start + len(x)))
        keep = n if crossfading else 0
        yield from _chunks(x[: len(x) - keep])
        pos += len(x) - keep
        carry = x[len(x) - keep :]
        gap = round(part.pause_after_s * rate)
    yield from _chunks(mixjoin.fade_out(carry, len(carry)) if crossfading else carry)
    yield from _silence(gap)


def _chunks(x: FloatArray) -> Iterator[FloatArray]:
    for at in range(0, len(x), BLOCK):
        yield x[at : at + BLOCK]


def _silence(count: int) -> Iterator[FloatArray]:
    while count > 0:
        n = min(count, BLOCK)
        yield np.zeros(n, dtype=np.float32)
        count -= n
