"""AuditionService: one line in up to nine voice/speed/language/model combinations, side by side."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, replace
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.errors import RateLimitedError
from studio.core.models import Voice, voices_speaking
from studio.library import LibraryRender, RenderLibrary
from studio.pipeline import Rendered, RenderSpec, render_text
from studio.services.backend import BackendService
from studio.services.messages import MessageBus, user_message
from studio.services.playback import PlaybackService
from studio.services.tasks import TaskContext, TaskRunner

MAX_CELLS = 9
MAX_RATE_LIMIT_RETRIES = 30  # a busy server delays the grid; only this much makes a cell fail


@dataclass(frozen=True)
class Candidate:
    """One combination to audition."""

    voice_id: str
    model: str
    language: str
    speed: float

    def spec(self, base: RenderSpec) -> RenderSpec:
        """The base settings with this candidate's voice, model, language and speed."""
        return replace(
            base, voice_id=self.voice_id, model=self.model, language=self.language, speed=self.speed
        )

    @property
    def settings_text(self) -> str:
        """ "1.1× · en · v3.1 Pro"."""
        model = "v3.1 Pro" if self.model.endswith("pro") else "v3.1"
        return f"{self.speed:g}× · {self.language} · {model}"


@dataclass(frozen=True)
class Cell:
    """The state of one grid cell.

    Attributes:
        index: 0-based cell number (key index + 1 plays it).
        candidate: What it renders.
        status: "queued", "rendering", "waiting" (rate limited, will retry), "ready", "failed".
        message: Why it failed or waits.
        rendered: The audio once ready.
        take_id: Its history entry.
        from_cache: Served from the render cache.
        stars: The user's rating.
    """

    index: int
    candidate: Candidate
    status: str = "queued"
    message: str = ""
    rendered: Rendered | None = None
    take_id: int | None = None
    from_cache: bool = False
    stars: int = 0
    attempts: int = 0


def favourites_preset(favourites: list[str], base: RenderSpec) -> list[Candidate]:
    """Up to nine favourite voices with the current settings."""
    return [Candidate(v, base.model, base.language, base.speed) for v in favourites[:MAX_CELLS]]


def language_preset(voices: list[Voice], base: RenderSpec) -> list[Candidate]:
    """Up to nine voices that speak the current language."""
    speaking = voices_speaking(voices, base.language)[:MAX_CELLS]
    return [Candidate(v.voice_id, base.model, base.language, base.speed) for v in speaking]


def speeds_preset(base: RenderSpec, speeds: tuple[float, ...] = (0.9, 1.0, 1.1)) -> list[Candidate]:
    """The current voice at several speeds."""
    return [Candidate(base.voice_id, base.model, base.language, s) for s in speeds]


class AuditionService(QObject):
    """Renders a grid in parallel within the server's concurrency and plays its cells.

    A 429 never fails the grid: the cell waits (Retry-After, else backoff) and goes back in
    the queue. A new grid cancels the old one.

    Signals:
        cell_changed(int index, object Cell)
        grid_started(int count)
        grid_finished()
        playing_changed(int index): the cell now playing (-1 for none).
    """

    cell_changed = Signal(int, object)
    grid_started = Signal(int)
    grid_finished = Signal()
    playing_changed = Signal(int)

    def __init__(
        self,
        backend: BackendService,
        library: RenderLibrary | None,
        playback: PlaybackService,
        messages: MessageBus,
        tasks: TaskRunner | None = None,
        max_parallel: int = 3,
        retry_delay_s: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._library = library
        self._playback = playback
        self._messages = messages
        self._tasks = tasks or TaskRunner(max_threads=max_parallel, parent=self)
        self._retry_delay_s = retry_delay_s
        self._generation = itertools.count(1)
        self._current = 0
        self._text = ""
        self._base: RenderSpec | None = None
        self.cells: list[Cell] = []
        self.playing = -1
        self._played_generation = -1
        self.loop = False
        self.order: list[int] = []
        self.blind = False
        self.revealed = True
        playback.playback_state_changed.connect(self._on_playback_state_changed)

    # --- rendering -------------------------------------------------------------------------------
    def run(self, text: str, base: RenderSpec, candidates: list[Candidate]) -> None:
        """Render `text` for up to nine candidates (duplicates removed)."""
        self.cancel()
        unique = list(dict.fromkeys(candidates))[:MAX_CELLS]
        if not text.strip() or not unique:
            self._messages.info("Type a line and choose at least one candidate.")
            return
        self._current = next(self._generation)
        self.playing = -1
        self._text, self._base = text, base
        self.cells = [Cell(i, c) for i, c in enumerate(unique)]
        self.order = list(range(len(self.cells)))
        if self.blind:
            self.shuffle()
        self.grid_started.emit(len(self.cells))
        for cell in self.cells:
            self.cell_changed.emit(cell.index, cell)
            self._submit(self._current, cell.index)

    def cancel(self) -> None:
        """Stop every pending cell (results of the old grid are dropped)."""
        self._current = next(self._generation)
        self._tasks.cancel_all()

    def _submit(self, generation: int, index: int) -> None:
        client, info = self._backend.client, self._backend.info
        if generation != self._current or client is None or info is None or self._base is None:
            return
        cell = self.cells[index]
        self._update(index, status="rendering", message="", attempts=cell.attempts + 1)
        spec = cell.candidate.spec(self._base)
        library, text = self._library, self._text
        backend = info.backend

        def work(ctx: TaskContext) -> LibraryRender:
            if library is None:
                return LibraryRender(
                    render_text(client, text, spec, "none", ctx.cancelled), False, None
                )
            return library.render(
                client,
                text,
                spec,
                backend=backend,
                source="grid",
                mode="none",
                cancel=ctx.cancelled,
            )

        self._tasks.submit(
            work,
            partial(self._on_ready, generation, index),
            partial(self._on_failed, generation, index),
        )

    def _on_ready(self, generation: int, index: int, done: LibraryRender) -> None:
        if generation != self._current:
            return
        take = done.take
        self._update(
            index,
            status="ready",
            rendered=done.rendered,
            from_cache=done.from_cache,
            take_id=take.take_id if take else None,
            stars=take.stars if take else 0,
        )
        self._maybe_finished()

    def _on_failed(self, generation: int, index: int, exc: BaseException) -> None:
        if generation != self._current:
            return
        cell = self.cells[index]
        if isinstance(exc, RateLimitedError) and cell.attempts < MAX_RATE_LIMIT_RETRIES:
            delay = exc.retry_after or self._retry_delay_s * min(2 ** (cell.attempts - 1), 8)
            self._update(index, status="waiting", message="Server busy: waiting to retry…")
            QTimer.singleShot(int(delay * 1000), partial(self._submit, generation, index))
            return
        message = user_message(exc, f"Grid cell {index} failed")
        self._update(index, status="failed", message=message)
        self._maybe_finished()

    def _maybe_finished(self) -> None:
        if all(c.status in ("ready", "failed") for c in self.cells):
            self.grid_finished.emit()

    def _update(self, index: int, **changes: object) -> None:
        self.cells[index] = replace(self.cells[index], **changes)  # type: ignore[arg-type]
        self.cell_changed.emit(index, self.cells[index])

    # --- listening -------------------------------------------------------------------------------
    def play(self, index: int, at_fraction: float = 0.0) -> bool:
        """Play a ready cell from `at_fraction` of its length; False if it is not ready."""
        if not 0 <= index < len(self.cells) or self.cells[index].rendered is None:
            return False
        rendered = self.cells[index].rendered
        assert rendered is not None
        self._playback.play_rendered(rendered, at_fraction, source="grid")
        self._played_generation = self._playback.generation
        self.playing = index
        self.playing_changed.emit(index)
        return True

    def position_fraction(self) -> float:
        """How far through the playing cell the player is (0 when nothing plays)."""
        if self.playing < 0 or self.cells[self.playing].rendered is None:
            return 0.0
        rendered = self.cells[self.playing].rendered
        assert rendered is not None
        return self._playback.fraction_played(rendered)

    def switch_to(self, index: int) -> bool:
        """Play another cell from the same point in the line (A/B comparison)."""
        fraction = self.position_fraction() if self._playback.state == "playing" else 0.0
        return self.play(index, fraction)

    def _on_playback_state_changed(self, state: str) -> None:
        # Loop only what the grid itself is playing, not a render, take or preview after it.
        ours = self._playback.generation == self._played_generation
        if state == "finished" and self.loop and self.playing >= 0 and ours:
            self.play(self.playing)

    # --- blind mode, rating, choosing ------------------------------------------------------------
    def shuffle(self) -> None:
        """Show cells in a random order with their names hidden until revealed."""
        self.blind, self.revealed = True, False
        random.shuffle(self.order)

    def reveal(self) -> None:
        """Show the names again (the shuffled order stays, so the user can see who was who)."""
        self.revealed = True

    def set_blind(self, blind: bool) -> None:
        """Turn blind mode on (shuffle and hide) or off (original order, names shown)."""
        if blind:
            self.shuffle()
        else:
            self.blind, self.revealed = False, True
            self.order = list(range(len(self.cells)))

    def set_stars(self, index: int, stars: int) -> None:
        """Rate a cell; the rating is also saved on its take in the history."""
        cell = self.cells[index]
        self._update(index, stars=stars)
        takes = self._library.takes if self._library else None
        if cell.take_id is not None and takes is not None:
            take_id = cell.take_id
            self._tasks.submit(
                lambda ctx: takes.set_stars(take_id, stars), on_failure=self._messages.report
            )
