"""A script project's renders as render-queue jobs: one item per segment, takes into the file.

Each item's output name is the id of the take it becomes, and its audio goes into the project
file under that id (not into a folder). So a resume after a crash can tell what is done from
the project itself, and a segment never gets the same take twice.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.batch.render_adapter import BATCH_TRANSPORT, ItemResult
from studio.core.batch import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    SKIPPED,
    ItemSpec,
    QueueItem,
    QueueJob,
)
from studio.core.errors import CancelledError, StoreError
from studio.core.project import Project, SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_id
from studio.core.project_render import RenderJob
from studio.core.project_state import segment_key
from studio.store.project_file import ProjectFile
from studio.store.queue import QueueStore

if TYPE_CHECKING:
    from studio.api.client import WavesClient
    from studio.library import Backend, RenderLibrary

PROJECT_KIND = "project"
TAKE_FORMAT = "flac"  # how the audio is kept (inside the project file)

# (segment id, take) for the caller to add to the project; called on a worker thread.
TakeSink = Callable[[str, SegmentTake], None]


@dataclass(frozen=True)
class ProjectJobOptions:
    """How a project's render job runs (stored with the job as JSON; never the API key).

    Attributes:
        project: The .wavesproj file (absolute).
        concurrency: Renders at once (the runner adapts below it on 429).
        fresh: Past the render cache (Regenerate wants another performance).
        backend_kind, base_url, engine: Who rendered it (a resume names them).
    """

    project: str
    concurrency: int = 3
    fresh: bool = False
    backend_kind: str = "local"
    base_url: str = ""
    engine: str = ""

    @classmethod
    def rendered_by(
        cls, project: Path, backend: Backend, concurrency: int, fresh: bool = False
    ) -> ProjectJobOptions:
        """The options of a job of `project` (absolute) that `backend` renders; the server's
        address is kept for the cloud only, as batch jobs keep it."""
        base_url = backend.base_url if backend.kind == "cloud" else ""
        return cls(str(project), concurrency, fresh, backend.kind, base_url, backend.engine)


def item_specs(jobs: Iterable[RenderJob], ids: Callable[[], str] = new_id) -> list[ItemSpec]:
    """One queue item per job: `key` holds "segment id:segment key", `out_name` the take id."""
    return [
        ItemSpec(
            row=n,
            key=f"{job.segment_id}:{job.key}",
            text=job.text,
            voice_id=job.spec.voice_id,
            model=job.spec.model,
            language=job.spec.language,
            speed=job.spec.speed,
            sample_rate=job.spec.sample_rate,
            export_format=TAKE_FORMAT,
            out_name=ids(),
            dictionary_ids=job.spec.dictionary_ids,
        )
        for n, job in enumerate(jobs, start=1)
    ]


def segment_of(item: QueueItem | ItemSpec) -> tuple[str, str]:
    """(segment id, segment key) of a project item."""
    spec = item.spec if isinstance(item, QueueItem) else item
    segment_id, _, key = spec.key.rpartition(":")
    return segment_id, key


def create_project_job(store: QueueStore, options: ProjectJobOptions, jobs: list[RenderJob]) -> int:
    """Queue `jobs` as a new job of the project; its id.

    The job's output folder is the project file itself: the runner's recovery, which looks for
    finished or partial output files there, then finds none (`reconcile` asks the project).
    """
    data = {"kind": PROJECT_KIND, **options.__dict__}
    path = Path(options.project)
    return store.create_job(str(path), path, json.dumps(data), item_specs(jobs))


def job_options(options_json: str) -> ProjectJobOptions:
    """A stored project job's options."""
    data = json.loads(options_json or "{}")
    known = ProjectJobOptions.__dataclass_fields__
    return ProjectJobOptions(**{k: v for k, v in data.items() if k in known})


def is_project_job(job: QueueJob) -> bool:
    """True for a script project's job (its takes go into the project file, not a folder)."""
    return bool(json.loads(job.options or "{}").get("kind") == PROJECT_KIND)


def unfinished_for(store: QueueStore, path: Path) -> tuple[list[int], int]:
    """This project's jobs a crash, a close or a pause left unfinished (ids, oldest first), and
    how many of their items are left."""
    wanted = str(path.resolve())
    found = [
        job.id
        for job in store.unfinished_jobs(PROJECT_KIND)
        if job_options(job.options).project == wanted
    ]
    counts = [store.counts(job_id) for job_id in found]
    return sorted(found), sum(c.queued + c.running for c in counts)


def reconcile(store: QueueStore, job_id: int, project: Project) -> list[str]:
    """Square a job with the project as saved, before resuming it; the segments left to render.

    An item whose take is in the project is done, whatever the queue says (the take was saved,
    the crash came before the queue heard of it). A done item whose take is not (saved in the
    queue, lost with the last unsaved second of the project) renders again: the render cache
    makes that free. Items of segments deleted, changed or rendered since are skipped (a
    Regenerate's item is kept: it asked for another take).
    """
    fresh = job_options(store.job(job_id).options).fresh
    takes = {t.take_id for s in project.segments() for t in s.takes}
    again: list[int] = []
    left: list[str] = []
    for item in store.iter_items(job_id):
        segment_id, key = segment_of(item)
        present = item.spec.out_name in takes
        if present:
            if item.state not in (DONE, SKIPPED):
                store.finish(item.id, DONE, backend="already in the project")
        elif item.state not in (QUEUED, RUNNING, DONE, SKIPPED):
            continue  # failed: stays failed (Render changed tries it again)
        elif not _current(project, segment_id, key):
            store.finish(item.id, SKIPPED, backend="segment changed or deleted since")
        elif not fresh and _chosen_key(project, segment_id) == key:
            store.finish(item.id, SKIPPED, backend="rendered since")
        elif item.state in (DONE, SKIPPED):
            again.append(item.id)
            left.append(segment_id)
        else:
            left.append(segment_id)
    if again:
        store.retry_failed(job_id, again)
    return left


def _current(project: Project, segment_id: str, key: str) -> bool:
    """True while the segment exists and still has the key the item was queued for."""
    if not project.has(segment_id):
        return False
    return segment_key(project, project.block_of(segment_id), project.segment(segment_id)) == key


def _chosen_key(project: Project, segment_id: str) -> str:
    take = project.segment(segment_id).take()
    return take.key if take is not None else ""


def apply_take(editor: ProjectEditor, segment_id: str, take: SegmentTake) -> bool:
    """Add a finished take to its segment once; True when the project changed.

    Chosen when the segment had none or it is current; never over a lock (a sentence locked
    while it rendered keeps its choice, and the take is kept beside it).
    """
    project = editor.project
    if not project.has(segment_id):
        return False
    segment = project.segment(segment_id)
    if segment.take(take.take_id) is not None:
        return False  # a resumed item rendered again: the first copy stays
    editor.add_take(segment_id, take, False if segment.locked else None)
    return True


def apply_failure(editor: ProjectEditor, item: QueueItem) -> None:
    """Record a failed item on its segment (the stripe says so; Render changed retries it)."""
    if item.state == FAILED:
        segment_id, key = segment_of(item)
        editor.mark_failed(segment_id, key, item.error or "The render failed.")


def apply_results(
    editor: ProjectEditor, takes: Iterable[tuple[str, SegmentTake]], failed: Iterable[QueueItem]
) -> None:
    """Add finished takes (each once) and record failures, as one model update."""
    for segment_id, take in takes:
        apply_take(editor, segment_id, take)
    for item in failed:
        apply_failure(editor, item)


class ProjectItemRenderer:
    """The BatchRunner's renderer for project items: renders a segment (cache first, unless
    fresh), stores its audio in the project file under the take id, and hands the take on.

    Attributes:
        file: The open project file.
        library: The render cache (None: every render is a fresh request).
        backend: Who renders (the cache key and the take record it).
    """

    def __init__(
        self,
        file: ProjectFile,
        library: RenderLibrary | None,
        backend: Backend,
        sink: TakeSink,
    ) -> None:
        self.file = file
        self.library = library
        self.backend = backend
        self._sink = sink

    def flush(self) -> None:
        """Nothing held back: each take and its cache entry are stored as it renders."""

    def render(
        self,
        client: WavesClient,
        item: ItemSpec,
        _path: Path,
        cancel: threading.Event | None = None,
    ) -> ItemResult:
        """Render one segment into the project file; the take goes to the sink.

        Raises:
            CancelledError: paused, cancelled or the project closed meanwhile (the item goes
                back to the queue).
            StudioError: from the render, or the project file could not be written.
        """
        from studio.pipeline import render_text

        spec = item.render_spec("pcm")
        cache_key, from_cache = "", False
        if self.library is not None:
            done = self.library.render(
                client, item.text, spec, backend=self.backend, source="render",
                mode=BATCH_TRANSPORT, cancel=cancel,
            )  # fmt: skip
            rendered, from_cache = done.rendered, done.from_cache
            cache_key = done.take.cache_key if done.take is not None else ""
            samples = rendered.samples
        else:
            rendered = render_text(client, item.text, spec, BATCH_TRANSPORT, cancel)
            samples = rendered.samples  # decoded from the spool file, so before it goes
            rendered.audio.path.unlink(missing_ok=True)
        if cancel is not None and cancel.is_set():
            raise CancelledError("Rendering was stopped.")
        try:
            self.file.put_audio(item.out_name, samples, rendered.sample_rate)
        except StoreError:
            if cancel is not None and cancel.is_set():  # the project closed under us
                raise CancelledError("Rendering was stopped.") from None
            raise
        segment_id, key = segment_of(item)
        duration = len(samples) / rendered.sample_rate
        take = SegmentTake(
            item.out_name, key, item.text, duration, rendered.sample_rate,
            voice_id=item.voice_id, speed=item.speed,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            backend=self.backend.kind, cache_key=cache_key,
        )  # fmt: skip
        self._sink(segment_id, take)
        ids = ",".join(i for i in rendered.server_request_ids if i)
        return ItemResult(duration, ids, from_cache)
