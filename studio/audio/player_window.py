"""The AudioPlayer's bounded window: a long clip (from its file, or live) held as a ring."""

from __future__ import annotations

import threading
from typing import Any

from studio.audio.playbuffer import ClipBuffer

WINDOW_S = 30.0  # a long clip played from its file is held as a ring of this many seconds
KEEP_S = 2.0  # of which this much just-played audio stays, for pause (output latency) and nudges


class WindowMixin:
    """AudioPlayer's methods for a clip held as a bounded ring that a producer keeps filled.

    A long clip played from its file (begin_window with its length) or a long render played
    as it arrives (begin_window, then extend_window as samples land in its spool) is held as
    WINDOW_S of audio; a seek or replay outside it asks the producer to read again from there
    (window_request), so memory does not grow with the clip.
    """

    _lock: threading.RLock
    _clip: ClipBuffer | None
    _rate: int
    _source_rate: int
    _resampler: Any

    def _open(self, sample_rate: int) -> None:
        raise NotImplementedError

    def _start_run(self, start: int) -> None:
        raise NotImplementedError

    def _new_resampler(self) -> None:
        raise NotImplementedError

    def begin_window(self, sample_rate: int, frames: int, start_s: float = 0.0) -> None:
        """Start a long clip of `frames` samples held as a bounded window (WINDOW_S).

        A producer keeps the window filled: it asks window_request() where to read from (it
        changes when a seek or replay lands outside what is held), waits for
        window_space_s(), and feeds blocks tagged with the request's epoch. A clip that is
        still arriving starts with what has arrived and grows with extend_window().

        Raises:
            AudioDeviceError: no usable output device.
        """
        with self._lock:
            self._open(sample_rate)
            total = max(1, round(frames * self._rate / sample_rate))
            size = int((WINDOW_S + KEEP_S) * self._rate)
            self._clip = ClipBuffer(size, total=total, keep=int(KEEP_S * self._rate))
            start = min(int(max(0.0, start_s) * self._rate), total)
            self._clip.restart(start)
            self._start_run(start)

    def extend_window(self, frames: int) -> None:
        """The window's clip is now `frames` samples long (at its own rate): more has arrived,
        so its length and how far a seek may go grow."""
        clip = self._clip
        if clip is not None and clip.ring and self._source_rate:
            clip.total = max(clip.total, round(frames * self._rate / self._source_rate))

    def window_request(self) -> tuple[int, float] | None:
        """(epoch, seconds): where the producer must read from now; None without a window."""
        clip = self._clip
        if clip is None or not clip.ring or not self._rate:
            return None
        return clip.epoch, clip.origin / self._rate

    def window_space_s(self) -> float:
        """Seconds of audio the window can take now."""
        clip = self._clip
        return clip.space() / self._rate if clip is not None and self._rate else 0.0

    def _hold(self, clip: ClipBuffer, start: int) -> None:
        """Make a window hold `start`: refill it from there unless it does already."""
        with self._lock:
            if not clip.holds(start):
                clip.restart(start)
                self._new_resampler()  # its state belongs to the old position
            clip.consumed = start
