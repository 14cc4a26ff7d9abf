"""Batch queue benchmark: the queue's throughput against a bare client loop, memory, SQLite cost.

    .venv/bin/python bench/bench_batch.py                  # 10,000 rows, 3 interleaved rounds
    .venv/bin/python bench/bench_batch.py --rows 2000      # a lighter run on a busy machine
    .venv/bin/python bench/bench_batch.py --cache-off      # also the queue without the cache

waves-local (tone engine, --max-concurrency 8) runs in its own process. Each round renders
`--rows` distinct one-line rows with both legs, interleaved (the leg that goes first
alternates between rounds, so a load change on a shared machine hurts both alike): (1) a bare
loop of the project's own WavesClient at its best (`--concurrency` threads, one reused client
each, plain-HTTP synthesize + the project's atomic write: temp file, fsync, rename, folder
fsync), and (2) the batch queue as the app runs it (BatchRunner: claims and records in
SQLite, render cache lookup and entry, atomic write with the file's fsync, one folder fsync
per 32 items before they are recorded done, the report), each with a fresh profile so nothing
comes from the cache. Figures:

- throughput ratio queue/bare per round (goal >= 0.90), min/median/max, and each leg's CPU
  time per item in this process (the server's is in its own);
- RSS growth of this process from item 1,000 to the last item (goal <= 50 MB);
- SQLite share: time inside QueueStore calls summed over workers, divided by the workers'
  total time (goal <= 5 %);
- dry run (read + validate + name) of a 10,000-row CSV (goal <= 1 s), best of 5.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.api.client import WavesClient
from studio.batch.inputs import read_input
from studio.batch.jobs import JobOptions, create_job, write_outputs
from studio.batch.plan import BatchDefaults, plan_batch
from studio.batch.render_adapter import ItemRenderer, client_factory, make_backend, open_library
from studio.batch.runner import BatchRunner
from studio.core.batch import ItemEnd, QueueItem
from studio.core.models import SynthesisRequest
from studio.store.atomic import atomic_write_bytes
from studio.store.queue import QueueStore

KEY = "sk_bench_batch"
T = TypeVar("T")
DEFAULTS = BatchDefaults(voice_id="tone-alto", sample_rate=8000, export_format="wav")


def report(name: str, figure: str, goal: str, ratio: float, ok: bool) -> None:
    """One result line."""
    print(
        f"{name:<40} {figure:>26}   goal {goal:<10} ratio {ratio:6.2f}   {'PASS' if ok else 'MISS'}"
    )


def rss_mb() -> float:
    """Resident memory of this process."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def start_server(port_file: Path) -> tuple[subprocess.Popen[str], str]:
    """waves-local in its own process; its base URL."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    server = subprocess.Popen(
        [sys.executable, "-m", "studio", "local-server", "--engine", "tone", "--port", "0",
         "--max-concurrency", "8", "--api-key", KEY, "--data-dir", str(port_file.parent)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    assert server.stdout is not None
    for line in server.stdout:
        if "http://" in line:
            url = line[line.index("http://") :].split()[0].rstrip("/.,)")
            threading.Thread(target=server.stdout.read, daemon=True).start()
            return server, url
    raise RuntimeError("waves-local did not start")


def line_text(tag: str, n: int) -> str:
    """Row `n`'s one line of text."""
    return f"{tag} line {n}: the quick brown fox jumps."


def write_csv(path: Path, rows: int, tag: str) -> Path:
    """`rows` distinct one-line rows."""
    lines = [f"r{n:05d},{line_text(tag, n)}" for n in range(rows)]
    path.write_text("id,text\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def cpu_timed(leg: Callable[[], T]) -> tuple[T, float]:
    """Run one leg; its result and the CPU seconds this process spent on it."""
    start = time.process_time()
    result = leg()
    return result, time.process_time() - start


def bare_loop(url: str, texts: list[str], out: Path, concurrency: int) -> float:
    """The same work with the client alone: synthesize and write each file; seconds."""
    out.mkdir(parents=True)
    local = threading.local()

    def one(n: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = WavesClient(url, KEY)
        request = SynthesisRequest(text=texts[n], voice_id="tone-alto", sample_rate=8000,
                                   output_format="wav")  # fmt: skip
        clip = client.synthesize(request)
        atomic_write_bytes(out / f"r{n:05d}.wav", clip.data)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(len(texts))))
    return time.perf_counter() - start


class TimedStore(QueueStore):
    """QueueStore that adds up the time spent in the writes a run makes for its items (the
    runner's Ledger claims, requeues and records through these three)."""

    spent = 0.0
    lock = threading.Lock()

    def _timed(self, name: str, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return getattr(super(), name)(*args, **kwargs)
        finally:
            with self.lock:
                TimedStore.spent += time.perf_counter() - start

    def claim_many(self, job_id: int, count: int) -> list[QueueItem]:
        return self._timed("claim_many", job_id, count)  # type: ignore[no-any-return]

    def finish_many(self, ends: Sequence[ItemEnd]) -> None:
        self._timed("finish_many", ends)

    def requeue(self, item_id: int, error: str = "", *, refund: bool = False) -> None:
        self._timed("requeue", item_id, error, refund=refund)


def queue_run(
    url: str, source: Path, work: Path, concurrency: int, cache: bool = True
) -> tuple[float, float, float]:
    """The batch queue on `source`; (seconds, RSS growth from item 1,000 MB, SQLite share).

    `cache=False` leaves the render cache out, to show the queue's own cost apart from the
    cache's (since puts stage their blob outside the index lock, the two are alike).
    """
    out = work / "out"
    out.mkdir(parents=True)
    store = TimedStore(work / "queue.sqlite3")
    TimedStore.spent = 0.0
    plan = plan_batch(read_input(source), DEFAULTS, out)
    job_id = create_job(store, plan, out, JobOptions(concurrency=concurrency))
    library = open_library(work, 2 * 1024 * 1024 * 1024)
    if not cache and library.cache is not None:
        library.cache.close()
        library.cache = None
    marks: dict[str, float] = {}
    done = [0]

    def listen(event: object) -> None:
        if isinstance(event, QueueItem):
            done[0] += 1
            if done[0] == 1000:
                marks["at_1000"] = rss_mb()

    renderer = ItemRenderer(library, make_backend("local", "", "tone"))
    factory = client_factory(url, KEY)
    runner = BatchRunner(store, job_id, renderer, factory, concurrency=concurrency, listener=listen)
    start = time.perf_counter()
    counts = runner.run()
    write_outputs(store, job_id)
    seconds = time.perf_counter() - start
    assert counts.done == len(plan.items), counts
    growth = rss_mb() - marks.get("at_1000", rss_mb())
    share = TimedStore.spent / (seconds * concurrency)
    windows = [w for _, w in runner.concurrency.history]
    if len(windows) > 1:
        print(f"    (concurrency changed {len(windows) - 1} times, lowest {min(windows)})")
    library.close()
    store.close()
    return seconds, growth, share


def wait_in_flight(runner: BatchRunner, count: int) -> None:
    """Poll (bench only) until `count` renders are in flight."""
    deadline = time.monotonic() + 30
    while runner.progress().counts.running < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # let the requests reach the server's stall


def bench_controls(folder: Path) -> None:
    """Pause and cancel latency while every render in flight waits for a first byte (30 s)."""
    from studio.batch.runner import Progress
    from studio.local.config import ServerConfig
    from studio.local.server import LocalServer

    config = ServerConfig(engine="tone", api_key=KEY, data_dir=folder / "stall", max_concurrency=64,
                          faults="latency=30000@path=/waves/v1/tts")  # fmt: skip
    pauses, cancels = [], []
    with LocalServer(config) as server:
        for n in range(5):
            settled = threading.Event()

            def listen(event: object, settled: threading.Event = settled) -> None:
                if isinstance(event, Progress) and event.paused and not event.counts.running:
                    settled.set()

            work = folder / f"controls{n}"
            out = work / "out"
            out.mkdir(parents=True)
            store = QueueStore(work / "queue.sqlite3")
            plan = plan_batch(read_input(write_csv(work / "in.csv", 6, f"c{n}")), DEFAULTS, out)
            job_id = create_job(store, plan, out, JobOptions(concurrency=3))
            library = open_library(work, 1 << 30)
            renderer = ItemRenderer(library, make_backend("local", "", "tone"))
            runner = BatchRunner(store, job_id, renderer, client_factory(server.base_url, KEY),
                                 concurrency=3, listener=listen)  # fmt: skip
            thread = threading.Thread(target=runner.run)
            thread.start()
            wait_in_flight(runner, 3)
            start = time.perf_counter()
            runner.pause()
            settled.wait(30)
            pauses.append(time.perf_counter() - start)
            runner.resume()
            wait_in_flight(runner, 3)
            start = time.perf_counter()
            runner.cancel()
            thread.join(30)
            cancels.append(time.perf_counter() - start)
            library.close()
            store.close()
    for name, times in (("pause, 3 stalled renders in flight", pauses),
                        ("cancel, 3 stalled renders in flight", cancels)):  # fmt: skip
        worst = max(times) * 1000
        figure = f"{min(times) * 1000:.0f}/{statistics.median(times) * 1000:.0f}/{worst:.0f} ms"
        report(name, figure, "< 200 ms", worst / 200, worst < 200)


def bench_dry_run(folder: Path) -> None:
    """Read + validate + name 10,000 rows."""
    source = write_csv(folder / "dry.csv", 10_000, "dry")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        plan = plan_batch(read_input(source), DEFAULTS, folder)
        times.append(time.perf_counter() - start)
        assert len(plan.items) == 10_000
    best = min(times)
    median = statistics.median(times)
    figure = f"{best * 1000:.0f} ms (median {median * 1000:.0f})"
    report("dry run, 10,000-row CSV", figure, "<= 1000 ms", best / 1.0, best <= 1.0)


def main() -> int:
    """Run the benchmark; returns 0."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--cache-off", action="store_true", help="also run the queue uncached")
    args = parser.parse_args()
    print(f"bench_batch: {args.rows} rows x {args.rounds} interleaved rounds, concurrency "
          f"{args.concurrency}, tone engine, waves-local --max-concurrency 8 (own process); "
          f"{os.cpu_count()} CPUs shared with other users, load {os.getloadavg()[0]:.1f}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench_dry_run(root)
        bench_controls(root)
        server, url = start_server(root / "server" / "port")
        try:
            ratios, growths, shares, plain_ratios = [], [], [], []
            bare_rates, queue_rates, bare_cpu, queue_cpu = [], [], [], []
            for n in range(args.rounds):
                source = write_csv(root / f"in{n}.csv", args.rows, f"round {n}")
                # The very texts of the queue's rows: the same audio to fetch and write (the bare
                # loop uses no render cache, and the queue's profile is fresh).
                texts = [line_text(f"round {n}", i) for i in range(args.rows)]

                def bare(n: int = n, texts: list[str] = texts) -> float:
                    return bare_loop(url, texts, root / f"bare{n}", args.concurrency)

                def queue(n: int = n, source: Path = source) -> tuple[float, float, float]:
                    return queue_run(url, source, root / f"q{n}", args.concurrency)

                if n % 2:  # alternate which leg goes first
                    (queue_s, growth, share), q_cpu = cpu_timed(queue)
                    bare_s, b_cpu = cpu_timed(bare)
                else:
                    bare_s, b_cpu = cpu_timed(bare)
                    (queue_s, growth, share), q_cpu = cpu_timed(queue)
                line = ""
                if args.cache_off:
                    plain = write_csv(root / f"plain{n}.csv", args.rows, f"plain {n}")
                    plain_s, _, _ = queue_run(url, plain, root / f"p{n}", args.concurrency, False)
                    plain_ratios.append(bare_s / plain_s)
                    line = f" (cache off {bare_s / plain_s:.2f})"
                bare_rates.append(args.rows / bare_s)
                queue_rates.append(args.rows / queue_s)
                bare_cpu.append(b_cpu / args.rows * 1000)
                queue_cpu.append(q_cpu / args.rows * 1000)
                ratios.append(bare_s / queue_s)
                growths.append(growth)
                shares.append(share)
                print(
                    f"  round {n + 1}: bare {args.rows / bare_s:.0f} items/s, queue "
                    f"{args.rows / queue_s:.0f} items/s, ratio {bare_s / queue_s:.2f}{line}, "
                    f"CPU/item {bare_cpu[-1]:.2f} vs {queue_cpu[-1]:.2f} ms, "
                    f"RSS +{growth:.1f} MB, SQLite {share:.1%}, load {os.getloadavg()[0]:.1f}"
                )
        finally:
            server.terminate()
            server.wait(10)
    med = statistics.median(ratios)
    report("queue / bare-client throughput", f"{min(ratios):.2f}/{med:.2f}/{max(ratios):.2f}",
           ">= 0.90", med / 0.9, med >= 0.9)  # fmt: skip
    if plain_ratios:
        med_plain = statistics.median(plain_ratios)
        report("  same, render cache off (diagnostic)",
               f"{min(plain_ratios):.2f}/{med_plain:.2f}/{max(plain_ratios):.2f}", ">= 0.90",
               med_plain / 0.9, med_plain >= 0.9)  # fmt: skip
    report("  items/s queue (median)", f"{statistics.median(queue_rates):.0f}", "-", 1.0, True)
    report("  items/s bare client (median)", f"{statistics.median(bare_rates):.0f}", "-", 1.0, True)
    cpu_q, cpu_b = statistics.median(queue_cpu), statistics.median(bare_cpu)
    report("  client CPU/item queue vs bare (median)", f"{cpu_q:.2f} vs {cpu_b:.2f} ms", "-",
           cpu_q / cpu_b, True)  # fmt: skip
    worst = max(growths)
    report(f"RSS growth, item 1,000 -> {args.rows:,}", f"{worst:.1f} MB (max of rounds)",
           "<= 50 MB", worst / 50, worst <= 50)  # fmt: skip
    share = statistics.median(shares)
    report("SQLite share of worker time", f"{min(shares):.1%}/{share:.1%}/{max(shares):.1%}",
           "<= 5 %", share / 0.05, share <= 0.05)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
