"""What the window draws and plays for a render: its samples when short, its file when long."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from studio.core.render import SHORT_CLIP_S, ClipFile, Rendered
from studio.services.tasks import TaskContext

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np

    from studio.audio.livespool import LiveSpool
    from studio.audio.peaks import EnvelopeBuilder

# A render of more text than this is drawn from peaks while it streams (about 9 minutes of
# speech at 15 characters a second): the window never holds a long render's samples.
LONG_TEXT_CHARS = 8000
# A render of more text than this plays as it arrives from a spool on disk through the player's
# bounded window (about 2 minutes of speech): the player never holds a long render whole.
LIVE_WINDOW_CHARS = 2000
BLOCK_S = 0.25  # a long clip is read into the player's window this much at a time
IDLE_S = 0.02  # how often a feeder with nothing to do looks again (seek, replay, stop)


def waveform_signal(rendered: Rendered) -> tuple[np.ndarray, int]:
    """(signal, rate) for Waveform.set_clip: the samples, or a long clip's peak envelope.

    A short clip's samples were decoded on the worker (`Rendered.preload`), so this never
    reads the disk on the GUI thread.
    """
    import numpy as np

    from studio.audio.peaks import envelope_of, envelope_rate

    if rendered.is_long:
        audio = rendered.audio
        return envelope_of(audio.peaks), envelope_rate(audio.sample_rate)
    return np.asarray(rendered.samples), rendered.sample_rate


def file_feeder(
    audio: ClipFile, sink: SinkLike, start_s: float = 0.0
) -> Callable[[TaskContext], None]:
    """A task that plays `audio` from its file into a playback sink (window_feeder)."""

    def open_reader() -> ReaderLike:
        from studio.audio.clipreader import ClipReader

        return ClipReader(audio)

    return window_feeder(open_reader, audio.sample_rate, audio.frames, sink, start_s)


def window_feeder(
    open_reader: Callable[[], ReaderLike],
    sample_rate: int,
    frames: int,
    sink: SinkLike,
    start_s: float = 0.0,
) -> Callable[[TaskContext], None]:
    """A task that plays a long clip of `frames` from a reader into a playback sink, until
    stopped or superseded.

    The player holds a bounded window of the clip (AudioPlayer.begin_window), which this
    keeps filled a block at a time; a seek or replay outside the window makes it read again
    from there. It stays with the clip while the clip is current (a replay after the end, a
    seek back), idling in short cancellable waits. The reader (a clip's file, or a project's
    takes decoded in turn) is opened and read on the task's thread.
    """

    def feed(ctx: TaskContext) -> None:
        if not sink.begin_window(sample_rate, frames, start_s):
            return  # superseded already, or no device (reported)
        reader = open_reader()
        block = max(1, int(BLOCK_S * sample_rate))
        epoch, done, samples = -1, False, None
        try:
            while not ctx.cancelled.is_set():
                request = sink.window_request()
                if request is None:
                    return  # something else plays, or playback stopped
                if request[0] != epoch:
                    epoch, done, samples = request[0], False, None
                    reader.seek(round(request[1] * sample_rate))
                if done or sink.window_space_s() < 2 * BLOCK_S:
                    ctx.cancelled.wait(IDLE_S)  # the window is full, or the clip all sent
                    continue
                if samples is None:
                    samples = reader.read(block)
                last = len(samples) < block
                if sink.feed_window(samples, epoch, last=last):
                    done, samples = last, None  # else a seek back took the room: retry
        finally:
            reader.close()

    return feed


def live_feeder(spool: LiveSpool, sink: LiveSinkLike) -> Callable[[TaskContext], None]:
    """A task that plays a render from its spool as it arrives, until stopped or superseded.

    The render's worker spools the samples and opens the player's window (StreamSink); this
    keeps the window filled from the spool, a block at a time, waiting at the live edge for
    more. A seek within what has arrived reads again from there. It owns the spool: the file
    goes when this ends (something else plays, playback stopped, or the render never began
    to play).
    """

    def feed(ctx: TaskContext) -> None:
        epoch, at, done, last = -1, 0, False, False
        samples: np.ndarray | None = None
        try:
            while not ctx.cancelled.is_set():
                if not sink.begun:
                    if sink.gave_up or spool.closed:
                        return  # superseded, failed or cancelled before a sample played
                    if spool.frames:
                        ctx.cancelled.wait(IDLE_S)  # queued behind the clip playing now
                    else:
                        spool.wait_beyond(0, IDLE_S)
                    continue
                request = sink.window_request()
                if request is None:
                    return  # something else plays, or playback stopped
                if request[0] != epoch:
                    epoch, done, samples = request[0], False, None
                    at = round(request[1] * spool.sample_rate)
                if done or sink.window_space_s() < 2 * BLOCK_S:
                    ctx.cancelled.wait(IDLE_S)  # the window is full, or the clip all sent
                    continue
                if samples is None:
                    ended = spool.ended  # read first: once ended, the length is final
                    samples = spool.read(at, max(1, int(BLOCK_S * spool.sample_rate)))
                    last = ended and at + len(samples) >= spool.frames
                    if not samples.size and not last:
                        samples = None
                        spool.wait_beyond(at, IDLE_S)  # at the live edge: wait for more
                        continue
                if sink.feed_window(samples, epoch, last=last):
                    at, done, samples = at + len(samples), last, None
        finally:
            spool.close()

    return feed


class ReaderLike(Protocol):
    """What window_feeder reads from (audio.clipreader.ClipReader, audio.programme's reader)."""

    def seek(self, frame: int) -> None: ...
    def read(self, frames: int) -> np.ndarray: ...
    def close(self) -> None: ...


class SinkLike(Protocol):
    """The parts of playback.StreamSink the feeders use."""

    @property
    def current(self) -> bool: ...
    def begin_window(self, sample_rate: int, frames: int, start_s: float) -> bool: ...
    def window_request(self) -> tuple[int, float] | None: ...
    def window_space_s(self) -> float: ...
    def feed_window(self, samples: np.ndarray, epoch: int, last: bool = False) -> bool: ...


class LiveSinkLike(SinkLike, Protocol):
    """What the live feeder also needs of a StreamSink."""

    @property
    def begun(self) -> bool: ...
    @property
    def gave_up(self) -> bool: ...


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
            from studio.audio.peaks import EnvelopeBuilder

            self._envelope = EnvelopeBuilder(rate)
        return self._envelope.add(samples), self._envelope.rate


__all__ = [
    "LIVE_WINDOW_CHARS", "LONG_TEXT_CHARS", "SHORT_CLIP_S", "ProgressShape", "ReaderLike",
    "file_feeder", "live_feeder", "waveform_signal", "window_feeder",
]  # fmt: skip
