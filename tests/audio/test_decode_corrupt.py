"""Hostile input: decoding either succeeds with sane samples or raises DecodeError, nothing else."""

import itertools
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.audio import codecs
from studio.audio.decode import StreamDecoder, decode
from studio.core.contract import OUTPUT_FORMATS
from studio.core.errors import DecodeError
from tests.audio.signals import speech_like
from tests.audio.wavmaker import chunk

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOURCE = speech_like(0.3, 16000)
VALID = {fmt: codecs.encode(SOURCE, fmt, 16000) for fmt in OUTPUT_FORMATS}
VALID["wav_concat"] = codecs.wav_bytes(SOURCE[:2000], 16000) + codecs.wav_bytes(SOURCE, 16000)
VALID["mp3_concat"] = VALID["mp3"] + codecs.mp3_bytes(SOURCE[:3000], 16000)


def _fmt(name: str) -> str:
    return name.split("_", maxsplit=1)[0]


def check(data: bytes, fmt: str, cuts: list[int] | None = None) -> None:
    """Decode one-shot and streamed; only DecodeError may escape, results must be sane."""
    for attempt in ("one-shot", "streamed"):
        try:
            if attempt == "one-shot":
                samples = decode(data, fmt, 16000).samples
            else:
                decoder = StreamDecoder(fmt, 16000)
                bounds = [0, *sorted(c % (len(data) + 1) for c in cuts or []), len(data)]
                parts = [decoder.feed(data[a:b]) for a, b in itertools.pairwise(bounds)]
                samples = np.concatenate([*parts, decoder.finish()])
        except DecodeError as exc:
            message = exc.user_message  # every refusal must explain itself
        else:
            assert samples.dtype == np.float32
            assert np.all(np.isfinite(samples))
            continue
        assert message


@FUZZ
@given(
    fmt=st.sampled_from(OUTPUT_FORMATS),
    data=st.binary(max_size=3000),
    cuts=st.lists(st.integers(0, 4000), max_size=5),
)
def test_random_bytes(fmt: str, data: bytes, cuts: list[int]) -> None:
    """Arbitrary bytes never crash any decoder."""
    check(data, fmt, cuts)


@FUZZ
@given(
    name=st.sampled_from(sorted(VALID)),
    fraction=st.floats(0, 1),
    cuts=st.lists(st.integers(0, 20000), max_size=4),
)
def test_truncated_files(name: str, fraction: float, cuts: list[int]) -> None:
    """A valid clip cut off anywhere is decoded or refused, never crashes."""
    data = VALID[name]
    check(data[: int(len(data) * fraction)], _fmt(name), cuts)


@FUZZ
@given(
    name=st.sampled_from(sorted(VALID)),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 7)), min_size=1, max_size=8),
)
def test_bit_flips(name: str, flips: list[tuple[int, int]]) -> None:
    """Valid clips with flipped bits (headers, frame headers, side info, samples) never crash."""
    data = bytearray(VALID[name])
    for at, bit in flips:
        data[at % len(data)] ^= 1 << bit
    check(bytes(data), _fmt(name), [len(data) // 3])


@FUZZ
@given(
    tag=st.sampled_from([0, 1, 2, 3, 6, 7, 0xFFFE, 0xFFFF]),
    channels=st.integers(0, 0xFFFF),
    rate=st.integers(0, 0xFFFFFFFF),
    block=st.integers(0, 0xFFFF),
    bits=st.integers(0, 0xFFFF),
    fmt_size=st.sampled_from([0, 8, 15, 16, 18, 40, 1025, 0xFFFFFFFF]),
    data_size=st.sampled_from([0, 1, 3, 1000, 0x7FFFFFFF, 0xFFFFFFFF]),
)
def test_absurd_header_fields(
    tag: int, channels: int, rate: int, block: int, bits: int, fmt_size: int, data_size: int
) -> None:
    """0 channels, 65535-bit samples, a 4 GB fmt or data chunk: refused, never a crash or hang."""
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block & 0xFFFFFFFF, block, bits)
    fmt += bytes(max(0, min(fmt_size, 64) - len(fmt)))
    body = b"fmt " + struct.pack("<I", fmt_size) + fmt + chunk(b"data", bytes(64), data_size)
    check(b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body, "wav", [7, 30])


def test_a_four_gigabyte_chunk_before_the_data_is_skipped_without_buffering() -> None:
    """A huge LIST chunk is skipped as bytes arrive, then the missing audio is reported."""
    decoder = StreamDecoder("wav", 16000)
    decoder.feed(b"RIFF\xff\xff\xff\xffWAVE" + b"LIST\xff\xff\xff\xff")
    for _ in range(50):
        assert decoder.feed(bytes(1 << 16)).size == 0
    with pytest.raises(DecodeError, match="never started"):
        decoder.finish()
