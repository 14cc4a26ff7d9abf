"""What a project's export mixes: the chosen takes in reading order with their pauses, chapter
starts and cue times, and which segments keep it from being exported (or are left out)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from studio.core.errors import ExportError
from studio.core.project import Project
from studio.core.project_state import SegmentState, segment_state

# Ready to export: a current take, a pause-only segment, or a take the user locked on purpose.
_READY = {SegmentState.RENDERED, SegmentState.LOCKED}


@dataclass(frozen=True)
class MixItem:
    """One piece of the export, in reading order.

    Attributes:
        segment_id, block_id: Where it comes from.
        take_id: The chosen take's audio ("" for a pause-only segment: silence only).
        text: What it says (subtitles).
        pause_after_s: Silence after it (its inline pause, plus the paragraph pause after a
            block's last segment).
        cue_s: For the first segment of a block dubbed to a cue: the cue's start (its speech
            goes there); None: it follows the item before it.
        chapter: The chapter title when the item opens a chapter, else None.
    """

    segment_id: str
    block_id: str
    take_id: str
    text: str
    pause_after_s: float
    cue_s: float | None = None
    chapter: str | None = None


@dataclass(frozen=True)
class Unready:
    """A segment that has no audio to export: its number in reading order (1-based), where
    it is, its state, its first words and its id."""

    number: int
    chapter: str
    state: SegmentState
    text: str
    segment_id: str = ""

    def describe(self) -> str:
        """One line for a list: `segment 7 (The Storm, not rendered): "And the lamp?…"`."""
        words = self.text if len(self.text) <= 60 else self.text[:59].rstrip() + "…"
        return f'segment {self.number} ({self.chapter}, {self.state.value}): "{words}"'


class NotReadyError(ExportError):
    """Segments without audio to export (not rendered, stale or failed).

    Attributes:
        segments: Which, in reading order.
    """

    SHOWN = 20

    def __init__(self, segments: Sequence[Unready]) -> None:
        super().__init__(
            f"{len(segments)} segment(s) have no audio to export yet; render them first: "
            + "; ".join(self._lines(segments))
        )
        self.segments = tuple(segments)

    def lines(self) -> list[str]:
        """One line per segment (the first SHOWN, then how many more)."""
        return self._lines(self.segments)

    @classmethod
    def _lines(cls, segments: Sequence[Unready]) -> list[str]:
        lines = [u.describe() for u in segments[: cls.SHOWN]]
        if len(segments) > cls.SHOWN:
            lines.append(f"… and {len(segments) - cls.SHOWN} more")
        return lines


def unready(project: Project) -> list[Unready]:
    """Segments that are not rendered, stale or failed (locked ones count as ready)."""
    out: list[Unready] = []
    number = 0
    for chapter in project.chapters:
        for block in chapter.blocks:
            for segment in block.segments:
                number += 1
                state = segment_state(project, block, segment)
                if state in _READY and (segment.take() is not None or not segment.text):
                    continue
                if state in _READY:  # locked without a take: nothing to play
                    state = SegmentState.NOT_RENDERED
                out.append(Unready(number, chapter.title, state, segment.text, segment.segment_id))
    return out


def mix_items(project: Project, *, leave_out: bool = False) -> list[MixItem]:
    """The export's items; every segment must have its take (check `unready` first), unless
    `leave_out`: then the segments `unready` names are left out (the window's "Export without
    them"). A left-out segment's pause goes to the item before it; the chapter title or cue
    start it would have carried goes to the next item of its chapter or block.

    Raises:
        ValueError: a segment with text has no chosen take (and `leave_out` is off).
    """
    skip = {u.segment_id for u in unready(project)} if leave_out else set()
    items: list[MixItem] = []
    paragraph = project.export.paragraph_pause_s
    for chapter in project.chapters:
        opens: str | None = chapter.title
        for block in chapter.blocks:
            block_pause = block.pause_after_s if block.pause_after_s is not None else paragraph
            cue = block.cue[0] if block.cue is not None else None
            last = len(block.segments) - 1
            for n, segment in enumerate(block.segments):
                pause = segment.pause_after_s + (block_pause if n == last else 0.0)
                if segment.segment_id in skip:
                    if items:
                        items[-1] = replace(
                            items[-1], pause_after_s=items[-1].pause_after_s + pause
                        )
                    continue
                take = segment.take()
                if take is None and segment.text:
                    raise ValueError(f"segment {segment.segment_id} has no take")
                take_id = take.take_id if take is not None else ""
                items.append(
                    MixItem(
                        segment.segment_id, block.block_id, take_id, segment.text, pause, cue, opens
                    )
                )
                opens = cue = None
    return items
