"""Voice pitch (F0) per frame by normalised autocorrelation, and a median pitch for a sample."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from studio.audio import codecs

FloatArray = codecs.FloatArray
ANALYSIS_RATE = 16000  # speech F0 needs nothing above 8 kHz; a lower rate keeps it cheap
FRAME_S = 0.04  # two periods of a 50 Hz voice
HOP_S = 0.02
MIN_F0_HZ = 60.0
MAX_F0_HZ = 420.0
VOICED_CORRELATION = 0.6  # normalised autocorrelation peak above which a frame is voiced
MAX_ANALYSIS_S = 120.0  # bounded time and memory: longer input is analysed on its start


def frame_pitches(samples: npt.ArrayLike, sample_rate: int) -> FloatArray:
    """F0 in Hz of each voiced 40 ms frame (20 ms hop), in time order; unvoiced frames omitted."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)[: int(MAX_ANALYSIS_S * sample_rate)]
    if sample_rate != ANALYSIS_RATE and x.size:
        x = codecs.resample(x, sample_rate, ANALYSIS_RATE)
    frame = int(FRAME_S * ANALYSIS_RATE)
    hop = int(HOP_S * ANALYSIS_RATE)
    if x.size < frame:
        return np.zeros(0, dtype=np.float32)
    count = 1 + (x.size - frame) // hop
    index = np.arange(frame)[None, :] + hop * np.arange(count)[:, None]
    frames = x[index].astype(np.float64)
    frames -= frames.mean(axis=1, keepdims=True)
    energy = np.sum(frames**2, axis=1)
    # Frames far below the loudest are pauses or breath; their "pitch" is noise.
    loud = energy > max(float(np.max(energy)) * 10 ** (-35 / 10), 1e-9)
    frames = frames[loud] * np.hanning(frame)[None, :]
    if frames.size == 0:
        return np.zeros(0, dtype=np.float32)
    size = 1 << math.ceil(math.log2(2 * frame))
    spectrum = np.fft.rfft(frames, size, axis=1)
    corr = np.fft.irfft(np.abs(spectrum) ** 2, size, axis=1)[:, :frame]
    # Normalise by the window's own autocorrelation so long lags are not penalised.
    window_corr = np.correlate(np.hanning(frame), np.hanning(frame), "full")[frame - 1 :]
    corr = corr / np.maximum(corr[:, :1], 1e-12) / np.maximum(window_corr / window_corr[0], 1e-3)
    low = int(ANALYSIS_RATE / MAX_F0_HZ)
    high = int(ANALYSIS_RATE / MIN_F0_HZ)
    lags = corr[:, low:high]
    # The first lag within 10 % of the best peak, not the best itself: multiples of the period
    # score nearly as high, and taking them would halve the pitch (an octave error).
    top = np.max(lags, axis=1)
    first = np.argmax(lags >= 0.9 * top[:, None], axis=1)
    span = np.arange(lags.shape[1])[None, :]
    near = (span >= first[:, None]) & (span <= (first + (first + low) // 4 + 1)[:, None])
    best = np.argmax(np.where(near, lags, -np.inf), axis=1)
    peak = lags[np.arange(len(best)), best]
    voiced = peak >= VOICED_CORRELATION
    lag = (best + low).astype(np.float64)
    # Parabolic interpolation around the peak for sub-sample lag accuracy.
    rows = np.arange(len(best))
    left = corr[rows, np.clip(best + low - 1, 0, frame - 1)]
    right = corr[rows, np.clip(best + low + 1, 0, frame - 1)]
    denom = left - 2 * peak + right
    shift = np.where(
        np.abs(denom) > 1e-12, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0
    )
    lag = lag + np.clip(shift, -0.5, 0.5)
    result: FloatArray = (ANALYSIS_RATE / lag[voiced]).astype(np.float32)
    return result


def median_pitch(samples: npt.ArrayLike, sample_rate: int) -> float | None:
    """The median F0 of the voiced frames in Hz, or None with fewer than 10 voiced frames."""
    pitches = frame_pitches(samples, sample_rate)
    return float(np.median(pitches)) if pitches.size >= 10 else None


def semitones(from_hz: float, to_hz: float) -> float:
    """The interval from one frequency to another in semitones."""
    return 12.0 * math.log2(to_hz / from_hz)
