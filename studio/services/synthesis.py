"""SynthesisService: renders on the worker, plays as audio arrives, drops stale results."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.core.errors import CancelledError, StudioError
from studio.library import LibraryRender, RenderLibrary
from studio.pipeline import RenderSpec, render_text
from studio.services.backend import BackendInfo, BackendService
from studio.services.clipview import LIVE_WINDOW_CHARS, ProgressShape
from studio.services.messages import GENERIC_FAILURE, Action, MessageBus
from studio.services.playback import PlaybackService, StreamSink
from studio.services.tasks import TaskContext, TaskRunner
from studio.store.take_record import HistoryTake

if TYPE_CHECKING:
    from studio.pipeline import Rendered

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np


@dataclass(frozen=True)
class RenderJob:
    """One press of Synthesize.

    Attributes:
        job_id: Task id of the render.
        text: The text rendered.
        spec: Its settings.
        streaming: "sse", "ws" or "none".
        backend: Where it was sent.
        play: Whether it plays as it arrives.
        source: What asked ("main", "grid"…).
        retry_of: The job it runs again after the offline voices restarted (0: none).
    """

    job_id: int
    text: str
    spec: RenderSpec
    streaming: str
    backend: BackendInfo
    play: bool = True
    source: str = "main"
    retry_of: int = 0


@dataclass(frozen=True)
class SamplesArrived:
    """Progress of a render: newly decoded samples (read-only), for the waveform."""

    job_id: int
    samples: np.ndarray
    sample_rate: int


class ProgressBatcher:
    """Joins decoded pieces into at most one waveform update per `interval_s` (worker side).

    A fast server delivers hundreds of small pieces at once; one GUI event each kept the GUI
    thread busy for tens of milliseconds in a row. The first piece, and any piece after a
    quiet `interval_s`, goes out at once; pieces closer together wait for the next piece or
    the end. Playback is fed separately, piece by piece, so only the drawing can lag.
    """

    def __init__(self, report: Callable[[np.ndarray, int], None], interval_s: float = 0.04):
        self._report = report
        self._interval_s = interval_s
        self._pending: list[np.ndarray] = []
        self._rate = 0
        self._last = -math.inf  # the first piece is drawn at once

    def add(self, samples: np.ndarray, rate: int) -> None:
        """Keep `samples`; report what is kept when the interval has passed."""
        if rate != self._rate:
            self.flush()
            self._rate = rate
        self._pending.append(samples)
        if time.monotonic() - self._last >= self._interval_s:
            self.flush()

    def flush(self) -> None:
        """Report what is kept now (the render ended, or the rate changed)."""
        import numpy as np

        if self._pending:
            joined = np.concatenate(self._pending)
            joined.flags.writeable = False
            self._report(joined, self._rate)
            self._pending = []
            self._last = time.monotonic()


@dataclass(frozen=True)
class RenderResult:
    """A finished render and the job that asked for it.

    Attributes:
        job: What was asked.
        rendered: The audio and its provenance.
        from_cache: True when it came from the render cache (no API call, no credits).
        take: Its history entry, when the history could be written.
    """

    job: RenderJob
    rendered: Rendered
    from_cache: bool = False
    take: HistoryTake | None = None


class SynthesisService(QObject):
    """Runs renders one at a time on its TaskRunner and streams them to the player.

    A new render while one runs either cancels it (the default) or waits behind it, per the
    `synthesis/while_rendering` setting; results of a cancelled job are dropped.

    Signals:
        synthesis_started(int job_id, object RenderJob)
        synthesis_progressed(int job_id, object SamplesArrived)
        synthesis_finished(int job_id, object RenderResult)
        synthesis_failed(int job_id, str message)
        synthesis_cancelled(int job_id, str reason): a started or queued job was dropped;
            reason is "stop" (the user stopped it) or "restart" (a new render replaced it).
        busy_changed(bool busy)
    """

    synthesis_started = Signal(int, object)
    synthesis_progressed = Signal(int, object)
    synthesis_finished = Signal(int, object)
    synthesis_failed = Signal(int, str)
    synthesis_cancelled = Signal(int, str)
    busy_changed = Signal(bool)

    def __init__(
        self,
        backend: BackendService,
        tasks: TaskRunner,
        playback: PlaybackService | None,
        messages: MessageBus,
        library: RenderLibrary | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._backend = backend
        self._tasks = tasks
        self._playback = playback
        self._messages = messages
        self._job_ids = itertools.count(1)
        self._jobs: dict[int, RenderJob] = {}
        self._task_ids: dict[int, int] = {}
        self.last_result: RenderResult | None = None
        self._after_restart: RenderJob | None = None  # retried once the voices are back
        self._cut_job: tuple[RenderJob, float] | None = None  # failed; was its server dying?
        backend.backend_changed.connect(self._on_backend_changed)
        backend.backend_failed.connect(self._on_backend_failed)

    @property
    def busy(self) -> bool:
        """True while a render is running or queued."""
        return bool(self._jobs)

    def synthesize(
        self,
        text: str,
        spec: RenderSpec,
        streaming: str = "sse",
        queue: bool = False,
        play: bool = True,
        source: str = "main",
        retry_of: int = 0,
    ) -> int | None:
        """Start a render; returns its job id, or None if no backend is ready.

        Args:
            text: Any amount of text (split into requests automatically).
            spec: Voice and audio settings.
            streaming: "sse", "ws" or "none".
            queue: Wait behind a running render instead of cancelling it.
            play: Play the audio as it arrives.
            source: What asked, for the history ("main" or "grid").
            retry_of: The job this one runs again (a render cut by a server crash).
        """
        client, info = self._backend.client, self._backend.info
        if client is None or info is None:
            self._messages.warning("The voices are still starting; try again in a moment.")
            return None
        if not queue:
            self.cancel("restart")
        sink: StreamSink | None = None
        if play and self._playback is not None:
            # A long text plays from a spool through a bounded window (flat memory).
            sink = self._playback.open_sink(deferred=queue, live=len(text) > LIVE_WINDOW_CHARS)
        self._after_restart = self._cut_job = None
        job = RenderJob(next(self._job_ids), text, spec, streaming, info, play, source, retry_of)
        self._jobs[job.job_id] = job
        self.busy_changed.emit(True)

        library = self._library
        backend = info.backend

        def work(ctx: TaskContext) -> LibraryRender:
            # "Started" goes out when the job really begins (a queued job waits its turn), so
            # the waveform of the render before it is not reset while it still plays.
            ctx.report(job)
            drawing = ProgressBatcher(
                lambda samples, rate: ctx.report(SamplesArrived(job.job_id, samples, rate))
            )
            shape = ProgressShape(len(text))  # a long text is drawn from peaks, not samples

            def on_samples(samples: np.ndarray, rate: int) -> None:
                if sink is not None:
                    sink.feed(samples, rate)
                drawn, drawn_rate = shape.shape(samples, rate)
                if drawn.size:
                    drawing.add(drawn, drawn_rate)

            try:
                if library is None:
                    rendered = render_text(client, text, spec, streaming, ctx.cancelled, on_samples)
                    return LibraryRender(rendered, False, None)
                return library.render(
                    client,
                    text,
                    spec,
                    backend=backend,
                    source=source,
                    mode=streaming,
                    cancel=ctx.cancelled,
                    on_samples=on_samples,
                )
            finally:
                drawing.flush()
                if sink is not None:
                    sink.end(ctx.cancelled)

        task_id = self._tasks.submit(
            work,
            on_success=partial(self._on_done, job.job_id),
            on_failure=partial(self._on_task_failed, job.job_id),
            on_progress=partial(self._on_progress, job.job_id),
        )
        if job.job_id in self._jobs:  # not already finished by a synchronous runner
            self._task_ids[job.job_id] = task_id
        return job.job_id

    def cancel(self, reason: str = "stop") -> None:
        """Cancel every running or queued render and stop its playback.

        Args:
            reason: "stop" (the user stopped it) or "restart" (a new render replaces it).
        """
        for task_id in self._task_ids.values():
            self._tasks.cancel(task_id)
        self._task_ids.clear()
        if self._jobs and self._playback is not None:
            self._playback.stop()
        dropped = list(self._jobs)
        self._jobs.clear()
        for job_id in dropped:
            self.synthesis_cancelled.emit(job_id, reason)
        if dropped:
            self.busy_changed.emit(False)

    def _on_progress(self, job_id: int, progress: object) -> None:
        if job_id not in self._jobs:
            return
        if isinstance(progress, RenderJob):
            self.synthesis_started.emit(job_id, progress)
        elif isinstance(progress, SamplesArrived):
            self.synthesis_progressed.emit(job_id, progress)

    def _on_done(self, job_id: int, done: LibraryRender) -> None:
        job = self._finish(job_id)
        if job is None:
            return  # stale: cancelled or superseded
        result = RenderResult(job, done.rendered, done.from_cache, done.take)
        if done.from_cache:
            self._messages.info("From cache: no credits used.")
        if done.store_warning:
            self._messages.warning(done.store_warning)
        self.last_result = result
        self.synthesis_finished.emit(job_id, result)

    def _on_failed(self, job_id: int, exc: BaseException) -> None:
        job = self._finish(job_id)
        if job is None or isinstance(exc, CancelledError):
            return
        self._messages.report(exc, context=f"Render {job_id} failed", retry=Action.RETRY)
        message = exc.user_message if isinstance(exc, StudioError) else GENERIC_FAILURE
        self.synthesis_failed.emit(job_id, message)

    def _on_task_failed(self, job_id: int, exc: BaseException) -> None:
        """A render cut by a crash of the offline server runs again once; others just fail."""
        job = self._jobs.get(job_id)
        if job is not None and not job.retry_of and self._backend.may_be_crash(job.backend, exc):
            if self._backend.lost_server(job.backend):
                self._finish(job_id)
                self._retry_after_restart(job)
                return
            # The server's exit may reach the backend a moment after this failure.
            self._cut_job = (job, time.monotonic())
        self._on_failed(job_id, exc)

    def _retry_after_restart(self, job: RenderJob) -> None:
        """The offline server died under `job`: run it again once, when the server is back."""
        self._after_restart = job
        self._messages.info("The offline voices stopped; the render runs again once they are back.")
        info = self._backend.info
        if info is not None and info.base_url != job.backend.base_url:
            self._on_backend_changed(info)  # already back

    def _on_backend_failed(self, _message: str) -> None:
        cut, self._cut_job = self._cut_job, None
        if (
            cut is not None
            and time.monotonic() - cut[1] < 5
            and self._backend.lost_server(cut[0].backend)
        ):
            self._retry_after_restart(cut[0])

    def _on_backend_changed(self, info: BackendInfo) -> None:
        job, self._after_restart = self._after_restart, None
        if job is not None and info.kind == "local":
            self.synthesize(
                job.text, job.spec, job.streaming, play=job.play, source=job.source,
                retry_of=job.job_id,
            )  # fmt: skip

    def _finish(self, job_id: int) -> RenderJob | None:
        self._task_ids.pop(job_id, None)
        job = self._jobs.pop(job_id, None)
        if job is not None and not self._jobs:
            self.busy_changed.emit(False)
        return job
