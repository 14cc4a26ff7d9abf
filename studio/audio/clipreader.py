"""ClipReader: a stored clip read in blocks from any sample, for playing a long clip's window."""

from __future__ import annotations

from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from studio.audio.decode import StreamDecoder
from studio.core.errors import DecodeError
from studio.core.render import ClipFile

FloatArray = npt.NDArray[np.float32]
READ_BYTES = 1 << 14
BYTES_PER_SAMPLE = {"ulaw": 1, "alaw": 1, "pcm": 2}  # headerless: a sample's offset is known


class ClipReader:
    """Reads a ClipFile's mono float32 samples from any position, block by block.

    FLAC and WAV seek through libsndfile, and headerless PCM/ulaw/alaw by byte offset, so a
    jump anywhere costs one block. MP3 has no sample index, so a seek decodes forward from
    the start (from the current position when the jump is forward): about 1 s of CPU per
    15 minutes skipped, on the producer thread, never the audio callback. Memory stays one
    block whatever the clip's length.
    """

    def __init__(self, clip: ClipFile) -> None:
        self._clip = clip
        self._sound: Any = None
        self._handle: BinaryIO | None = None
        self._decoder: StreamDecoder | None = None
        self._pending = np.zeros(0, np.float32)  # decoded but not yet returned
        self._position = 0  # the sample the next read() starts at
        self._finished = False  # the decoder was flushed at the end of the file
        self._fed = False  # the decoder has had bytes since it was made
        try:
            if clip.file_format in ("flac", "wav", "ogg"):
                import soundfile

                self._sound = soundfile.SoundFile(clip.path)
            else:
                self._handle = open(clip.path, "rb")  # noqa: SIM115 - closed in close()
                self._decoder = StreamDecoder(clip.file_format, clip.sample_rate)
        except (RuntimeError, OSError) as exc:  # LibsndfileError is a RuntimeError
            raise DecodeError(f"The stored audio {clip.path.name} could not be read.") from exc

    @property
    def position(self) -> int:
        """The sample the next read() starts at."""
        return self._position

    def seek(self, frame: int) -> None:
        """Make the next read() start at sample `frame` (clamped to the clip)."""
        frame = max(0, min(frame, self._clip.frames))
        try:
            if self._sound is not None:
                self._sound.seek(frame)
            elif self._clip.file_format in BYTES_PER_SAMPLE:
                assert self._handle is not None
                assert self._decoder is not None
                self._handle.seek(frame * BYTES_PER_SAMPLE[self._clip.file_format])
                self._restart_decoder()
            else:
                self._skip_to(frame)
        except (RuntimeError, OSError) as exc:
            raise DecodeError(
                f"The stored audio {self._clip.path.name} could not be read."
            ) from exc
        self._position = frame

    def read(self, frames: int) -> FloatArray:
        """Up to `frames` samples from the position on; empty at the end."""
        try:
            if self._sound is not None:
                block = self._sound.read(frames, dtype="float32", always_2d=True)
                mono = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
                out: FloatArray = np.ascontiguousarray(mono, np.float32)
            else:
                while len(self._pending) < frames and self._decode_more():
                    pass
                out, self._pending = self._pending[:frames], self._pending[frames:]
        except (RuntimeError, OSError) as exc:
            raise DecodeError(
                f"The stored audio {self._clip.path.name} could not be read."
            ) from exc
        self._position += len(out)
        return out

    def close(self) -> None:
        """Release the file."""
        if self._sound is not None:
            self._sound.close()
        if self._handle is not None:
            self._handle.close()

    def _decode_more(self) -> bool:
        """Decode the next bytes into `_pending`; False at the end of the file."""
        assert self._handle is not None
        assert self._decoder is not None
        if self._finished:
            return False
        data = self._handle.read(READ_BYTES)
        if data:
            block, self._fed = self._decoder.feed(data), True
        elif self._fed:
            block, self._finished = self._decoder.finish(), True
        else:  # a seek to the very end: a decoder given nothing has nothing to flush
            block, self._finished = np.zeros(0, np.float32), True
        if block.size:
            self._pending = np.concatenate([self._pending, block]) if self._pending.size else block
        return True

    def _restart_decoder(self) -> None:
        self._decoder = StreamDecoder(self._clip.file_format, self._clip.sample_rate)
        self._pending = np.zeros(0, np.float32)
        self._finished = self._fed = False

    def _skip_to(self, frame: int) -> None:
        """Decode forward to `frame` (from the start when it lies behind), one block held."""
        assert self._handle is not None
        if frame < self._position:
            self._handle.seek(0)
            self._restart_decoder()
            self._position = 0
        while self._position + len(self._pending) < frame:
            self._position += len(self._pending)  # skipped: dropped as it is decoded
            self._pending = np.zeros(0, np.float32)
            if not self._decode_more():
                return
        self._pending = self._pending[frame - self._position :]
