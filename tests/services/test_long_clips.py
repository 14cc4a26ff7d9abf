"""A long render in the window: played from its file, drawn from its peaks, saved in blocks."""

from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio.clipfile import clip_from_samples
from studio.audio.peaks import envelope_rate
from studio.core.models import new_client_id
from studio.pipeline import Rendered, RenderSpec, export_rendered
from studio.services.clipview import LONG_TEXT_CHARS, ProgressShape, waveform_signal

RATE = 8000


def _long_rendered(folder: Path, minutes: float = 10.5) -> tuple[Rendered, np.ndarray]:
    """A PCM render longer than SHORT_CLIP_S, as the pipeline stores it (FLAC)."""
    t = np.arange(int(minutes * 60 * RATE), dtype=np.float32) / RATE
    samples = (0.25 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 0.1 * t)) / 2).astype(
        np.float32
    )
    audio = clip_from_samples(samples, RATE, "pcm", folder, "req-1", "srv-1")
    spec = RenderSpec("tone-alto", sample_rate=RATE, output_format="pcm")
    return Rendered(
        "long", spec, audio, new_client_id("take"), ("req-1",), ("srv-1",), "sse"
    ), samples


@pytest.mark.slow
def test_a_long_clip_plays_from_its_file_and_draws_from_peaks(
    qtbot, tmp_path: Path, playback, player
) -> None:
    """Every sample reaches the player from the file; the waveform gets 1/100 of the data."""
    rendered, samples = _long_rendered(tmp_path)
    assert rendered.is_long
    signal, rate = waveform_signal(rendered)
    assert rate == envelope_rate(RATE) and len(signal) <= len(samples) // 40
    assert signal.max() == pytest.approx(samples.max(), abs=1e-4)  # peaks keep the loudest
    assert "samples" not in vars(rendered)  # drawing never decoded the whole clip
    playback.play_rendered(rendered)
    qtbot.wait_until(lambda: sum(len(x) for x in player.fed) == len(samples), timeout=20000)
    np.testing.assert_allclose(np.concatenate(player.fed), samples, atol=1.0 / 32768)
    assert "samples" not in vars(rendered)


@pytest.mark.slow
def test_a_long_clip_saves_in_blocks_in_every_format(tmp_path: Path) -> None:
    """WAV is bit-exact PCM16; FLAC and the raw formats have every sample; nothing is lost."""
    rendered, samples = _long_rendered(tmp_path, minutes=10.2)
    wav = export_rendered(rendered, tmp_path / "out.wav", "wav")
    data, rate = soundfile.read(wav, dtype="int16")
    assert rate == RATE and len(data) == len(samples)
    expected = np.clip(np.round(samples * 32768), -32768, 32767).astype(np.int16)
    np.testing.assert_array_equal(data, expected)
    flac = export_rendered(rendered, tmp_path / "out.flac", "flac")
    assert soundfile.info(str(flac)).frames == len(samples)
    pcm = export_rendered(rendered, tmp_path / "out.pcm", "pcm")
    assert pcm.stat().st_size == 2 * len(samples)
    assert "samples" not in vars(rendered)


def test_long_texts_stream_to_the_waveform_as_peaks() -> None:
    """While a long text renders, the waveform gets min/max pairs, not samples."""
    piece = np.linspace(-0.5, 0.5, 24000, dtype=np.float32)
    short, rate = ProgressShape(100).shape(piece, 24000)
    assert rate == 24000 and short is piece
    shape = ProgressShape(LONG_TEXT_CHARS + 1)
    drawn, rate = shape.shape(piece, 24000)
    assert rate == envelope_rate(24000) and len(drawn) == rate  # one second of envelope
    assert drawn.min() == piece.min()


@pytest.mark.slow
def test_a_long_clip_starts_where_asked(qtbot, tmp_path: Path, playback, player) -> None:
    """A/B switches and waveform clicks on a stopped long clip play from that point, not 0:00:
    the player's window opens there and the file is read from there on."""
    rendered, samples = _long_rendered(tmp_path)
    playback.play_rendered(rendered, at_fraction=0.5)
    half = len(samples) // 2
    qtbot.wait_until(lambda: sum(len(x) for x in player.fed) == len(samples) - half, timeout=20000)
    windows = [call for call in player.calls if call[0] == "begin_window"]
    assert windows == [("begin_window", RATE, len(samples), pytest.approx(half / RATE))]
    np.testing.assert_allclose(np.concatenate(player.fed), samples[half:], atol=1.0 / 32768)
    assert player.position_s == pytest.approx(rendered.duration_s / 2, abs=0.01)
