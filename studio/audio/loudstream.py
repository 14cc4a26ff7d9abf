"""Streaming loudness (BS.1770 integrated, gated) and a look-ahead true-peak limiter, in blocks.

pyloudnorm measures a whole array; a one-hour mix must not be held whole. The meter here
runs pyloudnorm's own K-weighting filters (same coefficients) with their state carried
across blocks, sums the squares per 100 ms hop, and builds BS.1770's 400 ms gating blocks
(75 % overlap) from four consecutive hops. The gating (absolute -70 LUFS, then relative
-10 LU) runs at the end over the block energies, which take 8 bytes per 100 ms (~290 kB
for an hour). The result equals pyloudnorm's to within a few hundredths of a LU.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
_HOP_S = 0.1
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0


class LoudnessMeter:
    """Integrated loudness of a mono stream fed in blocks of any size.

    Attributes:
        sample_rate: Hz.
    """

    def __init__(self, sample_rate: int) -> None:
        import pyloudnorm
        from scipy import signal

        self.sample_rate = sample_rate
        self._lfilter = signal.lfilter
        meter = pyloudnorm.Meter(sample_rate)
        # pyloudnorm's filters carry no annotations; their b/a are plain arrays.
        self._stages = [(f.b, f.a) for f in meter._filters.values()]
        self._states = [np.zeros(max(len(a), len(b)) - 1) for b, a in self._stages]
        self._hop = max(1, int(_HOP_S * sample_rate))
        self._partial = 0.0  # sum of squares of the unfinished hop
        self._partial_count = 0
        self._hops: list[float] = []

    def feed(self, block: npt.ArrayLike) -> None:
        """Add the next samples of the stream."""
        y = np.asarray(block, dtype=np.float64).reshape(-1)
        for i, (b, a) in enumerate(self._stages):
            y, self._states[i] = self._lfilter(b, a, y, zi=self._states[i])
        squares = y * y
        at = 0
        if self._partial_count:
            take = min(self._hop - self._partial_count, len(squares))
            self._partial += float(squares[:take].sum())
            self._partial_count += take
            at = take
            if self._partial_count == self._hop:
                self._hops.append(self._partial)
                self._partial, self._partial_count = 0.0, 0
        whole = (len(squares) - at) // self._hop
        if whole:
            sums = squares[at : at + whole * self._hop].reshape(whole, self._hop).sum(axis=1)
            self._hops.extend(sums.tolist())
            at += whole * self._hop
        if at < len(squares):
            self._partial = float(squares[at:].sum())
            self._partial_count = len(squares) - at

    def integrated(self) -> float:
        """The gated integrated loudness in LUFS so far (-inf for silence or < 400 ms)."""
        hops = np.asarray(self._hops, dtype=np.float64)
        if len(hops) < 4:
            return -math.inf
        energies = (hops[:-3] + hops[1:-2] + hops[2:-1] + hops[3:]) / (4 * self._hop)
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10.0 * np.log10(energies)
        above = energies[loudness >= _ABSOLUTE_GATE]
        if above.size == 0:
            return -math.inf
        relative = -0.691 + 10.0 * math.log10(float(above.mean())) + _RELATIVE_GATE
        with np.errstate(divide="ignore"):
            gated = above[-0.691 + 10.0 * np.log10(above) >= relative]
        return -0.691 + 10.0 * math.log10(float(gated.mean()))


class TruePeakLimiter:
    """Keeps the true peak of a stream under a ceiling; output is delayed, flush() returns it.

    The peak of each sample is estimated from 4x oversampling (the BS.1770-4 method). The
    required gain min(1, ceiling / peak) goes through a look-ahead minimum (`attack_s`), a
    moving average of the same length (which never exceeds the required gain, so the
    ceiling holds while the gain ramps smoothly) and a linear release, all vectorised. The
    ceiling gets a 0.2 dB margin for the estimator and the 16-bit rounding after it.

    Attributes:
        reduced: True once any gain reduction happened.
    """

    def __init__(
        self, sample_rate: int, ceiling_db: float, attack_s: float = 0.005, release_s: float = 0.05
    ) -> None:
        self._ceiling = 10.0 ** ((ceiling_db - 0.2) / 20.0)
        self._look = max(1, int(attack_s * sample_rate))
        self._ctx = 16  # samples of context each side the 4x interpolation needs
        self._history = np.zeros(self._look + self._ctx)
        self._pending = np.zeros(0)
        self._step = 1.0 / max(1.0, release_s * sample_rate)
        self._gain = 1.0
        self.reduced = False

    @property
    def delay(self) -> int:
        """Samples by which process() lags its input."""
        return self._look + self._ctx

    def process(self, block: npt.ArrayLike) -> FloatArray:
        """Feed samples; returns the limited samples that are final (delayed by `delay`)."""
        self._pending = np.concatenate([self._pending, np.asarray(block, dtype=np.float64)])
        if len(self._pending) <= self.delay:
            return np.zeros(0, dtype=np.float32)
        return self._run(len(self._pending) - self.delay)

    def flush(self) -> FloatArray:
        """The remaining samples (call once at the end)."""
        count = len(self._pending)
        self._pending = np.concatenate([self._pending, np.zeros(self.delay)])
        return self._run(count) if count else np.zeros(0, dtype=np.float32)

    def _run(self, count: int) -> FloatArray:
        from scipy import signal

        look, hist = self._look, len(self._history)
        x = np.concatenate([self._history, self._pending])
        over = signal.resample_poly(x, 4, 1)
        peak = np.maximum(np.abs(over).reshape(-1, 4).max(axis=1), np.abs(x))
        peak = np.maximum(peak, np.concatenate([peak[1:], peak[-1:]]))  # the gap to the next
        need = np.minimum(1.0, self._ceiling / np.maximum(peak, 1e-12))
        # g1[i] = min(need[i .. i+look]); g2[i] = mean(g1[i-look .. i]) <= need[i].
        windows = np.lib.stride_tricks.sliding_window_view(need, look + 1)
        g1 = windows.min(axis=1)  # index i covers need[i : i + look + 1]
        cumulative = np.concatenate([[0.0], np.cumsum(g1)])
        first = hist
        idx = np.arange(first, first + count)
        g2 = (cumulative[idx + 1] - cumulative[idx - look]) / (look + 1)
        ramp = np.arange(1, count + 1) * self._step
        released = np.minimum.accumulate(g2 - ramp) + ramp
        gain = np.minimum(np.minimum(g2, released), np.minimum(1.0, self._gain + ramp))
        self.reduced = self.reduced or bool(np.any(gain < 1.0))
        self._gain = float(gain[-1])
        out: FloatArray = (x[first : first + count] * gain).astype(np.float32)
        consumed = first + count
        self._history = x[consumed - hist : consumed]
        self._pending = x[consumed:]
        return out
