"""The runner's ledger: claims a window per commit, records done items in batches, loses nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import studio.batch.ledger as ledger_module
from studio.audio.codecs import wav_bytes
from studio.batch.inputs import read_input
from studio.batch.jobs import JobOptions, create_job
from studio.batch.ledger import RECORD_BATCH, Ledger
from studio.batch.plan import plan_batch
from studio.batch.recovery import take_over
from studio.core.batch import DONE, FAILED, QUEUED, RUNNING, SKIPPED, QueueItem
from studio.store.queue import QueueStore
from tests.batch.helpers import DEFAULTS, write_lines_csv


def _job(tmp_path: Path, rows: int) -> tuple[QueueStore, int, Path]:
    out = tmp_path / "out"
    out.mkdir()
    store = QueueStore(tmp_path / "queue.sqlite3")
    plan = plan_batch(read_input(write_lines_csv(tmp_path / "in.csv", rows)), DEFAULTS, out)
    return store, create_job(store, plan, out, JobOptions()), out


def _take(ledger: Ledger, count: int, window: int) -> list[QueueItem]:
    items = [ledger.next_item(window) for _ in range(count)]
    assert all(items)
    return [i for i in items if i is not None]


def test_claims_a_window_and_settle_returns_the_unstarted(tmp_path: Path) -> None:
    """One claim commits a window of items running; settle puts the unstarted ones back with
    their attempt refunded, and the started one stays running."""
    store, job_id, out = _job(tmp_path, 6)
    ledger = Ledger(store, job_id, out)
    first = ledger.next_item(4)
    assert first is not None and first.seq == 0
    assert store.counts(job_id).running == 4
    second = ledger.next_item(4)
    assert second is not None and second.seq == 1  # from the window: no new claim
    assert store.counts(job_id).running == 4
    ledger.settle()
    states = {i.seq: (i.state, i.attempts) for i in store.items(job_id)}
    assert states[0] == states[1] == (RUNNING, 1)
    assert states[2] == states[3] == (QUEUED, 0)
    store.close()


def test_done_items_are_committed_in_batches_failures_at_once(tmp_path: Path, monkeypatch) -> None:
    """Done items are committed RECORD_BATCH at a time (or on settle), each batch after one
    fsync of the output folder (their files were written without one); a failure at once."""
    synced: list[Path] = []
    monkeypatch.setattr(ledger_module, "fsync_folder", synced.append)
    store, job_id, out = _job(tmp_path, RECORD_BATCH + 3)
    ledger = Ledger(store, job_id, out)
    items = _take(ledger, RECORD_BATCH + 3, RECORD_BATCH + 3)
    ledger.finish(items[0], FAILED, error="No.")
    assert store.item(items[0].id).state == FAILED
    for item in items[1 : RECORD_BATCH - 1]:
        ledger.finish(item, DONE, request_id="r", backend="local:tone", duration_s=1.5)
    assert store.counts(job_id).done == 0 and synced == []  # kept, not committed yet
    for item in items[RECORD_BATCH - 1 :]:
        ledger.finish(item, DONE, request_id="r", backend="local:tone", duration_s=1.5)
    assert store.counts(job_id).done == RECORD_BATCH and synced == [out]
    ledger.settle()
    assert synced == [out, out]
    done = [i for i in store.items(job_id) if i.state == DONE]
    assert len(done) == RECORD_BATCH + 2
    assert all(i.request_id == "r" and i.duration_s == 1.5 for i in done)
    store.close()


def test_a_crash_before_the_commit_keeps_the_done_files(tmp_path: Path) -> None:
    """Done items whose end was not committed yet (a kill) are running with complete files:
    resuming keeps them as skipped and renders nothing twice; unstarted ones are queued."""
    store, job_id, out = _job(tmp_path, 5)
    ledger = Ledger(store, job_id, out)
    items = _take(ledger, 3, 5)
    tone = np.sin(np.arange(8000) / 5).astype(np.float32) * 0.3
    for item in items[:2]:
        (out / item.spec.out_name).write_bytes(wav_bytes(tone, 8000))
        ledger.finish(item, DONE, request_id="r", duration_s=1.0)
    del ledger  # killed: nothing settled
    take_over(store, job_id, out)
    states = [i.state for i in store.items(job_id)]
    assert states == [SKIPPED, SKIPPED, QUEUED, QUEUED, QUEUED]
    store.close()
