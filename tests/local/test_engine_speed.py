"""Waves' speed is a tempo factor on every engine: speech at speed s lasts (length at 1.0) / s
within 10 %, edge silence aside (issue 13, item 14)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from studio.audio import codecs
from studio.local.engines.tempo import change_tempo
from studio.local.server import LocalServer
from tests.local.helpers import tts

SPEEDS = (0.5, 0.8, 1.25, 2.0)
RATE = 16000
TEXT = "The morning train was late again, so Maya walked down to the harbour and bought bread."


def speech_seconds(samples: npt.NDArray[np.float32], rate: int) -> float:
    """From the first to the last 10 ms frame within 35 dB of the loudest (edges ignored)."""
    frame = rate // 100
    count = len(samples) // frame
    energy = np.sqrt((samples[: count * frame].reshape(count, frame) ** 2).mean(axis=1))
    loud = np.nonzero(energy > energy.max() * 10 ** (-35 / 20))[0]
    return float(loud[-1] - loud[0] + 1) / 100


def _speech_at(server: LocalServer, voice_id: str, speed: float) -> float:
    reply = tts(
        server, text=TEXT, voice_id=voice_id, speed=speed, sample_rate=RATE, output_format="pcm"
    )
    assert reply.status_code == 200, reply.text
    return speech_seconds(codecs.pcm16_to_float(reply.content), RATE)


def _assert_tempo(server: LocalServer, voice_id: str) -> None:
    normal = _speech_at(server, voice_id, 1.0)
    for speed in SPEEDS:
        ratio = _speech_at(server, voice_id, speed) / (normal / speed)
        assert 0.9 <= ratio <= 1.1, f"{voice_id} at {speed}x: {ratio:.3f} of 1/speed"


@pytest.mark.parametrize(
    ("engine", "voice_id"),
    [
        ("espeak", "espeak-en-f"),
        ("tone", "tone-alto"),
        pytest.param("piper", "joe", marks=pytest.mark.slow),
    ],
)
def test_speed_scales_speech_length(make_waves_local: Any, engine: str, voice_id: str) -> None:
    """0.5, 0.8, 1.25 and 2.0x give 1/speed of the 1.0x speech length within 10 %."""
    _assert_tempo(make_waves_local(engine=engine), voice_id)


def test_change_tempo_keeps_pitch_and_scales_length() -> None:
    """A 200 Hz tone at 2x lasts half as long and is still 200 Hz (not an octave up)."""
    rate = 22050
    tone = np.sin(2 * np.pi * 200 * np.arange(rate) / rate).astype(np.float32)
    faster = change_tempo(tone, rate, 2.0)
    assert abs(len(faster) - rate / 2) < rate * 0.01
    spectrum = np.abs(np.fft.rfft(faster[1000:-1000]))
    peak = np.fft.rfftfreq(len(faster) - 2000, 1 / rate)[int(np.argmax(spectrum))]
    assert abs(peak - 200) < 5
    assert change_tempo(tone, rate, 1.0) is tone
