"""BatchRunner against waves-local: every item done, faults survived, pause/cancel, full disk."""

from __future__ import annotations

import csv
import errno
import logging
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile

import studio.audio.atomic as atomic_module
from studio.audio.decode import decode
from studio.batch.jobs import write_outputs
from studio.batch.runner import Progress
from studio.core.batch import CANCELLED, DONE, FINISHED, PAUSED, QueueItem
from tests.batch.helpers import EXAMPLES, make_runner, write_lines_csv


def _check_file(path: Path, fmt: str, rate: int) -> float:
    """The file opens and holds sound; its duration."""
    if fmt in ("ulaw", "alaw", "pcm"):
        audio = decode(path.read_bytes(), fmt, rate)
        samples, got = audio.samples, audio.sample_rate
    else:
        samples, got = soundfile.read(str(path), dtype="float32")
    assert got == rate and len(samples) > 0 and float(np.abs(samples).max()) > 0.01
    return len(samples) / got


def test_example_job_renders_every_row_and_reports(tmp_path: Path, waves_local) -> None:
    """The example CSV renders to one valid file per row; the report lists each row once."""
    out = tmp_path / "out"
    runner, store, job_id = make_runner(
        tmp_path, EXAMPLES / "prompts.csv", out, waves_local.base_url
    )
    counts = runner.run()
    assert (counts.done, counts.failed, counts.total) == (8, 0, 8)
    assert store.job(job_id).state == FINISHED
    for item in store.items(job_id):
        duration = _check_file(
            out / item.spec.out_name, item.spec.export_format, item.spec.sample_rate
        )
        assert abs(duration - item.duration_s) < 0.05 and item.request_id
    report = write_outputs(store, job_id)[0]
    rows = list(csv.DictReader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["id"] for r in rows][:2] == ["ivr_welcome", "ivr_menu"] and len(rows) == 8
    assert all(r["state"] == "done" and Path(r["output"]).exists() for r in rows)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    store.close()
    # The same rows again: the render cache makes them free.
    again, store2, job2 = make_runner(
        tmp_path, EXAMPLES / "prompts.csv", tmp_path / "o2", waves_local.base_url
    )
    assert again.run().done == 8
    assert {i.backend for i in store2.items(job2)} == {"cache"}
    store2.close()


@pytest.mark.slow
def test_hostile_server_job_completes_and_adapts(tmp_path: Path, make_waves_local, caplog) -> None:
    """429 on half the requests, 500s, dropped bodies, stalls: every item done, window shrank."""
    caplog.set_level(logging.INFO, logger="studio.batch")
    tts = "@path=/waves/v1/tts"
    faults = ",".join(
        [
            f"status=429@rate=0.5@seed=1@retry_after=0{tts}",
            f"status=500@rate=0.15@seed=2{tts}",
            f"drop@rate=0.1@seed=3{tts}",
            f"stall=300@rate=0.1@seed=4{tts}",
        ]
    )
    server = make_waves_local(faults=faults, max_concurrency=8)
    source = write_lines_csv(tmp_path / "in.csv", 24)
    runner, store, job_id = make_runner(
        tmp_path, source, tmp_path / "out", server.base_url, concurrency=4
    )
    counts = runner.run()
    assert (counts.done, counts.failed) == (24, 0)
    windows = [w for _, w in runner.concurrency.history]
    assert min(windows) < 4, windows
    assert "batch concurrency 4 -> 2 (429" in caplog.text
    assert max(i.attempts for i in store.items(job_id)) > 1
    store.close()


def test_full_disk_pauses_then_resume_completes(tmp_path: Path, waves_local, monkeypatch) -> None:
    """ENOSPC while saving pauses the job with the disk-full message; Resume finishes it."""
    full = threading.Event()
    full.set()
    real_write = atomic_module.write_chunk

    def write_chunk(fd: int, chunk: bytes) -> None:
        if full.is_set():
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(fd, chunk)

    monkeypatch.setattr(atomic_module, "write_chunk", write_chunk)
    paused = threading.Event()
    messages: list[str] = []

    def listen(event: object) -> None:
        if isinstance(event, Progress) and event.paused and event.message:
            messages.append(event.message)
            paused.set()

    source = write_lines_csv(tmp_path / "in.csv", 6)
    runner, store, job_id = make_runner(
        tmp_path, source, tmp_path / "out", waves_local.base_url, listener=listen
    )
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(runner.run()), daemon=True)
    thread.start()
    try:
        assert paused.wait(30)
        assert "disk is full" in messages[0] and store.job(job_id).state == PAUSED
        assert store.counts(job_id).failed == 0
        full.clear()  # space freed
        runner.resume()
        thread.join(60)
        assert result and store.counts(job_id).done == 6
        assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    finally:
        runner.cancel()  # a failed assertion must not leave the run waiting forever
        thread.join(10)
        store.close()


def test_write_failing_after_resume_does_not_pause_again(
    tmp_path: Path, waves_local, monkeypatch
) -> None:
    """A write already under way when the user resumes fails late: the job carries on.

    Two items write at once; the first finds the disk full and pauses the job. The second's
    write was started before the user freed space and resumed, and fails only after the
    resume: that stale failure must requeue its item, not pause the job again (nobody
    would be there to resume it).
    """
    second_writing = threading.Event()
    resumed = threading.Event()
    calls: list[int] = []
    calls_lock = threading.Lock()
    real_write = atomic_module.write_chunk

    def write_chunk(fd: int, chunk: bytes) -> None:
        with calls_lock:
            calls.append(fd)
            call = len(calls)
        if call == 1:
            second_writing.wait(20)  # both writes in flight when the disk fills
            raise OSError(errno.ENOSPC, "No space left on device")
        if call == 2:
            second_writing.set()
            resumed.wait(20)  # ... and this one fails only after the resume
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(fd, chunk)

    monkeypatch.setattr(atomic_module, "write_chunk", write_chunk)
    paused = threading.Event()

    def listen(event: object) -> None:
        if isinstance(event, Progress) and event.paused and event.message:
            paused.set()

    source = write_lines_csv(tmp_path / "in.csv", 4)
    runner, store, job_id = make_runner(
        tmp_path, source, tmp_path / "out", waves_local.base_url, concurrency=2, listener=listen
    )
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(runner.run()), daemon=True)
    thread.start()
    try:
        assert paused.wait(30)
        runner.resume()
        resumed.set()
        thread.join(60)
        assert not runner.paused
        assert result and store.counts(job_id).done == 4
        assert store.job(job_id).state == FINISHED
    finally:
        runner.cancel()
        resumed.set()
        thread.join(10)
        store.close()


def test_pause_interrupts_in_flight_and_cancel_stops(tmp_path: Path, make_waves_local) -> None:
    """Pause during a stalled render requeues it; Cancel ends the run, nothing lost."""
    server = make_waves_local(faults="latency=20000@path=/waves/v1/tts", max_concurrency=16)
    running = threading.Event()
    finished: list[QueueItem] = []
    settled = threading.Event()

    def listen(event: object) -> None:
        if isinstance(event, QueueItem):
            finished.append(event)
        elif isinstance(event, Progress):
            if event.counts.running:
                running.set()
            if event.paused and not event.counts.running:
                settled.set()

    source = write_lines_csv(tmp_path / "in.csv", 4)
    runner, store, job_id = make_runner(
        tmp_path, source, tmp_path / "out", server.base_url, listener=listen
    )
    thread = threading.Thread(target=runner.run)
    thread.start()
    assert running.wait(30)
    runner.pause()
    assert settled.wait(10)
    counts = store.counts(job_id)
    assert (counts.running, counts.done, counts.failed, counts.queued) == (0, 0, 0, 4)
    runner.cancel()
    thread.join(10)
    assert not thread.is_alive() and store.job(job_id).state == CANCELLED
    assert finished == [] and all(i.attempts == 0 for i in store.items(job_id))
    store.close()


def test_resume_skips_complete_files_and_never_doubles(tmp_path: Path, waves_local) -> None:
    """Items a crash left running: a complete file is kept (skipped), a missing one rendered."""
    out = tmp_path / "out"
    source = write_lines_csv(tmp_path / "in.csv", 3)
    runner, store, job_id = make_runner(tmp_path, source, out, waves_local.base_url)
    assert runner.run().done == 3
    first, second, _ = store.items(job_id)
    store.retry_failed(job_id, [first.id, second.id])
    assert store.claim(job_id) is not None and store.claim(job_id) is not None  # a "crash"
    (out / second.spec.out_name).unlink()
    (out / f".{second.spec.out_name}.partial-dead").write_bytes(b"half")
    counts = runner.run()
    assert (counts.done, counts.skipped) == (2, 1)
    assert store.item(first.id).state == "skipped" and store.item(second.id).state == DONE
    assert sorted(p.name for p in out.iterdir()) == sorted(
        i.spec.out_name for i in store.items(job_id)
    )
    store.close()


def test_merged_file_holds_every_item_in_order_with_pauses(tmp_path: Path, waves_local) -> None:
    """--merge writes one WAV: every item's audio, in order, with the pause between them."""
    out = tmp_path / "out"
    source = write_lines_csv(tmp_path / "in.csv", 3)
    runner, store, job_id = make_runner(tmp_path, source, out, waves_local.base_url, merge=True)
    assert runner.run().done == 3
    written = write_outputs(store, job_id)
    merged = next(p for p in written if p.name.startswith("batch-merged"))
    info = soundfile.info(str(merged))
    total = sum(i.duration_s for i in store.items(job_id)) + 2 * 0.5
    assert info.samplerate == 8000 and abs(info.frames / 8000 - total) < 0.05
    store.close()
