"""Segment state derived from render keys; counts, speaking rates, durations and the timeline."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from studio.core.project import Block, Project, Segment

# Bump when the key's encoding changes: every take then reads as stale (never wrongly fresh).
KEY_VERSION = 1
# Characters per second at speed 1.0 when a voice has no rendered take yet (≈150 words/min).
DEFAULT_CHARS_PER_S = 14.0


class SegmentState(StrEnum):
    """What a segment's stripe shows; the value is the accessible text."""

    NOT_RENDERED = "not rendered"
    RENDERED = "rendered"
    STALE = "changed since rendered"
    LOCKED = "locked"
    FAILED = "render failed"


@dataclass(frozen=True)
class Voicing:
    """The effective request settings of one segment (speaker's, with the segment's overrides)."""

    voice_id: str
    model: str
    language: str
    speed: float
    dictionaries: tuple[str, ...]


def voicing(project: Project, block: Block, segment: Segment) -> Voicing:
    """The settings `segment` renders with."""
    speaker = project.cast.get(block.speaker_id)
    return Voicing(
        segment.voice_id if segment.voice_id is not None else speaker.voice_id,
        speaker.model,
        speaker.language,
        segment.speed if segment.speed is not None else speaker.speed,
        speaker.dictionaries,
    )


def _profile(project: Project, v: Voicing) -> bytes:
    """Digest of everything but the text, memoised per project value (few distinct voicings)."""
    memo = project.derived.setdefault("profiles", {})
    assert isinstance(memo, dict)
    digest = memo.get(v)
    if digest is None:
        rules = [[d, project.rules(d)] for d in v.dictionaries]
        payload = {
            "v": KEY_VERSION,
            "voice_id": v.voice_id,
            "model": v.model,
            "language": v.language,
            "speed": float(v.speed),  # 1 and 1.0 agree
            # The rules, not the ids: editing a rule makes its speaker's segments stale. A
            # dictionary with no snapshot hashes as missing, so it reads stale once loaded.
            "rules": [
                [d, [list(r) for r in found] if found is not None else None] for d, found in rules
            ],
        }
        encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        digest = hashlib.blake2b(encoded.encode("ascii"), digest_size=16).digest()
        memo[v] = digest
    return digest


def segment_key(project: Project, block: Block, segment: Segment) -> str:
    """The key a take of this segment must carry to be current: 32 hex digits."""
    h = hashlib.blake2b(_profile(project, voicing(project, block, segment)), digest_size=16)
    h.update(segment.text.encode("utf-8"))  # exactly as split: the server may read spaces
    return h.hexdigest()


def segment_state(project: Project, block: Block, segment: Segment) -> SegmentState:
    """Locked, failed (for the current key), not rendered, stale or rendered."""
    if segment.locked:
        return SegmentState.LOCKED
    if not segment.text:
        return SegmentState.RENDERED  # a pause-only segment needs no audio
    key = segment_key(project, block, segment)
    if segment.failure and segment.failed_key == key:
        return SegmentState.FAILED
    take = segment.take()
    if take is None:
        return SegmentState.NOT_RENDERED
    return SegmentState.RENDERED if take.key == key else SegmentState.STALE


def block_states(project: Project, block_id: str) -> list[tuple[str, SegmentState]]:
    """(segment id, state) of one block's segments: what to repaint after editing it."""
    block = project.block(block_id)
    return [(s.segment_id, segment_state(project, block, s)) for s in block.segments]


def states(project: Project) -> dict[str, SegmentState]:
    """Every segment's state, in reading order."""
    return {s.segment_id: segment_state(project, b, s) for b in project.blocks for s in b.segments}


def state_counts(project: Project) -> Counter[SegmentState]:
    """How many segments are in each state."""
    return Counter(states(project).values())


def newly_stale(before: Project, after: Project) -> int:
    """How many segments an edit made stale (the cast panel says so after a voice change)."""
    old = states(before)
    return sum(
        1
        for segment_id, state in states(after).items()
        if state is SegmentState.STALE and old.get(segment_id) is not SegmentState.STALE
    )


def needs_render(project: Project, block: Block, segment: Segment) -> bool:
    """What Render changed renders: not rendered, stale or failed, and not locked."""
    state = segment_state(project, block, segment)
    return state in (SegmentState.NOT_RENDERED, SegmentState.STALE, SegmentState.FAILED)


def speaking_rates(project: Project) -> dict[str, float]:
    """Characters per second at speed 1.0 of each voice, measured on the project's takes."""
    chars: Counter[str] = Counter()
    seconds: dict[str, float] = {}
    for segment in project.segments():
        for take in segment.takes:
            if take.duration_s > 0 and take.text:
                chars[take.voice_id] += len(take.text)
                seconds[take.voice_id] = (
                    seconds.get(take.voice_id, 0.0) + take.duration_s * take.speed
                )
    return {voice: chars[voice] / seconds[voice] for voice in chars if seconds.get(voice, 0.0) > 0}


@dataclass(frozen=True)
class TimelineEntry:
    """One segment on the playback timeline.

    Attributes:
        segment_id, block_id: Which segment.
        start_s: Where it starts (after every earlier segment and pause).
        duration_s: Its chosen take's length, or an estimate when `take_id` is "".
        pause_after_s: Silence after it (inline pause, plus the paragraph pause after a block).
        take_id: The chosen take played, "" when there is none.
        current: The chosen take matches the segment as it is now.
    """

    segment_id: str
    block_id: str
    start_s: float
    duration_s: float
    pause_after_s: float
    take_id: str
    current: bool


def _estimate(
    project: Project, block: Block, segment: Segment, rates: Mapping[str, float]
) -> float:
    """Seconds the segment should last, from its voice's speaking rate."""
    v = voicing(project, block, segment)
    return len(segment.text) / (rates.get(v.voice_id, DEFAULT_CHARS_PER_S) * v.speed)


def estimated_duration(project: Project, rates: Mapping[str, float] | None = None) -> float:
    """Seconds the whole project lasts: current takes as rendered, the rest estimated, pauses."""
    measured = {**(rates or {}), **speaking_rates(project)}
    total = 0.0
    for entry in timeline(project, measured):
        if entry.current or not entry.take_id:
            total += entry.duration_s + entry.pause_after_s
        else:
            block = project.block(entry.block_id)
            segment = project.segment(entry.segment_id)
            total += _estimate(project, block, segment, measured) + entry.pause_after_s
    return total


def timeline(project: Project, rates: Mapping[str, float] | None = None) -> list[TimelineEntry]:
    """The playback timeline of the whole project (read-along: find the entry at a position).

    Args:
        project: The project.
        rates: Characters per second at speed 1.0 by voice id (e.g. from the history); the
            project's own measurements take precedence.
    """
    measured = {**(rates or {}), **speaking_rates(project)}
    entries: list[TimelineEntry] = []
    position = 0.0
    for block in project.blocks:
        block_pause = (
            block.pause_after_s
            if block.pause_after_s is not None
            else project.export.paragraph_pause_s
        )
        for n, segment in enumerate(block.segments):
            take = segment.take()
            current = take is not None and take.key == segment_key(project, block, segment)
            duration = (
                take.duration_s
                if take is not None
                else _estimate(project, block, segment, measured)
            )
            pause = segment.pause_after_s + (block_pause if n == len(block.segments) - 1 else 0.0)
            entries.append(
                TimelineEntry(
                    segment.segment_id,
                    block.block_id,
                    position,
                    duration,
                    pause,
                    take.take_id if take is not None else "",
                    current,
                )
            )
            position += duration + pause
    return entries


def entry_at(entries: Sequence[TimelineEntry], position_s: float) -> int:
    """Index of the entry playing at `position_s` (its pause included); -1 before the start.

    A binary search of the entries themselves: it runs on every player position update.
    """
    return bisect.bisect_right(entries, position_s, key=lambda e: e.start_s) - 1
