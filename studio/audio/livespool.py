"""LiveSpool: a render's samples kept on disk as they arrive, read back from any point."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from studio.audio.codecs import float_to_int16, pcm16_to_float

FloatArray = npt.NDArray[np.float32]


class LiveSpool:
    """The samples of a render that plays as it arrives, spilled to an unnamed temporary file.

    The network hands samples over far faster than they play (an hour-long render may arrive
    in minutes), and the render cannot wait for the listener. Holding them for playback would
    grow memory with the clip; here they go to disk (16-bit, at the clip's rate) and the player
    keeps only a window of them, read back as it plays (services.clipview.live_feeder).

    One writer thread (the render) and one reader thread (the feeder): positional reads and
    writes share no file offset, and each takes a short lock (a block is ~10 KB), so a count
    is never ahead of its bytes and nothing touches the file once it is closed.
    The file has no name (it is unlinked at once), so a crash leaves nothing behind.

    Attributes:
        sample_rate: Hz of the samples (0 until the first ones arrive).
        frames: Samples written so far.
        ended: The render will add nothing more.
    """

    def __init__(self, folder: Path | None = None) -> None:
        """A spool whose file is made with the first samples, on the writer's thread (making
        it costs the GUI thread nothing), in `folder`: a folder on disk, since the system's
        temp folder is often in memory (tmpfs), which is where it goes if `folder` fails."""
        self._folder = folder
        self._file: BinaryIO | None = None
        self._changed = threading.Condition()
        self.sample_rate = 0
        self.frames = 0
        self.ended = False
        self.closed = False

    def append(self, samples: FloatArray, sample_rate: int) -> None:
        """Add decoded samples (the writer thread).

        Raises:
            OSError: the disk is full.
        """
        data = float_to_int16(samples).tobytes()
        with self._changed:  # never a write to a closed (and perhaps reused) descriptor
            if not data or self.closed:
                return
            if self._file is None:
                self._file = _unnamed_file(self._folder)
            os.pwrite(self._file.fileno(), data, self.frames * 2)
            self.sample_rate = sample_rate
            self.frames += len(data) // 2
            self._changed.notify_all()

    def end(self) -> None:
        """No more samples will come (also after a failed or cancelled render)."""
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def read(self, start: int, count: int) -> FloatArray:
        """Up to `count` samples from `start`: fewer (or none) when no more have arrived yet."""
        with self._changed:
            available = min(count, self.frames - start)
            if available <= 0 or self.closed or self._file is None:
                return np.zeros(0, np.float32)
            data = os.pread(self._file.fileno(), available * 2, start * 2)
        return pcm16_to_float(data)

    def wait_beyond(self, frames: int, timeout_s: float) -> None:
        """Return once more than `frames` samples arrived, the spool ended, or after a while."""
        with self._changed:
            self._changed.wait_for(lambda: self.frames > frames or self.ended, timeout_s)

    def close(self) -> None:
        """Release the file (its disk space goes with it)."""
        with self._changed:
            self.closed = self.ended = True
            if self._file is not None:
                self._file.close()
            self._changed.notify_all()


def _unnamed_file(folder: Path | None) -> BinaryIO:
    """A file with no name in `folder` (made if needed), else in the system's temp folder."""
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return tempfile.TemporaryFile(dir=folder)
        except OSError:
            pass  # a read-only profile: the temp folder still plays the render
    return tempfile.TemporaryFile()
