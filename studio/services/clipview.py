"""What the window draws and plays for a render: its samples when short, its file when long."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import numpy as np

from studio.audio.clipfile import read_blocks
from studio.audio.peaks import EnvelopeBuilder, envelope_of, envelope_rate
from studio.core.render import SHORT_CLIP_S, ClipFile, Rendered
from studio.services.tasks import TaskContext

# A render of more text than this is drawn from peaks while it streams (about 9 minutes of
# speech at 15 characters a second): the window never holds a long render's samples.
LONG_TEXT_CHARS = 8000


def waveform_signal(rendered: Rendered) -> tuple[np.ndarray, int]:
    """(signal, rate) for Waveform.set_clip: the samples, or a long clip's peak envelope.

    A short clip's samples were decoded on the worker (`Rendered.preload`), so this never
    reads the disk on the GUI thread.
    """
    if rendered.is_long:
        audio = rendered.audio
        return envelope_of(audio.peaks), envelope_rate(audio.sample_rate)
    return np.asarray(rendered.samples), rendered.sample_rate


def file_feeder(
    audio: ClipFile, sink: SinkLike, start_s: float = 0.0
) -> Callable[[TaskContext], None]:
    """A task that reads `audio` in blocks into a playback sink, until stopped or superseded.

    With `start_s`, playback jumps there as soon as the audio up to it has been fed: the
    player can only seek within what it holds, so a seek sent before the file is read would
    land at the start.
    """
    start = round(max(0.0, start_s) * audio.sample_rate)

    def feed(ctx: TaskContext) -> None:
        fed, seek_to = 0, start
        for block in read_blocks(audio):
            if ctx.cancelled.is_set() or not sink.current:
                return
            sink.feed(block, audio.sample_rate)
            fed += len(block)
            if seek_to and fed > seek_to:
                sink.seek(seek_to / audio.sample_rate)
                seek_to = 0
        sink.end(ctx.cancelled)

    return feed


class SinkLike(Protocol):
    """The parts of playback.StreamSink the feeder uses."""

    @property
    def current(self) -> bool: ...
    def feed(self, samples: np.ndarray, sample_rate: int) -> None: ...
    def seek(self, seconds: float) -> None: ...
    def end(self, cancel: threading.Event | None = None) -> None: ...


class ProgressShape:
    """Turns decoded pieces into what the waveform draws while a render streams (worker side).

    Short texts are drawn from their samples; long ones from min/max envelopes, so a long
    render in the window costs kilobytes a minute instead of the samples.
    """

    def __init__(self, text_chars: int) -> None:
        self._long = text_chars > LONG_TEXT_CHARS
        self._envelope: EnvelopeBuilder | None = None

    def shape(self, samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
        """(signal, rate) to draw for these samples (possibly empty)."""
        if not self._long:
            return samples, rate
        if self._envelope is None or self._envelope.sample_rate != rate:
            self._envelope = EnvelopeBuilder(rate)
        return self._envelope.add(samples), self._envelope.rate


__all__ = ["LONG_TEXT_CHARS", "SHORT_CLIP_S", "ProgressShape", "file_feeder", "waveform_signal"]
