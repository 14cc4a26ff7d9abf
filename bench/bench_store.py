"""Store benchmark: history search over 10,000 takes, adding them, memory, and cache get/put.

Run: .venv/bin/python bench/bench_store.py [--takes N]

- The history lives in a temp folder on the same disk as /tmp, with SQLite's real fsyncs
  (synchronous=FULL, one transaction and one audio file per take, as the app adds them).
- Each take has 0.1 s of 24 kHz PCM (4.8 kB) so 10,000 takes stay under 50 MB; search time
  does not depend on audio size. Texts are seeded-random sentences over a 400-word vocabulary
  (same texts every run), spread over 8 voices with random stars.
- Search figures are the median and 95th percentile of 30 runs of `TakeStore.search` (first
  page, limit 200) including building the HistoryTake objects. Goal: <= 50 ms per search.
- Memory: RSS growth of this process (from /proc/self/statm) and the Python heap peak
  (tracemalloc) while opening the 10,000-take history and loading its first page.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from studio.audio.clipfile import clip_from_samples
from studio.core.models import new_client_id
from studio.pipeline import Rendered, RenderSpec, spool_folder
from studio.store.cache import RenderCache
from studio.store.keys import render_key
from studio.store.takes import TakeStore

SEARCH_GOAL_MS = 50.0
SEARCH_REPEATS = 30
CACHE_ENTRIES = 200
VOICES = ("emily", "arjun", "mia", "raj", "sofia", "leo", "ana", "kai")
RATE = 24000


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"harbour", "lighthouse", "morning", "bread", "fog", "boats", "market", "rain"}
    while len(words) < 400:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 9))))
    return sorted(words)


def _rendered(text: str, voice: str, samples: np.ndarray) -> Rendered:
    spec = RenderSpec(voice_id=voice, sample_rate=RATE, output_format="pcm")
    ids = (new_client_id("req"),)
    audio = clip_from_samples(samples, RATE, "pcm", spool_folder(), ids[0], "srv-bench")
    return Rendered(text, spec, audio, new_client_id("take"), ids, ("srv",), "sse")


def _timed_ms(action: Callable[[], object], repeats: int) -> list[float]:
    """Wall times of `repeats` runs of `action`, in ms, sorted."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)


def _rss_bytes() -> int:
    """Current resident set size (Linux), else the peak from getrusage."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _row(
    name: str, figure: float, unit: str, goal: float | None, runs: list[float] | None = None
) -> None:
    """One figure through bench/report.py (printed, and collected by bench/run-all)."""
    from report import report  # bench/ is first on sys.path when this runs as a script

    report(name.strip(), figure, unit, goal, runs=runs)


def _search_rows(name: str, times: list[float]) -> None:
    """Median (with min/median/max) and 95th percentile of sorted search times."""
    _row(f"{name} median", statistics.median(times), "ms", SEARCH_GOAL_MS, times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    _row(f"{name} p95", p95, "ms", SEARCH_GOAL_MS)


def bench_history(folder: Path, count: int) -> None:
    """Add `count` takes, then time searches, reopening and the first page's memory."""
    rng = random.Random(20260514)
    words = _vocabulary(rng)
    samples = (0.3 * np.sin(np.arange(RATE // 10) / 10)).astype(np.float32)
    path = folder / "history.sqlite3"
    print(f"History: {count:,} takes")
    with TakeStore(path) as store:
        start = time.perf_counter()
        for n in range(count):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 24))).capitalize()
            take = store.add(
                _rendered(text + ".", VOICES[n % len(VOICES)], samples),
                backend="cloud",
                base_url="https://api.smallest.ai",
                source="bench",
            )
            if rng.random() < 0.2:
                store.set_stars(take.take_id, rng.randint(1, 5))
        added_s = time.perf_counter() - start
    _row(f"add {count:,} takes (one transaction each)", added_s, "s", None)
    _row("add: per take", added_s / count * 1000, "ms", None)

    start = time.perf_counter()
    store = TakeStore(path)
    open_ms = (time.perf_counter() - start) * 1000
    _row("open (quick_check, migrations, index check)", open_ms, "ms", None)
    searches: dict[str, Callable[[], object]] = {
        "text 'harbour' (FTS trigram)": lambda: store.search("harbour"),
        "text 'harbour fog' (two terms)": lambda: store.search("harbour fog"),
        "text 'zq' (2 chars: scan)": lambda: store.search("zq"),
        "text 'e' (1 char, matches almost all)": lambda: store.search("e"),
        "voice filter": lambda: store.search(voice_id="mia"),
        "stars >= 4 filter": lambda: store.search(min_stars=4),
        "text + voice + stars": lambda: store.search("bread", voice_id="emily", min_stars=1),
        "count('harbour')": lambda: store.count("harbour"),
        "voices()": store.voices,
    }
    for name, action in searches.items():
        _search_rows(name, _timed_ms(action, SEARCH_REPEATS))
    matches = store.count("harbour")
    store.close()
    with TakeStore(path, use_fts=False) as scanning:
        times = _timed_ms(lambda: scanning.search("harbour"), SEARCH_REPEATS)
        _search_rows("text 'harbour' without FTS (fallback)", times)
    print(f"  ('harbour' matches {matches:,} takes)")

    gc.collect()
    rss_before = _rss_bytes()
    tracemalloc.start()
    with TakeStore(path) as fresh:
        page = fresh.search(limit=200)
        rss_after = _rss_bytes()
        _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mib = (rss_after - rss_before) / 2**20
    _row(f"RSS growth: open + first page ({len(page)} takes)", rss_mib, "MiB", None)
    _row("Python heap peak for the same", heap_peak / 2**20, "MiB", None)
    size = sum(p.stat().st_size for p in folder.glob("history.sqlite3*"))
    _row("database size (with FTS index)", size / 2**20, "MiB", None)


def bench_cache(folder: Path) -> None:
    """Time puts and gets of 3 s renders, and rebuilding a Rendered from a hit."""
    spec = RenderSpec(voice_id="emily", sample_rate=RATE, output_format="pcm")
    samples = (0.3 * np.sin(np.arange(RATE * 3) / 10)).astype(np.float32)
    print(f"Render cache: {CACHE_ENTRIES} renders of 3 s PCM ({len(samples) * 2 // 1000} kB each)")
    renders = [
        replace(_rendered(f"Cached line {n}.", "emily", samples), spec=spec)
        for n in range(CACHE_ENTRIES)
    ]
    keys = [render_key("local:auto", spec, r.text, None) for r in renders]
    with RenderCache(folder / "cache", max_bytes=1 << 30) as cache:
        start = time.perf_counter()
        for key, rendered in zip(keys, renders, strict=True):
            cache.put(key, rendered)
        put_ms = (time.perf_counter() - start) * 1000 / CACHE_ENTRIES
        start = time.perf_counter()
        hits = [cache.get(key) for key in keys]
        get_ms = (time.perf_counter() - start) * 1000 / CACHE_ENTRIES
        assert all(hits)
        start = time.perf_counter()
        for hit in hits[:50]:
            assert hit is not None
            hit.to_rendered()
        decode_ms = (time.perf_counter() - start) * 1000 / 50
        start = time.perf_counter()
        for n in range(CACHE_ENTRIES):
            cache.get(f"{n:064x}")
        miss_ms = (time.perf_counter() - start) * 1000 / CACHE_ENTRIES
        start = time.perf_counter()
        cache.set_max_bytes(cache.stats().total_bytes // 2)
        evict_ms = (time.perf_counter() - start) * 1000
    _row("put (blob fsync + index)", put_ms, "ms", None)
    _row("get hit (read + sha256 check + LRU touch)", get_ms, "ms", None)
    _row("get miss", miss_ms, "ms", None)
    _row("hit -> Rendered (decode)", decode_ms, "ms", None)
    _row(f"evict half ({CACHE_ENTRIES // 2} entries)", evict_ms, "ms", None)


def main() -> int:
    """Run both benchmarks in a temp folder that is removed afterwards."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--takes", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        bench_history(Path(tmp), max(1, min(args.takes, 200_000)))
        print()
        bench_cache(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
