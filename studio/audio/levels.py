"""Loudness (EBU R128 / ITU-R BS.1770), true peak, loudness normalisation and edge-silence trim."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from studio.audio import codecs

FloatArray = codecs.FloatArray
OVERSAMPLING = 4  # BS.1770-4 Annex 2: true peak from 4x oversampled samples
GATE_BLOCK_S = 0.4  # BS.1770's 400 ms gating block
MIN_MEASURE_S = 0.02  # shorter clips have no meaningful loudness; only the peak is checked


def integrated_loudness(samples: npt.ArrayLike, sample_rate: int) -> float:
    """Integrated loudness in LUFS (-inf for silence).

    Clips shorter than BS.1770's 400 ms block are measured with one block as long as the
    clip (pyloudnorm refuses shorter input); below 20 ms the result is -inf.
    """
    import pyloudnorm

    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    duration = len(x) / sample_rate
    if duration < MIN_MEASURE_S or not np.any(x):
        return -math.inf
    block = min(GATE_BLOCK_S, duration * 0.99)
    meter = pyloudnorm.Meter(sample_rate, block_size=block)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(meter.integrated_loudness(x))


def true_peak(samples: npt.ArrayLike, sample_rate: int) -> float:
    """The true peak as a linear amplitude: the largest |sample| after 4x oversampling."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    if x.size == 0:
        return 0.0
    over = codecs.resample(x, sample_rate, sample_rate * OVERSAMPLING)
    return float(max(np.max(np.abs(over)), np.max(np.abs(x))))


def db_to_gain(db: float) -> float:
    """Decibels to a linear gain."""
    return float(10.0 ** (db / 20.0))


def normalize_loudness(
    samples: npt.ArrayLike, sample_rate: int, target_lufs: float = -16.0, ceiling_db: float = -1.0
) -> FloatArray:
    """Apply one gain so the clip reaches `target_lufs`, never letting its true peak exceed
    `ceiling_db` dBTP.

    When the peak ceiling binds, the clip ends up quieter than the target: we lower the gain
    rather than limit or compress, which would change the voice's sound. Silence is returned
    unchanged.
    """
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    loudness = integrated_loudness(x, sample_rate)
    peak = true_peak(x, sample_rate)
    if peak == 0.0:
        return x.copy()
    gain = db_to_gain(target_lufs - loudness) if math.isfinite(loudness) else 1.0
    ceiling = db_to_gain(ceiling_db)
    gain = min(gain, ceiling / peak)
    return (x * np.float32(gain)).astype(np.float32)


def trim_silence(
    samples: npt.ArrayLike,
    sample_rate: int,
    threshold_db: float = -50.0,
    guard_s: float = 0.15,
    window_s: float = 0.01,
) -> FloatArray:
    """Cut silence at the start and end only, keeping `guard_s` of it around the speech.

    Everything from the first to the last window (10 ms) whose peak reaches `threshold_db`
    dBFS is kept, plus the guard on each side, so soft onsets and fading word endings are
    never cut, and pauses inside the clip stay as they are. A clip with nothing above the
    threshold is returned unchanged: it may be very quiet speech, not silence.
    """
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    window = max(1, int(window_s * sample_rate))
    count = len(x) // window
    if count == 0:
        return x.copy()
    peaks = np.abs(x[: count * window]).reshape(count, window).max(axis=1)
    if len(x) > count * window:
        peaks = np.append(peaks, np.abs(x[count * window :]).max())
    active = np.nonzero(peaks >= db_to_gain(threshold_db))[0]
    if active.size == 0:
        return x.copy()
    guard = int(guard_s * sample_rate)
    start = max(0, int(active[0]) * window - guard)
    end = min(len(x), (int(active[-1]) + 1) * window + guard)
    return x[start:end].copy()
