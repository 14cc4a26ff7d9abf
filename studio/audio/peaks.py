"""Waveform peaks for drawing: an incremental multi-level min/max summary of a clip."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
FANOUT = 8  # each summary level holds one min/max pair per FANOUT entries of the level below
EPSILON = 1e-6  # seconds * rate is rarely an exact integer in floating point


def peak_block(sample_rate: int) -> int:
    """Samples per min/max pair of a clip's stored peaks: 1/100 s (1/50 s at 22.05 kHz and
    its multiples), so the pairs make an envelope signal at a whole-number rate."""
    return 2 * sample_rate // 100 if sample_rate % 100 == 0 else 2 * sample_rate // 50


def envelope_rate(sample_rate: int) -> int:
    """The rate of the envelope signal: two values (min, max) per peak block."""
    return 2 * sample_rate // peak_block(sample_rate)


class EnvelopeBuilder:
    """Min/max pairs of each `peak_block` samples of a stream, as they complete.

    Drawn as a signal at `envelope_rate` (min, max, min, max…), the pairs give the same
    waveform as the samples at any zoom coarser than a block, in 1/100 of the memory: what
    the window draws for a long render instead of holding its samples.
    """

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.block = peak_block(sample_rate)
        self.rate = envelope_rate(sample_rate)
        self.frames = 0
        self._carry = np.zeros(0, np.float32)

    def add(self, samples: npt.ArrayLike) -> FloatArray:
        """Take samples; return the interleaved min/max of the blocks they completed."""
        x = np.asarray(samples, dtype=np.float32).reshape(-1)
        self.frames += len(x)
        if self._carry.size:
            x = np.concatenate([self._carry, x])
        whole = len(x) - len(x) % self.block
        self._carry = np.array(x[whole:], np.float32)
        if not whole:
            return np.zeros(0, np.float32)
        blocks = x[:whole].reshape(-1, self.block)
        return np.stack([blocks.min(axis=1), blocks.max(axis=1)], axis=1).reshape(-1)

    def finish(self) -> FloatArray:
        """The last, partial block's pair (empty when the stream ended on a block)."""
        tail, self._carry = self._carry, np.zeros(0, np.float32)
        if not tail.size:
            return np.zeros(0, np.float32)
        return np.array([tail.min(), tail.max()], np.float32)


class _Growable:
    """A float32 array that grows by doubling, so appending is amortised O(1)."""

    def __init__(self) -> None:
        self._data = np.zeros(1024, np.float32)
        self.size = 0

    @property
    def view(self) -> FloatArray:
        return self._data[: self.size]

    def truncate_and_extend(self, at: int, values: FloatArray) -> None:
        """Replace everything from index `at` on with `values`."""
        needed = at + len(values)
        if needed > len(self._data):
            grown = np.zeros(max(needed, 2 * len(self._data)), np.float32)
            grown[:at] = self._data[:at]
            self._data = grown
        self._data[at:needed] = values
        self.size = needed


class PeakBuilder:
    """Min/max peaks of a growing clip, cheap to query at any zoom while audio streams in.

    Level 0 is the samples themselves; level k holds the min and max of each block of
    FANOUT**k samples. A query picks the coarsest level whose blocks are no wider than a
    column, so it reads fewer than FANOUT blocks per column: O(columns) whatever the length.

    Attributes:
        sample_rate: Hz of the samples added.
    """

    def __init__(self, sample_rate: int) -> None:
        if sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {sample_rate}")
        self.sample_rate = sample_rate
        self._samples = _Growable()
        self._levels: list[tuple[_Growable, _Growable]] = []

    @property
    def sample_count(self) -> int:
        """Samples added so far."""
        return self._samples.size

    @property
    def duration_s(self) -> float:
        """Seconds of audio added so far."""
        return self._samples.size / self.sample_rate

    def add(self, samples: npt.ArrayLike) -> None:
        """Append samples (mono) and update the summary; cost is proportional to their count."""
        x = np.asarray(samples, dtype=np.float32).reshape(-1)
        if x.size == 0:
            return
        changed = self._samples.size
        self._samples.truncate_and_extend(changed, x)
        lower_min = lower_max = self._samples.view
        level = 0
        while len(lower_min) > 1:
            if level == len(self._levels):
                self._levels.append((_Growable(), _Growable()))
            mins, maxs = self._levels[level]
            first = changed // FANOUT  # the first block that saw new entries below it
            starts = np.arange(first * FANOUT, len(lower_min), FANOUT)
            mins.truncate_and_extend(first, np.minimum.reduceat(lower_min, starts))
            maxs.truncate_and_extend(first, np.maximum.reduceat(lower_max, starts))
            lower_min, lower_max, changed = mins.view, maxs.view, first
            level += 1

    def peaks(
        self, columns: int, start_s: float = 0.0, end_s: float | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Min and max of the audio in each of `columns` equal slices of [start_s, end_s).

        Args:
            columns: How many slices (pixels) to return.
            start_s: Start of the range in seconds (clamped to the clip).
            end_s: End of the range; None means the end of what was added so far.

        Returns:
            (mins, maxs), float32 arrays of length `columns`. Slices past the end of the audio
            are zero.
        """
        columns = max(0, int(columns))
        mins = np.zeros(columns, np.float32)
        maxs = np.zeros(columns, np.float32)
        total = self._samples.size
        end = total if end_s is None else end_s * self.sample_rate
        start = max(0.0, start_s * self.sample_rate)
        if columns == 0 or end <= start or total == 0 or start >= total:
            return mins, maxs
        span = (end - start) / columns
        level = 0 if span < FANOUT else min(int(math.log(span, FANOUT)), len(self._levels))
        block = FANOUT**level
        if level == 0:
            level_min = level_max = self._samples.view
        else:
            level_min, level_max = (array.view for array in self._levels[level - 1])
        edges = start + span * np.arange(columns + 1)
        filled = int(np.searchsorted(edges[:-1], total, side="left"))  # columns with audio
        first = np.floor(edges[:filled] / block + EPSILON).astype(np.int64)
        last = min(len(level_min), math.ceil(min(end, total) / block - EPSILON))
        first = np.minimum(first, last - 1)
        mins[:filled] = np.minimum.reduceat(level_min[:last], first)
        maxs[:filled] = np.maximum.reduceat(level_max[:last], first)
        # A column also owns the start of the block its right edge cuts through, so a peak
        # there shows in both neighbours rather than only in the next one.
        cut = edges[1:filled] / block
        partial = np.nonzero(cut - np.floor(cut + EPSILON) > EPSILON)[0]
        shared = first[partial + 1]
        mins[partial] = np.minimum(mins[partial], level_min[shared])
        maxs[partial] = np.maximum(maxs[partial], level_max[shared])
        return mins, maxs


def envelope_of(peaks: npt.ArrayLike) -> FloatArray:
    """A clip's stored (n, 2) peaks as the envelope signal (at `envelope_rate`)."""
    return np.ascontiguousarray(np.asarray(peaks, dtype=np.float32).reshape(-1))
