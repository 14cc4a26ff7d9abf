"""Voice-clone sample checks on generated cases: each gets the right verdict."""

from __future__ import annotations

import numpy as np
import pytest

from studio.audio import codecs, sample_check
from studio.audio.sample_check import BAD, FAIR, GOOD, UNSURE, check_sample
from studio.core import contract as c
from tests.audio.speech_sample import RATE, speech, speech_seconds

pytestmark = pytest.mark.slow  # one Piper render per process (a few seconds)


def _verdicts(samples: np.ndarray, rate: int = RATE) -> dict[str, str]:
    return {item.key: item.verdict for item in check_sample(samples, rate).checks}


def _with_silence(samples: np.ndarray, lead_s: float, tail_s: float) -> np.ndarray:
    lead = np.zeros(int(lead_s * RATE), dtype=np.float32)
    tail = np.zeros(int(tail_s * RATE), dtype=np.float32)
    return np.concatenate([lead, samples, tail])


def test_a_waves_local_render_passes() -> None:
    """A clean Piper render of ~8 s is good on every check; speakers is never claimed good."""
    report = check_sample(speech(), RATE)
    verdicts = {item.key: item.verdict for item in report.checks}
    assert verdicts == {
        "length": GOOD, "clipping": GOOD, "loudness": GOOD, "noise": GOOD,
        "speakers": UNSURE, "file": GOOD,
    }  # fmt: skip
    assert report.usable


def test_three_seconds_is_too_short() -> None:
    """3 s of speech is refused as too short, even inside 4 s of silence at the edges."""
    report = check_sample(_with_silence(speech_seconds(3.0), 2.0, 2.0), RATE)
    assert report.check("length").verdict == BAD
    assert "short" in report.check("length").advice.lower()
    assert report.check("length").measured.startswith(("2.", "3."))
    assert not report.usable


def test_forty_seconds_is_too_long() -> None:
    """40 s of speech is too long; the file (WAV) still fits in 5 MB."""
    verdicts = _verdicts(speech_seconds(40.0))
    assert verdicts["length"] == BAD
    assert verdicts["file"] == GOOD


def test_edge_silence_is_not_counted_and_can_be_trimmed() -> None:
    """Speech of 8 s with 5 s of silence on each side: 8 s counted, trim offered and exact."""
    samples = _with_silence(speech_seconds(8.0), 5.0, 5.0)
    report = check_sample(samples, RATE)
    assert report.check("length").verdict == GOOD
    assert report.can_trim
    trimmed = sample_check.trim_to_speech(samples, RATE)
    assert 7.5 < len(trimmed) / RATE < 8.6
    assert not check_sample(trimmed, RATE).can_trim


def test_clipping_is_caught() -> None:
    """Speech amplified 8x and clipped at full scale fails the clipping check."""
    clipped = np.clip(speech() * 8.0, -1.0, 1.0)
    report = check_sample(clipped, RATE)
    assert report.check("clipping").verdict == BAD
    assert "clipped" in report.check("clipping").measured


def test_silence_is_refused() -> None:
    """10 s of digital silence: no speech, silent, noise not measured."""
    verdicts = _verdicts(np.zeros(10 * RATE, dtype=np.float32))
    assert verdicts["length"] == BAD
    assert verdicts["loudness"] == BAD
    assert verdicts["noise"] == UNSURE


def test_white_noise_at_0_db_snr_is_too_noisy() -> None:
    """Speech mixed with white noise of the same power (0 dB SNR) fails the noise check."""
    clean = speech_seconds(10.0)
    rms = float(np.sqrt(np.mean(clean**2)))
    noise = np.random.default_rng(1).normal(0, rms, clean.size).astype(np.float32)
    report = check_sample(clean + noise, RATE)
    assert report.check("noise").verdict == BAD
    assert _verdicts(clean)["noise"] == GOOD


def test_two_voices_an_octave_apart_are_flagged() -> None:
    """Alternating a voice with itself an octave up reads as maybe two voices."""
    base = speech()
    high = codecs.resample(base, RATE * 2, RATE)  # half as long: pitch one octave up
    both = np.concatenate([base[: 4 * RATE], high, base[4 * RATE :]])
    report = check_sample(both, RATE)
    assert report.check("speakers").verdict == FAIR


def test_upload_encoding_is_an_accepted_type_under_5_mb() -> None:
    """Short samples go as WAV; 90 s at 48 kHz (too big as WAV) goes as MP3, under 5 MB."""
    data, mime, ext = sample_check.encode_for_upload(speech(), RATE)
    assert (mime, ext) == ("audio/wav", ".wav") and data[:4] == b"RIFF"
    long = np.tile(codecs.resample(speech(), RATE, 48000), 12)[: 90 * 48000]
    data, mime, ext = sample_check.encode_for_upload(long, 48000)
    assert mime == "audio/mpeg" and mime in c.CLONE_MIME_TYPES
    assert len(data) <= c.CLONE_MAX_BYTES
