"""The player's states, its lock-free clip buffer and the copy loop the PortAudio callback runs."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float32]


class PlaybackState(enum.Enum):
    """What the player is doing, as the GUI shows it."""

    STOPPED = "stopped"
    BUFFERING = "buffering"
    PLAYING = "playing"
    PAUSED = "paused"
    FINISHED = "finished"


class ClipBuffer:
    """The clip being played, added to by one producer thread, read by the audio callback.

    Either the whole clip, grown as it arrives (renders as they stream, short clips), or, for
    a long clip played from its file, a fixed ring (a window of the clip) that the producer
    keeps filled ahead of the callback: memory then does not grow with the clip. A ring's
    indices are still sample numbers in the clip; sample n lives at data[n % len(data)].

    Single producer, single consumer, no lock: the producer copies samples into `data`
    first and only then publishes the new `written` count (and a grown array *before* the
    count that needs it), and the consumer reads `ended`, then `written`, then `data`. Under
    the GIL those attribute reads and writes are atomic and ordered, so the consumer never
    sees a count ahead of its data. The clip is kept whole so seek and replay work after
    streaming, as 16-bit samples: half the memory of float32 for a long render (whose audio
    was 16-bit on the wire anyway), converted to float while copying to the device.

    Attributes:
        data: int16 samples at the device's rate; only [0, written) is valid.
        written: Valid samples.
        ended: The producer will add nothing more.
        underruns: Times playback ran dry mid-stream and was padded with silence.
        ring: This is a window onto a longer clip, `total` samples long.
        origin: Ring: the sample the producer (re)started filling from.
        consumed: The next sample the callback sends (set by the callback).
        epoch: Ring: bumped by each restart, so the producer drops blocks read before it.
    """

    def __init__(self, capacity: int = 1 << 16, total: int = 0, keep: int = 0) -> None:
        """A growing buffer, or (`total` > 0) a ring of `capacity` samples over a long clip."""
        import numpy as np

        self.data = np.zeros(max(1, capacity), np.int16)
        self.written = 0
        self.ended = False
        self.underruns = 0
        self.ring = total > 0
        self.total = total
        self.keep = keep
        self.origin = 0
        self.consumed = 0
        self.epoch = 0

    def space(self) -> int:
        """Samples the producer may add now (a ring never overwrites what is still to play,
        nor the `keep` samples just played, which a pause or a short seek back returns to)."""
        if not self.ring:
            return 1 << 62
        return max(0, self.consumed - self.keep + len(self.data) - self.written)

    def holds(self, start: int) -> bool:
        """Whether playing from `start` can use the samples held now."""
        if not self.ring:
            return True
        return max(self.origin, self.written - len(self.data)) <= start <= self.written

    def restart(self, start: int) -> None:
        """Empty the ring and ask the producer to fill it from `start` (control thread, with
        the producer locked out and the callback stopped)."""
        self.epoch += 1
        self.ended = False
        self.origin = self.written = self.consumed = start

    def append(self, samples: FloatArray) -> None:
        """Add samples (producer thread only; in a ring, at most `space()` of them)."""
        import numpy as np

        count = len(samples)
        if count == 0:
            return
        end = self.written + count
        scaled = np.round(np.asarray(samples, np.float32) * np.float32(32768.0))
        converted = np.clip(scaled, -32768, 32767).astype(np.int16)
        if self.ring:
            if count > self.space():
                raise ValueError(f"{count} samples do not fit in the window ({self.space()})")
            size = len(self.data)
            at = self.written % size
            first = min(count, size - at)
            self.data[at : at + first] = converted[:first]
            self.data[: count - first] = converted[first:]
        else:
            if end > len(self.data):
                grown = np.zeros(max(end, 2 * len(self.data)), np.int16)
                grown[: self.written] = self.data[: self.written]
                self.data = grown  # published before `written` grows past the old array
            self.data[self.written : end] = converted
        self.written = end


class PlaybackRun:
    """One start-to-stop stretch of a stream: what the callback needs, nothing it allocates.

    Attributes:
        clip: The buffer being played.
        read: The next sample to hand to the device.
        start: Where this run started (position cannot go before it).
        lead_in: Frames of silence still to send before the audio. ALSA's pulse plugin
            drops the first buffer of a new stream, so it must be silence.
        tail: Frames of silence to send after the end, so the device plays the last audio
            before the stream stops (the plugin drops what is still queued at the stop).
        prebuffer: Frames that must be queued before audio starts, at the start and again
            after running dry, so a stream's first chunks do not each end in a gap.
        completed: The callback sent everything and asked PortAudio to stop.
        starving: Playback is waiting for the producer (at the start or mid-stream).
        volume: Gain applied while copying.
    """

    def __init__(
        self, clip: ClipBuffer, start: int, lead_in: int, tail: int, prebuffer: int = 0
    ) -> None:
        self.clip = clip
        self.read = start
        self.start = start
        self.lead_in = lead_in
        self.tail = tail
        self.prebuffer = prebuffer
        self.completed = False
        self.starving = True
        self.volume = 1.0

    def prebuffering(self, written: int, ended: bool) -> bool:
        """True while playback waits for `prebuffer` frames (a snapshot of the clip's state)."""
        return self.starving and not ended and written - self.read < self.prebuffer

    def fill(self, out: FloatArray) -> bool:
        """Fill one device buffer; return False once the clip and its tail have been sent.

        Runs on PortAudio's thread: it only copies into `out`, takes no lock and allocates
        no buffers.
        """
        import numpy as np

        frames = len(out)
        filled = 0
        if self.lead_in > 0:
            filled = min(frames, self.lead_in)
            out[:filled] = 0.0
            self.lead_in -= filled
        clip = self.clip
        ended = clip.ended  # read before `written`: once ended, `written` is final
        written = clip.written
        data = clip.data
        count = min(frames - filled, written - self.read)
        if self.prebuffering(written, ended):
            count = 0  # still filling up: keep sending silence
        if count > 0:
            # int16 times a float32 scalar is float32: no temporary, nothing allocated. A ring
            # wraps, so the copy may come in two parts (a growing buffer never wraps).
            gain = np.float32(self.volume / 32768.0)
            at = self.read % len(data)
            first = min(count, len(data) - at)
            np.multiply(data[at : at + first], gain, out=out[filled : filled + first])
            if count > first:
                np.multiply(data[: count - first], gain, out=out[filled + first : filled + count])
            self.read += count
            clip.consumed = self.read  # the producer may now reuse what is behind it
            filled += count
            self.starving = False
        if filled == frames:
            return True
        out[filled:] = 0.0
        if ended and self.read >= written:
            self.tail -= frames - filled
            if self.tail <= 0:
                self.completed = True
                return False
        elif not self.starving:
            self.starving = True  # a gap the listener hears: count it once
            clip.underruns += 1
        return True
