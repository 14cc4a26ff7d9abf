"""Recorder logic with a scripted input stream: overflow counting, time limit, rate choice."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from studio.audio.record import Recorder, list_input_devices, negotiate_rate
from studio.core.errors import AudioDeviceError


class _StopError(Exception):
    pass


class _Backend:
    """Just enough of sounddevice: devices, rate checks and an input stream run by the test."""

    CallbackStop = _StopError

    def __init__(self, rates: tuple[int, ...] = (44100,)) -> None:
        self.rates = rates
        self.default = SimpleNamespace(device=(2, 0))
        self.stream: Any = None

    def query_devices(self, device: Any = None, kind: str | None = None) -> Any:
        devices = [
            {"name": "hw mic", "index": 1, "max_input_channels": 2, "default_samplerate": 96000},
            {"name": "default", "index": 2, "max_input_channels": 32, "default_samplerate": 96000},
            {"name": "speakers", "index": 3, "max_input_channels": 0, "default_samplerate": 48000},
        ]
        return devices if kind is None else devices[1]

    def check_input_settings(self, device: Any, samplerate: int, channels: int) -> None:
        if samplerate not in self.rates:
            raise ValueError("Invalid sample rate")

    def InputStream(self, **settings: Any) -> Any:
        self.stream = SimpleNamespace(settings=settings, start=lambda: None, stop=lambda: None,
                                      close=lambda: None)  # fmt: skip
        return self.stream


def _feed(backend: _Backend, blocks: int, overflow_every: int = 0) -> bool:
    """Run the callback `blocks` times with a ramp; True if it asked to stop."""
    settings = backend.stream.settings
    size = settings["blocksize"]
    for n in range(blocks):
        flags = SimpleNamespace(input_overflow=bool(overflow_every and n % overflow_every == 0))
        try:
            settings["callback"](np.full((size, 1), 0.5, np.float32), size, None, flags)
        except _StopError:
            return True
    return False


def test_default_input_comes_first_and_outputs_are_left_out() -> None:
    """The system default input is listed first; output-only devices are not inputs."""
    devices = list_input_devices(_Backend())
    assert [d.name for d in devices] == ["default", "hw mic"]
    assert devices[0].is_default and not devices[1].is_default


def test_the_rate_is_negotiated_with_the_device() -> None:
    """96 kHz refused, 48 kHz refused, 44.1 kHz accepted; nothing accepted is a clear error."""
    assert negotiate_rate(_Backend((44100,)), None) == 44100
    with pytest.raises(AudioDeviceError, match="sample rates"):
        negotiate_rate(_Backend(()), None)


def test_overflows_are_counted_and_the_limit_stops_it() -> None:
    """Every overflow flag is counted; at max_seconds the callback stops the stream itself."""
    backend = _Backend()
    recorder = Recorder(max_seconds=1.0, backend=backend)
    recorder.start()
    assert not _feed(backend, 10, overflow_every=5)
    assert recorder.overflows == 2 and recorder.elapsed_s == pytest.approx(0.2)
    assert _feed(backend, 100)  # 1 s = 50 blocks of 20 ms: stops before 100
    recording = recorder.stop()
    assert recording.duration_s == pytest.approx(1.0) and recording.overflows == 2
    assert len(recorder.meter_values()) == 50 and recorder.level_db == pytest.approx(-6.02, 0.01)
