"""Streamed decoding gives exactly the one-shot result, wherever the chunks are cut."""

import itertools

import numpy as np
import pytest

from studio.audio import codecs
from studio.audio.decode import StreamDecoder, decode
from studio.audio.mp3frames import parse_header
from studio.core.errors import DecodeError
from tests.audio.signals import sine, speech_like
from tests.audio.wavmaker import chunk, int_samples, wav


def stream(data: bytes, fmt: str, rate: int, cuts: list[int]) -> np.ndarray:
    """Feed `data` cut at the given offsets and return everything the decoder produced."""
    decoder = StreamDecoder(fmt, rate)
    bounds = [0, *cuts, len(data)]
    parts = [decoder.feed(data[a:b]) for a, b in itertools.pairwise(bounds)]
    parts.append(decoder.finish())
    return np.concatenate(parts)


SMALL = sine(440, 0.02, 8000)  # 160 samples: every split offset stays cheap
CLIPS = {
    "pcm": codecs.encode(SMALL, "pcm", 8000),
    "ulaw": codecs.encode(SMALL, "ulaw", 8000),
    "alaw": codecs.encode(SMALL, "alaw", 8000),
    "wav": codecs.encode(SMALL, "wav", 8000),
    "wav 24-bit extensible with LIST": wav(
        int_samples(SMALL, 24), rate=8000, bits=24, extensible=True, before=(chunk(b"LIST", b"x"),)
    ),
    "wav streaming header": codecs.wav_header(8000, None) + codecs.float_to_pcm16(SMALL),
    "wav per-chunk framing": b"".join(
        codecs.wav_bytes(part, 8000) for part in np.array_split(SMALL, 4)
    ),
}


@pytest.mark.parametrize("name", list(CLIPS))
def test_every_single_split_offset_matches_one_shot(name: str) -> None:
    """Cutting the stream in two at any byte, header included, changes nothing."""
    fmt = "wav" if name.startswith("wav") else name
    data = CLIPS[name]
    expected = decode(data, fmt, 8000).samples
    assert len(expected) == len(SMALL)
    for cut in range(len(data) + 1):
        np.testing.assert_array_equal(stream(data, fmt, 8000, [cut]), expected, err_msg=f"{cut=}")


@pytest.mark.parametrize("name", list(CLIPS))
def test_many_random_cuts_and_byte_by_byte(name: str) -> None:
    """Streams cut into many pieces, down to single bytes, decode identically."""
    fmt = "wav" if name.startswith("wav") else name
    data = CLIPS[name]
    expected = decode(data, fmt, 8000).samples
    rng = np.random.default_rng(7)
    for _ in range(50):
        cuts = sorted(rng.choice(len(data), size=min(12, len(data) - 1), replace=False))
        np.testing.assert_array_equal(stream(data, fmt, 8000, [int(c) for c in cuts]), expected)
    np.testing.assert_array_equal(stream(data, fmt, 8000, list(range(1, len(data)))), expected)


def _frame_offsets(data: bytes) -> list[int]:
    offsets, at = [], 0
    while at < len(data):
        header = parse_header(data, at)
        assert header is not None
        offsets.append(at)
        at += header.length
    return offsets


@pytest.mark.parametrize("rate", [8000, 24000, 44100])
def test_mp3_split_around_every_frame_boundary_matches_one_shot(rate: int) -> None:
    """MP3 cut before, at and after every frame boundary decodes sample-exact and gapless."""
    data = codecs.mp3_bytes(speech_like(0.6, rate), rate)
    expected = decode(data, "mp3", rate).samples
    cuts = sorted({c + d for c in _frame_offsets(data) for d in (-1, 0, 1, 2)} - {0})
    for cut in [c for c in cuts if 0 < c < len(data)]:
        got = stream(data, "mp3", rate, [cut])
        np.testing.assert_allclose(got, expected, atol=1e-6, err_msg=f"{cut=}")


@pytest.mark.parametrize("rate", [16000, 44100])
def test_mp3_in_small_network_sized_chunks_matches_one_shot(rate: int) -> None:
    """Feeding 1, 97 and 1000-byte chunks (frames split everywhere) gives the one-shot samples."""
    data = codecs.mp3_bytes(speech_like(0.8, rate), rate)
    expected = decode(data, "mp3", rate).samples
    for size in (1, 97, 1000):
        got = stream(data, "mp3", rate, list(range(size, len(data), size)))
        np.testing.assert_allclose(got, expected, atol=1e-6, err_msg=f"{size=}")


def test_mp3_samples_arrive_while_the_stream_is_still_coming() -> None:
    """Complete frames are decoded at once, not held until the end."""
    data = codecs.mp3_bytes(sine(300, 2.0, 24000), 24000)
    decoder = StreamDecoder("mp3", 24000)
    first_half = decoder.feed(data[: len(data) // 2])
    assert len(first_half) > 0.7 * 24000  # most of the first second is out already


@pytest.mark.parametrize("rate", [8000, 24000, 44100])
def test_concatenated_mp3_streams_join_without_junk(rate: int) -> None:
    """Independently encoded MP3 chunks (per-chunk framing) decode gaplessly, chunk by chunk."""
    tone = sine(440, 1.5, rate)
    pieces = [codecs.mp3_bytes(p, rate) for p in np.array_split(tone, 3)]
    joined = b"".join(pieces)
    expected = np.concatenate([decode(p, "mp3", rate).samples for p in pieces])
    whole = decode(joined, "mp3", rate).samples
    assert len(whole) == len(tone)  # each Xing/Info frame's delay and padding were trimmed
    np.testing.assert_allclose(whole, expected, atol=1e-6)
    np.testing.assert_allclose(
        stream(joined, "mp3", rate, list(range(333, len(joined), 333))), expected, atol=1e-6
    )
    # No click at the joins: no step much larger than the tone's own steepest step.
    assert np.max(np.abs(np.diff(whole))) < 1.6 * np.max(np.abs(np.diff(tone)))


def test_sample_rate_is_known_once_the_header_arrived() -> None:
    """Before a WAV header the requested rate is reported, after it the file's own."""
    decoder = StreamDecoder("wav", 44100)
    assert decoder.sample_rate == 44100
    decoder.feed(codecs.wav_bytes(SMALL, 8000)[:36])  # RIFF + the whole fmt chunk
    assert decoder.sample_rate == 8000


@pytest.mark.parametrize(
    ("fmt", "data", "message"),
    [
        ("pcm", b"\x01\x02\x03", "middle of a sample"),
        ("pcm", b"", "No audio data"),
        ("ulaw", b"", "No audio data"),
        ("wav", codecs.wav_bytes(SMALL, 8000)[:20], "WAV header is truncated"),
        ("mp3", b"", "No MP3 audio"),
        ("mp3", codecs.mp3_bytes(SMALL, 8000)[:-5], "truncated"),
    ],
)
def test_finish_reports_a_stream_that_ended_too_early(fmt: str, data: bytes, message: str) -> None:
    """finish() raises DecodeError when the stream stopped mid-sample, mid-header or mid-frame."""
    decoder = StreamDecoder(fmt, 8000)
    decoder.feed(data)
    with pytest.raises(DecodeError, match=message):
        decoder.finish()


def test_feeding_after_finish_is_refused() -> None:
    """A finished decoder does not accept more bytes."""
    decoder = StreamDecoder("pcm", 8000)
    decoder.feed(b"\x00\x00")
    decoder.finish()
    with pytest.raises(DecodeError, match="already ended"):
        decoder.feed(b"\x00\x00")
