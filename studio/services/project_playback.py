"""ProjectPlayer: read-along playback of a script project's chosen takes, with their pauses."""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from studio.core.errors import StoreError
from studio.core.project import Project
from studio.core.project_state import TimelineEntry, entry_at
from studio.services.messages import MessageBus
from studio.services.playback import PlaybackService
from studio.services.project import ProjectService
from studio.services.project_programme import Programme, build_programme
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # numpy and the project file load with the first project, not at start-up
    import numpy as np

    from studio.store.project_file import ProjectFile

SWAP_STEP_S = 0.02
SWAP_WAIT_STEPS = 100  # a read waits up to 2 s for Save As to open the copy


class ProjectPlayer(QObject):
    """Plays the project from a segment and says which segment is being spoken, from the
    player's own position (so the highlight follows the audio, not a clock).

    The whole project is one programme in the player's bounded window: the layout comes from
    the takes' stored lengths (build_programme, on a worker), the takes are decoded a block at
    a time as they play (ProgrammeReader, on the playback service's file thread), so memory
    does not grow with the project, and a jump is a seek within the programme.

    Attributes:
        current: The segment being spoken ("" when the project is not playing).

    Signals:
        segment_changed(str segment_id): the segment now spoken ("" when playback ends).
    """

    segment_changed = Signal(str)
    # From the file thread, where the takes are decoded as they play: queued to the GUI thread.
    _take_unreadable = Signal(str)

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
        self._programme: Programme | None = None
        # The project value and file the programme was laid out from (a jump reuses it).
        self._laid_out: tuple[Project, ProjectFile] | None = None
        self._editor: object = None  # the open project's editor when it started playing
        self._swap_wait = threading.Event()  # never set: a wait the file thread can take
        self.current = ""
        self._take_unreadable.connect(self._on_take_unreadable)
        projects.file_changed.connect(self._on_file_changed)
        playback.position_changed.connect(self._on_position_changed)
        playback.playback_state_changed.connect(self._on_playback_state_changed)

    @property
    def playing(self) -> bool:
        """True while the project's programme is what the player plays."""
        return bool(self._entries) and self._playback.generation == self._generation

    def play_from(self, segment_id: str = "") -> None:
        """Play the chosen takes from `segment_id` (the start when ""); while the project
        plays unchanged, a jump within it (no new layout, no device restart)."""
        project, file = self._projects.project, self._projects.file
        if project is None or file is None:
            return
        programme, laid_out = self._programme, self._laid_out
        unchanged = laid_out is not None and laid_out[0] is project and laid_out[1] is file
        if self.playing and programme is not None and unchanged:
            start = programme.start_of(segment_id) if segment_id else 0.0
            if start is not None:
                self._request = next(self._requests)  # a layout still on its way is stale
                self._jump(programme, start)
                return
        request = self._request = next(self._requests)
        self._tasks.submit(
            lambda _ctx: build_programme(project, file, segment_id),
            lambda programme: self._start(request, programme, (project, file)),
            lambda exc: self._messages.report(exc, context="Playing the project failed"),
        )

    def _jump(self, programme: Programme, start_s: float) -> None:
        paused = self._playback.state == "paused"
        self._playback.seek(start_s)
        if paused:
            self._playback.toggle_pause()  # a click is "play from here"
        index = entry_at(programme.entries, start_s)
        self._set_current(programme.entries[max(index, 0)].segment_id)

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

    def _start(
        self, request: int, programme: Programme, laid_out: tuple[Project, ProjectFile]
    ) -> None:
        if request != self._request:
            return
        if not programme.entries or programme.frames == 0:
            self._messages.info("Nothing to play yet: render the script first.")
            return
        if programme.skipped:
            self._messages.info(f"{programme.skipped} segment(s) without a take are skipped.")
        from studio.audio.programme import ProgrammeReader

        pieces, rate, fetch = programme.pieces, programme.sample_rate, self._read_flac
        unreadable = self._take_unreadable.emit
        self._playback.play_window(
            lambda: ProgrammeReader(pieces, rate, fetch, unreadable),
            rate,
            programme.frames,
            programme.start_s,
        )
        self._generation = self._playback.generation
        self._programme, self._laid_out = programme, laid_out
        self._editor = self._projects.editor
        self._entries = programme.entries
        index = entry_at(programme.entries, programme.start_s)
        self._set_current(programme.entries[max(index, 0)].segment_id)

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

    def _read_flac(self, take_id: str) -> bytes:
        """A take's FLAC from the open project file (on the file thread, as it plays).

        Read from whichever file is open now: Save As closes the file and opens its copy (the
        same takes) while the project plays on; a read in between waits for the copy.
        """
        from studio.store.project_file import ProjectFileError

        for _ in range(SWAP_WAIT_STEPS):
            file = self._projects.file
            if file is None:
                break
            try:
                return file.read_flac(take_id)
            except ProjectFileError:
                raise  # the take's audio is not in the file
            except StoreError:
                self._swap_wait.wait(SWAP_STEP_S)  # closed under us: Save As is swapping
        raise ProjectFileError("The project was closed.")

    @Slot(str)
    def _on_file_changed(self, _path: str) -> None:
        if self.playing and self._projects.editor is not self._editor:
            self.stop()  # closed, or another project opened: nothing of this one plays on

    @Slot(str)
    def _on_take_unreadable(self, take_id: str) -> None:
        if not self.playing:
            return  # stopped meanwhile (e.g. the project was closed)
        laid_out = self._laid_out
        project = laid_out[0] if laid_out is not None else None
        segment = next(
            (s for s in (project.segments() if project else []) if s.chosen_take == take_id), None
        )
        words = f"“{_excerpt(segment.text)}”" if segment is not None else "a sentence"
        self._messages.warning(
            f"The take of {words} cannot be read (damaged or missing in the project file), so "
            "it plays as silence. Regenerate it."
        )

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


def _excerpt(text: str, limit: int = 40) -> str:
    """The start of a sentence, to name it in a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
