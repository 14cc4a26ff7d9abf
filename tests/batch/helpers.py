"""Shared pieces of the batch tests: plan a CSV, make a job, run it against waves-local."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import soundfile

from studio.batch.inputs import read_input
from studio.batch.jobs import JobOptions, create_job
from studio.batch.plan import BatchDefaults, plan_batch
from studio.batch.render_adapter import ItemRenderer, client_factory, make_backend, open_library
from studio.batch.runner import BatchRunner, Listener
from studio.store.queue import QueueStore
from tests.conftest import WAVES_LOCAL_TEST_KEY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "batch"
DEFAULTS = BatchDefaults(voice_id="tone-alto", sample_rate=8000)


def write_lines_csv(path: Path, count: int, prefix: str = "Line") -> Path:
    """A CSV of `count` distinct one-line rows (distinct so the cache serves none of them)."""
    rows = [f"r{n:04d},{prefix} number {n} of the batch." for n in range(count)]
    path.write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def make_runner(
    profile: Path,
    source: Path,
    out: Path,
    base_url: str,
    *,
    concurrency: int = 3,
    listener: Listener | None = None,
    exit_on_pause: bool = False,
    merge: bool = False,
) -> tuple[BatchRunner, QueueStore, int]:
    """A queue in `profile`, a job from `source`, and a runner against `base_url`."""
    store = QueueStore(profile / "queue.sqlite3")
    plan = plan_batch(read_input(source), DEFAULTS, out)
    out.mkdir(parents=True, exist_ok=True)
    job_id = create_job(store, plan, out, JobOptions(concurrency=concurrency, merge=merge))
    library = open_library(profile, 50 * 1024 * 1024)
    renderer = ItemRenderer(library, make_backend("local", base_url, "tone"))
    runner = BatchRunner(
        store,
        job_id,
        renderer,
        client_factory(base_url, WAVES_LOCAL_TEST_KEY),
        concurrency=concurrency,
        listener=listener,
        exit_on_pause=exit_on_pause,
    )
    return runner, store, job_id


T = TypeVar("T")
MB = 1024 * 1024


def peak_of(step: Callable[[], T]) -> tuple[T, int]:
    """Run `step`; its result and the peak of Python and numpy allocations meanwhile."""
    tracemalloc.start()
    try:
        result = step()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def write_tone(path: Path, seconds: float, rate: int = 8000) -> int:
    """A sine WAV of `seconds`, written in blocks (never whole in memory); its frame count."""
    block = np.sin(np.arange(rate * 10) * 2 * np.pi * 440 / rate).astype(np.float32) * 0.3
    frames = round(seconds * rate)
    with soundfile.SoundFile(str(path), "w", rate, 1, "PCM_16", format="WAV") as out:
        for at in range(0, frames, len(block)):
            out.write(block[: frames - at])
    return frames
