"""Normalisation reaches its loudness target under the true-peak ceiling; trim keeps speech."""

import numpy as np
import pytest

from studio.audio.levels import (
    integrated_loudness,
    normalize_loudness,
    trim_silence,
    true_peak,
)
from tests.audio.signals import sine, speech_like

RATE = 24000


def to_db(x: float) -> float:
    return 20 * float(np.log10(x))


def test_quiet_speech_is_raised_to_the_target_loudness() -> None:
    """A quiet clip comes out at -16 LUFS (within 0.5 LU) with its shape unchanged."""
    quiet = 0.05 * speech_like(3.0, RATE)
    assert integrated_loudness(quiet, RATE) < -30
    out = normalize_loudness(quiet, RATE, target_lufs=-16.0, ceiling_db=-1.0)
    assert integrated_loudness(out, RATE) == pytest.approx(-16.0, abs=0.5)
    assert np.corrcoef(quiet, out)[0, 1] > 0.9999  # one gain, no limiting


def test_the_true_peak_ceiling_wins_over_the_target() -> None:
    """A peaky clip is only raised until its 4x-oversampled peak touches the ceiling."""
    clicks = np.zeros(RATE * 2, np.float32)
    clicks[::4800] = 0.2  # sparse clicks: quiet on average, high peaks
    out = normalize_loudness(clicks, RATE, target_lufs=-10.0, ceiling_db=-1.0)
    assert to_db(true_peak(out, RATE)) == pytest.approx(-1.0, abs=0.05)
    assert integrated_loudness(out, RATE) < -10.0


def test_true_peak_sees_between_the_samples() -> None:
    """A tone at fs/4 sampled off its crests has a true peak above its sample peak."""
    t = np.arange(4800)
    x = (0.5 * np.sin(np.pi / 2 * t + np.pi / 4)).astype(np.float32)
    assert np.max(np.abs(x)) == pytest.approx(0.5 / np.sqrt(2), rel=1e-3)
    assert true_peak(x, RATE) == pytest.approx(0.5, rel=0.02)


def test_silence_and_short_clips_are_safe() -> None:
    """Silence is returned as it is; a 0.2 s clip is measured with a shorter gating block."""
    silence = np.zeros(RATE, np.float32)
    np.testing.assert_array_equal(normalize_loudness(silence, RATE), silence)
    short = sine(440, 0.2, RATE, amplitude=0.01)
    out = normalize_loudness(short, RATE, target_lufs=-20.0)
    assert integrated_loudness(out, RATE) == pytest.approx(-20.0, abs=0.5)


def test_trim_cuts_edge_silence_but_keeps_a_guard_and_inner_pauses() -> None:
    """Leading and trailing silence go, 150 ms of it stays around the speech, pauses stay."""
    word = sine(200, 0.3, RATE, amplitude=0.3)
    pause = np.zeros(int(0.4 * RATE), np.float32)
    edge = np.zeros(RATE, np.float32)
    clip = np.concatenate([edge, word, pause, word, edge])
    out = trim_silence(clip, RATE, threshold_db=-50, guard_s=0.15)
    assert np.count_nonzero(out) == np.count_nonzero(clip)  # no speech sample lost
    nonzero = np.nonzero(out)[0]
    lead, trail = nonzero[0] / RATE, (len(out) - 1 - nonzero[-1]) / RATE
    assert 0.15 <= lead <= 0.17 and 0.15 <= trail <= 0.17
    inner = out[nonzero[0] : nonzero[-1] + 1]
    np.testing.assert_array_equal(inner, clip[RATE + 1 : RATE + 1 + len(inner)])  # pause intact


def test_trim_never_cuts_a_soft_onset() -> None:
    """A word fading in from below the threshold keeps its whole fade (within the guard)."""
    fade = np.linspace(0, 1, int(0.1 * RATE), dtype=np.float32)
    word = sine(300, 0.5, RATE, amplitude=0.3)
    word[: len(fade)] *= fade
    clip = np.concatenate([np.zeros(RATE, np.float32), word])
    out = trim_silence(clip, RATE, threshold_db=-40, guard_s=0.15)
    assert np.count_nonzero(out) == np.count_nonzero(word)


def test_trim_leaves_a_clip_with_nothing_above_the_threshold_alone() -> None:
    """Very quiet audio may be whispered speech, so nothing is removed."""
    whisper = sine(300, 1.0, RATE, amplitude=0.001)
    np.testing.assert_array_equal(trim_silence(whisper, RATE, threshold_db=-50), whisper)
