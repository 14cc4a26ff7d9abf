"""Dubbing a timed project to its cues: which blocks need a faster speed, and which cannot fit.

A block imported from a subtitle cue must be heard within the cue. Its length is measured
on its chosen takes (speech only: engines pad takes with silence), then core.dubbing picks
the speed that fits; the block's segments get that speed as an override, which makes them
stale, so the next Render changed re-renders exactly those. Run it again after that render:
a block still too long even at the fastest allowed speed is reported, not hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from studio.core import dubbing
from studio.core.project import Project
from studio.core.project_state import voicing


@dataclass(frozen=True)
class TakeTiming:
    """Speech measured in one take (seconds from its first sample).

    Attributes:
        duration_s: The take's length.
        speech_start_s, speech_end_s: First and last speech (both 0 for a silent take).
    """

    duration_s: float
    speech_start_s: float
    speech_end_s: float


@dataclass(frozen=True)
class CueFit:
    """One cue's block and what fitting it takes.

    Attributes:
        number: The cue's number in the project (1-based, in order).
        block_id, segment_ids: The block and its segments.
        cue: (start, end) seconds.
        speech_s: How long its speech lasts now.
        fit: The speed decision (core.dubbing.Fit).
    """

    number: int
    block_id: str
    segment_ids: tuple[str, ...]
    cue: tuple[float, float]
    speech_s: float
    fit: dubbing.Fit


def fit_cues(
    project: Project,
    timings: Mapping[str, TakeTiming],
    max_speed: float = dubbing.DEFAULT_MAX_SPEED,
) -> list[CueFit]:
    """The fit of every timed block whose segments all have a chosen take.

    Args:
        project: A timed project.
        timings: Measured timing by take id (every chosen take of a timed block).
        max_speed: Never faster than this (the user's limit; the API's 2.0 at most).
    """
    blocks = [b for b in project.blocks if b.cue is not None]
    starts = [b.cue[0] for b in blocks if b.cue is not None]
    out: list[CueFit] = []
    for number, block in enumerate(blocks, start=1):
        assert block.cue is not None
        takes = [s.take() for s in block.segments if s.text]
        if not takes or any(t is None or t.take_id not in timings for t in takes):
            continue
        position, first, last = 0.0, None, 0.0
        for segment in block.segments:
            take = segment.take()
            if take is not None and segment.text:
                timing = timings[take.take_id]
                if timing.speech_end_s > timing.speech_start_s:
                    first = position + timing.speech_start_s if first is None else first
                    last = position + timing.speech_end_s
                position += take.duration_s
            position += segment.pause_after_s
        lead = first or 0.0
        speech = max(0.0, last - lead)
        following = starts[number] if number < len(starts) else None
        slot = dubbing.Slot(block.cue[0], block.cue[1], following)
        rendered_speed = voicing(project, block, block.segments[0]).speed
        first_take = takes[0]
        if first_take is not None:
            rendered_speed = first_take.speed
        decision = dubbing.fit(slot, speech, rendered_speed, max_speed, lead_s=lead)
        ids = tuple(s.segment_id for s in block.segments)
        out.append(CueFit(number, block.block_id, ids, block.cue, speech, decision))
    return out


def speed_overrides(fits: list[CueFit]) -> dict[str, float]:
    """{segment id: speed} for the blocks that must be re-rendered faster."""
    return {sid: f.fit.speed for f in fits if f.fit.rerender for sid in f.segment_ids}
