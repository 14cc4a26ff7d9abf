"""The read-along programme: a project's chosen takes and pauses laid out from stored lengths."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from studio.core.project import Project
from studio.core.project_state import TimelineEntry, timeline

if TYPE_CHECKING:  # numpy and the project file load with the first project, not at start-up
    from studio.audio.programme import Piece
    from studio.store.project_file import ProjectFile


@dataclass(frozen=True)
class Programme:
    """What plays: the chosen takes and pauses of the whole project, and where each segment
    starts; a map built from the takes' stored lengths, without decoding any audio.

    Attributes:
        pieces, sample_rate, frames: The takes in order with silence for the pauses (what
            ProgrammeReader decodes while it plays), at the project's rate, and their length.
        entries: The timeline of what plays (starts and lengths exact to the sample).
        order: Every segment id in reading order (a jump to one without a take goes on to
            the next that has one).
        start_s: Where to start (the chosen segment's start).
        skipped: Segments from the start on passed over (no chosen take, or its audio lost).
    """

    pieces: tuple[Piece, ...]
    sample_rate: int
    frames: int
    entries: tuple[TimelineEntry, ...]
    order: tuple[str, ...]
    start_s: float
    skipped: int

    def start_of(self, segment_id: str) -> float | None:
        """Seconds where `segment_id` (or the next segment that plays) starts; None past the
        last one or for a segment not in the project."""
        if segment_id not in self.order:
            return None
        at = self.order.index(segment_id)
        playing = {e.segment_id: e.start_s for e in self.entries}
        return next((playing[s] for s in self.order[at:] if s in playing), None)


def build_programme(project: Project, file: ProjectFile, start_segment: str = "") -> Programme:
    """Lay out the chosen takes and pauses from the stored lengths (worker thread: reads the
    file's index of take lengths, decodes nothing)."""
    from studio.audio.programme import Piece

    entries = timeline(project)
    first = next((i for i, e in enumerate(entries) if e.segment_id == start_segment), 0)
    stored = file.audio_index()
    rate = project.export.sample_rate
    pieces: list[Piece] = []
    placed: list[TimelineEntry] = []
    at, skipped, start = 0, 0, -1
    for i, entry in enumerate(entries):
        frames, take_rate = 0, 0
        if entry.take_id and entry.take_id in stored:
            take_rate, frames = stored[entry.take_id]
            if take_rate != rate:  # rendered before a rate change: resampled as it plays
                frames = int(frames * rate / take_rate)
        elif entry.take_id or entry.duration_s > 0:  # no take, or its audio is lost
            skipped += i >= first
            continue
        if i >= first and start < 0:
            start = at
        placed.append(replace(entry, start_s=at / rate, duration_s=frames / rate))
        if frames:
            pieces.append(Piece(entry.take_id, at, frames, take_rate))
        pause = int(entry.pause_after_s * rate)
        if pause:
            pieces.append(Piece("", at + frames, pause))
        at += frames + pause
    if start < 0 or start >= at:
        pieces, placed, at, start = [], [], 0, 0  # nothing from there on
    order = tuple(e.segment_id for e in entries)
    return Programme(tuple(pieces), rate, at, tuple(placed), order, start / rate, skipped)
