"""Render cache put benchmark: concurrent puts, and the cost of a put once the cache is full.

    .venv/bin/python bench/bench_cache_put.py             # 3 interleaved rounds
    .venv/bin/python bench/bench_cache_put.py --puts 500  # lighter, on a busy machine

The path the app uses: RenderCache.put of a finished render (hash, hard link under a temp name,
rename + index row in one transaction, evict), on the real disk under a temp folder. Figures:

- puts/s with 8 threads (the batch queue's workers) over puts/s with 1 thread, per round
  (goal >= 0.9: concurrent puts do not take turns on the blob I/O; on 2 busy CPUs more than
  ~1 is not expected, the put is mostly CPU: sha256 and SQLite);
- ms per put into a full cache of `--full` entries over ms per put into a full cache of 100
  entries, every put evicting one (goal <= 1.5: eviction and the total are O(log n), not O(n)).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.core.render import Rendered
from studio.pipeline import RenderSpec
from studio.store.cache import RenderCache
from tests.store.helpers import make_rendered

SPEC = RenderSpec(voice_id="tone-alto", sample_rate=8000, output_format="wav")


def key(n: int, tag: str) -> str:
    """A distinct valid key."""
    return f"{tag}{n:063x}"


def timed_puts(
    cache: RenderCache, renders: list[Rendered], count: int, threads: int, tag: str
) -> float:
    """Seconds for `count` puts spread over `threads` threads."""
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda n: cache.put(key(n, tag), renders[n % len(renders)]), range(count)))
    return time.perf_counter() - start


def spread(values: list[float]) -> str:
    """min/median/max."""
    return f"{min(values):.2f}/{statistics.median(values):.2f}/{max(values):.2f}"


def report(name: str, values: list[float], goal: str, ok: bool) -> None:
    """One result line: min/median/max beside the goal."""
    print(f"{name:<40} {spread(values):>16}   goal {goal:<8} {'PASS' if ok else 'MISS'}")


def main() -> int:
    """Run the rounds and print figures beside their goals."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--puts", type=int, default=2000)
    parser.add_argument("--full", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"bench_cache_put: {args.puts} puts x {args.rounds} rounds; load {load:.1f} on 2 CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        renders = [make_rendered(f"Line {n}.", SPEC, seconds=0.1) for n in range(50)]
        size = renders[0].audio.path.stat().st_size
        full = RenderCache(folder / "full", max_bytes=size * args.full)
        timed_puts(full, renders, args.full, 4, "f")  # fill them once
        small = RenderCache(folder / "small", max_bytes=size * 100)
        timed_puts(small, renders, 100, 1, "b")
        scaling, growth = [], []
        for r in range(args.rounds):
            rates = {}
            for threads in (1, 8):
                with RenderCache(folder / f"c{r}-{threads}", max_bytes=1 << 30) as cache:
                    rates[threads] = args.puts / timed_puts(cache, renders, args.puts, threads, "a")
            per_small = timed_puts(small, renders, args.puts, 1, f"{r + 1}") / args.puts
            per_full = timed_puts(full, renders, args.puts, 1, f"{r + 1}") / args.puts
            assert full.stats().entries <= args.full
            scaling.append(rates[8] / rates[1])
            growth.append(per_full / per_small)
            print(
                f"  round {r + 1}: {rates[1]:.0f} puts/s 1 thread, {rates[8]:.0f} with 8 threads; "
                f"{per_small * 1000:.2f} ms/put full at 100, {per_full * 1000:.2f} ms/put full "
                f"at {args.full} (evicting)"
            )
        full.close()
        small.close()
    report("8-thread / 1-thread puts/s", scaling, ">= 0.90", statistics.median(scaling) >= 0.9)
    name = f"put ms, full at {args.full} / full at 100"
    report(name, growth, "<= 1.50", statistics.median(growth) <= 1.5)
    print(f"(load average {os.getloadavg()[0]:.1f} at the end, machine shared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
