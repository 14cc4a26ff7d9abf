"""QueueStore: jobs and items, claiming, recovery after a crash, retries, counts."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from studio.core.batch import ACTIVE, DONE, FAILED, FINISHED, PAUSED, QUEUED, RUNNING, ItemSpec
from studio.core.errors import StoreError
from studio.store.queue import QueueStore, open_queue
from tests.store.queue_worker import payload

ROOT = Path(__file__).resolve().parents[2]
BASE = ItemSpec(
    row=2,
    key="",
    text="Hello there.",
    voice_id="tone-alto",
    model="lightning_v3.1",
    language="en",
    speed=1.0,
    sample_rate=8000,
    export_format="wav",
    out_name="a.wav",
)


def _items(n: int) -> list[ItemSpec]:
    return [
        replace(BASE, row=i + 2, key=f"k{i}", text=f"Line number {i}.", out_name=f"{i:04d}.wav")
        for i in range(n)
    ]


@pytest.fixture
def store(tmp_path: Path):
    """A fresh queue in a throwaway profile folder."""
    with open_queue(tmp_path) as s:
        yield s


def test_job_keeps_every_item_with_its_spec(store: QueueStore, tmp_path: Path) -> None:
    """A created job lists its items in order with the settings they were given."""
    specs = _items(3)
    specs[1] = replace(specs[1], dictionary_ids=("a" * 24,), speed=1.5, export_format="mp3")
    job_id = store.create_job("in.csv", tmp_path, '{"concurrency": 3}', specs)
    job = store.job(job_id)
    assert (job.state, job.total, job.owner_pid) == (ACTIVE, 3, os.getpid())
    items = store.items(job_id)
    assert [i.spec for i in items] == specs
    assert [i.seq for i in items] == [0, 1, 2] and all(i.state == QUEUED for i in items)
    assert store.counts(job_id).chars_total == sum(len(s.text) for s in specs)


def test_claim_walks_in_order_and_each_item_once(store: QueueStore, tmp_path: Path) -> None:
    """Claims return items in order, count attempts, and never hand out an item twice."""
    job_id = store.create_job("in.csv", tmp_path, "{}", _items(3))
    first, second = store.claim(job_id), store.claim(job_id)
    assert first is not None and second is not None
    assert (first.seq, second.seq, first.attempts, first.state) == (0, 1, 1, RUNNING)
    store.finish(first.id, DONE, request_id="r1", backend="local:tone", duration_s=1.5)
    store.requeue(second.id, "busy", refund=True)
    again = store.claim(job_id)
    assert again is not None and again.seq == 1 and again.attempts == 1
    counts = store.counts(job_id)
    assert (counts.done, counts.running, counts.queued) == (1, 1, 1)
    done = store.item(first.id)
    assert (done.request_id, done.backend, done.duration_s) == ("r1", "local:tone", 1.5)


def test_reset_running_recovers_a_dead_process_items(store: QueueStore, tmp_path: Path) -> None:
    """Items left running by a crash go back to the queue; finished ones stay finished."""
    job_id = store.create_job("in.csv", tmp_path, "{}", _items(4))
    a, b = store.claim(job_id), store.claim(job_id)
    assert a is not None and b is not None
    store.finish(a.id, FAILED, error="bad voice")
    recovered = store.reset_running(job_id)
    assert [i.id for i in recovered] == [b.id]
    counts = store.counts(job_id)
    assert (counts.failed, counts.queued, counts.running) == (1, 3, 0)


def test_retry_failed_requeues_and_reactivates(store: QueueStore, tmp_path: Path) -> None:
    """Retrying failed items queues them with fresh attempts and makes the job active."""
    job_id = store.create_job("in.csv", tmp_path, "{}", _items(2))
    for _ in range(2):
        item = store.claim(job_id)
        assert item is not None
        store.finish(item.id, FAILED, error="x")
    store.set_job_state(job_id, FINISHED)
    assert store.unfinished_jobs() == []
    assert store.retry_failed(job_id) == 2
    assert store.job(job_id).state == ACTIVE and store.counts(job_id).queued == 2
    assert [j.id for j in store.unfinished_jobs()] == [job_id]


def test_paused_job_is_unfinished_with_its_message(store: QueueStore, tmp_path: Path) -> None:
    """A paused job is offered for resume and keeps why it paused."""
    job_id = store.create_job("in.csv", tmp_path, "{}", _items(1))
    store.set_job_state(job_id, PAUSED, "The disk is full.")
    job = store.unfinished_jobs()[0]
    assert (job.state, job.message, job.owner_pid) == (PAUSED, "The disk is full.", 0)


def test_duplicate_output_names_are_refused(store: QueueStore, tmp_path: Path) -> None:
    """Two items can never share an output file: the job is refused whole."""
    with pytest.raises(StoreError):
        store.create_job("in.csv", tmp_path, "{}", [BASE, replace(BASE, row=3)])
    assert store.unfinished_jobs() == []


def test_missing_job_is_a_clear_error(store: QueueStore) -> None:
    """Asking for a job that does not exist says so."""
    with pytest.raises(StoreError, match="no batch job 99"):
        store.job(99)


def test_iter_items_pages_through_a_large_job(store: QueueStore, tmp_path: Path) -> None:
    """All items come back in order through small pages."""
    job_id = store.create_job("in.csv", tmp_path, "{}", _items(25))
    assert [i.seq for i in store.iter_items(job_id, page=7)] == list(range(25))


@pytest.mark.slow
def test_kill_9_at_random_moments_never_loses_or_doubles(tmp_path: Path) -> None:
    """A worker killed 10 times mid-job, then resumed: each item done once, its file whole."""
    out = tmp_path / "out"
    out.mkdir()
    db_path = tmp_path / "queue.sqlite3"
    specs = _items(60)
    with QueueStore(db_path) as store:
        job_id = store.create_job("in.csv", out, "{}", specs)
    rng = random.Random(14)
    command = [
        sys.executable,
        "-m",
        "tests.store.queue_worker",
        str(db_path),
        str(job_id),
        str(out),
    ]
    for _ in range(10):
        worker = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert worker.stdout is not None
        for _ in range(rng.randint(0, 5)):
            worker.stdout.readline()
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate(timeout=60)
    final = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert final.returncode == 0, final.stderr
    with QueueStore(db_path) as store:
        counts = store.counts(job_id)
        assert (counts.done, counts.total) == (60, 60)
    names = sorted(p.name for p in out.iterdir())
    partials = [n for n in names if n.startswith(".")]
    assert [n for n in names if not n.startswith(".")] == [s.out_name for s in specs]
    for spec in specs:
        assert (out / spec.out_name).read_bytes() == payload(spec.text)
    # atomic_write_bytes leaves a temp file only when killed between create and rename
    assert all(".partial" in n for n in partials)
