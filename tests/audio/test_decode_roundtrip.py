"""Every wire format at every contract rate survives encode -> decode with the right signal."""

import numpy as np
import pytest

from studio.audio import codecs
from studio.audio.decode import DecodedAudio, decode
from studio.core.errors import DecodeError
from tests.audio.signals import RATES, dominant_frequency, sine, snr_db

# Minimum SNR per codec: 16-bit PCM is ~90 dB for a half-scale tone; G.711 is ~37 dB.
SNR_BOUNDS = {"pcm": 80.0, "wav": 80.0, "ulaw": 30.0, "alaw": 30.0}


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("fmt", ["pcm", "wav", "ulaw", "alaw"])
def test_lossless_and_g711_round_trip(fmt: str, rate: int) -> None:
    """One second of tone decodes to the same length, rate and signal (within the codec's SNR)."""
    tone = sine(440, 1.0, rate)
    audio = decode(codecs.encode(tone, fmt, rate), fmt, rate)
    assert audio.sample_rate == rate
    assert audio.samples.dtype == np.float32
    assert len(audio.samples) == len(tone)
    assert audio.duration_s == pytest.approx(1.0)
    assert snr_db(tone, audio.samples) > SNR_BOUNDS[fmt]


@pytest.mark.parametrize("rate", RATES)
def test_mp3_round_trip_keeps_length_rate_and_pitch(rate: int) -> None:
    """MP3 decodes gaplessly (the LAME tag's delay and padding are trimmed) at the same pitch."""
    tone = sine(440, 1.0, rate)
    audio = decode(codecs.mp3_bytes(tone, rate), "mp3", rate)
    assert audio.sample_rate == rate
    assert len(audio.samples) == len(tone)
    assert dominant_frequency(audio.samples, rate) == pytest.approx(440, abs=2)
    # Aligned sample for sample, so the waveform itself matches, not just the spectrum.
    assert snr_db(tone, audio.samples) > 10


def test_pcm16_survives_decode_and_reencode_bit_exact() -> None:
    """Decoding PCM and writing it again gives back the very same bytes."""
    raw = np.arange(-32768, 32768, 7, dtype="<i2").tobytes()
    audio = decode(raw, "pcm", 16000)
    assert codecs.float_to_pcm16(audio.samples) == raw


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_the_files_own_rate_wins_over_the_requested_one(fmt: str) -> None:
    """A WAV or MP3 at 16 kHz is reported at 16 kHz even when 44.1 kHz was asked for."""
    data = codecs.encode(sine(300, 0.5, 16000), fmt, 16000)
    assert decode(data, fmt, 44100).sample_rate == 16000


@pytest.mark.parametrize("fmt", ["pcm", "ulaw", "alaw"])
def test_headerless_formats_use_the_requested_rate(fmt: str) -> None:
    """Raw formats have no header, so the request's rate is the clip's rate."""
    data = codecs.encode(sine(300, 0.5, 8000), fmt, 8000)
    audio = decode(data, fmt, 8000)
    assert audio.sample_rate == 8000 and audio.duration_s == pytest.approx(0.5)


def test_unknown_format_is_a_decode_error() -> None:
    """A format outside the contract is refused with a message naming it."""
    with pytest.raises(DecodeError, match="opus"):
        decode(b"abc", "opus", 8000)


def test_decoded_audio_repr_is_short() -> None:
    """The repr names length and rate instead of dumping samples."""
    audio = DecodedAudio(np.zeros(10, np.float32), 8000)
    assert repr(audio) == "DecodedAudio(10 samples, 8000 Hz)"
