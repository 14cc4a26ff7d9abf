"""A long clip's window through the real sound server: seeks outside it are heard at once."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio.clipfile import open_clip
from studio.audio.player import KEEP_S, WINDOW_S, AudioPlayer
from studio.core.models import new_client_id
from studio.pipeline import Rendered, RenderSpec
from studio.services.playback import PlaybackService
from tests.audio.recorder import NEEDS_NULL_SINK, RATE, Recorder
from tests.audio.signals import dominant_frequency

pytestmark = [
    pytest.mark.audio_device,
    pytest.mark.slow,
    NEEDS_NULL_SINK,
]
SWITCH_S = 300  # 440 Hz before, 1 kHz after


def two_tone_clip(folder: Path, seconds: float) -> Rendered:
    """A FLAC render: 440 Hz up to SWITCH_S, then 1 kHz (written in blocks)."""
    path = folder / "long.flac"
    frames = int(seconds * RATE)
    with soundfile.SoundFile(path, "w", RATE, 1, "PCM_16", format="FLAC") as sound:
        for start in range(0, frames, 1 << 20):
            n = np.arange(start, min(start + (1 << 20), frames))
            hz = np.where(n < SWITCH_S * RATE, 440.0, 1000.0)
            sound.write((0.5 * np.sin(2 * np.pi * hz * n / RATE)).astype(np.float32))
    audio = open_clip(path, "pcm", RATE)
    spec = RenderSpec("tone-alto", sample_rate=RATE, output_format="pcm")
    return Rendered("long", spec, audio, new_client_id("take"), ("r",), ("s",), "sse")


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    rec.stop()


def test_seeks_outside_the_window_are_heard_from_the_right_place(
    qtbot, tmp_path: Path, recorder: Recorder, bus
) -> None:
    """Forward to 400 s the sink hears 1 kHz, back to 60 s it hears 440 Hz, without
    under-runs, and the player never holds more than its window."""
    rendered = two_tone_clip(tmp_path, 10.5 * 60)
    player = AudioPlayer()
    service = PlaybackService(player, bus)
    try:
        service.play_rendered(rendered)
        qtbot.wait_until(lambda: player.position_s > 0.5, timeout=10000)
        assert dominant_frequency(recorder.samples()[-RATE // 4 :], RATE) == pytest.approx(
            440, abs=8
        )
        service.seek(400.0)
        qtbot.wait_until(lambda: 400.8 < player.position_s < 405, timeout=10000)
        assert dominant_frequency(recorder.samples()[-RATE // 4 :], RATE) == pytest.approx(
            1000, abs=8
        )
        service.seek(60.0)
        qtbot.wait_until(lambda: 60.8 < player.position_s < 65, timeout=10000)
        assert dominant_frequency(recorder.samples()[-RATE // 4 :], RATE) == pytest.approx(
            440, abs=8
        )
        clip = player._clip
        assert clip is not None and len(clip.data) == int((WINDOW_S + KEEP_S) * RATE)
        assert player.underruns == 0 and player.last_error is None
        assert player.duration_s == pytest.approx(rendered.duration_s)
    finally:
        service.shutdown()
