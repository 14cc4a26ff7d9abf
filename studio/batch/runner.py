"""BatchRunner: work through a queued job with adaptive concurrency, Qt-free (CLI and window)."""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.batch.control import Concurrency, backoff_s
from studio.batch.ledger import Ledger
from studio.batch.recovery import disk_full, retryable, take_over
from studio.batch.render_adapter import RendersItems
from studio.core.batch import (
    ACTIVE,
    CANCELLED,
    DONE,
    FAILED,
    FINISHED,
    PAUSED,
    RUNNING,
    JobCounts,
    QueueItem,
)
from studio.core.errors import (
    ApiError,
    CancelledError,
    ExportError,
    NetworkError,
    RateLimitedError,
    StoreError,
    StudioError,
)
from studio.store.queue import QueueStore

if TYPE_CHECKING:
    from studio.api.client import WavesClient

log = logging.getLogger(__name__)
MAX_RETRIES = 5  # 5xx and network failures, per item, retried in place
MAX_RATE_LIMITED = 30  # claims of one item that met 429 before it counts as failed
PROGRESS_INTERVAL_S = 0.1


@dataclass(frozen=True)
class Progress:
    """A snapshot for progress bars.

    Attributes:
        counts: Items by state.
        chars_per_s: Throughput of this run so far.
        eta_s: Estimated seconds left (None before the first item).
        concurrency: The adaptive window now.
        paused: True while paused.
        message: Why it paused, or "".
    """

    counts: JobCounts
    chars_per_s: float
    eta_s: float | None
    concurrency: int
    paused: bool = False
    message: str = ""


Listener = Callable[[object], None]  # receives Progress and QueueItem (an item that changed)


class BatchRunner:
    """Runs one job of the queue to its end; `run()` blocks, the controls work from any thread.

    Each item is claimed (committed as running, a window of items per commit), rendered
    through the cache, written atomically, then recorded as done (a few per commit; see
    Ledger). A per-item failure never stops the job: 429 halves the
    concurrency and requeues the item; 5xx and network errors retry with back-off; anything
    else fails the item. A full disk pauses the job with a message.

    Attributes:
        job_id: The job.
        concurrency: The adaptive window (see Concurrency).
    """

    def __init__(
        self,
        store: QueueStore,
        job_id: int,
        renderer: RendersItems,
        client_factory: Callable[[], WavesClient],
        *,
        concurrency: int = 3,
        listener: Listener | None = None,
        exit_on_pause: bool = False,
    ) -> None:
        self.store = store
        self.job_id = job_id
        self.renderer = renderer
        self.concurrency = Concurrency(concurrency)
        self._client_factory = client_factory
        self._listener = listener
        self._exit_on_pause = exit_on_pause
        self._lock = threading.Lock()
        self._claim_lock = threading.Lock()
        self._cancel = threading.Event()
        self._cancelled = False
        self._message = ""
        self._paused = False
        self._rng = random.Random()  # noqa: S311 - jitter, not security
        self._counts = JobCounts()
        self._chars_this_run = 0
        self._started = time.monotonic()
        self._last_progress = 0.0
        self.out_dir = Path(store.job(job_id).out_dir)
        self.ledger = Ledger(store, job_id, self.out_dir)

    # --- controls (any thread) ---------------------------------------------------------------

    def pause(self, message: str = "") -> None:
        """Stop starting items and interrupt those in flight (they go back to the queue)."""
        with self._claim_lock, self._lock:  # no claim is half-way while the flag changes
            self._paused, self._message = True, message
            self._cancel.set()
        self.concurrency.set_paused(True)
        self.ledger.settle()
        self.store.set_job_state(self.job_id, PAUSED, message, os.getpid())
        self._emit_progress(force=True)
        if self._exit_on_pause:
            self.concurrency.stop()

    def _pause_for(self, started_under: threading.Event, message: str) -> None:
        """Pause for an item's failure, unless the user resumed since that item started.

        A write already under way when the user frees space and resumes can still fail with
        the old error; pausing then would undo the resume with nobody left to resume again.
        The item is back in the queue either way and meets the disk afresh.
        """
        with self._lock:
            stale = started_under is not self._cancel and not self._paused
        if stale:
            log.info("batch %d: ignoring a failure from before the resume", self.job_id)
            return
        self.pause(message)

    def resume(self) -> None:
        """Carry on after a pause."""
        with self._lock:
            self._paused, self._message = False, ""
            self._cancel = threading.Event()
        self.store.set_job_state(self.job_id, ACTIVE, "", os.getpid())
        self.concurrency.set_paused(False)
        self._emit_progress(force=True)

    def cancel(self) -> None:
        """Stop: interrupt items in flight, keep what is done; the job is not offered again.

        Only sets flags and wakes threads (no lock a worker holds across I/O), so it is safe
        to call on the GUI thread; an item claimed meanwhile meets the set cancel event.
        """
        with self._lock:
            self._cancelled = True
            self._cancel.set()
        self.concurrency.stop()

    @property
    def paused(self) -> bool:
        """True while paused."""
        return self._paused

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> JobCounts:
        """Recover, render every queued item, record the job's end; returns the final counts.

        Raises:
            StoreError: the job runs in another live process, or the queue cannot be written.
        """
        self._recover()
        threads = [
            threading.Thread(target=self._work, name=f"batch-{self.job_id}-{n}", daemon=True)
            for n in range(self.concurrency.limit)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.ledger.settle()
        self.renderer.flush()  # the last cache entries, so a repeat of any row is free
        counts = self.store.counts(self.job_id)
        if self._cancelled:
            self.store.set_job_state(self.job_id, CANCELLED)
        elif self._paused:
            self.store.set_job_state(self.job_id, PAUSED, self._message)
        elif counts.queued == 0 and counts.running == 0:
            self.store.set_job_state(self.job_id, FINISHED)
        self._counts = counts
        self._emit_progress(force=True)
        return counts

    def _recover(self) -> None:
        """Take the job over (see recovery.take_over) and count where it stands."""
        take_over(self.store, self.job_id, self.out_dir)
        self._counts = self.store.counts(self.job_id)
        self._started = time.monotonic()

    def _work(self) -> None:
        client = None
        try:
            while self.concurrency.acquire():
                try:
                    with self._claim_lock:
                        if self._paused and not self._cancelled:
                            continue  # paused after this slot was granted: wait in acquire()
                        window = self.concurrency.current
                        item = None if self._cancelled else self.ledger.next_item(window)
                        if item is not None:
                            self._count(RUNNING, None)
                    if item is None:
                        return
                    if client is None:
                        client = self._client_factory()
                    self._one(client, item)
                finally:
                    self.concurrency.release()
        except StoreError as exc:
            log.error("batch %d: %s", self.job_id, exc.user_message)
            self.pause(exc.user_message)
        finally:
            if client is not None:
                client.close()

    def _one(self, client: WavesClient, item: QueueItem) -> None:
        """Render one claimed item to its end state (or back to the queue)."""
        path = self.out_dir / item.spec.out_name
        retries = 0
        started = time.monotonic()
        while True:
            cancel = self._cancel
            try:
                result = self.renderer.render(client, item.spec, path, cancel)
            except CancelledError:
                self._requeue(item, "", refund=True)
                return
            except RateLimitedError as exc:
                self.concurrency.on_rate_limited(exc.retry_after)
                if item.attempts >= MAX_RATE_LIMITED:
                    self._finish(item, FAILED, error=exc.user_message)
                else:
                    self._requeue(item, exc.user_message, refund=False)
                return
            except ExportError as exc:
                if disk_full(exc):
                    self._requeue(item, "", refund=True)
                    self._pause_for(cancel, exc.user_message)
                else:
                    self._finish(item, FAILED, error=exc.user_message)
                return
            except (NetworkError, ApiError) as exc:
                if not retryable(exc) or retries >= MAX_RETRIES:
                    self._finish(item, FAILED, error=exc.user_message)
                    return
                retries += 1
                log.info("batch row %d: %s; retry %d", item.spec.row, exc.user_message, retries)
                if cancel.wait(backoff_s(retries, self._rng)):
                    self._requeue(item, "", refund=True)
                    return
                continue
            except StudioError as exc:
                self._finish(item, FAILED, error=exc.user_message)
                return
            except Exception:
                log.exception("batch row %d failed", item.spec.row)
                self._finish(item, FAILED, error="Something went wrong; details are in the log.")
                return
            self.concurrency.on_success()
            backend = "cache" if result.from_cache else self.renderer.backend.identity
            elapsed = time.monotonic() - started
            self._finish(item, DONE, request_id=result.request_id, backend=backend,
                         duration_s=result.duration_s, elapsed_s=elapsed)  # fmt: skip
            return

    # --- bookkeeping -------------------------------------------------------------------------

    def _finish(self, item: QueueItem, state: str, **fields: Any) -> None:
        self.ledger.finish(item, state, **fields)
        self._count(state, item, chars=len(item.spec.text) if state == DONE else 0)
        if self._listener is not None:
            self._listener(replace(item, state=state, error=str(fields.get("error", ""))))

    def _requeue(self, item: QueueItem, error: str, *, refund: bool) -> None:
        self.ledger.requeue(item, error, refund=refund)
        self._count("queued", item)

    def _count(self, state: str, item: QueueItem | None, chars: int = 0) -> None:
        with self._lock:
            c = self._counts
            values = {"queued": c.queued, "running": c.running, "done": c.done,
                      "failed": c.failed, "skipped": c.skipped}  # fmt: skip
            if item is None:
                values["queued"] -= 1
            else:
                values["running"] -= 1
            values[state] += 1
            self._chars_this_run += chars
            self._counts = replace(c, chars_done=c.chars_done + chars, **values)
        # While paused, each item that settles is news (the panel waits for "nothing running").
        self._emit_progress(force=self._paused)

    def progress(self) -> Progress:
        """The current snapshot."""
        with self._lock:
            counts, chars = self._counts, self._chars_this_run
        elapsed = time.monotonic() - self._started
        rate = chars / elapsed if elapsed > 0 and chars else 0.0
        left = counts.chars_total - counts.chars_done
        eta = left / rate if rate else None
        return Progress(counts, rate, eta, self.concurrency.current, self._paused, self._message)

    def _emit_progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._listener is None or (
            not force and now - self._last_progress < PROGRESS_INTERVAL_S
        ):
            return
        self._last_progress = now
        self._listener(self.progress())
