"""Ledger: the batch runner's writes to the queue, a few items per commit where that is safe."""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from studio.core.batch import DONE, ItemEnd, QueueItem
from studio.store.atomic import fsync_folder
from studio.store.queue import QueueStore

# Done items are recorded a few at a time (one commit for many): a crash before the commit
# leaves them "running" with their complete file, which resuming keeps (state skipped).
RECORD_BATCH = 32
RECORD_EVERY_S = 1.0


class Ledger:
    """Claims items a window at a time and records done items in batches; thread-safe.

    Per item, one claim and one end each committed alone cost about a tenth of a batch's CPU
    (bench/bench_batch.py). Neither batch can lose work: claimed items that were not started
    count as in flight (a crash puts them back in the queue, `settle` does on pause and at the
    end), and a done item not yet recorded has its complete file, which resuming keeps.
    Failures and requeues are committed at once. Before done items are recorded, their
    folder is fsynced once (batch files are written without a folder fsync each).

    Attributes:
        store: The queue.
        job_id: The job.
    """

    def __init__(self, store: QueueStore, job_id: int, out_dir: Path) -> None:
        self.store = store
        self.job_id = job_id
        self.out_dir = out_dir
        self._lock = threading.Lock()
        self._claimed: deque[QueueItem] = deque()
        self._ends: list[ItemEnd] = []
        self._since = time.monotonic()

    def next_item(self, window: int) -> QueueItem | None:
        """The next queued item, now running; claims up to `window` at once when none is left.

        Raises:
            StoreError: the queue could not be written.
        """
        with self._lock:
            if not self._claimed:
                self._claimed.extend(self.store.claim_many(self.job_id, max(1, window)))
            return self._claimed.popleft() if self._claimed else None

    def finish(self, item: QueueItem, state: str, **fields: Any) -> None:
        """Record an item's end (done items in batches, see RECORD_BATCH)."""
        end = ItemEnd(item.id, state, finished_at=time.time(), **fields)
        if state != DONE:
            self.store.finish_many([end])
            return
        with self._lock:
            self._ends.append(end)
            waited = time.monotonic() - self._since
            if len(self._ends) < RECORD_BATCH and waited < RECORD_EVERY_S:
                return
            ends, self._ends, self._since = self._ends, [], time.monotonic()
        self._commit(ends)

    def _commit(self, ends: list[ItemEnd]) -> None:
        """Make the items' files durable (their renames: one folder fsync for all, where each
        file was written without one), then record them done."""
        fsync_folder(self.out_dir)
        self.store.finish_many(ends)

    def requeue(self, item: QueueItem, error: str, *, refund: bool) -> None:
        """Put a running item back in the queue (at once)."""
        self.store.requeue(item.id, error, refund=refund)

    def settle(self) -> None:
        """Commit the done items not yet recorded and put claimed items that never started
        back in the queue (their attempt refunded): on pause and when a run ends."""
        with self._lock:
            unstarted, self._claimed = list(self._claimed), deque()
            ends, self._ends, self._since = self._ends, [], time.monotonic()
        for item in unstarted:
            self.store.requeue(item.id, "", refund=True)
        if ends:
            self._commit(ends)
