"""Small judgements of the batch runner: what to retry, a full disk, a live owner, debris."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from studio.audio.atomic import PARTIAL_MARK, is_partial
from studio.batch.report import output_complete
from studio.core.batch import ACTIVE, SKIPPED
from studio.core.errors import ApiError, ExportError, NetworkError, StoreError, StudioError
from studio.store.queue import QueueStore

log = logging.getLogger(__name__)


def retryable(exc: StudioError) -> bool:
    """5xx, timeouts and broken connections are worth another try; 4xx are not."""
    return isinstance(exc, NetworkError) or (
        isinstance(exc, ApiError) and (exc.status >= 500 or exc.status in (408, 0))
    )


def disk_full(exc: ExportError) -> bool:
    """The save failed because the disk (or quota) is full: pause rather than fail."""
    cause = exc.__cause__
    return isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT)


def alive(pid: int) -> bool:
    """True when a process with that id exists (ours or not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_partials(folder: Path, names: set[str]) -> None:
    """Delete temp files of this job's outputs (`.NAME.partial-xxxx`) left by a killed run."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if is_partial(entry.name) and entry.name[1:].rsplit(PARTIAL_MARK, 1)[0] in names:
            try:
                os.unlink(entry.path)
            except OSError as exc:
                log.warning("could not remove %s: %s", entry.path, exc)


def take_over(store: QueueStore, job_id: int, out_dir: Path) -> None:
    """Make this process the job's runner after a crash, a pause or a cancel.

    Items a dead run left running go back to the queue, or are marked skipped when their
    complete file is already there (written before the crash, not yet recorded: rendering it
    again would only cost credits). The job's leftover temp files are removed.

    Raises:
        StoreError: another live process is running the job.
    """
    job = store.job(job_id)
    if job.state == ACTIVE and job.owner_pid not in (0, os.getpid()) and alive(job.owner_pid):
        raise StoreError(
            f"Batch job {job_id} is being rendered by another Waves Studio process "
            f"(pid {job.owner_pid}). Wait for it to finish or stop it first."
        )
    store.set_job_state(job_id, ACTIVE, "", os.getpid())
    for item in store.reset_running(job_id):
        spec = item.spec
        duration = output_complete(out_dir / spec.out_name, spec.export_format, spec.sample_rate)
        if duration is not None:
            store.finish(item.id, SKIPPED, backend="file already complete", duration_s=duration)
            log.info("batch %d: row %d was complete before the restart", job_id, spec.row)
    remove_partials(out_dir, store.out_names(job_id))
