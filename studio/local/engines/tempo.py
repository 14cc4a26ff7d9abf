"""Pitch-preserving tempo change with FFmpeg's `atempo` filter (through PyAV)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from studio.local.engines.base import FloatArray

# atempo's own range (FFmpeg >= 4.3); the contract's speeds (0.5-2.0) lie inside it.
MIN_FACTOR, MAX_FACTOR = 0.5, 100.0


def change_tempo(samples: FloatArray, sample_rate: int, factor: float) -> FloatArray:
    """`samples` played `factor` times as fast at the same pitch (length / factor).

    atempo overlaps and adds matching stretches of the waveform (WSOLA), so the length is
    exact and speech keeps its pitch and formants; a factor of 1 returns the input as is.
    """
    if abs(factor - 1.0) < 1e-6 or len(samples) == 0:
        return samples
    if not MIN_FACTOR <= factor <= MAX_FACTOR:
        raise ValueError(f"tempo factor {factor} is outside {MIN_FACTOR}-{MAX_FACTOR}")
    import av  # imported on first use: only a speed other than 1.0 needs it

    time_base = Fraction(1, sample_rate)
    graph = av.filter.Graph()
    source = graph.add_abuffer(
        format="flt", sample_rate=sample_rate, layout="mono", time_base=time_base
    )
    tempo = graph.add("atempo", f"{factor:.6f}")
    sink = graph.add("abuffersink")
    source.link_to(tempo)
    tempo.link_to(sink)
    graph.configure()
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(samples, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
    )
    frame.sample_rate = sample_rate
    frame.pts = 0
    frame.time_base = time_base
    graph.push(frame)
    graph.push(None)
    pieces = []
    while True:
        try:
            pieces.append(graph.pull().to_ndarray().reshape(-1))
        except (av.error.BlockingIOError, av.error.EOFError):
            break
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(pieces).astype(np.float32, copy=False)
