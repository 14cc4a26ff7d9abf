"""The WAV reader accepts every valid header layout and explains every broken one."""

import numpy as np
import pytest

from studio.audio import codecs
from studio.audio.decode import decode
from studio.core.errors import DecodeError
from tests.audio.signals import sine, snr_db
from tests.audio.wavmaker import chunk, fmt_body, int_samples, wav

TONE = sine(440, 0.25, 16000)


@pytest.mark.parametrize(("bits", "min_snr"), [(8, 35), (16, 80), (24, 120), (32, 120)])
@pytest.mark.parametrize("extensible", [False, True])
def test_integer_sample_sizes(bits: int, min_snr: float, extensible: bool) -> None:
    """8 (unsigned), 16, 24 and 32-bit integer WAVs decode to the same tone, plain or extensible."""
    data = wav(int_samples(TONE, bits), bits=bits, extensible=extensible)
    audio = decode(data, "wav", 16000)
    assert len(audio.samples) == len(TONE)
    assert snr_db(TONE, audio.samples) > min_snr


@pytest.mark.parametrize(("dtype", "bits"), [("<f4", 32), ("<f8", 64)])
def test_float_samples(dtype: str, bits: int) -> None:
    """IEEE float WAVs (format tag 3, also inside WAVE_FORMAT_EXTENSIBLE) decode exactly."""
    for extensible in (False, True):
        data = wav(TONE.astype(dtype).tobytes(), bits=bits, tag=3, extensible=extensible)
        np.testing.assert_allclose(decode(data, "wav", 16000).samples, TONE, atol=1e-7)


@pytest.mark.parametrize(("tag", "encode"), [(7, codecs.int16_to_ulaw), (6, codecs.int16_to_alaw)])
def test_g711_inside_wav(tag: int, encode: object) -> None:
    """μ-law and A-law WAVs (tags 7 and 6) decode like the raw formats."""
    payload = encode(codecs.float_to_int16(TONE))  # type: ignore[operator]
    audio = decode(wav(payload, bits=8, tag=tag), "wav", 16000)
    assert snr_db(TONE, audio.samples) > 30


def test_stereo_is_downmixed_to_mono() -> None:
    """Left and right are averaged: a tone on the left and silence on the right halves."""
    stereo = np.stack([TONE, np.zeros_like(TONE)], axis=1).reshape(-1)
    audio = decode(wav(int_samples(stereo, 16), channels=2), "wav", 16000)
    assert len(audio.samples) == len(TONE)
    assert snr_db(TONE / 2, audio.samples) > 70


def test_extra_chunks_before_and_after_the_data_are_skipped() -> None:
    """LIST, fact and odd-sized JUNK chunks around the audio do not leak into it."""
    extra = (
        chunk(b"LIST", b"INFOISFT\x05\x00\x00\x00Lavf\x00"),
        chunk(b"fact", b"\x10\x00\x00\x00"),
    )
    data = wav(
        int_samples(TONE, 16),
        before=(chunk(b"JUNK", b"abc"), *extra),
        after=(chunk(b"id3 ", b"x"),),
    )
    audio = decode(data, "wav", 16000)
    assert len(audio.samples) == len(TONE) and snr_db(TONE, audio.samples) > 80


@pytest.mark.parametrize("placeholder", [0xFFFFFFFF, 0])
def test_streaming_header_with_unknown_length_reads_to_the_end(placeholder: int) -> None:
    """Data size 0xFFFFFFFF or 0 means "until the stream ends"."""
    data = wav(int_samples(TONE, 16), data_size=placeholder, riff_size=placeholder)
    assert len(decode(data, "wav", 16000).samples) == len(TONE)


def test_codecs_streaming_header_is_understood() -> None:
    """The header codecs.wav_header(rate, None) writes for streams decodes too."""
    data = codecs.wav_header(24000, None) + codecs.float_to_pcm16(TONE)
    audio = decode(data, "wav", 8000)
    assert audio.sample_rate == 24000 and len(audio.samples) == len(TONE)


def test_odd_sized_8_bit_data_and_its_pad_byte() -> None:
    """An odd number of 8-bit samples is followed by a pad byte, which is not a sample."""
    samples = TONE[:101]
    data = wav(int_samples(samples, 8), bits=8, after=(chunk(b"LIST", b"abcd"),))
    assert len(decode(data, "wav", 16000).samples) == 101


def test_concatenated_wav_files_are_one_clip() -> None:
    """Several complete WAV files in a row (per-chunk framing) decode as one continuous clip."""
    parts = np.array_split(TONE, 5)
    data = b"".join(codecs.wav_bytes(p, 16000) for p in parts)
    audio = decode(data, "wav", 16000)
    assert len(audio.samples) == len(TONE) and snr_db(TONE, audio.samples) > 80


def test_a_header_inside_unknown_length_data_starts_a_new_file() -> None:
    """Streamed files with placeholder sizes are split at the next RIFF/WAVE header, not played."""
    parts = np.array_split(TONE, 3)
    data = b"".join(codecs.wav_header(16000, None) + codecs.float_to_pcm16(p) for p in parts)
    audio = decode(data, "wav", 16000)
    assert len(audio.samples) == len(TONE) and snr_db(TONE, audio.samples) > 80


def test_a_rate_change_between_files_is_refused() -> None:
    """A second file at another rate cannot be part of the same clip."""
    data = codecs.wav_bytes(TONE, 16000) + codecs.wav_bytes(TONE, 24000)
    with pytest.raises(DecodeError, match="changed sample rate"):
        decode(data, "wav", 16000)


BROKEN = {
    "empty": (b"", "No audio data"),
    "not RIFF": (b"ID3\x04" + bytes(60), "not a WAV file"),
    "header cut": (codecs.wav_bytes(TONE, 16000)[:30], "WAV header is truncated"),
    "data cut": (codecs.wav_bytes(TONE, 16000)[:-10], "truncated"),
    "mid-sample": (codecs.wav_header(16000, None) + b"\x01\x02\x03", "middle of a sample"),
    "zero channels": (wav(b"\x00\x00", channels=0), "0 channels"),
    "zero rate": (wav(b"\x00\x00", rate=0), "sample rate of 0 Hz"),
    "huge fmt": (b"RIFF\x00\x00\x00\x00WAVEfmt \xff\xff\xff\xff", "format chunk claims"),
    "12-bit": (wav(b"\x00\x00", bits=12), "12-bit"),
    "adpcm": (wav(b"\x00\x00", tag=2), "unsupported encoding"),
    "bad block": (
        b"RIFF\x00\x00\x00\x00WAVE" + chunk(b"fmt ", fmt_body(1, 2, 8000, 16, block=3)),
        "block",
    ),
    "data first": (b"RIFF\x10\x00\x00\x00WAVEdata\x02\x00\x00\x00\x00\x00", "before its format"),
    "NaN": (wav(np.array([np.nan], "<f4").tobytes(), bits=32, tag=3), "NaN"),
    "garbage after": (
        codecs.wav_bytes(TONE, 16000) + b"\x00\x01\x02\x03\xff\xfe\xfd\xfc",
        "invalid",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_wavs_raise_a_decode_error_that_says_what_is_wrong(case: str) -> None:
    """Each kind of damage gets a DecodeError whose message names it."""
    data, message = BROKEN[case]
    with pytest.raises(DecodeError, match=message):
        decode(data, "wav", 16000)
