"""Microphone recording for voice-clone samples: a sounddevice input stream with a level meter.

PortAudio calls `_callback` on its own thread every 20 ms. The callback only copies the block
into a buffer allocated up front (bounded memory, no allocation per block), records the block's
peak for the meter and counts overflow flags; it stops the stream itself at the time limit.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.audio import codecs
from studio.audio.devices import SOUND_SERVER_DEVICES, device_error, load_backend
from studio.core.errors import AudioDeviceError

FloatArray = codecs.FloatArray
MAX_RECORD_S = 15.0
BLOCK_S = 0.02  # 50 callbacks and meter values a second
PREFERRED_RATES = (48000, 44100, 32000, 24000, 16000)
METER_HISTORY = 500  # the last 10 s of meter values


@dataclass(frozen=True)
class InputDevice:
    """A device that can record.

    Attributes:
        name: PortAudio's device name (what Settings remembers).
        index: PortAudio's device index.
        default_sample_rate: The rate the device prefers, in Hz.
        is_default: True for the system's default input.
    """

    name: str
    index: int
    default_sample_rate: int
    is_default: bool


@dataclass(frozen=True)
class Recording:
    """What a recording produced.

    Attributes:
        samples: Mono float32.
        sample_rate: The rate negotiated with the device.
        overflows: Input overflow flags PortAudio reported (each is lost input).
    """

    samples: FloatArray = field(repr=False)
    sample_rate: int
    overflows: int

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0


def list_input_devices(backend: Any) -> list[InputDevice]:
    """Every device with input channels, the system default first; [] when there are none."""
    try:
        devices = list(backend.query_devices())
        default = int(backend.default.device[0])
    except Exception:  # PortAudio errors and a broken backend alike mean "no devices"
        return []
    inputs = [d for d in devices if int(d.get("max_input_channels", 0)) > 0]
    names = {int(d["index"]): str(d["name"]) for d in inputs}
    if default not in names:
        # No usable default: prefer the sound server, which follows the desktop's choice.
        default = next(
            (i for s in SOUND_SERVER_DEVICES for i, n in names.items() if n == s),
            next(iter(names), -1),
        )
    found = [
        InputDevice(
            name=str(d["name"]),
            index=int(d["index"]),
            default_sample_rate=int(d["default_samplerate"]),
            is_default=int(d["index"]) == default,
        )
        for d in inputs
    ]
    return sorted(found, key=lambda device: not device.is_default)


def negotiate_rate(backend: Any, device: int | None) -> int:
    """The first rate the device accepts: its own default, then common speech-capable rates."""
    try:
        info = backend.query_devices(device, "input")
        own = int(info["default_samplerate"])
    except Exception as exc:
        raise device_error(exc, "open the microphone") from exc
    for rate in (own, *PREFERRED_RATES):
        try:
            backend.check_input_settings(device=device, samplerate=rate, channels=1)
        except Exception:  # noqa: S112 - PortAudio refuses rates with a plain Exception
            continue
        return rate
    raise AudioDeviceError(
        "The microphone accepts none of the usual sample rates. Choose another input device."
    )


class Recorder:
    """One recording from a microphone, at most `max_seconds` long. Thread-safe.

    `start()` and `stop()` touch the device, so callers run them off the GUI thread; `level_db`,
    `elapsed_s`, `overflows` and `finished` are cheap to poll from a timer.

    Attributes:
        device: The input device index (None = the system default).
        sample_rate: Set by `start()` from the device.
        finished: Set when the recording ended (time limit reached or stopped).
    """

    def __init__(
        self, device: int | None = None, max_seconds: float = MAX_RECORD_S, backend: Any = None
    ) -> None:
        self.device = device
        self.max_seconds = max_seconds
        self.sample_rate = 0
        self.finished = threading.Event()
        self._backend = backend
        self._stream: Any = None
        self._buffer = np.zeros(0, dtype=np.float32)
        self._filled = 0
        self._overflows = 0
        self._meter: deque[float] = deque(maxlen=METER_HISTORY)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Open the input stream and start recording (raises AudioDeviceError)."""
        backend = self._backend or load_backend()
        self._backend = backend
        self.sample_rate = negotiate_rate(backend, self.device)
        self._buffer = np.zeros(int(self.max_seconds * self.sample_rate), dtype=np.float32)
        self._filled = 0
        self.finished.clear()
        try:
            self._stream = backend.InputStream(
                device=self.device,
                samplerate=self.sample_rate,
                channels=1,
                dtype="float32",
                blocksize=int(BLOCK_S * self.sample_rate),
                latency="low",  # the meter follows the voice, and Stop loses little
                callback=self._callback,
                finished_callback=self.finished.set,
            )
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise device_error(exc, "open the microphone") from exc

    def _callback(self, indata: Any, frames: int, _time: Any, status: Any) -> None:
        if status and getattr(status, "input_overflow", False):
            with self._lock:
                self._overflows += 1
        block = indata[:, 0]
        room = len(self._buffer) - self._filled
        take = min(room, frames)
        self._buffer[self._filled : self._filled + take] = block[:take]
        peak = float(np.max(np.abs(block))) if frames else 0.0
        with self._lock:
            self._filled += take
            self._meter.append(20 * math.log10(peak) if peak > 1e-6 else -120.0)
        if self._filled >= len(self._buffer):
            raise self._backend.CallbackStop

    @property
    def level_db(self) -> float:
        """The latest block's peak in dBFS (-120 before any input)."""
        with self._lock:
            return self._meter[-1] if self._meter else -120.0

    def meter_values(self) -> list[float]:
        """The meter values so far (one per 20 ms block, the last 10 s)."""
        with self._lock:
            return list(self._meter)

    @property
    def elapsed_s(self) -> float:
        """Seconds recorded so far."""
        with self._lock:
            return self._filled / self.sample_rate if self.sample_rate else 0.0

    @property
    def overflows(self) -> int:
        """Input overflows counted so far."""
        with self._lock:
            return self._overflows

    def stop(self) -> Recording:
        """Stop (if still running), close the device and return what was recorded."""
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as exc:
                raise device_error(exc, "close the microphone") from exc
        self.finished.set()
        with self._lock:
            samples = self._buffer[: self._filled].copy()
            overflows = self._overflows
        return Recording(samples, self.sample_rate, overflows)
