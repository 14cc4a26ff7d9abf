"""Reading voice samples: WAV, FLAC, Ogg, MP3 via libsndfile; M4A and WebM via PyAV; pitch."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio import codecs
from studio.audio.pitch import median_pitch
from studio.audio.sample_io import decode_sample, read_sample
from studio.core.errors import DecodeError

RATE = 24000


def _tone(f0: float = 200.0, seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * f0 * t)).astype(np.float32)


@pytest.mark.parametrize(("suffix", "fmt", "subtype"), [
    (".wav", "WAV", "PCM_16"), (".flac", "FLAC", "PCM_16"), (".ogg", "OGG", "VORBIS"),
    (".mp3", "MP3", "MPEG_LAYER_III"),
])  # fmt: skip
def test_sndfile_formats_decode_to_mono(tmp_path: Path, suffix, fmt, subtype) -> None:
    """Stereo files of each format come back mono, at their rate, with the same pitch."""
    stereo = np.stack([_tone(), _tone()], axis=1)
    path = tmp_path / f"s{suffix}"
    soundfile.write(path, stereo, RATE, format=fmt, subtype=subtype)
    samples, rate = read_sample(path)
    assert rate == RATE and samples.ndim == 1 and samples.dtype == np.float32
    assert len(samples) / RATE == pytest.approx(2.0, abs=0.1)
    assert median_pitch(samples, rate) == pytest.approx(200.0, abs=2.0)


@pytest.mark.parametrize(
    ("suffix", "container", "codec"), [(".m4a", "mp4", "aac"), (".webm", "webm", "libopus")]
)
def test_m4a_and_webm_decode_with_pyav(tmp_path: Path, suffix, container, codec) -> None:
    """With PyAV installed, M4A (AAC) and WebM (Opus) samples decode too."""
    av = pytest.importorskip("av")
    out = io.BytesIO()
    with av.open(out, mode="w", format=container) as output:
        stream = output.add_stream(codec, rate=48000)
        stream.layout = "mono"
        samples = codecs.resample(_tone(), RATE, 48000)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = 48000
        for packet in stream.encode(frame):
            output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    path = tmp_path / f"s{suffix}"
    path.write_bytes(out.getvalue())
    decoded, rate = read_sample(path)
    assert rate == 48000 and len(decoded) / rate == pytest.approx(2.0, abs=0.15)
    assert median_pitch(decoded, rate) == pytest.approx(200.0, abs=3.0)


def test_garbage_is_a_clear_error(tmp_path: Path) -> None:
    """A text file named .wav gives a DecodeError naming the file and the formats."""
    path = tmp_path / "notes.wav"
    path.write_text("hello")
    with pytest.raises(DecodeError, match=r"notes\.wav.*WAV, FLAC, Ogg or MP3"):
        read_sample(path)
    with pytest.raises(DecodeError, match="Could not read"):
        read_sample(tmp_path / "missing.wav")


def test_pitch_has_no_octave_error_on_harmonic_voices() -> None:
    """A 110 Hz buzz with strong harmonics reads 110 Hz (not 55 or 220); silence reads None."""
    t = np.arange(3 * RATE) / RATE
    buzz = sum(np.sin(2 * np.pi * 110 * k * t) / k for k in range(1, 8)).astype(np.float32)
    assert median_pitch(0.2 * buzz, RATE) == pytest.approx(110.0, abs=2.0)
    assert median_pitch(np.zeros(RATE, np.float32), RATE) is None
    data = codecs.wav_bytes(0.2 * buzz, RATE)
    samples, rate = decode_sample(data, ".wav")
    assert rate == RATE and median_pitch(samples, rate) == pytest.approx(110.0, abs=2.0)
