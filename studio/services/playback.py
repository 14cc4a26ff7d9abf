"""PlaybackService: the player for the GUI, polled by a timer; device work off the GUI thread."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from studio.core.errors import AudioDeviceError, StudioError
from studio.pipeline import Rendered
from studio.services.messages import Action, MessageBus
from studio.services.tasks import TaskContext, TaskRunner

log = logging.getLogger(__name__)
POLL_INTERVAL_MS = 33
BUSY_STATES = ("playing", "buffering", "paused")


class PlayerLike(Protocol):
    """The parts of studio.audio.player.AudioPlayer (and tests' FakeAudioPlayer) used here."""

    @property
    def state(self) -> Any: ...
    @property
    def position_s(self) -> float: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def last_error(self) -> AudioDeviceError | None: ...
    def begin_stream(self, sample_rate: int) -> None: ...
    def feed(self, samples: np.ndarray) -> None: ...
    def end_stream(self) -> None: ...
    def play(self, samples: np.ndarray, sample_rate: int) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def stop(self) -> None: ...
    def seek(self, seconds: float) -> None: ...
    def set_volume(self, volume: float) -> None: ...
    def set_device(self, name: str | None) -> None: ...
    def close(self) -> None: ...
    def list_devices(self) -> list[Any]: ...


class StreamSink:
    """Feeds one render's samples to the player from the network worker thread.

    A sink belongs to one playback generation: once the user stops, plays something else or
    a newer render opens its own sink, this one silently ignores further calls, so a stale
    worker can never disturb what the user hears now.

    A *deferred* sink (a queued render) must not cut off the render playing before it: it
    keeps its samples (the download carries on) until the player has finished the previous
    clip, then takes a generation and plays them back to back.
    """

    def __init__(self, service: PlaybackService, generation: int | None) -> None:
        self._service = service
        self._generation = generation
        self._begun = False
        self._pending: list[tuple[np.ndarray, int]] = []

    def _current(self) -> bool:
        return self._service._generation == self._generation

    @property
    def current(self) -> bool:
        """False once something else plays or playback stopped: feeding it is pointless."""
        return self._generation is None or self._current()

    def _player_busy(self) -> bool:
        state = self._service.player.state
        return str(getattr(state, "name", state)).lower() in BUSY_STATES

    def feed(self, samples: np.ndarray, sample_rate: int) -> None:
        """Queue samples for playback; the first played samples open the stream."""
        service = self._service
        with service._device_lock:
            if self._generation is None:
                if self._player_busy():
                    self._pending.append((samples, sample_rate))
                    return
                self._generation = service._next_generation()
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

    def seek(self, seconds: float) -> None:
        """Jump within what this sink has fed so far (nothing once it is no longer current)."""
        with self._service._device_lock:
            if self._current() and self._begun:
                self._service.player.seek(seconds)

    def end(self, cancel: threading.Event | None = None) -> None:
        """No more samples: playback stops when what is queued has played.

        A deferred sink still holding its samples waits here (in the worker, cancellable) for
        the previous clip to finish, then plays them.
        """
        service = self._service
        while self._generation is None and self._pending:
            with service._device_lock:
                if not self._player_busy():
                    self._generation = service._next_generation()
                    held, rate = self._pending.pop()
                    self._play(held, rate)
                    break
            if cancel is not None and cancel.wait(0.02):
                return
            if cancel is None:
                time.sleep(0.02)
        with service._device_lock:
            if self._current() and self._begun:
                service.player.end_stream()


class PlaybackService(QObject):
    """Plays clips and streams through an AudioPlayer and reports state to the GUI.

    Signals:
        playback_state_changed(str state): "stopped", "buffering", "playing", "paused",
            "finished".
        position_changed(float seconds)
        devices_listed(object list[str]): output device names, after request_devices().
    """

    playback_state_changed = Signal(str)
    position_changed = Signal(float)
    devices_listed = Signal(object)

    def __init__(
        self, player: PlayerLike, messages: MessageBus, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.player = player
        self._messages = messages
        # Serialises player control between the device thread and render workers. The GUI
        # thread and the audio callback never take it.
        self._device_lock = threading.Lock()
        self._generations = itertools.count(1)
        self._generation = 0
        self._pending_error: AudioDeviceError | None = None
        self._reported_error: AudioDeviceError | None = None
        self._state = "stopped"
        self._position = -1.0
        self._device_tasks = TaskRunner(max_threads=1, parent=self)
        # Long clips stream from their file on their own thread, never holding up device work.
        self._file_tasks = TaskRunner(max_threads=1, parent=self)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    @property
    def state(self) -> str:
        """The last polled state name."""
        return self._state

    @property
    def generation(self) -> int:
        """Changes whenever something else starts or stops playing."""
        return self._generation

    @property
    def position(self) -> float:
        """The last polled position in seconds."""
        return max(self._position, 0.0)

    def open_sink(self, deferred: bool = False) -> StreamSink:
        """A sink for a new streamed render; it stops what plays now, or (`deferred`) only when
        its own audio starts."""
        if deferred:
            return StreamSink(self, None)
        generation = self._next_generation()
        self._run_on_device(lambda p: p.stop())
        return StreamSink(self, generation)

    def _next_generation(self) -> int:
        # next() on itertools.count is atomic under the GIL: safe from any thread, no lock.
        self._generation = next(self._generations)
        return self._generation

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play a whole clip from the start (replaces what plays)."""
        self._next_generation()
        self._run_on_device(lambda p: p.play(samples, sample_rate))

    def play_rendered(self, rendered: Rendered, at_fraction: float = 0.0) -> None:
        """Play a finished render from `at_fraction` of its length (A/B switches keep the
        place in the line)."""
        if rendered.is_long:
            self._play_file(rendered, at_fraction * rendered.duration_s)
            return
        self.play(np.asarray(rendered.samples), rendered.sample_rate)
        if at_fraction > 0:
            self.seek(at_fraction * rendered.duration_s)

    def _play_file(self, rendered: Rendered, start_s: float) -> None:
        """Play a long clip as it is read from its file (a newer play or stop ends the read)."""
        from studio.services.clipview import file_feeder

        feed = file_feeder(rendered.audio, self.open_sink(), start_s)
        self._file_tasks.submit(feed, on_failure=self._on_device_failed)

    def fraction_played(self, rendered: Rendered) -> float:
        """How far through `rendered` the player is, 0–1 (when `rendered` is what plays)."""
        return min(1.0, self.position / max(rendered.duration_s, 1e-6))

    def toggle_pause(self) -> None:
        """Pause when playing, resume when paused."""
        if self._state in ("playing", "buffering"):
            self._run_on_device(lambda p: p.pause())
        elif self._state == "paused":
            self._run_on_device(lambda p: p.resume())

    def stop(self) -> None:
        """Stop playback and make every open sink inert."""
        self._next_generation()
        self._run_on_device(lambda p: p.stop())

    def seek(self, seconds: float) -> None:
        """Jump within the current clip."""
        self._run_on_device(lambda p: p.seek(max(0.0, seconds)))

    def set_volume(self, volume: float) -> None:
        """0.0–1.0; takes effect at once (no device work)."""
        self.player.set_volume(volume)

    def set_device(self, name: str | None) -> None:
        """Use the named output device (None or "" = system default)."""
        self._run_on_device(lambda p: p.set_device(name or None))

    def request_devices(self) -> None:
        """List output devices off the GUI thread; the names arrive with devices_listed."""

        def list_names(ctx: TaskContext) -> list[str]:
            return [device.name for device in self.player.list_devices()]

        self._device_tasks.submit(list_names, self.devices_listed.emit, self._on_device_failed)

    def _run_on_device(self, action: Any) -> None:
        def run(ctx: TaskContext) -> None:
            with self._device_lock:
                action(self.player)

        self._device_tasks.submit(run, on_failure=self._on_device_failed)

    def _on_device_failed(self, exc: BaseException) -> None:
        if isinstance(exc, StudioError):
            self._report(exc)
        else:
            self._messages.report(exc)

    def _report(self, exc: StudioError) -> None:
        if exc is self._reported_error:
            return
        self._reported_error = exc if isinstance(exc, AudioDeviceError) else None
        self._messages.error(exc.user_message, Action.PREFERENCES)

    @Slot()
    def _on_timer_timeout(self) -> None:
        error = self._pending_error or self.player.last_error
        self._pending_error = None
        if error is not None:
            self._report(error)
        raw_state = self.player.state
        state = str(getattr(raw_state, "name", raw_state)).lower()
        if state != self._state:
            self._state = state
            self.playback_state_changed.emit(state)
        position = round(self.player.position_s, 3)
        if position != self._position:
            self._position = position
            self.position_changed.emit(position)

    def shutdown(self) -> None:
        """Stop polling, stop the device and close it (on aboutToQuit)."""
        self._timer.stop()
        self._file_tasks.shutdown(2000)
        self._device_tasks.shutdown(2000)
        try:
            self.player.stop()
            self.player.close()
        except StudioError as exc:
            log.warning("Closing the audio device failed: %s", exc.user_message)
