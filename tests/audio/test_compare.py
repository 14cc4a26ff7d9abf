"""The 'did the audio change?' comparison: robust to re-render noise, sensitive to a new word."""

import numpy as np

from studio.audio.codecs import resample
from studio.audio.compare import compare, dtw_path_costs

RATE = 16000


def _word(freq: float, seconds: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    envelope = np.sin(np.pi * t / seconds) ** 2
    return 0.4 * envelope * (np.sin(2 * np.pi * freq * t) + 0.5 * np.sin(4 * np.pi * freq * t))


def _sentence(freqs: list[float], rate: int = RATE) -> np.ndarray:
    gap = np.zeros(int(0.08 * rate))
    return np.concatenate([np.concatenate([_word(f, 0.3, rate), gap]) for f in freqs])


def test_identical_clips_are_unchanged() -> None:
    """The same audio compares at distance zero."""
    clip = _sentence([200, 300, 250])
    result = compare(clip, RATE, clip, RATE)
    assert result.local_distance < 1e-3 and not result.changed


def test_small_timing_and_level_differences_are_not_a_change() -> None:
    """3 % slower, 3 dB quieter, with a faint noise floor (-60 dB): still 'no audible change'."""
    clip = _sentence([200, 300, 250])
    rng = np.random.default_rng(1)
    slower = resample(clip, RATE, int(RATE * 1.03)) * 0.7
    other = slower + rng.normal(0, 0.0004, len(slower))
    assert not compare(clip, RATE, other, RATE).changed


def test_a_different_middle_word_is_a_change() -> None:
    """Replacing one word (another pitch and spectrum) is detected."""
    before = _sentence([200, 300, 250])
    after = _sentence([200, 700, 250])
    result = compare(before, RATE, after, RATE)
    assert result.changed and result.local_distance > 2


def test_much_longer_audio_is_a_change() -> None:
    """A respelling that adds a syllable lengthens the clip: changed."""
    before = _sentence([200, 300, 250])
    after = _sentence([200, 300, 300, 250])
    assert compare(before, RATE, after, RATE).changed


def test_rates_are_aligned_and_silence_trimmed() -> None:
    """The same clip at 24 kHz with extra silence around it is unchanged against 16 kHz."""
    clip = _sentence([200, 300, 250])
    other = np.concatenate([np.zeros(12000), _sentence([200, 300, 250], 24000), np.zeros(6000)])
    assert not compare(clip, RATE, other, 24000).changed


def test_dtw_follows_a_stretched_copy() -> None:
    """DTW of a sequence with a repeated frame finds a zero-cost path."""
    a = np.arange(20, dtype=np.float32).reshape(10, 2)
    b = np.repeat(a, 2, axis=0)
    assert float(dtw_path_costs(a, b).max()) == 0.0
