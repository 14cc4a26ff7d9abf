"""Speech onsets measured in a mix, independently of studio/audio/speech.py (for timing tests)."""

from __future__ import annotations

import numpy as np


def onsets(x: np.ndarray, rate: int, quiet_s: float = 0.1) -> list[float]:
    """Times where 5 ms RMS rises above 1 % (-40 dB) of the loudest after `quiet_s` of quiet."""
    hop = rate // 200
    rms = np.sqrt(np.mean(x[: len(x) // hop * hop].reshape(-1, hop) ** 2, axis=1))
    active = rms > 0.01 * rms.max()
    out, quiet = [], 10**9
    for i, on in enumerate(active):
        if on and quiet * hop >= quiet_s * rate:
            out.append(i * hop / rate)
        quiet = 0 if on else quiet + 1
    return out


def loudest_rms(x: np.ndarray, rate: int) -> float:
    """The loudest 5 ms RMS in `x`."""
    hop = rate // 200
    frames = x[: len(x) // hop * hop].reshape(-1, hop)
    return float(np.sqrt(np.mean(frames**2, axis=1)).max()) if len(frames) else 0.0
