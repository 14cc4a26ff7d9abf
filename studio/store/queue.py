"""The persistent render queue: jobs and their items in SQLite, every state change committed."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from studio.core.batch import (
    ACTIVE,
    CANCELLED,
    DONE,
    FAILED,
    FINISHED,
    QUEUED,
    RUNNING,
    SKIPPED,
    ItemEnd,
    ItemSpec,
    JobCounts,
    QueueItem,
    QueueJob,
)
from studio.core.errors import StoreError
from studio.store import db
from studio.store.base import SqliteStore
from studio.store.queue_schema import (
    CLAIM,
    FINISH,
    MIGRATIONS,
    RESET_RUNNING,
    SELECT_ITEM,
    SELECT_JOB,
    SELECT_PAGE,
    SELECT_UNFINISHED,
    item_columns,
    item_from_row,
    job_from_row,
    spec_json,
)

log = logging.getLogger(__name__)
QUEUE_FILE = "queue.sqlite3"
_INSERT_BATCH = 500


class QueueStore(SqliteStore):
    """Jobs and items of the render queue; Qt-free and safe from worker threads.

    Every method is one committed transaction, so a kill -9 or power cut at any moment leaves
    each item in the state of its last finished step. The file runs in WAL mode with
    `synchronous=NORMAL`: a power cut may undo the last few commits, and that is safe because
    an item's output file is written before it is marked done, and resuming marks an item done
    when its complete file is already there (see `studio.batch.runner`).

    Attributes:
        path: The database file.
        recovered_message: After a damaged file was moved aside, the sentence to show.
    """

    what = "render queue"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.recovered_message = ""
        try:
            try:
                self._conn = self._open()
            except db.CorruptDatabaseError as exc:
                aside = db.move_aside(self.path)
                log.warning("render queue %s was damaged (%s); moved to %s", path, exc, aside)
                self.recovered_message = (
                    f"The render queue was damaged and has been moved to {aside}; unfinished "
                    "batch jobs in it cannot be resumed."
                )
                self._conn = self._open()
        except (sqlite3.Error, OSError, db.CorruptDatabaseError) as exc:
            raise db.store_error(exc, self.what, f"opening {self.path}") from exc

    def _open(self) -> sqlite3.Connection:
        return db.open_database(
            self.path,
            prepare=self._prepare,
            on_corrupt=lambda: None,
            synchronous="NORMAL",
        )

    def _prepare(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA foreign_keys = ON")
        db.migrate(conn, MIGRATIONS, self.what)

    # --- jobs --------------------------------------------------------------------------------

    def create_job(
        self, source: str, out_dir: Path, options: str, items: Iterable[ItemSpec]
    ) -> int:
        """Store a new active job and all its items (queued) in one transaction; its id."""
        with self._using("creating the job") as conn, db.write_transaction(conn):
            cursor = conn.execute(
                "INSERT INTO jobs (created_at, source, out_dir, state, options, owner_pid) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), source, str(out_dir), ACTIVE, options, os.getpid()),
            )
            job_id = int(cursor.lastrowid or 0)
            total = 0
            for batch in _batched(items, _INSERT_BATCH):
                conn.executemany(
                    "INSERT INTO items (job_id, seq, row, key, text, spec, out_name, chars, state)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued')",
                    [
                        (job_id, total + i, s.row, s.key, s.text, spec_json(s), s.out_name,
                         len(s.text))
                        for i, s in enumerate(batch)
                    ],
                )  # fmt: skip
                total += len(batch)
            conn.execute("UPDATE jobs SET total = ? WHERE id = ?", (total, job_id))
        return job_id

    def job(self, job_id: int) -> QueueJob:
        """One job. Raises StoreError when there is none with that id."""
        with self._using("reading the job") as conn:
            row = conn.execute(SELECT_JOB, (job_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no batch job {job_id} in the render queue.")
        return job_from_row(row)

    def unfinished_jobs(self, kind: str = "batch") -> list[QueueJob]:
        """Jobs of `kind` ("batch" or "project") that still have work and were not cancelled,
        newest first."""
        with self._using("listing jobs") as conn:
            rows = conn.execute(SELECT_UNFINISHED, (FINISHED, CANCELLED, kind)).fetchall()
        return [job_from_row(r) for r in rows]

    def set_job_state(self, job_id: int, state: str, message: str = "", owner_pid: int = 0) -> None:
        """Record a job's state, why (for a pause) and which process runs it."""
        with self._using("saving the job state") as conn:
            conn.execute(
                "UPDATE jobs SET state = ?, message = ?, owner_pid = ? WHERE id = ?",
                (state, message, owner_pid, job_id),
            )

    def delete_job(self, job_id: int) -> None:
        """Forget a job and its items (its output files stay)."""
        with self._using("deleting the job") as conn, db.write_transaction(conn):
            conn.execute("DELETE FROM items WHERE job_id = ?", (job_id,))
            conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    # --- items -------------------------------------------------------------------------------

    def claim(self, job_id: int) -> QueueItem | None:
        """Mark the first queued item running (one more attempt) and return it; None if none."""
        claimed = self.claim_many(job_id, 1)
        return claimed[0] if claimed else None

    def claim_many(self, job_id: int, count: int) -> list[QueueItem]:
        """Mark the first `count` queued items running (one more attempt each), in one
        transaction; returns them in item order (fewer, or none, near the end)."""
        with self._using("starting items") as conn:
            rows = conn.execute(CLAIM, (time.time(), job_id, count)).fetchall()
        return sorted((item_from_row(r) for r in rows), key=lambda item: item.seq)

    def finish(
        self,
        item_id: int,
        state: str,
        *,
        error: str = "",
        request_id: str = "",
        backend: str = "",
        duration_s: float = 0.0,
        elapsed_s: float = 0.0,
    ) -> None:
        """Record an item's end: done, failed or skipped."""
        end = ItemEnd(item_id, state, error, request_id, backend, duration_s, elapsed_s)
        self.finish_many([end])

    def finish_many(self, ends: Sequence[ItemEnd]) -> None:
        """Record several items' ends in one transaction (all or none)."""
        assert all(e.state in (DONE, FAILED, SKIPPED) for e in ends), ends
        rows = [(e.state, e.error, e.request_id, e.backend, e.duration_s, e.elapsed_s,
                 e.finished_at or time.time(), e.item_id) for e in ends]  # fmt: skip
        with self._using("saving items") as conn, db.write_transaction(conn):
            conn.executemany(FINISH, rows)

    def requeue(self, item_id: int, error: str = "", *, refund: bool = False) -> None:
        """Put a running item back in the queue (to retry it); `refund` forgets the attempt."""
        with self._using("requeueing an item") as conn:
            conn.execute(
                "UPDATE items SET state = 'queued', error = ?, "
                "attempts = attempts - ? WHERE id = ?",
                (error, 1 if refund else 0, item_id),
            )

    def reset_running(self, job_id: int) -> list[QueueItem]:
        """Items left running by a process that died, put back in the queue; returns them."""
        with self._using("recovering items") as conn:
            rows = conn.execute(RESET_RUNNING, (job_id,)).fetchall()
        return [item_from_row(r) for r in rows]

    def retry_failed(self, job_id: int, item_ids: Iterable[int] | None = None) -> int:
        """Queue failed items again (all of the job's, or those listed); how many."""
        with self._using("retrying items") as conn, db.write_transaction(conn):
            if item_ids is None:
                cursor = conn.execute(
                    "UPDATE items SET state = 'queued', attempts = 0 "
                    "WHERE job_id = ? AND state = 'failed'",
                    (job_id,),
                )
                changed = cursor.rowcount
            else:
                changed = 0
                for item_id in item_ids:
                    changed += conn.execute(
                        "UPDATE items SET state = 'queued', attempts = 0 "
                        "WHERE job_id = ? AND id = ? AND state IN ('failed', 'done', 'skipped')",
                        (job_id, item_id),
                    ).rowcount
            if changed:
                conn.execute("UPDATE jobs SET state = ? WHERE id = ?", (ACTIVE, job_id))
        return int(changed)

    def item(self, item_id: int) -> QueueItem:
        """One item. Raises StoreError when there is none."""
        with self._using("reading an item") as conn:
            row = conn.execute(SELECT_ITEM, (item_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no item {item_id} in the render queue.")
        return item_from_row(row)

    def items(
        self, job_id: int, offset: int = 0, limit: int = 1000, text_chars: int | None = None
    ) -> list[QueueItem]:
        """A page of a job's items in order; `text_chars` keeps only the start of each text
        (for readers that do not render: the table, the report)."""
        query = SELECT_PAGE.format(columns=item_columns(text_chars))
        with self._using("reading items") as conn:
            rows = conn.execute(query, (job_id, limit, offset)).fetchall()
        return [item_from_row(r) for r in rows]

    def iter_items(
        self, job_id: int, page: int = 1000, text_chars: int | None = None
    ) -> Iterator[QueueItem]:
        """All of a job's items in order, a page at a time (memory stays bounded)."""
        offset = 0
        while batch := self.items(job_id, offset, page, text_chars):
            yield from batch
            offset += len(batch)

    def out_names(self, job_id: int) -> set[str]:
        """The output file names of a job's items (no texts read)."""
        with self._using("reading items") as conn:
            rows = conn.execute("SELECT out_name FROM items WHERE job_id = ?", (job_id,))
            return {str(r[0]) for r in rows}

    def counts(self, job_id: int) -> JobCounts:
        """The job's items by state, and characters finished."""
        with self._using("counting items") as conn:
            rows = conn.execute(
                "SELECT state, COUNT(*), SUM(chars) FROM items WHERE job_id = ? GROUP BY state",
                (job_id,),
            ).fetchall()
        by_state = {str(s): (int(n), int(c or 0)) for s, n, c in rows}
        chars_done = sum(by_state.get(s, (0, 0))[1] for s in (DONE, SKIPPED))
        return JobCounts(
            queued=by_state.get(QUEUED, (0, 0))[0],
            running=by_state.get(RUNNING, (0, 0))[0],
            done=by_state.get(DONE, (0, 0))[0],
            failed=by_state.get(FAILED, (0, 0))[0],
            skipped=by_state.get(SKIPPED, (0, 0))[0],
            chars_total=sum(c for _, c in by_state.values()),
            chars_done=chars_done,
        )

    def recent_throughput(self) -> float:
        """Characters per second of the most recent job that rendered anything (0 if none)."""
        with self._using("reading throughput") as conn:
            row = conn.execute(
                "SELECT SUM(chars), MAX(finished_at) - MIN(started_at) FROM items WHERE job_id = "
                "(SELECT job_id FROM items WHERE state = 'done' ORDER BY finished_at DESC LIMIT 1)"
                " AND state = 'done'"
            ).fetchone()
        chars, span = (row or (None, None))[:2]
        return float(chars) / float(span) if chars and span and float(span) > 0 else 0.0


def open_queue(data_dir: Path) -> QueueStore:
    """The queue of a profile's data folder (beside the history)."""
    return QueueStore(data_dir / QUEUE_FILE)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _batched(items: Iterable[ItemSpec], size: int) -> Iterator[list[ItemSpec]]:
    batch: list[ItemSpec] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
