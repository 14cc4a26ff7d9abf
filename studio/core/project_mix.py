"""What a project export mixes: the chosen takes in reading order with their pauses, and the
segments it would leave out for want of a current take."""

from __future__ import annotations

from dataclasses import dataclass, replace

from studio.core.project import Project
from studio.core.project_state import SegmentState, segment_state


@dataclass(frozen=True)
class Unrendered:
    """A segment with text but no current chosen take: its id, text and state."""

    segment_id: str
    text: str
    state: SegmentState


@dataclass(frozen=True)
class MixItem:
    """One take in the mix: what it says, its take id, the silence after it, and the title of
    the chapter it opens (None when it opens none)."""

    text: str
    take_id: str
    pause_after_s: float
    chapter: str | None


def unrendered(project: Project) -> list[Unrendered]:
    """Segments an export would leave out: not rendered, stale or failed (locked segments
    with a take are exported as they are)."""
    out = []
    for block in project.blocks:
        for segment in block.segments:
            state = segment_state(project, block, segment)
            ready = state is SegmentState.RENDERED or (
                state is SegmentState.LOCKED and segment.take() is not None
            )
            if segment.text and not ready:
                out.append(Unrendered(segment.segment_id, segment.text, state))
    return out


def mix_items(project: Project) -> list[MixItem]:
    """The takes to mix in order; left-out segments' pauses go to the part before them."""
    left_out = {u.segment_id for u in unrendered(project)}
    items: list[MixItem] = []
    for chapter in project.chapters:
        title: str | None = chapter.title or "Chapter"
        for block in chapter.blocks:
            block_pause = (
                block.pause_after_s
                if block.pause_after_s is not None
                else project.export.paragraph_pause_s
            )
            for n, segment in enumerate(block.segments):
                pause = segment.pause_after_s + (block_pause if n == len(block.segments) - 1 else 0)
                take = segment.take()
                if take is None or not segment.text or segment.segment_id in left_out:
                    if items:
                        last = items[-1]
                        items[-1] = replace(last, pause_after_s=last.pause_after_s + pause)
                    continue
                items.append(MixItem(segment.text, take.take_id, pause, title))
                title = None
    return items
