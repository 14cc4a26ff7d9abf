"""An incremental RIFF/WAVE reader: any valid header, many sample formats, mono float32 out."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from studio.audio import codecs
from studio.core.errors import DecodeError

FloatArray = codecs.FloatArray

# Sizes that mean "length unknown when the header was written" (streaming servers, ffmpeg).
UNKNOWN_SIZES = (0, codecs.STREAMING_WAV_SIZE)
MAX_FMT_BYTES = 1024  # a real fmt chunk is 16, 18 or 40 bytes; anything huge is corrupt
MAX_CHANNELS = 64
MAX_SAMPLE_RATE = 768_000
_TAG_PCM, _TAG_FLOAT, _TAG_ALAW, _TAG_ULAW, _TAG_EXTENSIBLE = 1, 3, 6, 7, 0xFFFE
# Every KSDATAFORMAT_SUBTYPE_* GUID ends with these 14 bytes; the first two hold the format tag.
_GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")


@dataclass(frozen=True)
class WavFormat:
    """The sample layout a `fmt ` chunk declares.

    Attributes:
        encoding: "int" (signed; 8-bit is unsigned), "float", "ulaw" or "alaw".
        channels: Interleaved channels (downmixed to mono on decode).
        sample_rate: Hz.
        bits: Container bits per sample.
    """

    encoding: str
    channels: int
    sample_rate: int
    bits: int

    @property
    def block_align(self) -> int:
        """Bytes per sample frame (all channels)."""
        return self.channels * self.bits // 8


def parse_fmt(body: bytes) -> WavFormat:
    """Read a `fmt ` chunk body; raise DecodeError for anything we cannot play faithfully."""
    if len(body) < 16:
        raise DecodeError("The WAV header is corrupt: its format chunk is too short.")
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack("<HHIIHH", body[:16])
    if tag == _TAG_EXTENSIBLE:
        if len(body) < 40 or body[26:40] != _GUID_TAIL:
            raise DecodeError("The WAV header is corrupt: its extensible format is incomplete.")
        tag = int.from_bytes(body[24:26], "little")
    encodings = {_TAG_PCM: "int", _TAG_FLOAT: "float", _TAG_ALAW: "alaw", _TAG_ULAW: "ulaw"}
    if tag not in encodings:
        raise DecodeError(f"This WAV uses an unsupported encoding (format tag {tag:#06x}).")
    encoding = encodings[tag]
    allowed_bits = {"int": (8, 16, 24, 32), "float": (32, 64), "ulaw": (8,), "alaw": (8,)}
    if bits not in allowed_bits[encoding]:
        raise DecodeError(f"This WAV uses {bits}-bit {encoding} samples, which are not supported.")
    if not 1 <= channels <= MAX_CHANNELS:
        raise DecodeError(f"The WAV header is corrupt: it declares {channels} channels.")
    if not 1 <= rate <= MAX_SAMPLE_RATE:
        raise DecodeError(f"The WAV header is corrupt: it declares a sample rate of {rate} Hz.")
    fmt = WavFormat(encoding, channels, rate, bits)
    if block_align != fmt.block_align:
        raise DecodeError("The WAV header is corrupt: its block size does not match its layout.")
    return fmt


def frames_to_mono(data: bytes, fmt: WavFormat) -> FloatArray:
    """Whole sample frames of `fmt` to mono float32 (channels averaged)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    if fmt.encoding == "ulaw":
        x = codecs.ulaw_to_float(data)
    elif fmt.encoding == "alaw":
        x = codecs.alaw_to_float(data)
    elif fmt.encoding == "float":
        x = np.frombuffer(data, dtype="<f4" if fmt.bits == 32 else "<f8").astype(np.float32)
        if not np.all(np.isfinite(x)):
            raise DecodeError(
                "The WAV audio is corrupt: it holds invalid (NaN or infinite) samples."
            )
    elif fmt.bits == 8:
        x = (raw.astype(np.float32) - 128.0) / 128.0
    elif fmt.bits == 16:
        x = codecs.pcm16_to_float(data)
    elif fmt.bits == 24:
        b = raw.reshape(-1, 3).astype(np.int32)
        # Put the three bytes in the top of an int32 so the arithmetic shift sign-extends.
        x = ((b[:, 0] << 8 | b[:, 1] << 16 | b[:, 2] << 24) >> 8).astype(np.float32) / 8388608.0
    else:
        x = np.frombuffer(data, dtype="<i4").astype(np.float32) / 2147483648.0
    if fmt.channels > 1:
        x = x.reshape(-1, fmt.channels).mean(axis=1)
    return np.ascontiguousarray(x, dtype=np.float32)


class WavStreamReader:
    """Turns WAV bytes, split anywhere, into mono float32 samples as they arrive.

    Handles extra chunks (LIST, fact, JUNK…) before and after the data, the streaming
    header whose data size is 0 or 0xFFFFFFFF (the data then runs to the end of the stream),
    and a stream made of several complete WAV files one after another (waves-local's
    per-chunk framing): a `RIFF` header after a data chunk ends starts the next file, which
    must have the same sample rate. Whether the real server repeats a header on every
    streamed chunk is UNCONFIRMED (WAVES_API.md §14.3), so a `RIFF…WAVE` header inside
    data of unknown length also starts a new file instead of being played as a click.

    Attributes:
        sample_rate: The rate of the first file's header, or None before it arrived.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._state = "riff"  # riff | chunk | fmt | skip | data | after
        self._fmt: WavFormat | None = None
        self._remaining = 0  # bytes left in the chunk being skipped or the bounded data chunk
        self._unbounded = False
        self._pad = False  # the data chunk had an odd size: a pad byte may follow
        self._files = 0
        self._file_has_data = False
        self.sample_rate: int | None = None

    def feed(self, chunk: bytes) -> FloatArray:
        """Add bytes; return the samples they completed (maybe none)."""
        self._buffer += chunk
        out: list[FloatArray] = []
        while self._step(out):
            pass
        if not out:
            return np.zeros(0, np.float32)
        return out[0] if len(out) == 1 else np.concatenate(out)

    def finish(self) -> FloatArray:
        """Return the last samples and check the stream ended cleanly.

        Raises:
            DecodeError: the stream was empty or cut short in a header or a sample.
        """
        buf = self._buffer
        tail = np.zeros(0, np.float32)
        if self._files == 0 and not buf:
            raise DecodeError("No audio data was received.")
        if self._state == "data":
            fmt = self._fmt
            assert fmt is not None  # the "data" state is only entered after a fmt chunk
            if self._unbounded and buf and len(buf) % fmt.block_align == 0:
                tail = frames_to_mono(bytes(buf), fmt)  # bytes held back as a possible header
                buf.clear()
            if buf:
                raise DecodeError("The WAV audio ended in the middle of a sample.")
            if self._remaining:
                raise DecodeError(
                    f"The WAV audio is truncated: {self._remaining} bytes of it never arrived."
                )
        elif self._state == "after":
            if buf and not (self._pad and bytes(buf) == b"\x00"):
                raise DecodeError("The WAV stream ended in the middle of a chunk header.")
        elif not (self._state == "skip" and self._file_has_data):
            # A metadata chunk after the audio may be cut short without losing audio.
            raise DecodeError("The WAV header is truncated: the audio data never started.")
        return tail

    def _step(self, out: list[FloatArray]) -> bool:
        """Advance the state machine once; False when more bytes are needed."""
        if self._state == "riff":
            return self._riff_header()
        if self._state in ("chunk", "after"):
            return self._chunk_header()
        if self._state == "fmt":
            return self._fmt_chunk()
        if self._state == "skip":
            dropped = min(self._remaining, len(self._buffer))
            del self._buffer[:dropped]
            self._remaining -= dropped
            if self._remaining:
                return False
            self._state = "after" if self._file_has_data else "chunk"
            return True
        return self._data(out)

    def _riff_header(self) -> bool:
        buf = self._buffer
        if len(buf) < 12:
            if not b"RIFF".startswith(bytes(buf[:4])):
                raise DecodeError("This is not a WAV file (it does not start with RIFF).")
            return False
        if buf[:4] != b"RIFF" or buf[8:12] != b"WAVE":
            raise DecodeError("This is not a WAV file (no RIFF/WAVE header).")
        del buf[:12]
        self._files += 1
        self._fmt = None
        self._file_has_data = False
        self._state = "chunk"
        return True

    def _chunk_header(self) -> bool:
        buf = self._buffer
        if self._state == "after" and buf:
            if self._pad and buf[:1] == b"\x00":
                del buf[:1]  # the RIFF pad byte after an odd-sized data chunk
            self._pad = False
            if buf[:4] == b"RIFF":
                self._state = "riff"
                return True
        if len(buf) < 8:
            return False
        chunk_id, size = bytes(buf[:4]), int.from_bytes(buf[4:8], "little")
        if not all(32 <= c < 127 for c in chunk_id):
            raise DecodeError("The WAV file is corrupt: a chunk has an invalid name.")
        del buf[:8]
        if chunk_id == b"fmt ":
            if not 16 <= size <= MAX_FMT_BYTES:
                raise DecodeError(
                    f"The WAV header is corrupt: its format chunk claims {size} bytes."
                )
            self._state, self._remaining = "fmt", size
        elif chunk_id == b"data":
            if self._fmt is None:
                raise DecodeError("The WAV header is corrupt: the audio comes before its format.")
            self._file_has_data = True
            self._unbounded = size in UNKNOWN_SIZES
            self._remaining = 0 if self._unbounded else size
            self._pad = bool(size & 1) and not self._unbounded
            self._state = "data"
        else:
            self._state, self._remaining = "skip", size + (size & 1)
        return True

    def _fmt_chunk(self) -> bool:
        buf = self._buffer
        if len(buf) < self._remaining:
            return False
        fmt = parse_fmt(bytes(buf[: self._remaining]))
        del buf[: self._remaining]
        self._state, self._remaining = "skip", self._remaining & 1  # the pad byte, if any
        if self.sample_rate is not None and fmt.sample_rate != self.sample_rate:
            raise DecodeError(
                f"The audio changed sample rate mid-stream ({self.sample_rate} -> "
                f"{fmt.sample_rate} Hz)."
            )
        self.sample_rate = fmt.sample_rate
        self._fmt = fmt
        return True

    def _data(self, out: list[FloatArray]) -> bool:
        fmt, buf = self._fmt, self._buffer
        assert fmt is not None  # the "data" state is only entered after a fmt chunk
        if self._unbounded:
            available, next_file = _scan_for_header(buf)
        else:
            available, next_file = min(len(buf), self._remaining), False
        usable = available - available % fmt.block_align
        if usable:
            out.append(frames_to_mono(bytes(buf[:usable]), fmt))
            del buf[:usable]
            self._remaining -= 0 if self._unbounded else usable
        if next_file:
            if available != usable:
                raise DecodeError("The WAV audio ended in the middle of a sample.")
            self._state = "riff"
            return True
        if self._unbounded or self._remaining >= fmt.block_align:
            return False
        if self._remaining:  # a data size that is not a whole number of frames
            if len(buf) < self._remaining:
                return False
            del buf[: self._remaining]
            self._remaining = 0
        self._state = "after"
        return True


def _scan_for_header(buf: bytearray) -> tuple[int, bool]:
    """In data of unknown length: how many bytes are audio, and whether a new file follows.

    Bytes that could be the start of a `RIFF….WAVE` header are held back until it is clear.
    """
    start = 0
    while True:
        index = buf.find(b"RIFF", start)
        if index < 0:
            tail = len(buf)
            for keep in (3, 2, 1):  # a header prefix split across chunks
                if tail >= keep and buf[tail - keep :] == b"RIFF"[:keep]:
                    return tail - keep, False
            return tail, False
        if len(buf) < index + 12:
            return index, False
        if buf[index + 8 : index + 12] == b"WAVE":
            return index, True
        start = index + 1
