"""Did a pronunciation rule change the audio? Log-mel frames aligned with DTW, numpy only.

Two renders of the same text are never identical with a neural voice (Piper samples noise), so
"changed" must mean "changed more than a re-render does". The comparison therefore looks for a
*local* difference: after aligning the two clips with dynamic time warping, it smooths the
per-frame distance along the path over ~250 ms and takes the worst window. A changed word makes
one window very different; sampling noise spreads thin. The duration ratio is a second clue.

Thresholds are calibrated on the local engines by `bench/calibrate_verdict.py` (numbers in
its docstring and in VerdictThresholds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studio.audio.codecs import resample

FloatArray = npt.NDArray[np.float32]
ANALYSIS_RATE = 16000
FRAME = 400  # 25 ms at 16 kHz
HOP = 160  # 10 ms
MEL_BANDS = 20  # coarse bands: Piper's sampling noise lives in fine spectral detail
SMOOTH_FRAMES = 5  # 50 ms moving average over time, for the same reason
WINDOW_FRAMES = 25  # 250 ms: about a short word


@dataclass(frozen=True)
class VerdictThresholds:
    """Where "changed" starts. Calibrated on Piper (joe), eSpeak NG and the tone engine.

    `bench/calibrate_verdict.py`, 2026-11-26 ("Say WORD again.", 20 rules, 5 re-renders each):
    Piper re-renders of the same text reach a local distance of 0.45 at most (|log duration
    ratio| 0.09); eSpeak NG and the tone engine are deterministic (0.00). Rule changes that an
    ear hears ("MySQL" -> "my sequel", "tomato" -> "to mah to") score 0.6–2.5. Those below 0.6
    are respellings the engine already says that way ("GUI" -> "gooey", "cache" -> "cash",
    "Dr" -> "doctor"): "no audible change" is the right verdict for them. 0.6 leaves a third
    above the worst re-render, so a re-render is never called a change.

    Attributes:
        local_distance: Worst 150 ms window of the aligned log-mel distance.
        duration_ratio: |log(duration B / duration A)| beyond which the clip clearly changed.
    """

    local_distance: float = 0.6
    duration_ratio: float = 0.12


@dataclass(frozen=True)
class Comparison:
    """How two clips differ.

    Attributes:
        local_distance: Worst smoothed window of the aligned frame distance (0 = identical).
        mean_distance: Average aligned frame distance.
        duration_ratio: Duration of B over duration of A (speech only, edges trimmed).
        changed: The verdict under the thresholds used.
    """

    local_distance: float
    mean_distance: float
    duration_ratio: float
    changed: bool


def _mel_filters(rate: int, n_fft: int, bands: int) -> FloatArray:
    def hz_to_mel(hz: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)

    def mel_to_hz(mel: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return 700.0 * (10 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)

    edges = mel_to_hz(np.linspace(hz_to_mel(60.0), hz_to_mel(rate / 2 * 0.95), bands + 2))
    bins = np.floor((n_fft + 1) * edges / rate).astype(int)
    filters = np.zeros((bands, n_fft // 2 + 1), dtype=np.float32)
    for b in range(bands):
        left, centre, right = bins[b], max(bins[b + 1], bins[b] + 1), max(bins[b + 2], bins[b] + 2)
        filters[b, left:centre] = np.linspace(0, 1, centre - left, endpoint=False)
        filters[b, centre:right] = np.linspace(1, 0, right - centre, endpoint=False)
    return filters


_FILTERS = _mel_filters(ANALYSIS_RATE, 512, MEL_BANDS)
_WINDOW = np.hanning(FRAME).astype(np.float32)


def trim_edges(samples: npt.ArrayLike, threshold_db: float = -40.0) -> FloatArray:
    """Cut leading and trailing silence (relative to the clip's peak)."""
    x = np.asarray(samples, dtype=np.float32)
    if x.size == 0:
        return x
    level = np.abs(x) > np.max(np.abs(x)) * 10 ** (threshold_db / 20)
    loud = np.flatnonzero(level)
    return x[loud[0] : loud[-1] + 1] if loud.size else x[:0]


def log_mel(samples: npt.ArrayLike, sample_rate: int) -> FloatArray:
    """Log-mel frames (frames × bands), mean-normalised per band (robust to loudness)."""
    x = resample(samples, sample_rate, ANALYSIS_RATE)
    if x.size < FRAME:
        x = np.pad(x, (0, FRAME - x.size))
    count = 1 + (x.size - FRAME) // HOP
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    frames = x[index] * _WINDOW
    power = np.abs(np.fft.rfft(frames, n=512, axis=1)) ** 2
    mel_power = power @ _FILTERS.T
    # A floor 40 dB under the loudest frame: silence and a faint noise floor look the same,
    # so room tone or dither never reads as a change.
    floor = max(float(mel_power.max()) * 1e-4, 1e-10)
    mel = np.log(mel_power + floor).astype(np.float32)
    mel -= mel.mean(axis=0, keepdims=True)
    if len(mel) >= SMOOTH_FRAMES:
        kernel = np.ones(SMOOTH_FRAMES, dtype=np.float32) / SMOOTH_FRAMES
        mel = np.apply_along_axis(np.convolve, 0, mel, kernel, mode="same").astype(np.float32)
    return np.asarray(mel, dtype=np.float32)


def dtw_path_costs(a: FloatArray, b: FloatArray) -> FloatArray:
    """Per-step frame distances along the optimal DTW alignment of `a` and `b`.

    Vectorised over anti-diagonals, so two 5-second clips align in milliseconds.
    """
    n, m = len(a), len(b)
    # |a - b|² = |a|² + |b|² - 2a·b: an n×m matrix, not an n×m×bands array (memory).
    squared = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * (a @ b.T)
    cost = np.sqrt(np.maximum(squared, 0.0) / a.shape[1])
    acc = np.full((n + 1, m + 1), np.inf, dtype=np.float64)
    acc[0, 0] = 0.0
    for k in range(2, n + m + 1):  # cells (i, j) with i + j == k, 1-based
        rows = np.arange(max(1, k - m), min(n, k - 1) + 1)
        cols = k - rows
        best = np.minimum(
            np.minimum(acc[rows - 1, cols], acc[rows, cols - 1]), acc[rows - 1, cols - 1]
        )
        acc[rows, cols] = cost[rows - 1, cols - 1] + best
    path: list[float] = []
    i, j = n, m
    while i > 0 and j > 0:
        path.append(float(cost[i - 1, j - 1]))
        step = int(np.argmin((acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1])))
        i, j = (i - 1, j - 1) if step == 0 else ((i - 1, j) if step == 1 else (i, j - 1))
    return np.asarray(path[::-1], dtype=np.float32)


def compare(
    a: npt.ArrayLike,
    rate_a: int,
    b: npt.ArrayLike,
    rate_b: int,
    thresholds: VerdictThresholds | None = None,
) -> Comparison:
    """Compare two renders of (nearly) the same sentence."""
    limits = thresholds or VerdictThresholds()
    clip_a, clip_b = trim_edges(a), trim_edges(b)
    if clip_a.size == 0 or clip_b.size == 0:
        changed = clip_a.size != clip_b.size
        return Comparison(float("inf") if changed else 0.0, 0.0, 1.0, changed)
    path = dtw_path_costs(log_mel(clip_a, rate_a), log_mel(clip_b, rate_b))
    window = min(WINDOW_FRAMES, len(path))
    smoothed = np.convolve(path, np.ones(window) / window, mode="valid")
    local = float(smoothed.max())
    ratio = (clip_b.size / rate_b) / (clip_a.size / rate_a)
    changed = local > limits.local_distance or abs(float(np.log(ratio))) > limits.duration_ratio
    return Comparison(local, float(path.mean()), ratio, changed)
