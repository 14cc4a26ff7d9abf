"""Two processes on one store, and a process killed with SIGKILL in the middle of writing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studio.store.cache import INDEX_NAME, RenderCache
from studio.store.takes import TakeStore
from tests.store.helpers import make_rendered
from tests.store.test_cache_totals import assert_totals_exact

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60


_started: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_leftover_workers():
    """Workers never outlive a test, even when an assertion fails half-way."""
    yield
    while _started:
        worker = _started.pop()
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=DEADLINE_S)  # also closes its pipes


def _start(kind: str, path: Path, count: int, tag: str) -> subprocess.Popen[str]:
    """A worker process that waits for a line on stdin, then writes and reports each write."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.store.worker", kind, str(path), str(count), tag],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _started.append(worker)
    return worker


def _go(*workers: subprocess.Popen[str]) -> None:
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()


def _finish(worker: subprocess.Popen[str]) -> list[str]:
    out, err = worker.communicate(timeout=DEADLINE_S)
    assert worker.returncode == 0, err
    return out.split()


def _kill_after(worker: subprocess.Popen[str], writes: int) -> list[str]:
    """Let the worker commit `writes` writes, SIGKILL it while it carries on, return its report."""
    assert worker.stdout is not None
    reported = [worker.stdout.readline().strip() for _ in range(writes)]
    assert all(reported), "the worker stopped early"
    os.kill(worker.pid, signal.SIGKILL)
    rest, _ = worker.communicate(timeout=DEADLINE_S)
    assert worker.returncode == -signal.SIGKILL
    return reported + rest.split()


def test_two_processes_add_takes_at_once(tmp_path: Path) -> None:
    """Concurrent writers in two processes: every take is there and the file checks out."""
    db_path = tmp_path / "history.sqlite3"
    TakeStore(db_path).close()  # both workers find an existing history
    workers = [_start("takes", db_path, 120, tag) for tag in ("alpha", "beta")]
    _go(*workers)
    ids = [_finish(w) for w in workers]
    assert len(set(ids[0]) | set(ids[1])) == 240
    with TakeStore(db_path) as store:
        assert store.integrity_check() == "ok"
        assert store.count() == 240
        for tag in ("alpha", "beta"):
            takes = store.search(tag, limit=1000)
            assert sorted(t.text for t in takes) == sorted(f"{tag} line {n}." for n in range(120))
            assert all(store.check_audio(t).stat().st_size == t.audio_bytes for t in takes)


def test_two_processes_create_a_new_history_together(tmp_path: Path) -> None:
    """Two processes opening a history that does not exist yet both get a working store."""
    db_path = tmp_path / "new" / "history.sqlite3"
    workers = [_start("takes", db_path, 20, tag) for tag in ("one", "two")]
    _go(*workers)
    for worker in workers:
        assert len(_finish(worker)) == 20
    with TakeStore(db_path) as store:
        assert store.count() == 40
        assert store.integrity_check() == "ok"


def test_killed_while_adding_takes_loses_at_most_the_take_in_flight(tmp_path: Path) -> None:
    """SIGKILL mid-add: every reported take survives with its audio, at most one more exists."""
    db_path = tmp_path / "history.sqlite3"
    worker = _start("takes", db_path, 100_000, "crash")
    _go(worker)
    reported = [int(x) for x in _kill_after(worker, 40)]
    with TakeStore(db_path) as store:
        assert store.recovered_message == ""
        assert store.integrity_check() == "ok"
        takes = {t.take_id: t for t in store.search(limit=100_000)}
        assert set(reported) <= set(takes)
        assert len(takes) - len(reported) <= 1
        for take in takes.values():
            assert store.check_audio(take).stat().st_size == take.audio_bytes
        partials = list(store.audio_folder.rglob("*.partial"))
        assert partials == []
        rendered = make_rendered("After the crash.", seconds=0.05)
        after = store.add(rendered, backend="local", base_url="", source="bench")
        assert store.load_audio(after).data == rendered.clip.data


def test_two_processes_share_a_cache(tmp_path: Path) -> None:
    """Concurrent puts from two processes: all entries readable, index intact."""
    folder = tmp_path / "cache"
    RenderCache(folder, 1 << 30).close()
    workers = [_start("cache", folder, 80, tag) for tag in ("alpha", "beta")]
    _go(*workers)
    keys = _finish(workers[0]) + _finish(workers[1])
    assert len(set(keys)) == 160
    _assert_index_ok(folder)
    with RenderCache(folder, 1 << 30) as cache:
        assert all(cache.get(key) is not None for key in keys)
        assert cache.stats().entries == 160


def test_killed_while_caching_loses_at_most_the_entry_in_flight(tmp_path: Path) -> None:
    """SIGKILL mid-put: reported entries are served, no debris is left behind."""
    folder = tmp_path / "cache"
    worker = _start("cache", folder, 100_000, "crash")
    _go(worker)
    reported = _kill_after(worker, 40)
    _assert_index_ok(folder)
    with RenderCache(folder, 1 << 30) as cache:
        for key in reported:
            assert cache.get(key) is not None
        assert cache.stats().entries - len(reported) <= 1
        blobs = [p for p in folder.glob("??/*") if p.is_file()]
        assert len(blobs) == cache.stats().entries  # no orphan or partial files


def test_a_third_process_opening_the_cache_spares_live_writes(tmp_path: Path) -> None:
    """Two processes put while this one keeps opening the cache (which sweeps debris): every
    put of theirs lands and is served, and no staged blob of a live put is taken away."""
    folder = tmp_path / "cache"
    RenderCache(folder, 1 << 30).close()
    workers = [_start("cache", folder, 80, tag) for tag in ("gamma", "delta")]
    _go(*workers)
    opened = 0
    while any(w.poll() is None for w in workers) and opened < 400:
        RenderCache(folder, 1 << 30).close()
        opened += 1
    keys = _finish(workers[0]) + _finish(workers[1])  # a swept blob makes a put fail
    assert len(set(keys)) == 160 and opened > 0
    with RenderCache(folder, 1 << 30) as cache:
        assert all(cache.get(key) is not None for key in keys)
        assert_totals_exact(folder, cache)


def test_totals_stay_exact_after_a_writer_is_killed(tmp_path: Path) -> None:
    """SIGKILL mid-put: the kept entry count and byte total match the rows and the blobs, and
    eviction by them then brings the cache under its limit, oldest first."""
    folder = tmp_path / "cache"
    worker = _start("cache", folder, 100_000, "totals")
    _go(worker)
    reported = _kill_after(worker, 30)
    with RenderCache(folder, 1 << 30) as cache:
        assert_totals_exact(folder, cache)
        total = cache.stats().total_bytes
        cache.set_max_bytes(total // 2)
        assert_totals_exact(folder, cache)
        assert 0 < cache.stats().total_bytes <= total // 2
        assert cache.get(reported[0]) is None  # the oldest went first
        assert cache.get(reported[-1]) is not None


def _assert_index_ok(folder: Path) -> None:
    conn = sqlite3.connect(folder / INDEX_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
