"""Incremental MP3 decoding: complete frames are decoded as they arrive, gaplessly.

libsndfile (through soundfile and its bundled mpg123) decodes whole files only, so each batch
of new frames is decoded as a small file of its own:

- A batch starts a few frames *before* the first new frame. MP3 frames borrow bytes from
  earlier frames (the bit reservoir, up to 511 bytes back) and overlap-add with the previous
  frame, so those context frames make the new frames decode exactly as in one pass (the
  tests compare streamed and one-shot output sample by sample); their own output is
  dropped. Context frames whose reservoir is not in the batch are made silent first, as
  mpg123 would do itself, but without the error messages it prints for MPEG-2 frames.
- The batch gets a synthetic Xing header that states its frame count: without it libsndfile
  estimates a VBR file's length from the first frame's bitrate and stops early.
- mpg123 always drops the first 529 samples (the decoder delay) of a file; we account for it.
- A stream's own Xing/Info frame is not audio. Its LAME tag gives the encoder delay and the
  padding, which are trimmed so the samples line up with what was encoded. A Xing/Info frame
  in the middle of a stream starts a new, independently encoded stream (waves-local sends one
  per streamed chunk), which is decoded and trimmed on its own: no junk at the joins.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

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
    silence_side_info,
)
from studio.core.errors import DecodeError

FloatArray = codecs.FloatArray
DECODER_DELAY = 529  # samples mpg123 drops at the start of every file (LAME's "decoder delay")
RESERVOIR_BYTES = 511  # the furthest a Layer III frame may reach back into earlier frames
CONTEXT_FRAMES = 2  # frames before the new ones that must decode exactly


@dataclass
class _Segment:
    """One independently encoded MP3 stream inside the byte stream."""

    tag: InfoTag | None
    headers: list[FrameHeader] = field(default_factory=list)
    frames: list[bytes] = field(default_factory=list)
    first: int = 0  # segment index of frames[0] (older frames are dropped once not needed)
    decoded: int = 0  # frames whose samples have been emitted

    @property
    def count(self) -> int:
        return self.first + len(self.frames)


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
        self.sample_rate: int | None = None

    def feed(self, chunk: bytes) -> FloatArray:
        """Add bytes; return the samples of the frames they completed (maybe none)."""
        self._buffer += chunk
        out: list[FloatArray] = []
        while self._next_frame(out):
            pass
        if self._segment is not None:
            out.append(self._decode_new_frames(self._segment))
        return np.concatenate(out) if out else np.zeros(0, np.float32)

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

    def _next_frame(self, out: list[FloatArray]) -> bool:
        """Consume one frame or tag from the buffer; False when more bytes are needed."""
        buf = self._buffer
        if self._skip:
            dropped = min(self._skip, len(buf))
            self._consume(dropped)
            self._skip -= dropped
            return bool(buf) and not self._skip
        if len(buf) < HEADER_BYTES:
            return self._check_prefix()
        tag_size = id3v2_size(buf)
        if tag_size is not None:
            self._skip = tag_size
            return tag_size > 0
        if buf[:3] == b"TAG":
            self._skip = ID3V1_BYTES
            return True
        header = parse_header(buf)
        if header is None or header.layer != 3:
            raise DecodeError(self._corrupt_message(header))
        if len(buf) < header.length:
            return False
        frame = bytes(buf[: header.length])
        self._consume(header.length)
        self._accept(frame, header, out)
        return True

    def _check_prefix(self) -> bool:
        """Reject a short start that can be neither a frame nor a tag."""
        buf = bytes(self._buffer)
        if buf and not (buf[0] == 0xFF or b"ID3".startswith(buf[:3]) or b"TAG".startswith(buf)):
            raise DecodeError(self._corrupt_message(None))
        return False

    def _corrupt_message(self, header: FrameHeader | None) -> str:
        if header is not None:
            return "Only MPEG Layer III (MP3) audio is supported, not Layer I or II."
        if self._frames_seen == 0 and self._offset == 0:
            return "This is not MP3 audio (no MPEG frame header at the start)."
        return f"The MP3 data is corrupt: no frame header at byte {self._offset}."

    def _consume(self, count: int) -> None:
        del self._buffer[:count]
        self._offset += count

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
            if segment is not None:
                out.append(self._decode_new_frames(segment))
            segment = self._segment = _Segment(tag)
            if tag is not None:
                return
        if segment.headers and not segment.headers[-1].same_stream(header):
            raise DecodeError("The MP3 data is corrupt: its frames disagree on their format.")
        segment.headers.append(header)
        segment.frames.append(frame)

    def _decode_new_frames(self, seg: _Segment) -> FloatArray:
        """Decode the frames that arrived since the last call; drop context no longer needed."""
        if seg.decoded == seg.count:
            return np.zeros(0, np.float32)
        start = _batch_start(seg)
        local = start - seg.first
        spf = seg.headers[local].samples
        samples = _decode_frames(seg.headers[local], _batch_frames(seg, local))
        skip = 0 if seg.decoded == 0 else (seg.decoded - start) * spf - DECODER_DELAY
        begin = 0 if seg.decoded == 0 else seg.decoded * spf - DECODER_DELAY
        seg.decoded = seg.count
        kept = _trim_to_tag(samples[skip:], begin, seg)
        _forget_old_frames(seg)
        return kept


def _batch_start(seg: _Segment) -> int:
    """The first frame of the next batch: enough context before the new frames.

    The new frames decode exactly once the two frames before them decoded exactly (one
    feeds the overlap-add, and mpg123 needs one more, as measured), so every frame from
    two before the first new one must find its whole reservoir inside the batch. mpg123
    itself turns the frames before that, whose reservoir is missing, into silence.
    """
    if seg.decoded == 0:
        return 0
    first_needed = max(0, seg.decoded - CONTEXT_FRAMES - seg.first)
    prefix = [0]
    for header in seg.headers:
        prefix.append(prefix[-1] + header.main_data_bytes)
    budget = min(
        prefix[k] - seg.headers[k].main_data_begin(seg.frames[k])
        for k in range(first_needed, len(seg.headers))
    )
    start = first_needed
    while start > 0 and prefix[start] > budget:
        start -= 1
    return seg.first + start


def _batch_frames(seg: _Segment, local: int) -> list[bytes]:
    """The batch's frames; those whose reservoir lies before the batch are made silent."""
    frames = []
    available = 0
    for frame, header in zip(seg.frames[local:], seg.headers[local:], strict=True):
        starved = header.main_data_begin(frame) > available
        frames.append(silence_side_info(frame, header, available) if starved else frame)
        available += header.main_data_bytes
    return frames


def _forget_old_frames(seg: _Segment) -> None:
    """Keep only what the next batch may need: its context frames and their reservoir.

    Every later frame reaches back at most RESERVOIR_BYTES from itself, so the bytes the
    next batch can need start at most that far before its first context frame.
    """
    keep, total = CONTEXT_FRAMES, 0
    for header in reversed(seg.headers[:-CONTEXT_FRAMES]):
        if total >= RESERVOIR_BYTES:
            break
        total += header.main_data_bytes
        keep += 1
    drop = len(seg.frames) - keep
    if drop > 0:
        del seg.frames[:drop], seg.headers[:drop]
        seg.first += drop


def _trim_to_tag(new: FloatArray, begin: int, seg: _Segment) -> FloatArray:
    """Cut the encoder delay and padding the stream's LAME tag declares."""
    tag = seg.tag
    if tag is None:
        return new
    lo = tag.encoder_delay or 0
    hi = len(new) + begin
    if tag.frames is not None and tag.padding is not None and seg.count <= tag.frames:
        spf = seg.headers[-1].samples
        hi = min(hi, tag.frames * spf - tag.padding)
    return new[max(0, lo - begin) : max(0, hi - begin)]


def _xing_frame(first: FrameHeader, frames: int) -> bytes:
    """A Xing header frame (frame count only) shaped like `first`, without CRC or padding."""
    base = (first.raw | (1 << 16)) & ~(1 << 9) & ~(0xF << 12)
    tag = b"Xing" + (1).to_bytes(4, "big") + frames.to_bytes(4, "big")
    for bitrate_index in range(1, 15):  # the lowest bitrate whose frame holds the tag
        raw = base | bitrate_index << 12
        header = parse_header(raw.to_bytes(4, "big"))
        assert header is not None  # same fields as a valid header
        body = raw.to_bytes(4, "big") + bytes(header.side_info_bytes) + tag
        if header.length >= len(body):
            return body + bytes(header.length - len(body))
    raise AssertionError("every MPEG layer III frame of 32 kbit/s or more holds a Xing tag")


def _decode_frames(first: FrameHeader, frames: list[bytes]) -> FloatArray:
    """Decode a run of frames with libsndfile; the result has len(frames)*spf - 529 samples."""
    import soundfile

    data = _xing_frame(first, len(frames)) + b"".join(frames)
    try:
        samples, _rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (RuntimeError, ValueError) as exc:  # soundfile.LibsndfileError is a RuntimeError
        raise DecodeError("The MP3 audio is corrupt and could not be decoded.") from exc
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    expected = len(frames) * first.samples - DECODER_DELAY
    if len(mono) != expected:
        raise DecodeError("The MP3 audio is corrupt: some of its frames could not be decoded.")
    return np.ascontiguousarray(np.clip(mono, -1.0, 1.0), dtype=np.float32)
