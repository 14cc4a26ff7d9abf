"""Test signals and measurements shared by the audio tests."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
RATES = (8000, 16000, 24000, 44100)


def sine(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> FloatArray:
    """A pure tone."""
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def speech_like(seconds: float, rate: int, seed: int = 0) -> FloatArray:
    """Band-limited noise bursts with pauses: a crude stand-in for speech."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    noise = rng.standard_normal(n).astype(np.float32)
    kernel = np.hanning(max(3, rate // 2000))
    noise = np.convolve(noise, kernel / kernel.sum(), mode="same")
    envelope = (np.sin(2 * np.pi * 3 * np.arange(n) / rate) > -0.3).astype(np.float32)
    return (0.3 * noise * envelope).astype(np.float32)


def snr_db(reference: npt.ArrayLike, test: npt.ArrayLike) -> float:
    """Signal-to-noise ratio of `test` against `reference` (same length), in dB."""
    ref = np.asarray(reference, dtype=np.float64)
    err = np.asarray(test, dtype=np.float64) - ref
    noise = float(np.sum(err**2))
    return float("inf") if noise == 0 else 10 * np.log10(float(np.sum(ref**2)) / noise)


def dominant_frequency(samples: npt.ArrayLike, rate: int) -> float:
    """The frequency of the strongest FFT bin (Hann-windowed)."""
    x = np.asarray(samples, dtype=np.float64)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * rate / len(x))
