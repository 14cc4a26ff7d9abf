"""StreamSink: one render's samples fed to the player from a worker, for one playback generation."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from studio.core.errors import AudioDeviceError

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np

    from studio.audio.livespool import LiveSpool
    from studio.services.playback import PlaybackService

BUSY_STATES = ("playing", "buffering", "paused")
MAIN = "main"  # PlaybackService.source of the main window's clip and renders


class StreamSink:
    """Feeds one render's samples to the player from the network worker thread.

    A sink belongs to one playback generation: once the user stops, plays something else or
    a newer render opens its own sink, this one silently ignores further calls, so a stale
    worker can never disturb what the user hears now.

    A *deferred* sink (a queued render) must not cut off the render playing before it: it
    keeps its samples (the download carries on) until the player has finished the previous
    clip, then takes a generation and plays them back to back.

    A *live window* sink (a long render, given a LiveSpool) holds nothing itself: samples go
    to the spool on disk, the player holds a bounded window of them, and a live feeder task
    (clipview.live_feeder) keeps that window filled, so memory stays flat however long the
    render and however far the download runs ahead of playback.
    """

    def __init__(
        self, service: PlaybackService, generation: int | None, spool: LiveSpool | None = None
    ) -> None:
        """A sink for `generation` (None: deferred); with a `spool`, a live window (below)."""
        self._service = service
        self._generation = generation
        self._begun = False
        self._gave_up = False
        self._pending: list[tuple[np.ndarray, int]] = []
        self._spool = spool

    def _current(self) -> bool:
        return self._service._generation == self._generation

    @property
    def begun(self) -> bool:
        """The player's stream for this sink has been opened."""
        return self._begun

    @property
    def gave_up(self) -> bool:
        """This sink will never begin: superseded, stopped, failed, or its render ended
        (cancelled or failed) before it could play."""
        if self._gave_up:
            return True
        return self._generation is not None and not self._current()

    @property
    def current(self) -> bool:
        """False once something else plays or playback stopped: feeding it is pointless."""
        return self._generation is None or self._current()

    def _player_busy(self) -> bool:
        state = self._service.player.state
        return str(getattr(state, "name", state)).lower() in BUSY_STATES

    def feed(self, samples: np.ndarray, sample_rate: int) -> None:
        """Queue samples for playback; the first played samples open the stream."""
        if self._spool is not None:
            self._feed_live(self._spool, samples, sample_rate)
            return
        service = self._service
        with service._device_lock:
            if self._generation is None:
                if self._player_busy():
                    self._pending.append((samples, sample_rate))
                    return
                self._generation = service._next_generation(MAIN)
            self._play(samples, sample_rate)

    def _play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Send samples to the player (caller holds the device lock)."""
        service = self._service
        if not self._current():
            return
        try:
            for held, rate in [*self._pending, (samples, sample_rate)]:
                if not self._begun:
                    service.player.begin_stream(rate)
                    self._begun = True
                service.player.feed(held)
            self._pending.clear()
        except AudioDeviceError as exc:
            service._pending_error = exc
            service._next_generation()  # stop trying for this render

    def _feed_live(self, spool: LiveSpool, samples: np.ndarray, sample_rate: int) -> None:
        """Spool the samples, open the player's window with the first ones, and let the window
        know how much has arrived since."""
        service = self._service
        if self.gave_up:
            return  # nobody will play them: spool nothing more
        try:
            spool.append(samples, sample_rate)
        except OSError as exc:
            self._gave_up = True
            spool.end()
            service._pending_error = AudioDeviceError(
                f"Playback of this render stopped: its audio could not be spooled to disk "
                f"({exc.strerror or exc}). The render goes on; play it when it is done."
            )
            return
        if not spool.frames:
            return  # nothing to open the window with yet
        with service._device_lock:
            if self._generation is None:
                if self._player_busy():
                    return  # queued: the spool keeps the samples, on disk
                self._generation = service._next_generation(MAIN)
            if not self._current():
                return
            if self._begun:
                service.player.extend_window(spool.frames)
                return
            try:
                service.player.begin_window(spool.sample_rate, spool.frames, 0.0)
            except AudioDeviceError as exc:
                self._gave_up = True
                service._pending_error = exc
                service._next_generation()
                return
            self._begun = True

    def seek(self, seconds: float) -> None:
        """Jump within what this sink has fed so far (nothing once it is no longer current)."""
        with self._service._device_lock:
            if self._current() and self._begun:
                self._service.player.seek(seconds)

    def begin_window(self, sample_rate: int, frames: int, start_s: float) -> bool:
        """Open a long clip as a bounded window (AudioPlayer.begin_window); False when this
        sink is no longer current or the device failed (reported)."""
        service = self._service
        with service._device_lock:
            if not self._current():
                return False
            try:
                service.player.begin_window(sample_rate, frames, start_s)
            except AudioDeviceError as exc:
                service._pending_error = exc
                service._next_generation()
                return False
            self._begun = True
        return True

    def window_request(self) -> tuple[int, float] | None:
        """(epoch, seconds) to read from now; None once this sink is no longer current."""
        return self._service.player.window_request() if self._current() else None

    def window_space_s(self) -> float:
        """Seconds of audio the player's window can take now."""
        return self._service.player.window_space_s()

    def feed_window(self, samples: np.ndarray, epoch: int, last: bool = False) -> bool:
        """Add a block read for `epoch` (dropped if a seek moved the window since); `last`
        ends the clip. False when the window has no room for it yet."""
        player = self._service.player
        with self._service._device_lock:
            if not self._current():
                return True
            if not player.feed(samples, epoch):
                return False
            if last:
                player.end_stream(epoch)
            return True

    def end(self, cancel: threading.Event | None = None) -> None:
        """No more samples: playback stops when what is queued has played.

        A deferred sink still holding its samples waits here (in the worker, cancellable) for
        the previous clip to finish, then plays them.
        """
        service = self._service
        if self._spool is not None:
            self._end_live(self._spool, cancel)
            return
        while self._generation is None and self._pending:
            with service._device_lock:
                if not self._player_busy():
                    self._generation = service._next_generation(MAIN)
                    held, rate = self._pending.pop()
                    self._play(held, rate)
                    break
            if not _pause(cancel):
                return
        with service._device_lock:
            if self._current() and self._begun:
                service.player.end_stream()

    def _end_live(self, spool: LiveSpool, cancel: threading.Event | None) -> None:
        """The render is over: the feeder plays the spool to its end; a queued sink waits for
        the clip before it to finish, then opens its window."""
        spool.end()
        try:
            while not self._begun and not self.gave_up and spool.frames:
                if self._generation is None and self._player_busy():
                    if not _pause(cancel):
                        return
                    continue
                self._feed_live_opening(spool)
        finally:
            if not self._begun:
                self._gave_up = True  # the feeder lets the spool go

    def _feed_live_opening(self, spool: LiveSpool) -> None:
        """Open the window for a spool that is complete (nothing new to add)."""
        import numpy as np

        self._feed_live(spool, np.zeros(0, np.float32), spool.sample_rate)
        if not self._begun:
            self._gave_up = True  # superseded or failed meanwhile


def _pause(cancel: threading.Event | None) -> bool:
    """Wait a moment in a worker; False when `cancel` was set."""
    if cancel is not None:
        return not cancel.wait(0.02)
    time.sleep(0.02)
    return True
