"""ProjectPlayer: read-along playback of a script project's chosen takes, with their pauses."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from studio.core.project import Project
from studio.core.project_state import TimelineEntry, entry_at, timeline
from studio.services.messages import MessageBus
from studio.services.playback import PlaybackService
from studio.services.project import ProjectService
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # only annotations: the open project's file is handed in
    from studio.store.project_file import ProjectFile

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np


# Played in one piece: bounded so a book-length project never fills memory (58 MB at 24 kHz).
MAX_PLAY_S = 10 * 60


@dataclass(frozen=True)
class Programme:
    """What plays: the joined audio and where each segment starts in it.

    Attributes:
        samples, sample_rate: The chosen takes in order with silence for the pauses.
        entries: The timeline of what was joined (starts relative to the audio's start).
        skipped: Segments passed over (no chosen take).
    """

    samples: np.ndarray
    sample_rate: int
    entries: tuple[TimelineEntry, ...]
    skipped: int


def build_programme(project: Project, file: ProjectFile, start_segment: str = "") -> Programme:
    """Join the chosen takes from `start_segment` (worker thread: reads the file)."""
    import numpy as np

    entries = timeline(project)
    first = next((i for i, e in enumerate(entries) if e.segment_id == start_segment), 0)
    rate = project.export.sample_rate
    pieces: list[np.ndarray] = []
    placed: list[TimelineEntry] = []
    position, skipped = 0.0, 0
    for entry in entries[first:]:
        if position >= MAX_PLAY_S:
            break
        if entry.take_id:
            samples, take_rate = file.read_audio(entry.take_id)
            if take_rate != rate:  # rendered before a rate change: a cheap linear resample
                n = int(len(samples) * rate / take_rate)
                samples = np.interp(
                    np.linspace(0, len(samples) - 1, n), np.arange(len(samples)), samples
                ).astype(np.float32)
        elif entry.duration_s > 0:
            skipped += 1
            continue
        else:
            samples = np.zeros(0, np.float32)
        pause = np.zeros(int(entry.pause_after_s * rate), np.float32)
        duration = len(samples) / rate
        placed.append(replace(entry, start_s=position, duration_s=duration))
        pieces += [samples, pause]
        position += duration + entry.pause_after_s
    joined = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return Programme(joined, rate, tuple(placed), skipped)


class ProjectPlayer(QObject):
    """Plays the project from a segment and says which segment is being spoken, from the
    player's own position (so the highlight follows the audio, not a clock).

    Signals:
        segment_changed(str segment_id): the segment now spoken ("" when playback ends).
    """

    segment_changed = Signal(str)

    def __init__(
        self,
        projects: ProjectService,
        playback: PlaybackService,
        messages: MessageBus,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._projects = projects
        self._playback = playback
        self._messages = messages
        self._tasks = tasks or TaskRunner(max_threads=1, parent=self)
        self._requests = itertools.count(1)
        self._request = 0
        self._generation = -1
        self._entries: tuple[TimelineEntry, ...] = ()
        self.current = ""
        playback.position_changed.connect(self._on_position_changed)
        playback.playback_state_changed.connect(self._on_playback_state_changed)

    @property
    def playing(self) -> bool:
        """True while the project's programme is what the player plays."""
        return bool(self._entries) and self._playback.generation == self._generation

    def play_from(self, segment_id: str = "") -> None:
        """Play the chosen takes from `segment_id` (the start when "")."""
        project, file = self._projects.project, self._projects.file
        if project is None or file is None:
            return
        request = self._request = next(self._requests)
        self._tasks.submit(
            lambda _ctx: build_programme(project, file, segment_id),
            lambda programme: self._start(request, programme),
            lambda exc: self._messages.report(exc, context="Playing the project failed"),
        )

    def play_take(self, take_id: str) -> None:
        """Play one take of a segment (Play, and the Takes menu)."""
        file = self._projects.file
        if file is None:
            return
        self._request = next(self._requests)
        self._entries = ()
        self._set_current("")

        def read(_ctx: TaskContext) -> tuple[np.ndarray, int]:
            return file.read_audio(take_id)

        self._tasks.submit(
            read,
            lambda audio: self._playback.play(audio[0], audio[1]),
            lambda exc: self._messages.report(exc, context="Playing a take failed"),
        )

    def stop(self) -> None:
        """Stop playing (Esc)."""
        self._request = next(self._requests)
        self._playback.stop()
        self._entries = ()
        self._set_current("")

    def _start(self, request: int, programme: Programme) -> None:
        if request != self._request:
            return
        if not programme.entries or len(programme.samples) == 0:
            self._messages.info("Nothing to play yet: render the script first.")
            return
        if programme.skipped:
            self._messages.info(f"{programme.skipped} segment(s) without a take are skipped.")
        self._playback.play(programme.samples, programme.sample_rate)
        self._generation = self._playback.generation
        self._entries = programme.entries
        self._set_current(programme.entries[0].segment_id)

    @Slot(float)
    def _on_position_changed(self, position: float) -> None:
        if not self.playing:
            if self._entries:
                self._entries = ()
                self._set_current("")
            return
        index = entry_at(self._entries, position)
        if index >= 0:
            self._set_current(self._entries[index].segment_id)

    @Slot(str)
    def _on_playback_state_changed(self, state: str) -> None:
        stopped = self._playback.generation != self._generation  # Esc, or something else plays
        if self._entries and (stopped or state in ("finished", "stopped")):
            self._entries = ()
            self._set_current("")

    def _set_current(self, segment_id: str) -> None:
        if segment_id != self.current:
            self.current = segment_id
            self.segment_changed.emit(segment_id)
