"""ProjectRenderer: Render changed and Regenerate for the open script project, through the
persistent render queue (studio.batch: concurrency that adapts, retries, pause, resume)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from studio.core.batch import CANCELLED, JobCounts
from studio.core.project import SegmentTake
from studio.core.project_render import RenderJob, RenderPlan, plan_render
from studio.library import RenderLibrary
from studio.services.backend import BackendService
from studio.services.messages import MessageBus, user_message
from studio.services.project import ProjectService
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # with the first project opened / rendered, not before the first frame
    from studio.batch.project_job import ProjectRun
    from studio.batch.runner import BatchRunner
    from studio.store.project_file import ProjectFile
    from studio.store.queue import QueueStore

log = logging.getLogger(__name__)
MAX_PARALLEL = 3  # waves-local and the cloud's default concurrency both take this many
DRAIN_INTERVAL_MS = 100  # worker events reach the model and widgets ten times a second
CLOSE_WAIT_S = 10.0


class ProjectRenderer(QObject):
    """Renders segments as jobs of the render queue off the GUI thread; each finished item is
    a take, stored in the project file by the worker and added to the model here.

    `render_segments` is the one entry point for new renders; `resume` continues a job that a
    crash or a close left unfinished (offered through `resume_offered` when a project opens).

    Signals:
        render_progressed(int done, int total): the current job's items, as they finish.
        progress_changed(object Progress): counts, characters/s, ETA, concurrency, paused.
        render_finished(int rendered, int failed): when the last job of a run is done.
        resume_offered(object job_ids, int left): the open project has unfinished jobs.
    """

    render_progressed = Signal(int, int)
    progress_changed = Signal(object)
    render_finished = Signal(int, int)
    resume_offered = Signal(object, int)

    def __init__(
        self,
        projects: ProjectService,
        backend: BackendService,
        library: RenderLibrary | None,
        messages: MessageBus,
        data_dir: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._projects = projects
        self._backend = backend
        self._library = library
        self._messages = messages
        self._data_dir = data_dir
        self.tasks = TaskRunner(max_threads=1, parent=self)  # runs jobs one by one
        self._small = TaskRunner(max_threads=1, parent=self)  # queue look-ups
        self._store: QueueStore | None = None
        self._store_lock = threading.Lock()
        self._events: deque[tuple[ProjectFile, object]] = deque()
        self._timer = QTimer(self)
        self._timer.setInterval(DRAIN_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._runs: list[ProjectRun] = []  # this run's jobs
        self._active: list[ProjectRun] = []  # jobs still running (a close waits for them)
        self._inflight: set[str] = set()  # segments with an item queued or running
        self._starts = 0  # runs started: a queue look-up older than a start is stale
        self._rendered = self._failed = 0
        self._waiting: tuple[ProjectFile, list[int]] | None = None  # a resume awaiting a backend
        projects.file_changed.connect(self._on_file_changed)
        backend.backend_changed.connect(self._on_backend_changed)
        projects.close_hooks.append(self._stop_for_close)

    def _queue(self) -> QueueStore:
        """The profile's render queue, opened on first use (from tasks only)."""
        with self._store_lock:
            if self._store is None:
                from studio.store.queue import open_queue

                self._store = open_queue(self._data_dir)
            return self._store

    @property
    def busy(self) -> bool:
        """True while a run has jobs left (Stop ends the run at once)."""
        return bool(self._runs)

    @property
    def jobs_running(self) -> int:
        """Jobs whose task has not ended yet (after Stop or a close, until they wind down)."""
        return len(self._active)

    @property
    def paused(self) -> bool:
        """True while the running job is paused."""
        runner = self._runner()
        return runner is not None and runner.paused

    def plan(self, segment_ids: set[str] | None = None) -> RenderPlan:
        """The jobs of Render changed (or of Regenerate for `segment_ids`)."""
        project = self._projects.project
        return RenderPlan((), 0) if project is None else plan_render(project, segment_ids)

    def render_changed(self) -> int:
        """Render every not rendered, stale or failed unlocked segment; returns the count."""
        return self.render_segments(self.plan().jobs)

    def regenerate(self, segment_id: str) -> int:
        """Render a new take of one segment, past the cache (a fresh performance)."""
        return self.render_segments(self.plan({segment_id}).jobs, fresh=True)

    def render_segments(
        self, jobs: tuple[RenderJob, ...] | list[RenderJob], fresh: bool = False
    ) -> int:
        """Queue `jobs` as one job of the render queue and run it; returns how many were queued.

        Args:
            jobs: From `plan` (each carries its key, text and settings).
            fresh: Skip the render cache (Regenerate wants another performance).
        """
        from studio.batch.project_job import ProjectRun

        # A second click while a run goes on adds only what is not on its way already.
        jobs = [job for job in jobs if job.segment_id not in self._inflight]
        if not jobs:
            return 0
        file = self._projects.file
        if self._backend.client is None or self._backend.info is None or file is None:
            self._messages.warning("Rendering needs a backend and an open project.")
            return 0
        self._inflight.update(job.segment_id for job in jobs)
        self._start(ProjectRun(file, tuple(jobs), fresh=fresh))
        return len(jobs)

    def resume(self, job_ids: list[int]) -> None:
        """Continue the open project's unfinished jobs (after squaring them with the project);
        when the backend is still starting, as soon as it is ready."""
        from studio.batch import project_queue as pq
        from studio.batch.project_job import ProjectRun

        file, project = self._projects.file, self._projects.project
        if file is None or project is None:
            return
        if self._backend.client is None:
            self._waiting = (file, job_ids)
            self._messages.info("Rendering resumes once the voices are ready.")
            return

        def square(_ctx: TaskContext) -> list[tuple[int, list[str]]]:
            store = self._queue()
            return [(job_id, pq.reconcile(store, job_id, project)) for job_id in job_ids]

        def squared(result: list[tuple[int, list[str]]]) -> None:
            if file is not self._projects.file or self._backend.client is None:
                return
            for job_id, left in result:
                self._inflight.update(left)
                self._start(ProjectRun(file, job_id=job_id))

        self._small.submit(square, squared, self._messages.report)

    def discard(self, job_ids: list[int]) -> None:
        """Forget unfinished jobs the user chose not to resume (they are not offered again)."""

        def work(_ctx: TaskContext) -> None:
            for job_id in job_ids:
                self._queue().set_job_state(job_id, CANCELLED)

        self._small.submit(work, on_failure=self._messages.report)

    def _runner(self) -> BatchRunner | None:
        return next((r.runner for r in self._runs if r.runner is not None), None)

    def set_paused(self, paused: bool) -> None:
        """Pause the running job (items in flight go back to the queue) or carry on."""
        runner = self._runner()
        if runner is not None:
            self._small.submit(lambda _ctx: runner.pause() if paused else runner.resume())

    def cancel(self) -> None:
        """Stop: running requests are interrupted, jobs not started are dropped; what is done
        stays done (its takes are kept) and the jobs are not offered again."""
        if not self._runs:
            return
        for run in self._runs:
            run.stop("cancel")  # only flags and wake-ups: safe on the GUI thread
        self._end_streak()

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """On quit: pause the running job (the next start offers to resume it) and wait."""
        for run in list(self._active):
            run.stop("pause", "Waves Studio was closed.")
        self.tasks.shutdown(timeout_ms)
        self._small.shutdown(timeout_ms)
        self._on_timer_timeout()  # the last takes reach the model before it is saved
        self._timer.stop()
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    # -- running ----------------------------------------------------------------------------

    def _start(self, run: ProjectRun) -> None:
        from studio.batch.render_adapter import factory_like

        client, info = self._backend.client, self._backend.info
        if client is None or info is None:
            self._messages.warning("Rendering needs a backend and an open project.")
            return
        factory, backend = factory_like(client), info.backend
        if not self._runs:
            self._rendered = self._failed = 0
        self._starts += 1
        self._runs.append(run)
        self._active.append(run)
        self._timer.start()
        if run.jobs:
            self.render_progressed.emit(0, len(run.jobs))
        events, file = self._events, run.file

        def sink(segment_id: str, take: SegmentTake) -> None:
            events.append((file, (segment_id, take)))

        def listener(event: object) -> None:
            events.append((file, event))

        def work(_ctx: TaskContext) -> JobCounts:
            store = self._queue()
            return run.run(store, self._library, backend, factory, sink, listener, MAX_PARALLEL)

        self.tasks.submit(
            work,
            lambda counts: self._on_run_ended(run, counts),
            lambda exc: self._on_run_failed(run, exc),
        )

    def _stop_for_close(self, file: ProjectFile) -> None:
        """Before `file` closes (on the file runner): stop writing into it, resumably."""
        for run in list(self._active):
            stopped = run.file is file and run.stop("pause", "The project was closed.")
            if stopped and not run.finished.wait(CLOSE_WAIT_S):
                log.warning("a project render did not stop within %.0f s", CLOSE_WAIT_S)

    @Slot()
    def _on_timer_timeout(self) -> None:
        from studio.batch import project_queue as pq
        from studio.batch.project_job import drain

        drained = drain(self._events, self._projects.file)
        self._rendered += drained.done
        self._failed += len(drained.failed)
        if drained.takes or drained.failed:
            self._projects.edit(lambda e: pq.apply_results(e, drained.takes, drained.failed))
            self._inflight.difference_update(s for s, _ in drained.takes)
            self._inflight.difference_update(pq.segment_of(i)[0] for i in drained.failed)
        if drained.progress is not None and self._runs:
            self.progress_changed.emit(drained.progress)
            counts = drained.progress.counts
            self.render_progressed.emit(counts.finished, counts.total)

    def _on_run_ended(self, run: ProjectRun, _counts: object) -> None:
        self._on_timer_timeout()
        if run in self._active:
            self._active.remove(run)
        if run in self._runs:
            self._runs.remove(run)
            if not self._runs:
                self._end_streak()

    def _on_run_failed(self, run: ProjectRun, exc: BaseException) -> None:
        self._messages.warning(user_message(exc, "Rendering the project failed"))
        self._on_run_ended(run, None)

    def _end_streak(self) -> None:
        """The last job ended (or Stop): say so, and fold the saves into the file."""
        self._runs.clear()
        self._inflight.clear()
        self._timer.stop()
        self.render_finished.emit(self._rendered, self._failed)
        if self._failed:
            self._messages.warning(f"{self._failed} segment(s) failed to render.")
        self._projects.checkpoint()

    def _on_backend_changed(self, _info: object) -> None:
        waiting, self._waiting = self._waiting, None
        if waiting is not None and waiting[0] is self._projects.file:
            self.resume(waiting[1])

    def _on_file_changed(self, path: str) -> None:
        from studio.batch import project_queue as pq

        self._waiting = None
        if self._runs:  # the close hook pauses the closed project's job (resumable)
            self._end_streak()
        if not path:
            return

        starts = self._starts

        def found(result: tuple[list[int], int]) -> None:
            ids, left = result
            # A render started after the look may be among its "unfinished" jobs, even one
            # that has been stopped and has ended since the look read the queue: offering it
            # would resume what the user just stopped. The rest are offered next time.
            fresh = starts == self._starts and not self._active
            if ids and fresh and str(self._projects.path) == path:
                self.resume_offered.emit(ids, left)

        self._small.submit(
            lambda _ctx: pq.unfinished_for(self._queue(), Path(path)),
            found,
            lambda exc: log.warning("render queue not read: %s", exc),
        )
