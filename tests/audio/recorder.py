"""Records what the private PulseAudio null sink plays (its monitor), for end-to-end tests."""

import os
import subprocess
import threading

import numpy as np
import pytest

RATE = 24000
MONITOR = os.environ.get("PULSE_SINK", "studio_null") + ".monitor"
# For the tests that need scripts/test's private null sink (it sets STUDIO_TEST_PULSE=1).
NEEDS_NULL_SINK = pytest.mark.skipif(
    os.environ.get("STUDIO_TEST_PULSE") != "1",
    reason="no private PulseAudio null sink (run through scripts/test, which starts one)",
)


class Recorder:
    """parec on the null sink's monitor, collected by a thread."""

    def __init__(self) -> None:
        # A low recording latency also makes the null sink run in small steps; at its default
        # (2 s) it takes audio in bursts and streams stall.
        self._process = subprocess.Popen(
            ["parec", f"--device={MONITOR}", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "--latency-msec=10"],
            stdout=subprocess.PIPE,
        )  # fmt: skip
        self._chunks: list[bytes] = []
        self._started = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        assert self._started.wait(10), "parec delivered nothing"

    def _read(self) -> None:
        assert self._process.stdout is not None
        for block in iter(lambda: self._process.stdout.read1(4096), b""):  # type: ignore[union-attr]
            self._chunks.append(block)
            self._started.set()

    def samples(self) -> np.ndarray:
        """Everything recorded so far, as float32."""
        data = b"".join(self._chunks)
        return np.frombuffer(data[: len(data) // 2 * 2], "<i2").astype(np.float32) / 32768

    def stop(self) -> np.ndarray:
        """Stop recording and return it all (safe to call twice)."""
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(10)
        self._reader.join(10)
        if self._process.stdout is not None:
            self._process.stdout.close()
        return self.samples()
