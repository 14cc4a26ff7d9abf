"""Test doubles for UI and service tests where the boundary itself is not under test."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import numpy.typing as npt

from studio.audio.devices import OutputDevice
from studio.audio.player import PlaybackState
from studio.core.errors import AudioDeviceError
from studio.secrets import MemorySecretStore

__all__ = ["AlreadyRunning", "FakeAudioPlayer", "MemorySecretStore"]

FAKE_DEVICES = [
    OutputDevice("Fake speakers", 0, 48000, True),
    OutputDevice("Fake headphones", 1, 44100, False),
]


class FakeAudioPlayer:
    """The public interface of studio.audio.player.AudioPlayer, with no sound at all.

    It records what it was asked to do and plays only when a test calls `advance(seconds)`,
    so positions and state changes are deterministic.

    Attributes:
        calls: Every control call in order, e.g. ("begin_stream", 24000), ("seek", 1.5).
        fed: The sample arrays fed to the current clip, as given.
        sample_rate: The current clip's rate (0 before any).
        fail_next: When set, the next begin_stream/play raises it (then it is cleared).
    """

    def __init__(self, device_name: str | None = None, backend: Any = None) -> None:
        self._lock = threading.Lock()
        self._device_name = device_name
        self._volume = 1.0
        self._state = PlaybackState.STOPPED
        self._position = 0.0
        self._ended = False
        self._last_error: AudioDeviceError | None = None
        self.calls: list[tuple[object, ...]] = []
        self.fed: list[npt.NDArray[np.float32]] = []
        self.sample_rate = 0
        self.fail_next: AudioDeviceError | None = None
        self._window_frames = 0
        self._epoch, self._origin = 1, 0.0

    @staticmethod
    def list_devices(backend: Any = None) -> list[OutputDevice]:
        """Two fake devices, the first being the default."""
        return list(FAKE_DEVICES)

    @property
    def device_name(self) -> str | None:
        """The chosen device's name, or None for the default."""
        return self._device_name

    def set_device(self, name: str | None) -> None:
        """Remember the device by name."""
        self.calls.append(("set_device", name))
        self._device_name = name or None

    @property
    def volume(self) -> float:
        """Gain 0..1."""
        return self._volume

    def set_volume(self, volume: float) -> None:
        """Set the gain (clamped to 0..1)."""
        self.calls.append(("set_volume", volume))
        self._volume = min(1.0, max(0.0, float(volume)))

    def begin_stream(self, sample_rate: int) -> None:
        """Start a new, empty clip (raises `fail_next` when set)."""
        with self._lock:
            self.calls.append(("begin_stream", sample_rate))
            self._raise_pending()
            self.sample_rate = sample_rate
            self.fed = []
            self._position = 0.0
            self._ended = False
            self._last_error = None
            self._state = PlaybackState.BUFFERING
            self._window_frames = 0  # a window's clip length (begin_window), else 0
            self._epoch, self._origin = 1, 0.0

    def begin_window(self, sample_rate: int, frames: int, start_s: float = 0.0) -> None:
        """Start a long clip held as a window (never full here), read from `start_s`."""
        self.begin_stream(sample_rate)
        self.calls.append(("begin_window", sample_rate, frames, start_s))
        self._window_frames = frames
        self._position = self._origin = start_s

    def extend_window(self, frames: int) -> None:
        """A window's clip grew (a live render): record the new length."""
        self._window_frames = max(self._window_frames, frames)

    def window_request(self) -> tuple[int, float] | None:
        """(epoch, seconds) the feeder must read from; None without a window."""
        return (self._epoch, self._origin) if self._window_frames else None

    def window_space_s(self) -> float:
        """A fake window always has room."""
        return 1e9

    def feed(self, samples: npt.ArrayLike, epoch: int | None = None) -> bool:
        """Record samples for the current clip (thread-safe, like the real one)."""
        x = np.array(samples, dtype=np.float32).reshape(-1)
        with self._lock:
            if self.sample_rate == 0 or self._ended or x.size == 0:
                return True
            if self._window_frames and epoch != self._epoch:
                return True
            self.fed.append(x)
            if self._state is PlaybackState.BUFFERING:
                self._state = PlaybackState.PLAYING
            return True

    def end_stream(self, epoch: int | None = None) -> None:
        """Mark the clip complete."""
        with self._lock:
            if self._window_frames and epoch != self._epoch:
                return
            self.calls.append(("end_stream",))
            self._ended = True

    def _move_window(self, seconds: float) -> None:
        """A seek or replay in a window: the feeder reads again from `seconds`."""
        with self._lock:
            self._epoch += 1
            self._origin = seconds
            self._ended = False
            self.fed = []

    def play(self, samples: npt.ArrayLike, sample_rate: int) -> None:
        """Start a whole clip."""
        self.calls.append(("play", len(np.asarray(samples).reshape(-1)), sample_rate))
        self.begin_stream(sample_rate)
        self.feed(samples)
        self.end_stream()

    def pause(self) -> None:
        """Pause if playing."""
        self.calls.append(("pause",))
        if self._state in (PlaybackState.PLAYING, PlaybackState.BUFFERING):
            self._state = PlaybackState.PAUSED

    def resume(self) -> None:
        """Resume after pause; replay from the start after the end or a stop."""
        self.calls.append(("resume",))
        if self.sample_rate == 0:
            return
        if self._state in (PlaybackState.FINISHED, PlaybackState.STOPPED):
            self._position = 0.0
            if self._window_frames:
                self._move_window(0.0)
        if self._state is not PlaybackState.PLAYING:
            self._state = PlaybackState.PLAYING

    def stop(self) -> None:
        """Stop; the clip stays loaded."""
        self.calls.append(("stop",))
        self._state = PlaybackState.STOPPED
        self._position = 0.0

    def seek(self, seconds: float) -> None:
        """Move within what has arrived."""
        self.calls.append(("seek", seconds))
        self._position = min(max(0.0, seconds), self.duration_s)
        if self._window_frames:
            self._move_window(self._position)
        if self._state is PlaybackState.FINISHED:
            self._state = PlaybackState.PAUSED

    def close(self) -> None:
        """Forget the clip."""
        self.calls.append(("close",))
        self._state = PlaybackState.STOPPED
        self.sample_rate = 0
        self.fed = []
        self._window_frames = 0

    def advance(self, seconds: float) -> None:
        """Let `seconds` of playback happen: the position moves, the end finishes the clip."""
        if self._state is not PlaybackState.PLAYING:
            return
        self._position = min(self._position + seconds, self.duration_s)
        if self._position >= self.duration_s:
            self._state = PlaybackState.FINISHED if self._ended else PlaybackState.BUFFERING

    def lose_device(self, message: str = "The sound output stopped working.") -> None:
        """Act as if the device vanished mid-play: playback stops and last_error is set."""
        self._last_error = AudioDeviceError(message)
        self._state = PlaybackState.STOPPED

    @property
    def samples(self) -> npt.NDArray[np.float32]:
        """All samples fed to the current clip, joined."""
        return np.concatenate(self.fed) if self.fed else np.zeros(0, np.float32)

    @property
    def state(self) -> PlaybackState:
        """The current state."""
        return self._state

    @property
    def position_s(self) -> float:
        """Seconds played (moved by `advance` and `seek`)."""
        return self._position

    @property
    def duration_s(self) -> float:
        """Seconds of audio fed so far (a window's whole clip)."""
        if self._window_frames:
            return self._window_frames / self.sample_rate
        return sum(len(x) for x in self.fed) / self.sample_rate if self.sample_rate else 0.0

    @property
    def underruns(self) -> int:
        """Always 0: a fake never runs dry."""
        return 0

    @property
    def last_error(self) -> AudioDeviceError | None:
        """The error set by `lose_device`, or None."""
        return self._last_error

    def _raise_pending(self) -> None:
        error, self.fail_next = self.fail_next, None
        if error is not None:
            self._state = PlaybackState.STOPPED
            raise error


class AlreadyRunning:
    """Hands an already started LocalServer to BackendService (start and stop do nothing).

    Tests share one session waves-local; the backend's "start the embedded server" step then
    just adopts it.
    """

    def __init__(self, server: Any) -> None:
        self._server = server

    @property
    def base_url(self) -> str:
        """The shared server's address."""
        return str(self._server.base_url)

    @property
    def config(self) -> Any:
        """The shared server's configuration (its API key included)."""
        return self._server.config

    def start(self) -> None:
        """Nothing to do: the fixture started it."""

    def stop(self) -> None:
        """Nothing to do: the fixture stops it."""
