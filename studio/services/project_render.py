"""ProjectRenderer: Render changed and Regenerate for the open script project."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.core.errors import StudioError
from studio.core.project import SegmentTake
from studio.core.project_ops import new_id
from studio.core.project_render import RenderJob, job_characters, render_jobs
from studio.library import Backend, RenderLibrary
from studio.pipeline import render_text
from studio.services.backend import BackendService
from studio.services.messages import MessageBus, user_message
from studio.services.project import ProjectService
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient
    from studio.store.project_file import ProjectFile  # with the first project opened

log = logging.getLogger(__name__)
MAX_PARALLEL = 3  # waves-local and the cloud's default concurrency both take this many


@dataclass(frozen=True)
class RenderPlan:
    """What Render changed would send, shown before it starts.

    Attributes:
        jobs: One per segment.
        characters: Characters sent (what the cloud bills).
        unvoiced: Names of speakers whose segments have no voice yet (nothing can render).
    """

    jobs: tuple[RenderJob, ...]
    characters: int
    unvoiced: tuple[str, ...] = ()

    @property
    def requests(self) -> int:
        """Synthesis requests (one per segment: a segment is at most 250 characters)."""
        return len(self.jobs)


class ProjectRenderer(QObject):
    """Renders segment jobs with bounded concurrency off the GUI thread: the audio through the
    render library (its cache makes repeats free), stored in the project file on the worker,
    the take added on the GUI thread.

    `render_segments` is the one entry point, so a persistent render queue can take its place.

    Signals:
        render_progressed(int done, int total): after each finished or failed segment.
        render_finished(int rendered, int failed): when the last job of a run is done.
    """

    render_progressed = Signal(int, int)
    render_finished = Signal(int, int)

    def __init__(
        self,
        projects: ProjectService,
        backend: BackendService,
        library: RenderLibrary | None,
        messages: MessageBus,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._projects = projects
        self._backend = backend
        self._library = library
        self._messages = messages
        self.tasks = tasks or TaskRunner(max_threads=MAX_PARALLEL, parent=self)
        self._runs = itertools.count(1)
        self._run = 0
        self._total = self._done = self._failed = 0
        self._inflight: set[str] = set()  # segments with a job queued or running
        projects.file_changed.connect(self._on_file_changed)

    @property
    def busy(self) -> bool:
        """True while a run has jobs left."""
        return self._done < self._total

    def plan(self, segment_ids: set[str] | None = None) -> RenderPlan:
        """The jobs of Render changed (or of Regenerate for `segment_ids`)."""
        project = self._projects.project
        if project is None:
            return RenderPlan((), 0)
        jobs = render_jobs(project, segment_ids)
        unvoiced = {
            project.cast.get(project.block_of(job.segment_id).speaker_id).name
            for job in jobs
            if not job.spec.voice_id
        }
        return RenderPlan(tuple(jobs), job_characters(jobs), tuple(sorted(unvoiced)))

    def render_changed(self) -> int:
        """Render every not rendered, stale or failed unlocked segment; returns the count."""
        return self.render_segments(self.plan().jobs)

    def regenerate(self, segment_id: str) -> int:
        """Render a new take of one segment, past the cache (a fresh performance)."""
        return self.render_segments(self.plan({segment_id}).jobs, fresh=True)

    def cancel(self) -> None:
        """Drop the jobs of the current run (running requests are asked to stop)."""
        was_busy, rendered = self.busy, self._done - self._failed
        self._run = next(self._runs)
        self.tasks.cancel_all()
        self.tasks.pool.clear()
        self._total = self._done = self._failed = 0
        self._inflight.clear()
        if was_busy:
            self.render_finished.emit(rendered, 0)

    def render_segments(
        self, jobs: tuple[RenderJob, ...] | list[RenderJob], fresh: bool = False
    ) -> int:
        """Render `jobs` (the seam a render queue replaces); returns how many were queued.

        Args:
            jobs: From `plan` (each carries its key, text and settings).
            fresh: Skip the render cache (Regenerate wants another performance).
        """
        client, info, file = self._backend.client, self._backend.info, self._projects.file
        # A second click while a run goes on adds only what is not on its way already.
        jobs = [job for job in jobs if job.segment_id not in self._inflight]
        if not jobs:
            return 0
        if client is None or info is None or file is None:
            self._messages.warning("Rendering needs a backend and an open project.")
            return 0
        if not self.busy:
            self._run, self._total, self._done, self._failed = next(self._runs), 0, 0, 0
        self._total += len(jobs)
        library = None if fresh else self._library
        backend = info.backend
        for job in jobs:
            self._inflight.add(job.segment_id)

            def work(ctx: TaskContext, job: RenderJob = job) -> SegmentTake:
                return _render_take(client, library, backend, file, job, ctx)

            self.tasks.submit(
                work,
                partial(self._on_take, self._run, file, job),
                partial(self._on_failed, self._run, file, job),
            )
        self.render_progressed.emit(self._done, self._total)
        return len(jobs)

    def _on_take(self, run: int, file: ProjectFile, job: RenderJob, take: SegmentTake) -> None:
        if run != self._run or file is not self._projects.file:
            return
        self._inflight.discard(job.segment_id)
        project = self._projects.project
        # Locked while it rendered: the take is kept, but the locked choice stays.
        sid = job.segment_id
        locked = project is not None and project.has(sid) and project.segment(sid).locked
        self._projects.edit(lambda e: e.add_take(job.segment_id, take, False if locked else None))
        self._step()

    def _on_failed(self, run: int, file: ProjectFile, job: RenderJob, exc: BaseException) -> None:
        if run != self._run or file is not self._projects.file:
            return
        self._inflight.discard(job.segment_id)
        message = user_message(exc, "A segment's render failed")
        if not isinstance(exc, StudioError):
            log.error("Segment render failed", exc_info=exc)
        self._projects.edit(lambda e: e.mark_failed(job.segment_id, job.key, message))
        self._failed += 1
        self._step()

    def _step(self) -> None:
        self._done += 1
        self.render_progressed.emit(self._done, self._total)
        if self._done >= self._total:
            self.render_finished.emit(self._done - self._failed, self._failed)
            if self._failed:
                self._messages.warning(f"{self._failed} segment(s) failed to render.")

    def _on_file_changed(self, _path: str) -> None:
        self.cancel()  # results for another project (or none) are dropped


def _render_take(
    client: WavesClient,
    library: RenderLibrary | None,
    backend: Backend,
    file: ProjectFile,
    job: RenderJob,
    ctx: TaskContext,
) -> SegmentTake:
    """Render one segment (worker thread) and store its audio in the project file."""
    cache_key = ""
    if library is not None:
        done = library.render(
            client, job.text, job.spec, backend=backend, source="render", mode="none",
            cancel=ctx.cancelled,
        )  # fmt: skip
        rendered = done.rendered
        cache_key = done.take.cache_key if done.take is not None else ""
        samples = rendered.samples
    else:
        rendered = render_text(client, job.text, job.spec, "none", ctx.cancelled)
        samples = rendered.samples  # decoded from the spool file, so before it is removed
        rendered.audio.path.unlink(missing_ok=True)  # a spool file; the project keeps the audio
    take_id = new_id()
    file.put_audio(take_id, samples, rendered.sample_rate)
    return SegmentTake(
        take_id,
        job.key,
        job.text,
        len(samples) / rendered.sample_rate,
        rendered.sample_rate,
        voice_id=job.spec.voice_id,
        speed=job.spec.speed,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        backend=backend.kind,
        cache_key=cache_key,
    )
