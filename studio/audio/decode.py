"""Decode the contract's five output formats to mono float32, whole or as a stream of chunks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from studio.audio import codecs
from studio.audio.mp3 import Mp3StreamReader
from studio.audio.wav import WavStreamReader
from studio.core.contract import OUTPUT_FORMATS
from studio.core.errors import DecodeError

FloatArray = codecs.FloatArray


@dataclass(frozen=True)
class DecodedAudio:
    """Decoded audio.

    Attributes:
        samples: Mono float32 samples, nominally in [-1, 1].
        sample_rate: Hz. For WAV and MP3 the file's own rate, which wins over the request's.
    """

    samples: FloatArray = field(repr=False)
    sample_rate: int

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0

    def __repr__(self) -> str:
        return f"DecodedAudio({len(self.samples)} samples, {self.sample_rate} Hz)"


class _Reader(Protocol):
    sample_rate: int | None

    def feed(self, chunk: bytes) -> FloatArray: ...

    def finish(self) -> FloatArray: ...


class _RawReader:
    """Headerless fixed-size samples: pcm (int16 LE), ulaw and alaw (one byte each)."""

    def __init__(self, output_format: str, sample_rate: int) -> None:
        self._format = output_format
        self._width = 2 if output_format == "pcm" else 1
        self._carry = b""
        self._received = 0
        self.sample_rate: int | None = sample_rate

    def feed(self, chunk: bytes) -> FloatArray:
        self._received += len(chunk)
        data = self._carry + chunk if self._carry else bytes(chunk)
        usable = len(data) - len(data) % self._width
        self._carry = data[usable:]
        if usable == 0:
            return np.zeros(0, np.float32)
        whole = data[:usable] if self._carry else data
        if self._format == "pcm":
            return codecs.pcm16_to_float(whole)
        if self._format == "ulaw":
            return codecs.ulaw_to_float(whole)
        return codecs.alaw_to_float(whole)

    def finish(self) -> FloatArray:
        if self._received == 0:
            raise DecodeError("No audio data was received.")
        if self._carry:
            raise DecodeError("The PCM audio ended in the middle of a sample (an odd byte count).")
        return np.zeros(0, np.float32)


class StreamDecoder:
    """Decodes one clip's bytes as they arrive, chunk by chunk.

    Chunks may be split at any byte, including inside a sample, a WAV header or an MP3
    frame. A `wav` or `mp3` stream may be several complete files one after another (the
    per-chunk framing of SSE/WebSocket streams); they must share one sample rate.

    Attributes:
        output_format: One of the contract's formats: pcm, wav, mp3, ulaw, alaw.
    """

    def __init__(self, output_format: str, sample_rate: int) -> None:
        """Start decoding.

        Args:
            output_format: pcm, wav, mp3, ulaw or alaw.
            sample_rate: The requested rate; headerless formats are at this rate, WAV and
                MP3 report their own.

        Raises:
            DecodeError: an unknown format or an impossible rate.
        """
        if output_format not in OUTPUT_FORMATS:
            raise DecodeError(f"Cannot decode audio in the unknown format '{output_format}'.")
        if sample_rate <= 0:
            raise DecodeError(f"Cannot decode audio at {sample_rate} Hz.")
        self.output_format = output_format
        self._requested_rate = sample_rate
        self._reader: _Reader
        if output_format == "wav":
            self._reader = WavStreamReader()
        elif output_format == "mp3":
            self._reader = Mp3StreamReader()
        else:
            self._reader = _RawReader(output_format, sample_rate)
        self._finished = False

    @property
    def sample_rate(self) -> int:
        """The rate of the decoded samples: the stream's own once known, else the request's."""
        return self._reader.sample_rate or self._requested_rate

    @property
    def streams(self) -> int:
        """Independently encoded MP3 streams seen so far (1 for the other formats)."""
        return int(getattr(self._reader, "streams", 1))

    def feed(self, chunk: bytes) -> FloatArray:
        """Add the next bytes; return the samples they completed (possibly empty).

        Raises:
            DecodeError: the bytes are corrupt or not in the stream's format.
        """
        if self._finished:
            raise DecodeError("This audio stream has already ended.")
        return self._guarded(lambda: self._reader.feed(chunk))

    def finish(self) -> FloatArray:
        """End the stream and return any last samples.

        Raises:
            DecodeError: the stream was empty, or ended mid-sample, mid-header or mid-frame.
        """
        self._finished = True
        return self._guarded(self._reader.finish)

    def _guarded(self, step: Callable[[], FloatArray]) -> FloatArray:
        try:
            return step()
        except DecodeError:
            raise
        except (ValueError, IndexError, OverflowError, MemoryError, RuntimeError) as exc:
            # A parser bug on hostile input must still surface as a DecodeError.
            raise DecodeError(
                f"The {self.output_format.upper()} audio is corrupt and could not be decoded."
            ) from exc


def decode(data: bytes, output_format: str, sample_rate: int) -> DecodedAudio:
    """Decode a whole clip.

    Args:
        data: The encoded bytes as the API sent them.
        output_format: pcm, wav, mp3, ulaw or alaw.
        sample_rate: The requested rate (headerless formats); WAV and MP3 use their own.

    Raises:
        DecodeError: empty, corrupt or truncated input, with a message saying what was wrong.
    """
    decoder = StreamDecoder(output_format, sample_rate)
    head = decoder.feed(data)
    tail = decoder.finish()
    samples = np.concatenate([head, tail]) if tail.size else head
    return DecodedAudio(np.ascontiguousarray(samples, dtype=np.float32), decoder.sample_rate)
