"""Sample codecs shared by the player, the exporter and waves-local: PCM16, G.711, WAV, MP3."""

from __future__ import annotations

import io
import struct

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

# A RIFF size of 0xFFFFFFFF marks a streamed WAV whose length was unknown when the header left.
STREAMING_WAV_SIZE = 0xFFFFFFFF
WAV_HEADER_BYTES = 44


def float_to_int16(samples: npt.ArrayLike) -> npt.NDArray[np.int16]:
    """Scale by 32768 and round, clipping to the int16 range.

    The inverse of pcm16_to_float: int16 -> float -> int16 gives back the same samples, so
    decoding and re-wrapping PCM never changes a bit.
    """
    scaled = np.asarray(samples, dtype=np.float32) * np.float32(32768.0)
    # In place: one temporary instead of three (this runs on every rendered clip).
    np.rint(scaled, out=scaled)  # what np.round and np.clip do, without their Python wrappers
    np.minimum(scaled, 32767, out=scaled)
    np.maximum(scaled, -32768, out=scaled)
    return scaled.astype(np.int16)


def _pcm16_le(samples: npt.ArrayLike) -> npt.NDArray[np.int16]:
    """`float_to_int16`, little-endian (no copy where the machine is little-endian already)."""
    return float_to_int16(samples).astype("<i2", copy=False)


def float_to_pcm16(samples: npt.ArrayLike) -> bytes:
    """Float samples to raw little-endian signed 16-bit PCM (the contract's `pcm`)."""
    return _pcm16_le(samples).tobytes()


def pcm16_to_float(data: bytes) -> FloatArray:
    """Raw little-endian int16 PCM to float32 in [-1, 1). `data` must have an even length."""
    return (np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)


# --- G.711, after the ITU reference (Sun's g711.c), built as lookup tables with numpy. -------
_SEG_UEND = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])
_SEG_AEND = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF])


def _build_ulaw_encode_table() -> npt.NDArray[np.uint8]:
    pcm = np.arange(-32768, 32768, dtype=np.int64) >> 2
    mask = np.where(pcm < 0, 0x7F, 0xFF)
    mag = np.minimum(np.abs(pcm), 8159) + (0x84 >> 2)
    seg = np.searchsorted(_SEG_UEND, mag, side="left")
    uval = (seg << 4) | ((mag >> (seg + 1)) & 0xF)
    out = np.where(seg >= 8, 0x7F, uval) ^ mask
    return out.astype(np.uint8)


def _build_ulaw_decode_table() -> npt.NDArray[np.int16]:
    u = ~np.arange(256, dtype=np.int64) & 0xFF
    t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
    return np.where(u & 0x80, 0x84 - t, t - 0x84).astype(np.int16)


def _build_alaw_encode_table() -> npt.NDArray[np.uint8]:
    pcm = np.arange(-32768, 32768, dtype=np.int64) >> 3
    mask = np.where(pcm >= 0, 0xD5, 0x55)
    mag = np.where(pcm >= 0, pcm, -pcm - 1)
    seg = np.searchsorted(_SEG_AEND, mag, side="left")
    shift = np.where(seg < 2, 1, seg)
    aval = (seg << 4) | ((mag >> shift) & 0x0F)
    out = np.where(seg >= 8, 0x7F, aval) ^ mask
    return out.astype(np.uint8)


def _build_alaw_decode_table() -> npt.NDArray[np.int16]:
    a = np.arange(256, dtype=np.int64) ^ 0x55
    t = (a & 0x0F) << 4
    seg = (a & 0x70) >> 4
    t = np.where(seg == 0, t + 8, t + 0x108)
    t = np.where(seg > 1, t << np.maximum(seg - 1, 0), t)
    return np.where(a & 0x80, t, -t).astype(np.int16)


_ULAW_ENCODE = _build_ulaw_encode_table()
_ULAW_DECODE = _build_ulaw_decode_table()
_ALAW_ENCODE = _build_alaw_encode_table()
_ALAW_DECODE = _build_alaw_decode_table()


def int16_to_ulaw(pcm: npt.NDArray[np.int16]) -> bytes:
    """int16 samples to G.711 μ-law bytes."""
    return bytes(_ULAW_ENCODE[pcm.astype(np.int32) + 32768].tobytes())


def int16_to_alaw(pcm: npt.NDArray[np.int16]) -> bytes:
    """int16 samples to G.711 A-law bytes."""
    return bytes(_ALAW_ENCODE[pcm.astype(np.int32) + 32768].tobytes())


def ulaw_to_int16(data: bytes) -> npt.NDArray[np.int16]:
    """G.711 μ-law bytes to int16 samples."""
    return _ULAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def alaw_to_int16(data: bytes) -> npt.NDArray[np.int16]:
    """G.711 A-law bytes to int16 samples."""
    return _ALAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def ulaw_to_float(data: bytes) -> FloatArray:
    """G.711 μ-law bytes to float32."""
    return (ulaw_to_int16(data).astype(np.float32) / 32768.0).astype(np.float32)


def alaw_to_float(data: bytes) -> FloatArray:
    """G.711 A-law bytes to float32."""
    return (alaw_to_int16(data).astype(np.float32) / 32768.0).astype(np.float32)


# --- WAV -------------------------------------------------------------------------------------
def wav_header(
    sample_rate: int, data_bytes: int | None, channels: int = 1, bits: int = 16, fmt_tag: int = 1
) -> bytes:
    """A canonical 44-byte RIFF/WAVE header.

    Args:
        sample_rate: Hz.
        data_bytes: Size of the data chunk, or None for a stream of unknown length (both
            size fields are then 0xFFFFFFFF, as streaming servers and ffmpeg write them).
        channels, bits: Layout.
        fmt_tag: 1 = integer PCM, 3 = IEEE float.
    """
    block_align = channels * bits // 8
    if data_bytes is None:
        riff_size = data_size = STREAMING_WAV_SIZE
    else:
        data_size = data_bytes
        riff_size = 36 + data_bytes
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        riff_size,
        b"WAVE",
        b"fmt ",
        16,
        fmt_tag,
        channels,
        sample_rate,
        sample_rate * block_align,
        block_align,
        bits,
        b"data",
        data_size,
    )


def float_wav_header(sample_rate: int, frames: int) -> bytes:
    """The header of a mono 32-bit IEEE-float WAV of `frames` samples.

    An 18-byte fmt chunk (format 3) and the fact chunk that non-PCM WAV requires.
    """
    data = frames * 4
    fmt = struct.pack("<HHIIHHH", 3, 1, sample_rate, sample_rate * 4, 4, 32, 0)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"fact" + struct.pack("<II", 4, frames) + b"data" + struct.pack("<I", data)
    return b"RIFF" + struct.pack("<I", len(body) + data) + body


def wav_bytes(samples: npt.ArrayLike, sample_rate: int) -> bytes:
    """A complete mono 16-bit WAV file."""
    pcm = _pcm16_le(samples)
    return b"".join((wav_header(sample_rate, pcm.nbytes), pcm.data))  # one copy of the samples


# --- MP3 and resampling ------------------------------------------------------------------------
def mp3_bytes(samples: npt.ArrayLike, sample_rate: int) -> bytes:
    """Encode mono float samples as MP3 (libsndfile's LAME) at any of the contract's rates."""
    import soundfile

    buffer = io.BytesIO()
    data = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    soundfile.write(buffer, data, sample_rate, format="MP3", subtype="MPEG_LAYER_III")
    return buffer.getvalue()


def resample(samples: npt.ArrayLike, from_rate: int, to_rate: int) -> FloatArray:
    """Band-limited resampling (libsoxr, high quality); returns float32."""
    x = np.asarray(samples, dtype=np.float32)
    if from_rate == to_rate or x.size == 0:
        return x.astype(np.float32, copy=False)
    import soxr

    return np.asarray(soxr.resample(x, from_rate, to_rate, quality="HQ"), dtype=np.float32)


def encode(samples: npt.ArrayLike, output_format: str, sample_rate: int) -> bytes:
    """Encode float samples in one of the contract's output formats (§10).

    pcm: raw int16 LE; wav: 44-byte header + int16; mp3; ulaw/alaw: headerless G.711.
    """
    if output_format == "pcm":
        return float_to_pcm16(samples)
    if output_format == "wav":
        return wav_bytes(samples, sample_rate)
    if output_format == "mp3":
        return mp3_bytes(samples, sample_rate)
    if output_format == "ulaw":
        return int16_to_ulaw(float_to_int16(samples))
    if output_format == "alaw":
        return int16_to_alaw(float_to_int16(samples))
    raise ValueError(f"unknown output format {output_format!r}")
