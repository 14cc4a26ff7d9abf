"""Recording through a PulseAudio virtual microphone: the null sink's monitor as default source."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio import codecs
from studio.audio.devices import load_backend
from studio.audio.record import Recorder, list_input_devices
from tests.audio.recorder import NEEDS_NULL_SINK
from tests.audio.speech_sample import RATE, speech

pytestmark = [
    pytest.mark.audio_device,
    pytest.mark.slow,
    NEEDS_NULL_SINK,
]
SINK = os.environ.get("PULSE_SINK", "studio_null")


@pytest.fixture
def virtual_microphone() -> Iterator[str]:
    """The null sink's monitor made the default source for the test (restored after)."""
    before = subprocess.run(
        ["pactl", "get-default-source"], capture_output=True, text=True, check=False
    ).stdout.strip()
    subprocess.run(["pactl", "set-default-source", f"{SINK}.monitor"], check=True)
    yield f"{SINK}.monitor"
    if before:
        subprocess.run(["pactl", "set-default-source", before], check=False)


def _best_alignment(recorded: np.ndarray, played: np.ndarray) -> float:
    """Normalised cross-correlation of the overlap of `played` and `recorded` at the best lag.

    The lag may be negative: the monitor can drop the first few milliseconds of playback.
    """
    size = 1 << int(np.ceil(np.log2(len(recorded) + len(played))))
    corr = np.fft.irfft(np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(played, size)), size)
    lag = int(np.argmax(corr))
    if lag > size // 2:
        lag -= size
    a = recorded[max(lag, 0) :]
    b = played[max(-lag, 0) :]
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_input_devices_list_the_default_first(virtual_microphone: str) -> None:
    """The device list is not empty and the system default comes first."""
    devices = list_input_devices(load_backend())
    assert devices and devices[0].is_default
    assert sum(device.is_default for device in devices) == 1


def test_recording_matches_what_the_virtual_microphone_hears(
    virtual_microphone: str, tmp_path: Path
) -> None:
    """15 s recorded while speech plays: it matches (≥ 0.9), the meter moved, no overflow."""
    played = speech()
    path = tmp_path / "speech.wav"
    soundfile.write(path, played, RATE, subtype="PCM_16")
    recorder = Recorder()
    recorder.start()
    try:
        subprocess.run(["paplay", f"--device={SINK}", str(path)], check=True, timeout=30)
        assert recorder.finished.wait(30), "the recording did not stop at 15 s"
    finally:
        recording = recorder.stop()
    assert recording.duration_s == pytest.approx(15.0, abs=0.05)
    assert recording.overflows == 0
    meter = recorder.meter_values()
    assert len(meter) >= 20 * 10  # ≥ 20 values a second (the history keeps the last 10 s)
    assert max(meter) > -20 and min(meter) < -60  # speech moved it, and silence let it fall
    heard = codecs.resample(recording.samples, recording.sample_rate, RATE)
    assert _best_alignment(heard, played) >= 0.9
