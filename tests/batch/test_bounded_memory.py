"""Batch memory stays bounded: folder input, merged file, take-over and the report."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile

from studio.batch.inputs import MAX_FILE_BYTES, read_input
from studio.batch.jobs import JobOptions, create_job
from studio.batch.plan import BatchDefaults, plan_batch
from studio.batch.recovery import take_over
from studio.batch.report import write_merged
from studio.core.batch import RUNNING
from studio.store.queue import QueueStore
from tests.batch.helpers import MB, peak_of, write_tone


def test_folder_file_too_long_for_one_item_is_reported_without_reading_it(
    tmp_path: Path,
) -> None:
    """A 64 MB text file in a folder is a per-row error, and it is never read into memory."""
    folder = tmp_path / "chapters"
    folder.mkdir()
    (folder / "01.txt").write_text("A short chapter.", encoding="utf-8")
    with open(folder / "02.txt", "wb") as handle:  # sparse: takes no disk space
        handle.truncate(64 * MB)
    table, peak = peak_of(lambda: read_input(folder))
    assert peak < 4 * MB
    assert table.rows[0].cells["text"] == "A short chapter." and not table.rows[0].problems
    assert "Split it into several files" in table.rows[1].problems[0]
    plan = plan_batch(table, BatchDefaults(voice_id="tone-alto"), tmp_path / "out")
    assert len(plan.items) == 1 and [r.row for r in plan.invalid] == [2]
    assert MAX_FILE_BYTES < MB


def test_merged_file_streams_each_item(tmp_path: Path) -> None:
    """Joining a 15-minute item and a short one never holds either whole (peak < 8 MB, where
    the long item alone decodes to 29 MB), and every frame and the pause arrive in order."""
    long_frames = write_tone(tmp_path / "long.wav", 15 * 60)
    short_frames = write_tone(tmp_path / "short.wav", 1.5)
    files = [(tmp_path / "long.wav", 8000), (tmp_path / "short.wav", 8000)]
    merged = tmp_path / "merged.wav"
    seconds, peak = peak_of(lambda: write_merged(merged, files, 0.5, 8000))
    assert peak < 8 * MB
    total = long_frames + 4000 + short_frames
    assert soundfile.info(str(merged)).frames == total and abs(seconds - total / 8000) < 1e-6
    with soundfile.SoundFile(str(merged)) as sound:
        sound.seek(long_frames)
        gap = sound.read(4000, dtype="float32")
        start = sound.read(100, dtype="float32")
    assert not gap.any() and np.abs(start).max() > 0.01


def test_merged_file_resamples_items_block_by_block(tmp_path: Path) -> None:
    """An item at another rate is resampled as it streams: its length in the merged file is
    its duration at the merged rate."""
    write_tone(tmp_path / "a.wav", 2.0, 16000)
    write_tone(tmp_path / "b.wav", 1.0, 8000)
    merged = tmp_path / "merged.wav"
    write_merged(merged, [(tmp_path / "a.wav", 16000), (tmp_path / "b.wav", 8000)], 0.0, 8000)
    assert abs(soundfile.info(str(merged)).frames - 3 * 8000) <= 2


def test_take_over_and_report_readers_leave_long_texts_in_the_queue(tmp_path: Path) -> None:
    """Taking over a job of 40 long texts (3.8 MB) reads no texts; the report's reader gets
    none either, and the table's reader only the start of each."""
    folder = tmp_path / "chapters"
    folder.mkdir()
    for n in range(40):
        (folder / f"{n:02d}.txt").write_text(f"Chapter {n}. " + "word " * 19_000, "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    store = QueueStore(tmp_path / "queue.sqlite3")
    plan = plan_batch(read_input(folder), BatchDefaults(voice_id="tone-alto"), out)
    job_id = create_job(store, plan, out, JobOptions())
    first = store.claim(job_id)
    assert first is not None and first.state == RUNNING
    del plan, first
    _, peak = peak_of(lambda: take_over(store, job_id, out))
    assert peak < 1 * MB
    assert store.counts(job_id).queued == 40
    assert {i.spec.text for i in store.iter_items(job_id, text_chars=0)} == {""}
    previews = [i.spec.text for i in store.iter_items(job_id, text_chars=121)]
    assert all(len(t) == 121 for t in previews) and previews[3].startswith("Chapter 3. word")
    assert store.out_names(job_id) == {f"{n:02d}.wav" for n in range(40)}
    assert os.listdir(out) == []
    store.close()
