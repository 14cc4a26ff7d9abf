"""The PortAudio side of the player: one output stream, its real-time callback, start and stop."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from studio.audio.devices import device_error, load_backend, resolve_device
from studio.audio.playbuffer import PlaybackRun

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np
    import numpy.typing as npt


LATENCY_S = 0.1  # device buffering: robust on a busy 2-core machine, still feels immediate


class DeviceStream:
    """Owns at most one sounddevice.OutputStream and feeds it from a PlaybackRun.

    Attributes:
        rate: The rate the open stream runs at (0 when none is open).
        device_name: The device name the open stream was opened for (None: the default).
        run: What the callback plays.
        generation: Bumped at every start, stop and close, so a poll can tell that the
            stream changed under it.
        timings: When not None, a preallocated array the callback writes its own durations
            (seconds) into, for benchmarks; `timing_count` says how many are valid and
            `timing_frames` how many frames the last one filled.
    """

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._stream: Any = None
        self.rate = 0
        self.device_name: str | None = None  # what the open stream was asked for
        self.run: PlaybackRun | None = None
        self.generation = 0
        self.timings: npt.NDArray[np.float64] | None = None
        self.timing_count = 0
        self.timing_frames = 0  # frames of the last timed callback: its period is this / rate

    @property
    def backend(self) -> Any:
        """The sounddevice module (imported on first use)."""
        if self._backend is None:
            self._backend = load_backend()
        return self._backend

    @property
    def is_open(self) -> bool:
        """True while a stream is open (started or not)."""
        return self._stream is not None

    @property
    def active(self) -> bool:
        """True while the callback runs; False once stopped, finished or dead."""
        stream = self._stream
        try:
            return bool(stream is not None and stream.active)
        except Exception:  # a stream whose device vanished may fail even to report
            return False

    @property
    def latency_s(self) -> float:
        """How long a sample takes from the callback to the listener's ears."""
        try:
            return float(self._stream.latency) if self._stream is not None else 0.0
        except Exception:
            return 0.0

    def open(self, device_name: str | None, rate: int) -> int:
        """Open the named (or default) device at `rate`, or at its own rate if it refuses.

        Returns:
            The rate the stream runs at; the caller resamples when it differs.

        Raises:
            AudioDeviceError: no output device, or it cannot be opened.
        """
        self.close()
        sd = self.backend
        device = resolve_device(sd, device_name)
        try:
            sd.check_output_settings(device=device, samplerate=rate, channels=1, dtype="float32")
            stream_rate = rate
        except Exception:
            try:
                stream_rate = int(sd.query_devices(device)["default_samplerate"])
            except Exception as exc:
                raise device_error(exc) from exc
        try:
            self._stream = sd.OutputStream(
                samplerate=stream_rate,
                device=device,
                channels=1,
                dtype="float32",
                latency=LATENCY_S,
                callback=self._callback,
            )
        except Exception as exc:
            raise device_error(exc) from exc
        self.rate = stream_rate
        self.device_name = device_name
        return stream_rate

    def start(self, run: PlaybackRun) -> None:
        """Play `run` (the stream must be open and not running).

        Raises:
            AudioDeviceError: the device refused to start.
        """
        stream = self._stream
        self.generation += 1
        self.run = run
        try:
            if not stream.stopped:  # it finished by itself: PortAudio wants a stop first
                stream.abort(ignore_errors=True)
            stream.start()
        except Exception as exc:
            raise device_error(exc, "start playback") from exc

    def stop(self) -> None:
        """Stop the callback at once (what the device still buffers is dropped)."""
        self.generation += 1
        stream = self._stream
        if stream is not None:
            try:
                stream.abort(ignore_errors=True)
            except Exception:
                self.close()  # a broken stream is reopened on the next start

    def close(self) -> None:
        """Stop and release the device (safe to call any time)."""
        self.generation += 1
        stream, self._stream = self._stream, None
        self.rate = 0
        if stream is not None:
            with contextlib.suppress(Exception):  # closing a dead device must not break the app
                stream.abort(ignore_errors=True)
                stream.close(ignore_errors=True)

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: copy one buffer, no locks, no allocation beyond array views."""
        timings = self.timings
        started = time.perf_counter() if timings is not None else 0.0
        run = self.run
        more = True
        if run is None:
            outdata.fill(0)
        else:
            more = run.fill(outdata[:, 0])
        if timings is not None and self.timing_count < len(timings):
            timings[self.timing_count] = time.perf_counter() - started
            self.timing_count += 1
            self.timing_frames = frames
        if not more:
            raise self.backend.CallbackStop
