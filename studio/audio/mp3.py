"""Incremental MP3 decoding through FFmpeg's decoder (PyAV), gapless and split-proof.

Bytes are cut into whole frames here (mp3frames reads the headers), so a chunk boundary can
fall anywhere, and each complete frame goes to one FFmpeg `mp3float` decoder as a packet: the
decoder keeps the bit reservoir and the overlap-add state itself, so streamed output equals
one-shot output exactly. FFmpeg's codec layer (unlike its demuxer) neither reads the LAME tag
nor drops the decoder delay, which is done here:

- A stream's Xing/Info frame is not audio. Its LAME tag gives the encoder delay and the
  padding; the first `delay + 529` decoded samples (529 is the MDCT decoder delay) and
  everything past `frames * spf - padding` are trimmed, so samples line up with what was
  encoded. Without a tag only the 529 samples of decoder delay go, as mpg123 does.
- A Xing/Info frame in the middle starts a new, independently encoded stream (waves-local sends
  one per streamed chunk), decoded by a fresh decoder and trimmed on its own: no junk at joins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.audio import codecs
from studio.audio.mp3frames import (
    HEADER_BYTES,
    ID3V1_BYTES,
    FrameHeader,
    InfoTag,
    id3v2_size,
    parse_header,
    parse_info_tag,
)
from studio.core.errors import DecodeError

FloatArray = codecs.FloatArray
DECODER_DELAY = 529  # samples of MDCT delay at the start of every decoded stream


@dataclass
class _Segment:
    """One independently encoded MP3 stream inside the byte stream, being decoded."""

    tag: InfoTag | None
    codec: object  # av.CodecContext (typed loosely: PyAV's stubs are partial)
    decoded: int = 0  # samples the decoder produced so far (before trimming)
    frames: int = 0
    spf: int = 0

    @property
    def window(self) -> tuple[int, int | None]:
        """The decoded-sample range [start, end) that is audio (end None: to the stream's end)."""
        tag = self.tag
        delay = DECODER_DELAY + ((tag.encoder_delay or 0) if tag is not None else 0)
        if tag is None or tag.frames is None or tag.padding is None or not self.spf:
            return delay, None
        return delay, tag.frames * self.spf - tag.padding + DECODER_DELAY


def _new_codec() -> object:
    import av

    return av.CodecContext.create("mp3float", "r")


class Mp3StreamReader:
    """Turns MP3 bytes, split anywhere, into mono float32 samples as frames complete.

    Attributes:
        sample_rate: The stream's rate, or None before the first frame arrived.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._offset = 0  # stream offset of _buffer[0], for error messages
        self._skip = 0  # bytes of a tag still to drop
        self._segment: _Segment | None = None
        self._frames_seen = 0
        self._first: FrameHeader | None = None
        self.sample_rate: int | None = None
        self.streams = 0  # independently encoded streams (Xing/Info frames) seen
        self._batch: list[bytes] = []  # complete frames of this feed, decoded as one packet

    def feed(self, chunk: bytes) -> FloatArray:
        """Add bytes; return the samples of the frames they completed (maybe none)."""
        self._buffer += chunk
        out: list[FloatArray] = []
        pos = 0
        while True:
            step = self._next_frame(pos, out)
            if step == 0:
                break
            pos += step
        if pos:
            del self._buffer[:pos]
            self._offset += pos
        self._flush(out)
        if not out:
            return np.zeros(0, np.float32)
        joined = np.concatenate(out) if len(out) > 1 else out[0]
        # One pass for the whole feed; it also copies out of the decoder's frame buffers.
        return np.clip(joined, -1.0, 1.0, out=np.empty(len(joined), np.float32))

    def finish(self) -> FloatArray:
        """Check the stream ended on a frame boundary.

        Raises:
            DecodeError: no frames at all, or the last frame was cut short.
        """
        if self._buffer and self._skip == 0 and parse_header(self._buffer) is not None:
            raise DecodeError("The MP3 audio is truncated: its last frame was cut short.")
        if self._buffer and self._skip == 0:
            raise DecodeError("The MP3 data ends with bytes that are not MP3 audio.")
        if self._frames_seen == 0:
            raise DecodeError("No MP3 audio frames were received.")
        return np.zeros(0, np.float32)

    def _next_frame(self, pos: int, out: list[FloatArray]) -> int:
        """Consume one frame or tag at `pos`; returns the bytes used (0: more are needed)."""
        buf = self._buffer
        left = len(buf) - pos
        if self._skip:
            dropped = min(self._skip, left)
            self._skip -= dropped
            return dropped
        if left < HEADER_BYTES:
            self._check_prefix(pos)
            return 0
        tag_size = id3v2_size(buf, pos)
        if tag_size is None and buf[pos : pos + 3] == b"TAG":
            tag_size = ID3V1_BYTES
        if tag_size is not None:
            dropped = min(tag_size, left)  # 0 while the tag's size is still unknown
            self._skip = tag_size - dropped
            return dropped
        header = parse_header(buf, pos)
        if header is None or header.layer != 3:
            raise DecodeError(self._corrupt_message(header, pos))
        if left < header.length:
            return 0
        self._accept(bytes(buf[pos : pos + header.length]), header, out)
        return header.length

    def _check_prefix(self, pos: int) -> None:
        """Reject a short start that can be neither a frame nor a tag."""
        buf = bytes(self._buffer[pos:])
        if buf and not (buf[0] == 0xFF or b"ID3".startswith(buf[:3]) or b"TAG".startswith(buf)):
            raise DecodeError(self._corrupt_message(None, pos))

    def _corrupt_message(self, header: FrameHeader | None, pos: int) -> str:
        if header is not None:
            return "Only MPEG Layer III (MP3) audio is supported, not Layer I or II."
        if self._frames_seen == 0 and self._offset + pos == 0:
            return "This is not MP3 audio (no MPEG frame header at the start)."
        return f"The MP3 data is corrupt: no frame header at byte {self._offset + pos}."

    def _accept(self, frame: bytes, header: FrameHeader, out: list[FloatArray]) -> None:
        if self.sample_rate is not None and header.sample_rate != self.sample_rate:
            raise DecodeError(
                f"The audio changed sample rate mid-stream ({self.sample_rate} -> "
                f"{header.sample_rate} Hz)."
            )
        self.sample_rate = header.sample_rate
        self._frames_seen += 1
        segment = self._segment
        tag = parse_info_tag(frame, header)
        if tag is not None or segment is None:
            self._flush(out)  # the previous stream's frames go to its own decoder
            self._first = header
            segment = self._segment = _Segment(tag, _new_codec(), spf=header.samples)
            self.streams += 1
            if tag is not None:
                return
        first = self._first
        if first is not None and not first.same_stream(header):
            raise DecodeError("The MP3 data is corrupt: its frames disagree on their format.")
        segment.frames += 1
        self._batch.append(frame)

    def _flush(self, out: list[FloatArray]) -> None:
        """Decode the batched frames (one packet: one call into FFmpeg for many frames)."""
        if self._batch and self._segment is not None:
            got = _decode_packet(self._segment, b"".join(self._batch))
            if got.size:
                out.append(got)
        self._batch = []


def _decode_packet(seg: _Segment, frame: bytes) -> FloatArray:
    """Decode whole frames and keep the part of its output inside the segment's audio window."""
    import av

    try:
        frames = seg.codec.decode(av.Packet(frame))  # type: ignore[attr-defined]
    except (av.FFmpegError, ValueError) as exc:
        raise DecodeError("The MP3 audio is corrupt and could not be decoded.") from exc
    parts = []
    for decoded in frames:
        count, planes = decoded.samples, decoded.planes
        # mp3float decodes to planar float: read the planes directly (to_ndarray stacks them).
        mono = np.frombuffer(planes[0], np.float32, count)
        if len(planes) > 1:
            mono = (mono + np.frombuffer(planes[1], np.float32, count)) * np.float32(0.5)
        parts.append(mono)
    if not parts:
        return np.zeros(0, np.float32)
    samples = parts[0] if len(parts) == 1 else np.concatenate(parts)
    begin = seg.decoded
    seg.decoded += len(samples)
    start, end = seg.window
    lo = max(0, start - begin)
    hi = len(samples) if end is None else max(0, min(len(samples), end - begin))
    if lo >= hi:
        return np.zeros(0, np.float32)
    return samples[lo:hi]
