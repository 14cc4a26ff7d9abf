"""Build WAV files with any header layout, for decoder tests."""

from __future__ import annotations

import struct

import numpy as np
import numpy.typing as npt

EXTENSIBLE_TAIL = bytes.fromhex("000000001000800000aa00389b71")


def chunk(chunk_id: bytes, body: bytes, size: int | None = None) -> bytes:
    """A RIFF chunk with its pad byte; `size` overrides the declared size."""
    declared = len(body) if size is None else size
    return chunk_id + struct.pack("<I", declared) + body + (b"\x00" if len(body) % 2 else b"")


def fmt_body(
    tag: int, channels: int, rate: int, bits: int, extensible: bool = False, block: int = 0
) -> bytes:
    """A `fmt ` chunk body (16 bytes, or 40 for WAVE_FORMAT_EXTENSIBLE)."""
    block_align = block or channels * bits // 8
    head_tag = 0xFFFE if extensible else tag
    body = struct.pack("<HHIIHH", head_tag, channels, rate, rate * block_align, block_align, bits)
    if extensible:
        body += struct.pack("<HHI", 22, bits, 0) + struct.pack("<H", tag) + EXTENSIBLE_TAIL
    return body


def wav(
    data: bytes,
    *,
    rate: int = 16000,
    channels: int = 1,
    bits: int = 16,
    tag: int = 1,
    extensible: bool = False,
    before: tuple[bytes, ...] = (),
    after: tuple[bytes, ...] = (),
    data_size: int | None = None,
    riff_size: int | None = None,
) -> bytes:
    """A WAV file: RIFF header, extra chunks, fmt, data (with a chosen declared size), trailers."""
    body = b"WAVE" + b"".join(before)
    body += chunk(b"fmt ", fmt_body(tag, channels, rate, bits, extensible))
    body += chunk(b"data", data, data_size) + b"".join(after)
    declared = len(body) if riff_size is None else riff_size
    return b"RIFF" + struct.pack("<I", declared) + body


def int_samples(x: npt.ArrayLike, bits: int) -> bytes:
    """Float samples in [-1, 1) as little-endian integer PCM of `bits` (8-bit is unsigned)."""
    v = np.asarray(x, dtype=np.float64)
    if bits == 8:
        return np.clip(np.round(v * 128 + 128), 0, 255).astype(np.uint8).tobytes()
    scale = float(2 ** (bits - 1))
    ints = np.clip(np.round(v * scale), -scale, scale - 1).astype(np.int64)
    if bits == 24:
        raw = ints.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3]
        return raw.tobytes()
    return ints.astype({16: "<i2", 32: "<i4"}[bits]).tobytes()
