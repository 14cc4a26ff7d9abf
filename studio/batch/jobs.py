"""Create a queue job from a plan, and write its report and merged file when it ends."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from studio.batch.plan import BatchPlan
from studio.batch.report import report_rows, write_merged, write_report
from studio.core.batch import DONE, SKIPPED, QueueJob
from studio.store.queue import QueueStore

REPORT_NAME = "batch-report-{job}.csv"
MERGED_NAME = "batch-merged-{job}.wav"


@dataclass(frozen=True)
class JobOptions:
    """How a job runs and what it writes besides its files (stored with the job as JSON).

    Attributes:
        concurrency: The user's limit of renders at once.
        report: Report CSV path ("" = batch-report-<job>.csv in the output folder).
        merge: Also write one WAV of all items in order.
        pause_s: Silence between items in the merged file.
        backend_kind, base_url, engine: Who renders (a resume needs the same backend; never
            the API key, which stays in the keyring).
    """

    concurrency: int = 3
    report: str = ""
    merge: bool = False
    pause_s: float = 0.5
    backend_kind: str = "local"
    base_url: str = ""
    engine: str = ""


def create_job(store: QueueStore, plan: BatchPlan, out_dir: Path, options: JobOptions) -> int:
    """Store the plan's valid items as a new job; its invalid rows go in the report only."""
    data = asdict(options)
    data["invalid"] = [
        [r.row, "; ".join(f"{k or 'row'}: {v}" for k, v in r.errors.items())] for r in plan.invalid
    ]
    return store.create_job(str(plan.table.path), out_dir.resolve(), json.dumps(data), plan.items)


def job_options(job: QueueJob) -> tuple[JobOptions, list[tuple[int, str]]]:
    """A stored job's options and its invalid rows."""
    data = json.loads(job.options or "{}")
    invalid = [(int(r), str(e)) for r, e in data.pop("invalid", [])]
    known = JobOptions.__dataclass_fields__
    return JobOptions(**{k: v for k, v in data.items() if k in known}), invalid


def report_path(job: QueueJob) -> Path:
    """Where the job's report goes."""
    options, _ = job_options(job)
    return (
        Path(options.report)
        if options.report
        else Path(job.out_dir) / REPORT_NAME.format(job=job.id)
    )


def write_outputs(store: QueueStore, job_id: int) -> list[Path]:
    """Write the report (and the merged file when asked); the paths written.

    Raises:
        OSError: the report could not be written.
        ExportError, DecodeError: the merged file could not be written, or an item's file
            could not be read for it.
    """
    job = store.job(job_id)
    options, invalid = job_options(job)
    out_dir = Path(job.out_dir)
    path = report_path(job)
    # The report and the merged file need no texts: a job of long texts stays out of memory.
    write_report(path, report_rows(store.iter_items(job_id, text_chars=0), out_dir, invalid))
    written = [path]
    if options.merge:
        items = store.iter_items(job_id, text_chars=0)
        kept = [(i.spec.out_name, i.spec.sample_rate) for i in items if i.state in (DONE, SKIPPED)]
        if kept:
            merged = out_dir / MERGED_NAME.format(job=job_id)
            files = ((out_dir / name, rate) for name, rate in kept)
            write_merged(merged, files, options.pause_s, kept[0][1])
            written.append(merged)
    return written
