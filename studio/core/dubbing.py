"""Dubbing to subtitle timing: the speed at which each rendered segment fits its cue, and its place.

Speech duration scales as 1/speed (the Waves `speed` and waves-local's engines both work
that way, to within a few percent, hence the safety margin), so a segment rendered at speed
s0 lasting d seconds needs speed d * s0 / slot to last `slot` seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

API_MIN_SPEED = 0.5
API_MAX_SPEED = 2.0
DEFAULT_MAX_SPEED = 1.3
MARGIN = 0.03  # aim 3 % under the slot: speed does not scale duration exactly


@dataclass(frozen=True)
class Slot:
    """A cue's time in the video: [start_s, end_s); `next_start_s` is the next cue's start."""

    start_s: float
    end_s: float
    next_start_s: float | None = None


@dataclass(frozen=True)
class Fit:
    """What to do with one segment.

    Attributes:
        speed: The speed to render at (the current one when it already fits).
        rerender: True when `speed` differs from the speed it was rendered at.
        fits: False when even the fastest allowed speed leaves it longer than its slot.
        expected_s: Its expected duration at `speed`.
        overflow_s: How far it is expected to run past its slot (0 when it fits).
        start_s: Where the take goes in the mix: its cue start less the take's leading silence,
            so that its speech (not its first sample) starts on the cue; silence follows a
            short one.
    """

    speed: float
    rerender: bool
    fits: bool
    expected_s: float
    overflow_s: float
    start_s: float


def room(slot: Slot, use_gap: bool = False) -> float:
    """Seconds a segment may last: to its cue's end, or with `use_gap` to the next cue's start."""
    end = slot.next_start_s if use_gap and slot.next_start_s is not None else slot.end_s
    return max(0.0, end - slot.start_s)


def fit(
    slot: Slot,
    rendered_s: float,
    rendered_speed: float = 1.0,
    max_speed: float = DEFAULT_MAX_SPEED,
    use_gap: bool = False,
    lead_s: float = 0.0,
) -> Fit:
    """The speed that makes a segment of `rendered_s` (rendered at `rendered_speed`) fit its slot.

    Never slower than it was rendered (a short segment keeps its speed and is followed by
    silence), never faster than min(max_speed, 2.0), never outside the API's 0.5–2.0.
    Pass the measured speech duration and leading silence (studio.audio.speech) when known:
    engines pad takes with silence (Piper sometimes with 0.3 s), which must not count.
    """
    limit = min(max(max_speed, API_MIN_SPEED), API_MAX_SPEED)
    available = room(slot, use_gap)
    natural = rendered_s * rendered_speed  # its duration at speed 1.0
    start = max(0.0, slot.start_s - lead_s)
    if rendered_s <= available:
        return Fit(rendered_speed, False, True, rendered_s, 0.0, start)
    target = available * (1.0 - MARGIN)
    needed = natural / target if target > 0 else float("inf")
    # Rounded up to the API's two decimals so the rounding never makes it too slow.
    speed = min(math.ceil(max(needed, rendered_speed, API_MIN_SPEED) * 100) / 100, limit)
    expected = natural / speed
    overflow = max(0.0, expected - available)
    return Fit(speed, speed != rendered_speed, overflow == 0.0, expected, overflow, start)


def plan(
    slots: Sequence[Slot],
    rendered: Sequence[tuple[float, float]],
    max_speed: float = DEFAULT_MAX_SPEED,
    use_gap: bool = False,
    leads: Sequence[float] | None = None,
) -> list[Fit]:
    """fit() for every segment; `rendered` holds (duration_s, speed) per segment and `leads`
    each take's leading silence (default none).

    Run it again on the re-rendered durations: a segment whose real duration still exceeds
    its room comes back with fits=False (flag it to the user).
    """
    if len(slots) != len(rendered):
        raise ValueError("one rendered duration per slot")
    leads = leads if leads is not None else [0.0] * len(slots)
    return [
        fit(slot, duration, speed, max_speed, use_gap, lead)
        for slot, (duration, speed), lead in zip(slots, rendered, leads, strict=True)
    ]


def slots_from_cues(times: Sequence[tuple[float, float]]) -> list[Slot]:
    """Slots from (start, end) cue times in order, each knowing the next cue's start."""
    out = []
    for i, (start, end) in enumerate(times):
        following = times[i + 1][0] if i + 1 < len(times) else None
        out.append(Slot(start, end, following))
    return out
