"""Tests for studio/core/dubbing.py: speeds that fit cues, limits, and flags."""

from __future__ import annotations

import pytest

from studio.core.dubbing import Slot, fit, plan, slots_from_cues


def test_a_short_segment_keeps_its_speed_and_its_cue_start() -> None:
    """Shorter than its slot: no re-render, placed at the cue start (silence after)."""
    result = fit(Slot(4.0, 7.0), rendered_s=2.0)
    assert (result.speed, result.rerender, result.fits, result.start_s) == (1.0, False, True, 4.0)


def test_a_long_segment_gets_the_speed_that_fits() -> None:
    """3.3 s in a 3 s slot needs ~1.13x (with the margin), rounded up to two decimals."""
    result = fit(Slot(0.0, 3.0), rendered_s=3.3)
    assert result.rerender and result.fits
    assert result.speed == pytest.approx(1.14)
    assert result.expected_s <= 3.0


def test_never_faster_than_the_users_maximum_and_flagged() -> None:
    """Needing 1.6x with a 1.3x maximum: 1.3x, flagged with the expected overflow."""
    result = fit(Slot(0.0, 2.0), rendered_s=3.2, max_speed=1.3)
    assert result.speed == 1.3 and not result.fits
    assert result.overflow_s == pytest.approx(3.2 / 1.3 - 2.0)


def test_api_range_is_the_outer_limit() -> None:
    """A user maximum above 2.0 is held to the API's 2.0."""
    assert fit(Slot(0.0, 1.0), rendered_s=5.0, max_speed=3.0).speed == 2.0


def test_speed_already_raised_is_taken_into_account() -> None:
    """A segment rendered at 1.2x lasting 3.3 s in a 3 s slot needs more than 1.2x."""
    result = fit(Slot(0.0, 3.0), rendered_s=3.3, rendered_speed=1.2, max_speed=2.0)
    assert result.speed == pytest.approx(1.37, abs=0.01)


def test_plan_with_the_gap_to_the_next_cue() -> None:
    """With use_gap a segment may run until the next cue starts, never past it."""
    slots = slots_from_cues([(0.0, 2.0), (3.0, 5.0)])
    fits = plan(slots, [(2.8, 1.0), (2.5, 1.0)], use_gap=True)
    assert [f.rerender for f in fits] == [False, True]  # 2.8 < 3.0 to the next cue; last: 2 s
    assert fits[1].speed == pytest.approx(1.29)


def test_leading_silence_moves_the_take_earlier() -> None:
    """A take with 0.3 s of silence before its speech starts 0.3 s before its cue."""
    assert fit(Slot(4.0, 6.0), rendered_s=1.5, lead_s=0.3).start_s == pytest.approx(3.7)
    assert fit(Slot(0.1, 2.0), rendered_s=1.5, lead_s=0.3).start_s == 0.0
