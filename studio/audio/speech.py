"""Where speech is in a take: regions above an energy threshold, split at pauses (for subtitles)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

WINDOW_S = 0.01
MIN_PAUSE_S = 0.08  # shorter dips are stops and gaps inside words; sentence pauses are ≥ 0.1 s
MIN_SPEECH_S = 0.03


def speech_regions(
    samples: npt.ArrayLike,
    sample_rate: int,
    offset_s: float = 0.0,
    threshold_db: float = -40.0,
    min_pause_s: float = MIN_PAUSE_S,
) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech, plus `offset_s` (the take's place in a mix).

    A 10 ms window is speech when its RMS is within `threshold_db` of the take's loudest
    window (relative, so quiet and loud voices alike work); silences shorter than
    `min_pause_s` are bridged. Edges are refined to the first/last sample above the threshold
    so starts are accurate to well under a window.
    """
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    window = max(1, int(WINDOW_S * sample_rate))
    count = len(x) // window
    if count == 0:
        return []
    frames = x[: count * window].reshape(count, window)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    top = float(rms.max())
    if top <= 0.0:
        return []
    level = top * 10.0 ** (threshold_db / 20.0)
    active = rms >= level
    bridge = round(min_pause_s / WINDOW_S)
    regions: list[list[int]] = []
    for i in np.nonzero(active)[0]:
        if regions and i - regions[-1][1] <= bridge:
            regions[-1][1] = int(i)
        else:
            regions.append([int(i), int(i)])
    out = []
    for first, last in regions:
        if (last - first + 1) * WINDOW_S < MIN_SPEECH_S:
            continue
        start, end = first * window, (last + 1) * window
        # Refine: the first and last sample whose magnitude reaches the level (peak-based).
        seg = np.abs(x[max(0, start - window) : end + window])
        loud = np.nonzero(seg >= level)[0]
        base = max(0, start - window)
        if loud.size:
            start, end = base + int(loud[0]), base + int(loud[-1]) + 1
        out.append((offset_s + start / sample_rate, offset_s + end / sample_rate))
    return out
