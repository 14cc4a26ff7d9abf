"""ProgrammeReader: takes played back to back with silences, decoded in blocks from any point."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from studio.core.errors import StudioError

FloatArray = npt.NDArray[np.float32]
log = logging.getLogger(__name__)
SOURCE_BLOCK = 8192  # frames decoded at a time from a take that must be resampled


@dataclass(frozen=True)
class Piece:
    """One stretch of a programme: a take's audio, or silence.

    Attributes:
        take_id: The take to decode; "" for silence (a pause).
        start: Its first frame in the programme (at the programme's rate).
        frames: Its length in the programme, at the programme's rate.
        take_rate: The take's own rate (0 for silence); another rate is resampled.
    """

    take_id: str
    start: int
    frames: int
    take_rate: int = 0


class ProgrammeReader:
    """Reads a programme (pieces back to back) at one rate, block by block, from any frame.

    Only the take under the read position is open: its compressed bytes (`fetch`) and a
    libsndfile decoder over them, so memory is one take's FLAC and one block, whatever the
    programme's length. A take at another rate goes through a streaming resampler; each piece
    yields exactly its `frames` (cut, or padded with silence), so the programme's timeline
    holds sample for sample and pieces join without a gap. A take that cannot be decoded
    plays as silence (logged), so one damaged take does not stop a chapter.
    """

    def __init__(
        self,
        pieces: Sequence[Piece],
        sample_rate: int,
        fetch: Callable[[str], bytes],
        on_unreadable: Callable[[str], None] | None = None,
    ) -> None:
        """`fetch(take_id)` gives a take's FLAC bytes; `on_unreadable(take_id)` hears of a take
        that plays as silence (called on the reading thread)."""
        self._pieces = tuple(pieces)
        self._on_unreadable = on_unreadable
        self._rate = sample_rate
        self._fetch = fetch
        self._starts = [p.start for p in self._pieces]
        self.frames = self._pieces[-1].start + self._pieces[-1].frames if self._pieces else 0
        self._index = 0  # the piece under the read position
        self._offset = 0  # frames into it
        self._sound: Any = None  # the open take's decoder
        self._resampler: Any = None
        self._pending = np.zeros(0, np.float32)  # resampled, not yet returned
        self._source_done = False
        self._reported: set[str] = set()

    @property
    def position(self) -> int:
        """The frame the next read() starts at."""
        if self._index >= len(self._pieces):
            return self.frames
        return self._pieces[self._index].start + self._offset

    def seek(self, frame: int) -> None:
        """Make the next read() start at `frame` (clamped to the programme)."""
        frame = max(0, min(frame, self.frames))
        self._close_take()
        index = int(np.searchsorted(self._starts, frame, side="right")) - 1
        self._index, self._offset = max(index, 0), 0
        if self._index < len(self._pieces):
            self._offset = frame - self._pieces[self._index].start
        self._skip_finished()

    def read(self, count: int) -> FloatArray:
        """Up to `count` frames from the position on (fewer only at the end; empty after it)."""
        out: list[FloatArray] = []
        wanted = count
        while wanted > 0 and self._index < len(self._pieces):
            piece = self._pieces[self._index]
            n = min(wanted, piece.frames - self._offset)
            out.append(self._take_frames(piece, n) if piece.take_id else np.zeros(n, np.float32))
            self._offset += n
            wanted -= n
            self._skip_finished()
        return np.concatenate(out) if out else np.zeros(0, np.float32)

    def close(self) -> None:
        """Release the open take."""
        self._close_take()

    def _skip_finished(self) -> None:
        while self._index < len(self._pieces) and self._offset >= self._pieces[self._index].frames:
            self._close_take()
            self._index, self._offset = self._index + 1, 0

    def _take_frames(self, piece: Piece, n: int) -> FloatArray:
        """The next `n` frames of the piece's take (silence past its end or if it is damaged)."""
        if self._sound is None:
            self._open_take(piece)
        got = np.zeros(0, np.float32)
        if self._sound:  # False: unreadable, silence
            try:
                got = self._decode(piece, n)
            except (RuntimeError, ValueError) as exc:  # LibsndfileError is a RuntimeError
                self._unreadable(piece, exc)
        if len(got) < n:
            got = np.concatenate([got, np.zeros(n - len(got), np.float32)])
        return got

    def _open_take(self, piece: Piece) -> None:
        import soundfile

        try:
            self._sound = soundfile.SoundFile(io.BytesIO(self._fetch(piece.take_id)))
            source_at = self._offset
            if piece.take_rate != self._rate:
                import soxr

                self._resampler = soxr.ResampleStream(piece.take_rate, self._rate, 1, "float32")
                source_at = self._offset * piece.take_rate // self._rate
            self._sound.seek(min(source_at, self._sound.frames))
        except (StudioError, RuntimeError, ValueError, OSError) as exc:  # lost, or not FLAC
            self._unreadable(piece, exc)

    def _unreadable(self, piece: Piece, exc: Exception) -> None:
        """Silence for the rest of the piece, and say so once per take."""
        if self._sound:
            self._sound.close()
        self._sound = False
        if piece.take_id not in self._reported:
            self._reported.add(piece.take_id)
            log.warning("Take %s cannot be read; it plays as silence: %s", piece.take_id, exc)
            if self._on_unreadable is not None:
                self._on_unreadable(piece.take_id)

    def _decode(self, piece: Piece, n: int) -> FloatArray:
        if self._resampler is None:
            return _to_float(self._sound.read(n, dtype="int16", always_2d=True))
        while len(self._pending) < n and not self._source_done:
            block = _to_float(self._sound.read(SOURCE_BLOCK, dtype="int16", always_2d=True))
            self._source_done = len(block) == 0
            more = self._resampler.resample_chunk(block, last=self._source_done)
            self._pending = np.concatenate([self._pending, more.astype(np.float32)])
        got, self._pending = self._pending[:n], self._pending[n:]
        return got

    def _close_take(self) -> None:
        if self._sound:
            self._sound.close()
        self._sound = self._resampler = None
        self._pending = np.zeros(0, np.float32)
        self._source_done = False


def _to_float(pcm: npt.NDArray[np.int16]) -> FloatArray:
    """Mono float32 of 16-bit frames, scaled exactly as the app decodes PCM16 (÷ 32768)."""
    mono = pcm.mean(axis=1) if pcm.shape[1] > 1 else pcm[:, 0]
    return (mono.astype(np.float32) / np.float32(32768)).astype(np.float32)
