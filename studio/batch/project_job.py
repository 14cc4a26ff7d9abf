"""ProjectRun: one render job of a script project, from creation to its end; its events."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.batch.project_queue import (
    ProjectItemRenderer,
    ProjectJobOptions,
    TakeSink,
    create_project_job,
)
from studio.batch.runner import BatchRunner, Listener, Progress
from studio.core.batch import CANCELLED, DONE, FAILED, JobCounts, QueueItem
from studio.core.project import SegmentTake
from studio.core.project_render import RenderJob
from studio.store.project_file import ProjectFile
from studio.store.queue import QueueStore

if TYPE_CHECKING:
    from studio.api.client import WavesClient
    from studio.library import Backend, RenderLibrary


@dataclass
class ProjectRun:
    """One render job of a project on its way: created (or resumed) and run to its end.

    `lock` orders starting the runner against stopping it: either `stop` finds the runner
    (and pauses or cancels it) or `run` sees `halt` and does not start.

    Attributes:
        file: The project file the takes go into.
        jobs: The segments of a new job (empty when resuming `job_id`).
        job_id: The queue's job (0 until created).
        fresh: Past the render cache (Regenerate).
        runner: The BatchRunner once started.
        halt: "cancel" (Stop) or "pause" (a close, quitting) once stopped.
        finished: Set when `run` has returned.
    """

    file: ProjectFile
    jobs: tuple[RenderJob, ...] = ()
    job_id: int = 0
    fresh: bool = False
    runner: BatchRunner | None = None
    halt: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    finished: threading.Event = field(default_factory=threading.Event)

    def run(
        self,
        store: QueueStore,
        library: RenderLibrary | None,
        backend: Backend,
        client_factory: Callable[[], WavesClient],
        sink: TakeSink,
        listener: Listener,
        concurrency: int,
    ) -> JobCounts:
        """Create the job (unless resuming one), then render it; blocks until it ends."""
        try:
            if not self.job_id:
                options = ProjectJobOptions.rendered_by(
                    self.file.path.resolve(), backend, concurrency, self.fresh
                )
                self.job_id = create_project_job(store, options, list(self.jobs))
            renderer = ProjectItemRenderer(
                self.file, None if self.fresh else library, backend, sink
            )
            with self.lock:
                if self.halt:  # stopped, closed or quitting before this job began
                    if self.halt == "cancel":
                        store.set_job_state(self.job_id, CANCELLED)
                    return JobCounts()
                self.runner = BatchRunner(
                    store, self.job_id, renderer, client_factory,
                    concurrency=concurrency, listener=listener,
                )  # fmt: skip
            return self.runner.run()
        finally:
            self.finished.set()

    def stop(self, how: str, message: str = "") -> bool:
        """Stop the job from any thread ("cancel" does no disk I/O: fine on the GUI thread).

        The first stop decides (a close after Stop does not turn the cancelled job into a
        paused one); a job that has ended is left alone.

        Returns:
            True while the job's runner may still be writing: the caller may wait on
            `finished`.
        """
        with self.lock:
            first = not self.halt
            self.halt = self.halt or how
            runner = self.runner
        if runner is None or self.finished.is_set():
            return False
        if first and how == "cancel":
            runner.cancel()
        elif first:
            runner.pause(message)
            runner.concurrency.stop()  # run() returns once the items in flight settle
        return True


@dataclass
class Drained:
    """The runner's events since the last look, sorted for the model and the progress display.

    Attributes:
        takes: (segment id, take) of finished items of the open file.
        failed: Items that failed.
        done: Items done (rendered or from the cache).
        progress: The newest progress snapshot, if any.
    """

    takes: list[tuple[str, SegmentTake]] = field(default_factory=list)
    failed: list[QueueItem] = field(default_factory=list)
    done: int = 0
    progress: Progress | None = None


def drain(events: deque[tuple[ProjectFile, object]], file: ProjectFile | None) -> Drained:
    """Empty `events`: (project file, event) pairs appended by the runner's threads (Progress,
    QueueItem) and the take sink ((segment id, take)). Events of another file (one closed or
    saved as another since) are dropped: they belong to a paused job, resumed with that file."""
    out = Drained()
    while events:
        source, event = events.popleft()
        if source is not file:
            continue
        if isinstance(event, Progress):
            out.progress = event
        elif isinstance(event, QueueItem):
            if event.state == FAILED:
                out.failed.append(event)
            elif event.state == DONE:
                out.done += 1
        elif isinstance(event, tuple):
            out.takes.append((event[0], event[1]))
    return out
