"""Streaming loudness (BS.1770 integrated, gated) and a look-ahead true-peak limiter, in blocks.

pyloudnorm measures a whole array; a one-hour mix must not be held whole. The meter here
runs pyloudnorm's own K-weighting filters (same coefficients) with their state carried
across blocks, sums the squares per 100 ms hop, and builds BS.1770's 400 ms gating blocks
(75 % overlap) from four consecutive hops. The gating (absolute -70 LUFS, then relative
-10 LU) runs at the end over the block energies, which take 8 bytes per 100 ms (~290 kB
for an hour). The result equals pyloudnorm's to within a few hundredths of a LU.
"""

from __future__ import annotations

import functools
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

    The peak around each sample is estimated from 4x oversampling (the BS.1770-4 method). The
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
        from scipy.ndimage import minimum_filter1d

        look, hist = self._look, len(self._history)
        x = np.concatenate([self._history, self._pending])
        peak = _true_peaks(x, 0.5 * self._ceiling)
        need = np.minimum(1.0, self._ceiling / np.maximum(peak, 1e-12))
        # g1[i] = min(need[i .. i+look]); g2[i] = mean(g1[i-look .. i]) <= need[i].
        if need.min() >= 1.0:  # nothing near the ceiling: only the release continues
            g1 = need[: len(need) - look]
        else:  # index i covers need[i : i + look + 1] (a van Herk running minimum, O(n))
            g1 = minimum_filter1d(need, look + 1, origin=-((look + 1) // 2))[: len(need) - look]
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


@functools.cache
def _interpolator() -> npt.NDArray[np.float64]:
    """Phases 1–3 of a 4x interpolation filter: row p gives x(m + p/4) from x[m-6 .. m+6]."""
    from scipy import signal

    h = signal.firwin(49, 0.25, window=("kaiser", 8.0)) * 4  # delay 24 = 6 input samples
    rows = []
    for p in (1, 2, 3):
        # y[4(m+6)+p] = sum_j h[p+4j] x[m+6-j], j = 0..12  ->  taps over x[m-6 .. m+6]
        taps = np.zeros(13)
        for j in range(13):
            if p + 4 * j < len(h):
                taps[12 - j] = h[p + 4 * j]
        rows.append(taps)
    return np.array(rows)


def _true_peaks(x: npt.NDArray[np.float64], threshold: float) -> npt.NDArray[np.float64]:
    """Per sample, the largest magnitude on [m, m+1] (4x oversampled) where it can matter."""
    magnitude = np.abs(x)
    peak: npt.NDArray[np.float64] = np.maximum(
        magnitude, np.concatenate([magnitude[1:], magnitude[-1:]])
    )
    candidates = np.nonzero(peak >= threshold)[0]
    candidates = candidates[(candidates >= 6) & (candidates < len(x) - 6)]
    if candidates.size:
        windows = x[candidates[:, None] + np.arange(-6, 7)]
        between = np.abs(windows @ _interpolator().T).max(axis=1)
        peak[candidates] = np.maximum(peak[candidates], between)
    return peak
