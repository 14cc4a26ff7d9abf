"""PlaybackService: the player for the GUI, polled by a timer; device work off the GUI thread."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from studio.core.errors import AudioDeviceError, StudioError
from studio.pipeline import Rendered
from studio.services.messages import Action, MessageBus
from studio.services.stream_sink import BUSY_STATES, MAIN, StreamSink
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np

    from studio.services.clipview import ReaderLike

log = logging.getLogger(__name__)
POLL_INTERVAL_MS = 33


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
    def feed(self, samples: np.ndarray, epoch: int | None = None) -> bool: ...
    def end_stream(self, epoch: int | None = None) -> None: ...
    def begin_window(self, sample_rate: int, frames: int, start_s: float = 0.0) -> None: ...
    def extend_window(self, frames: int) -> None: ...
    def window_request(self) -> tuple[int, float] | None: ...
    def window_space_s(self) -> float: ...
    def play(self, samples: np.ndarray, sample_rate: int) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def stop(self) -> None: ...
    def seek(self, seconds: float) -> None: ...
    def set_volume(self, volume: float) -> None: ...
    def set_device(self, name: str | None) -> None: ...
    def close(self) -> None: ...
    def list_devices(self) -> list[Any]: ...


class PlaybackService(QObject):
    """Plays clips and streams through an AudioPlayer and reports state to the GUI.

    Signals:
        playback_state_changed(str state): "stopped", "buffering", "playing", "paused",
            "finished"; also sent when `source` changed.
        position_changed(float seconds)
        devices_listed(object list[str]): output device names, after request_devices().
    """

    playback_state_changed = Signal(str)
    position_changed = Signal(float)
    devices_listed = Signal(object)

    def __init__(
        self,
        player: PlayerLike,
        messages: MessageBus,
        parent: QObject | None = None,
        spool_dir: Path | None = None,
    ) -> None:
        """`spool_dir`: where a long render playing as it arrives spools its samples (a folder
        on disk; default: the system's temp folder)."""
        super().__init__(parent)
        self.player = player
        self._spool_dir = spool_dir
        self._messages = messages
        # Serialises player control between the device thread and render workers. The GUI
        # thread and the audio callback never take it.
        self._device_lock = threading.Lock()
        self._generations = itertools.count(1)
        self._generation = 0
        self._pending_error: AudioDeviceError | None = None
        self._reported_error: AudioDeviceError | None = None
        self._state = "stopped"
        self._source = self._polled_source = MAIN
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

    @property
    def source(self) -> str:
        """Who started what plays (or last played): MAIN (the window's clip or render), or
        another part ("preview", "grid", "bench", "clone"), which the window's Play, cursor
        and clicks must leave alone."""
        return self._source

    def open_sink(
        self, deferred: bool = False, source: str = MAIN, live: bool = False
    ) -> StreamSink:
        """A sink for a new streamed render; it stops what plays now, or (`deferred`) only when
        its own audio starts. A `live` sink (a long render) plays through the player's bounded
        window from a spool on disk, fed by its own task, so memory stays flat."""
        spool = None
        if live:
            from studio.audio.livespool import LiveSpool
            from studio.services.clipview import live_feeder

            spool = LiveSpool(self._spool_dir)  # its file is made by the render's worker
        sink = StreamSink(self, None if deferred else self._next_generation(source), spool)
        if spool is not None:
            self._file_tasks.submit(live_feeder(spool, sink), on_failure=self._on_device_failed)
        if deferred:
            return sink

        def stop_unless_begun(player: PlayerLike) -> None:
            # The sink's worker may begin before this runs (both under the device lock);
            # beginning replaced what played, and stopping now would stop the new clip.
            if not sink.begun:
                player.stop()

        self._run_on_device(stop_unless_begun)
        return sink

    def _next_generation(self, source: str | None = None) -> int:
        # next() on itertools.count is atomic under the GIL: safe from any thread, no lock.
        self._generation = next(self._generations)
        self._source = source or self._source
        return self._generation

    def play(self, samples: np.ndarray, sample_rate: int, source: str = MAIN) -> None:
        """Play a whole clip from the start (replaces what plays)."""
        self._next_generation(source)
        self._run_on_device(lambda p: p.play(samples, sample_rate))

    def play_rendered(
        self, rendered: Rendered, at_fraction: float = 0.0, source: str = MAIN
    ) -> None:
        """Play a finished render from `at_fraction` of its length (A/B switches keep the
        place in the line)."""
        import numpy as np

        if rendered.is_long:
            self._play_file(rendered, at_fraction * rendered.duration_s, source)
            return
        self.play(np.asarray(rendered.samples), rendered.sample_rate, source)
        if at_fraction > 0:
            self.seek(at_fraction * rendered.duration_s)

    def _play_file(self, rendered: Rendered, start_s: float, source: str) -> None:
        """Play a long clip as it is read from its file (a newer play or stop ends the read)."""
        from studio.services.clipview import file_feeder

        feed = file_feeder(rendered.audio, self.open_sink(source=source), start_s)
        self._file_tasks.submit(feed, on_failure=self._on_device_failed)

    def play_window(
        self,
        open_reader: Callable[[], ReaderLike],
        sample_rate: int,
        frames: int,
        start_s: float = 0.0,
        source: str = MAIN,
    ) -> None:
        """Play a long clip of `frames` from `start_s` through the player's bounded window, fed
        from a reader opened and read on the file thread (a newer play or stop ends it)."""
        from studio.services.clipview import window_feeder

        sink = self.open_sink(source=source)
        feed = window_feeder(open_reader, sample_rate, frames, sink, start_s)
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
        if state != self._state or self._source != self._polled_source:
            self._state, self._polled_source = state, self._source  # the window's Play follows
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


__all__ = ["BUSY_STATES", "MAIN", "PlaybackService", "PlayerLike", "StreamSink"]
