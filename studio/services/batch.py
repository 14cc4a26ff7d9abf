"""BatchService: the render queue for the window: dry runs, jobs, progress, pause/resume/cancel."""

from __future__ import annotations

import logging
import threading
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from studio.core.batch import TEXT_PREVIEW_CHARS, JobCounts, QueueItem
from studio.core.errors import StudioError
from studio.services.backend import BackendService
from studio.services.messages import MessageBus
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # the batch engine loads on first use, not before the window's first frame
    from studio.batch.jobs import JobOptions
    from studio.batch.plan import BatchDefaults, BatchPlan
    from studio.batch.runner import BatchRunner, Progress
    from studio.store.queue import QueueStore

log = logging.getLogger(__name__)
DRAIN_INTERVAL_MS = 100  # worker events reach widgets at most ten times a second


class BatchService(QObject):
    """Runs batch jobs off the GUI thread and reports back with signals.

    The queue, the input files and the renders are touched only in tasks; the runner's events
    (from its worker threads) are collected and handed to the GUI every 100 ms.

    Signals:
        plan_ready(object BatchPlan, float chars_per_s): A dry run finished.
        plan_failed(str message): The input could not be read.
        job_started(int job_id)
        progress_changed(object Progress)
        items_changed(object list[QueueItem]): Items that reached an end state.
        job_finished(int job_id, object JobCounts): The run ended (done, paused or cancelled).
        job_failed(int job_id, str message)
        unfinished_found(object list[QueueJob]): Jobs a crash or a pause left unfinished.
        audio_loaded(object QueueItem, object Rendered): For Play (the item's file, opened).
    """

    plan_ready = Signal(object, float)
    plan_failed = Signal(str)
    job_started = Signal(int)
    progress_changed = Signal(object)
    items_changed = Signal(object)
    job_finished = Signal(int, object)
    job_failed = Signal(int, str)
    unfinished_found = Signal(object)
    audio_loaded = Signal(object, object)

    def __init__(
        self,
        backend: BackendService,
        data_dir: Path,
        cache_limit_bytes: int,
        messages: MessageBus,
        job_tasks: TaskRunner | None = None,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._data_dir = data_dir
        self._cache_limit = cache_limit_bytes
        self._messages = messages
        self._jobs = job_tasks or TaskRunner(max_threads=1, parent=self)
        self._tasks = tasks or TaskRunner(max_threads=2, parent=self)
        self._store: QueueStore | None = None
        self._store_lock = threading.Lock()
        self._stop_requested = False
        self.runner: BatchRunner | None = None
        self.job_id = 0
        self._events: deque[object] = deque()
        self._timer = QTimer(self)
        self._timer.setInterval(DRAIN_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def _queue(self) -> QueueStore:
        """The queue, opened on first use (called from tasks only)."""
        with self._store_lock:
            if self._store is None:
                from studio.store.queue import open_queue

                self._store = open_queue(self._data_dir)
            return self._store

    @property
    def running(self) -> bool:
        """True while a job's run task is alive."""
        return self._timer.isActive()

    # --- dry run and start -------------------------------------------------------------------

    def dry_run(self, path: Path, defaults: BatchDefaults, out_dir: Path | None) -> None:
        """Read and validate `path` off the GUI thread; emits plan_ready or plan_failed."""

        def work(_ctx: TaskContext) -> tuple[BatchPlan, float]:
            from studio.batch.inputs import read_input
            from studio.batch.plan import plan_batch

            plan = plan_batch(read_input(path), defaults, out_dir)
            return plan, self._queue().recent_throughput()

        self._tasks.submit(
            work,
            lambda result: self.plan_ready.emit(result[0], result[1]),
            lambda exc: self.plan_failed.emit(_message(exc)),
        )

    def start(self, plan: BatchPlan, out_dir: Path, options: JobOptions) -> None:
        """Queue the plan's valid rows as a job and run it."""
        if self.running:
            return

        def create(_ctx: TaskContext) -> int:
            from studio.batch.jobs import create_job
            from studio.batch.plan import plan_batch

            out_dir.mkdir(parents=True, exist_ok=True)
            # Named again against the folder as it is now: it may have changed since the dry
            # run, and an existing file must never be overwritten.
            final = plan_batch(plan.table, plan.defaults, out_dir) if plan.defaults else plan
            return create_job(self._queue(), final, out_dir, options)

        self._tasks.submit(
            create,
            lambda job_id: self.resume_job(int(job_id), options.concurrency),
            lambda exc: self.job_failed.emit(0, _message(exc)),
        )

    def resume_job(self, job_id: int, concurrency: int | None = None) -> None:
        """Run (or continue) a stored job with the window's current backend."""
        client, info = self._backend.client, self._backend.info
        if self.running:
            return
        if client is None or info is None:
            self.job_failed.emit(job_id, "The backend is still starting; try again shortly.")
            return
        from studio.batch.render_adapter import factory_like

        factory, backend = factory_like(client), info.backend
        self.job_id = job_id

        def run(_ctx: TaskContext) -> JobCounts:
            from studio.batch.jobs import job_options, write_outputs
            from studio.batch.render_adapter import ItemRenderer, open_library
            from studio.batch.runner import BatchRunner

            store = self._queue()
            options, _ = job_options(store.job(job_id))
            library = open_library(self._data_dir, self._cache_limit)
            runner = BatchRunner(
                store,
                job_id,
                ItemRenderer(library, backend),
                factory,
                concurrency=concurrency or options.concurrency,
                listener=self._events.append,
            )
            self.runner = runner
            if self._stop_requested:
                runner.cancel()
            try:
                return runner.run()
            finally:
                library.close()
                try:
                    write_outputs(store, job_id)
                except (OSError, StudioError) as exc:
                    log.warning("batch report not written: %s", exc)

        self._stop_requested = False
        self._timer.start()
        self.job_started.emit(job_id)
        self._jobs.submit(run, self._on_run_succeeded, self._on_run_failed)

    # --- controls ----------------------------------------------------------------------------

    def pause(self) -> None:
        """Pause the running job (items in flight go back to the queue)."""
        runner = self.runner
        if runner is not None:
            self._tasks.submit(lambda _ctx: runner.pause())

    def resume(self) -> None:
        """Continue a paused job."""
        runner = self.runner
        if runner is not None:
            self._tasks.submit(lambda _ctx: runner.resume())

    def cancel(self) -> None:
        """Stop the job; what is done stays done and it is not offered again."""
        self._stop_requested = True
        runner = self.runner
        if runner is not None:
            runner.cancel()  # only sets flags and wakes threads: safe on the GUI thread

    def retry(self, job_id: int, item_ids: list[int]) -> None:
        """Queue items again (failed ones, or any the user picks) and run the job."""

        def work(_ctx: TaskContext) -> int:
            return self._queue().retry_failed(job_id, item_ids)

        def retried(count: object) -> None:
            if count and not self.running:
                self.resume_job(job_id)

        self._tasks.submit(work, retried, lambda exc: self.job_failed.emit(job_id, _message(exc)))

    def check_unfinished(self) -> None:
        """Look for jobs a crash or pause left unfinished; emits unfinished_found."""
        self._tasks.submit(
            lambda _ctx: self._queue().unfinished_jobs(),
            self.unfinished_found.emit,
            lambda exc: log.warning("render queue not read: %s", _message(exc)),
        )

    def load_items(self, job_id: int) -> None:
        """Emit items_changed with every item of a job (to fill the table after a resume).

        Only the start of each text is read: the table shows no more, and a job of long texts
        (a folder of chapters) never comes back into memory whole.
        """
        self._tasks.submit(
            lambda _ctx: list(self._queue().iter_items(job_id, text_chars=TEXT_PREVIEW_CHARS + 1)),
            self.items_changed.emit,
            lambda exc: self.job_failed.emit(job_id, _message(exc)),
        )

    def load_audio(self, item: QueueItem, out_dir: Path) -> None:
        """Open an item's output file off the GUI thread; emits audio_loaded (for Play).

        The file is read once, block by block, for its length and peaks; a short clip is then
        decoded, a long one (a chapter) is played from its file as it is read.
        """

        def work(_ctx: TaskContext) -> object:
            from studio.audio.clipfile import open_clip
            from studio.core.render import Rendered

            s = item.spec
            audio = open_clip(out_dir / s.out_name, s.export_format, s.sample_rate)
            spec = s.render_spec(s.export_format)
            return Rendered(s.text, spec, audio, "", (), (), "batch").preload()

        self._tasks.submit(
            work,
            lambda rendered: self.audio_loaded.emit(item, rendered),
            lambda exc: self._messages.warning(
                f"Could not play row {item.spec.row}: {_message(exc)}"
            ),
        )

    def shutdown(self) -> None:
        """On quit: pause the job so the next start offers to resume it, then wait."""
        runner = self.runner
        if runner is not None:
            runner.pause("Waves Studio was closed.")
            runner.concurrency.stop()
        self._jobs.shutdown(10000)
        self._tasks.shutdown(5000)
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    # --- results -----------------------------------------------------------------------------

    @Slot()
    def _on_timer_timeout(self) -> None:
        from studio.batch.runner import Progress  # loaded by the run that queued the events

        latest: Progress | None = None
        items: list[QueueItem] = []
        while self._events:
            event = self._events.popleft()
            if isinstance(event, Progress):
                latest = event
            elif isinstance(event, QueueItem):
                items.append(event)
        if items:
            self.items_changed.emit(items)
        if latest is not None:
            self.progress_changed.emit(latest)

    def _on_run_succeeded(self, counts: object) -> None:
        self._on_timer_timeout()
        self._timer.stop()
        runner, self.runner = self.runner, None
        job_id = self.job_id
        if runner is not None and isinstance(counts, JobCounts):
            self.progress_changed.emit(runner.progress())
        self.job_finished.emit(job_id, counts)

    def _on_run_failed(self, exc: BaseException) -> None:
        self._on_timer_timeout()
        self._timer.stop()
        self.runner = None
        self.job_failed.emit(self.job_id, _message(exc))


def _message(exc: BaseException) -> str:
    if isinstance(exc, StudioError):
        return exc.user_message
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}."
    log.error("batch task failed", exc_info=exc)
    return "Something went wrong; details are in the log."


def check_unfinished_when_ready(backend: BackendService, service: BatchService) -> None:
    """Once the first backend is ready, look for unfinished jobs (to offer resuming them)."""
    checked: list[bool] = []

    def on_backend_changed(_info: object) -> None:
        if not checked:
            checked.append(True)
            service.check_unfinished()

    backend.backend_changed.connect(on_backend_changed)
