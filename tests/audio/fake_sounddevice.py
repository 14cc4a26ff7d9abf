"""A stand-in for the sounddevice module whose stream runs only when a test pumps it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class PortAudioError(Exception):
    """Like sounddevice.PortAudioError."""


class CallbackStop(Exception):  # noqa: N818 - the name sounddevice uses
    """Like sounddevice.CallbackStop."""


class FakeStream:
    """An OutputStream whose callback runs in `pump`, on the test's thread."""

    def __init__(self, backend: FakeSoundDevice, **settings: Any) -> None:
        if backend.open_error:
            raise PortAudioError(backend.open_error)
        self.settings = settings
        self.samplerate = settings["samplerate"]
        self.latency = float(settings.get("latency") or 0.0)
        self._callback: Callable[..., None] = settings["callback"]
        self.active = False
        self.stopped = True
        self.closed = False
        self.starts = 0

    def start(self) -> None:
        if not self.stopped:
            raise PortAudioError("Stream is not stopped [PaErrorCode -9982]")
        self.active, self.stopped = True, False
        self.starts += 1

    def abort(self, ignore_errors: bool = True) -> None:
        self.active, self.stopped = False, True

    def close(self, ignore_errors: bool = True) -> None:
        self.abort()
        self.closed = True

    def pump(self, frames: int) -> np.ndarray:
        """Run the callback once for `frames` frames and return what it wrote."""
        out = np.full((frames, 1), np.nan, np.float32)  # NaN shows any frame left unwritten
        if not self.active:
            return np.zeros(0, np.float32)
        try:
            self._callback(out, frames, None, None)
        except CallbackStop:
            self.active = False  # finished by itself; not "stopped" until stop/abort
        assert not np.isnan(out).any(), "the callback left frames unwritten"
        return out[:, 0].copy()

    def pump_all(self, frames: int = 256, limit: int = 100_000) -> np.ndarray:
        """Pump until the stream finishes by itself; return everything it played."""
        played = []
        for _ in range(limit):
            if not self.active:
                break
            played.append(self.pump(frames))
        return np.concatenate(played) if played else np.zeros(0, np.float32)

    def die(self) -> None:
        """The device vanished: the stream stops without being asked."""
        self.active = False


class _Default:
    def __init__(self) -> None:
        self.device = [-1, 0]


class FakeSoundDevice:
    """The parts of the sounddevice module the player uses, with configurable devices."""

    PortAudioError = PortAudioError
    CallbackStop = CallbackStop

    def __init__(
        self, names: tuple[str, ...] = ("default",), rates: set[int] | None = None
    ) -> None:
        self.devices = [
            {"name": n, "index": i, "max_output_channels": 2, "max_input_channels": 0,
             "default_samplerate": 48000.0}
            for i, n in enumerate(names)
        ]  # fmt: skip
        self.default = _Default()
        self.rates = rates  # None: any rate opens
        self.open_error = ""
        self.streams: list[FakeStream] = []

    def query_devices(self, device: int | None = None) -> Any:
        if device is not None:
            return self.devices[device]
        return list(self.devices)

    def check_output_settings(
        self, device: int | None = None, samplerate: float = 0, **_: Any
    ) -> None:
        if self.rates is not None and samplerate not in self.rates:
            raise PortAudioError("Invalid sample rate [PaErrorCode -9997]")

    def OutputStream(self, **settings: Any) -> FakeStream:
        stream = FakeStream(self, **settings)
        self.streams.append(stream)
        return stream

    @property
    def stream(self) -> FakeStream:
        """The most recently opened stream."""
        return self.streams[-1]
