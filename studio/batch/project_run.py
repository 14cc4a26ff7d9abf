"""ProjectSession: render a script project's changed segments through the queue, headless.

Used by `waves-studio project render` and by the crash test's child: the project file is open
here (the app cannot hold it meanwhile: the file is locked), takes are added to the model and
saved as they arrive, and an unfinished job of the project is resumed first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.batch.project_queue import (
    ProjectItemRenderer,
    ProjectJobOptions,
    apply_failure,
    apply_take,
    create_project_job,
    reconcile,
    segment_of,
    unfinished_for,
)
from studio.batch.runner import BatchRunner, Listener
from studio.core.batch import DONE, FAILED, SKIPPED, JobCounts, QueueItem
from studio.core.project import Project, SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_render import RenderJob, plan_render
from studio.store.project_autosave import ProjectAutosaver
from studio.store.project_file import ProjectFile
from studio.store.queue import QueueStore

if TYPE_CHECKING:
    from studio.api.client import WavesClient
    from studio.library import Backend, RenderLibrary

log = logging.getLogger(__name__)


@dataclass
class SessionResult:
    """What a session rendered.

    Attributes:
        done: Items rendered (or served from the cache) in this session.
        failed: Segment id -> error of each item that failed.
        unvoiced: Names of speakers with no voice (their segments cannot render).
        resumed: Jobs continued from before.
    """

    done: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    unvoiced: tuple[str, ...] = ()
    resumed: int = 0


class ProjectSession:
    """An open project and the queue its renders go through (Qt-free; one per process).

    `edit` and the runner's workers share the editor under one lock; every change is saved
    through a ProjectAutosaver, takes at once (their audio is already in the file).

    Attributes:
        file: The open project file.
        editor: Its editor (use `edit` from other threads).
        runner: The job running now, or None.
        listener: Receives the runner's events (progress, finished items) on its threads.
    """

    def __init__(
        self,
        path: Path,
        store: QueueStore,
        library: RenderLibrary | None = None,
        backend: Backend | None = None,
        client_factory: Callable[[], WavesClient] | None = None,
        *,
        concurrency: int = 3,
        listener: Listener | None = None,
        autosave_s: float = 0.5,
    ) -> None:
        self.path = path.resolve()
        self.file = ProjectFile.open(self.path)
        self.editor = ProjectEditor(self.file.project)
        self.runner: BatchRunner | None = None
        self._store, self._library, self._backend = store, library, backend
        self._client_factory = client_factory
        self._concurrency = concurrency
        self.listener = listener
        self._lock = threading.RLock()
        self._saver = ProjectAutosaver(self.file, autosave_s)
        self._result = SessionResult()
        self._stopped = threading.Event()
        self._stop_message = ""

    def connect(
        self,
        library: RenderLibrary | None,
        backend: Backend,
        client_factory: Callable[[], WavesClient],
    ) -> None:
        """Say who renders (opened after the plan: nothing to send needs no server)."""
        self._library, self._backend, self._client_factory = library, backend, client_factory

    @property
    def project(self) -> Project:
        """The project now."""
        with self._lock:
            return self.editor.project

    def edit(self, change: Callable[[ProjectEditor], Any]) -> Any:
        """Apply `change` under the lock and save it when due (the autosave's batching)."""
        with self._lock:
            result = change(self.editor)
            self._saver.changed(self.editor.project)
        self._saver.poll()
        return result

    # -- rendering --------------------------------------------------------------------------

    def render(self) -> SessionResult:
        """Resume this project's unfinished jobs, then render what is still changed."""
        for job_id in unfinished_for(self._store, self.path)[0]:
            if self._stopped.is_set():
                return self._result
            left = reconcile(self._store, job_id, self.project)
            log.info("project %s: resuming job %d (%d left)", self.path.name, job_id, len(left))
            self._result.resumed += 1
            self.run_job(job_id)
        if not self._stopped.is_set():
            self.render_changed()
        return self._result

    def plan(self) -> tuple[list[RenderJob], tuple[str, ...]]:
        """The jobs of Render changed now, and the speakers whose segments have no voice."""
        plan = plan_render(self.project)
        return [j for j in plan.jobs if j.spec.voice_id], plan.unvoiced

    def render_changed(self) -> int | None:
        """Queue and run every changed segment that has a voice; the job id (None: nothing)."""
        jobs, unvoiced = self.plan()
        self._result.unvoiced = unvoiced
        if not jobs:
            return None
        assert self._backend is not None, "connect() first"
        options = ProjectJobOptions.rendered_by(self.path, self._backend, self._concurrency)
        job_id = create_project_job(self._store, options, jobs)
        self.run_job(job_id)
        return job_id

    def run_job(self, job_id: int) -> JobCounts:
        """Run one job of the queue to its end (or until paused/cancelled)."""
        assert self._backend is not None, "connect() first"
        assert self._client_factory is not None, "connect() first"
        renderer = ProjectItemRenderer(self.file, self._library, self._backend, self._on_take)
        runner = BatchRunner(
            self._store,
            job_id,
            renderer,
            self._client_factory,
            concurrency=self._concurrency,
            listener=self._on_event,
            exit_on_pause=True,
        )
        with self._lock:
            self.runner = runner
            if self._stopped.is_set():
                runner.pause(self._stop_message)
        try:
            return runner.run()
        finally:
            self.runner = None
            self._saver.flush()

    def pause(self, message: str) -> None:
        """Stop the running job where it is (resumable); from any thread, e.g. on Ctrl+C."""
        with self._lock:
            self._stop_message = message
            self._stopped.set()
            runner = self.runner
        if runner is not None:
            runner.pause(message)  # exit_on_pause: run() returns once items in flight settle

    def _on_take(self, segment_id: str, take: SegmentTake) -> None:
        with self._lock:
            if apply_take(self.editor, segment_id, take):
                self._saver.changed(self.editor.project)
        self._saver.flush()  # the audio is in the file: the take follows it at once

    def _on_event(self, event: object) -> None:
        if isinstance(event, QueueItem):
            segment_id, _ = segment_of(event)
            if event.state == FAILED:
                with self._lock:
                    apply_failure(self.editor, event)
                    self._saver.changed(self.editor.project)
                self._result.failed[segment_id] = event.error
            elif event.state in (DONE, SKIPPED):
                self._result.done += 1
                self._result.failed.pop(segment_id, None)
        if self.listener is not None:
            self.listener(event)

    # -- closing ----------------------------------------------------------------------------

    def close(self) -> None:
        """Save what is pending, fold the WAL in, and close the file."""
        try:
            self._saver.flush()
        finally:
            self.file.close()

    def __enter__(self) -> ProjectSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
