"""Click-free joins for the mixdown: equal-power crossfades, fades to and from silence, and
zero-crossing cuts."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from studio.core.export_choices import MAX_CROSSFADE_MS

FloatArray = npt.NDArray[np.float32]
MAX_JOIN_MS = MAX_CROSSFADE_MS  # the dialog and `project export` offer the same range


def fade_in(x: FloatArray, n: int) -> FloatArray:
    """`x` with a raised-cosine fade over its first `n` samples (zero slope at both ends)."""
    n = min(n, len(x))
    if n <= 0:
        return x
    out = x.copy()
    out[:n] *= _raised(n)
    return out


def fade_out(x: FloatArray, n: int) -> FloatArray:
    """`x` with a raised-cosine fade to silence over its last `n` samples."""
    n = min(n, len(x))
    if n <= 0:
        return x
    out = x.copy()
    out[len(x) - n :] *= _raised(n)[::-1]
    return out


def crossfade(tail: FloatArray, head: FloatArray) -> FloatArray:
    """Equal-power overlap of the end of one part with the start of the next (same length).

    cos/sin gains keep the summed power constant for uncorrelated signals, so the join
    neither dips nor bumps in level.
    """
    n = len(tail)
    t = (np.arange(n, dtype=np.float64) + 0.5) / n * (np.pi / 2)
    return (tail * np.cos(t) + head * np.sin(t)).astype(np.float32)


def zero_cut_head(x: FloatArray, n: int) -> FloatArray:
    """`x` from its first zero crossing within the first `n` samples (faded in if none)."""
    k = _crossings(x[: n + 1])
    if k.size == 0:
        return fade_in(x, n)  # nothing crosses zero there (DC or silence): fade instead
    i = int(k[0])
    start = i if abs(x[i]) <= abs(x[i + 1]) else i + 1
    return x[start:]


def zero_cut_tail(x: FloatArray, n: int) -> FloatArray:
    """`x` up to its last zero crossing within the last `n` samples (faded out if none)."""
    if len(x) <= 1:
        return x
    base = max(0, len(x) - n - 1)
    k = _crossings(x[base:])
    if k.size == 0:
        return fade_out(x, n)
    i = base + int(k[-1])
    end = i + 1 if abs(x[i]) <= abs(x[i + 1]) else i + 2
    return x[:end]


def _crossings(x: FloatArray) -> npt.NDArray[np.intp]:
    """Indices i where x[i] and x[i+1] differ in sign or x[i] is exactly zero."""
    s = np.signbit(x)
    return np.nonzero((s[:-1] != s[1:]) | (x[:-1] == 0))[0]


def _raised(n: int) -> npt.NDArray[np.float32]:
    t = (np.arange(n, dtype=np.float64) + 0.5) / n
    return (0.5 - 0.5 * np.cos(np.pi * t)).astype(np.float32)
