"""A 9-cell audition grid against rendering the same 9 one by one, on one busy server.

    .venv/bin/python bench/bench_grid.py [--latency-ms 400] [--rounds 3]
BASE = RenderSpec("tone-alto", sample_rate=44100)

waves-local (tone engine, out of process as the app runs it) with 3 concurrency slots and an
injected first-byte latency stands in for a real server; 44.1 kHz PCM. Rounds alternate the
sequential and the grid runs; figures are min/median/max. Goal (issue "Audition and takes"):
the grid is ready in <= 0.4 of the sequential time (medians) with concurrency 3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402
from report import report  # noqa: E402  (bench/ is first on sys.path)
from waves_local import Running, waves_local  # noqa: E402

from studio.api.client import WavesClient  # noqa: E402
from studio.local.config import ServerConfig  # noqa: E402
from studio.pipeline import RenderSpec, render_text  # noqa: E402
from studio.secrets import MemorySecretStore  # noqa: E402
from studio.services.audition import AuditionService, Candidate  # noqa: E402
from studio.services.backend import BackendService  # noqa: E402
from studio.services.messages import MessageBus  # noqa: E402
from studio.services.playback import PlaybackService  # noqa: E402
from studio.services.settings import Settings  # noqa: E402
from studio.services.tasks import SyncTaskRunner  # noqa: E402
from tests.fakes import AlreadyRunning, FakeAudioPlayer  # noqa: E402

LINE = "Which of these nine voices reads the opening line of the video best?"
CANDIDATES = [
    Candidate(v, "lightning_v3.1", "en", s)
    for v in ("tone-bass", "tone-alto", "tone-soprano")
    for s in (0.9, 1.0, 1.1)
]
BASE = RenderSpec("tone-alto", sample_rate=44100)


def grid_once(server: Running, folder: Path) -> tuple[float, int]:
    """Seconds until the 9-cell grid is finished, and how many cells are ready."""
    from PySide6.QtCore import QSettings

    settings = Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    messages = MessageBus()
    config = ServerConfig(engine="tone", data_dir=folder / "local", max_concurrency=3)
    adopted = SimpleNamespace(base_url=server.base_url, config=config)
    backend = BackendService(
        settings,
        MemorySecretStore(),
        SyncTaskRunner(),
        messages,
        local_server_factory=lambda: AlreadyRunning(adopted),
        environ={},
    )
    backend.start(force_local=True)
    playback = PlaybackService(FakeAudioPlayer(), messages)
    grid = AuditionService(backend, None, playback, messages, max_parallel=3)
    loop = QEventLoop()
    grid.grid_finished.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)
    start = time.monotonic()
    grid.run(LINE, BASE, CANDIDATES)
    loop.exec()
    seconds = time.monotonic() - start
    ready = sum(c.status == "ready" for c in grid.cells)
    playback.shutdown()
    return seconds, ready


def main() -> int:
    """Time both ways, interleaved, and report the ratio of medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="bench-grid-"))
    options = ("--engine", "tone", "--max-concurrency", "3", "--latency-ms", str(args.latency_ms))
    sequential: list[float] = []
    parallel: list[float] = []
    ready = 9
    with waves_local(*options) as server:
        client = WavesClient(server.base_url, "sk_bench")
        render_text(client, LINE, BASE, "none")  # a warm pool, as a running app has
        for n in range(max(1, args.rounds)):
            start = time.monotonic()
            for candidate in CANDIDATES:
                render_text(client, LINE, candidate.spec(BASE), "none")
            sequential.append(time.monotonic() - start)
            seconds, cells = grid_once(server, folder / f"round{n}")
            parallel.append(seconds)
            ready = min(ready, cells)
        client.close()
    print(f"{args.latency_ms} ms injected latency, 3 slots; machine shared with other jobs")
    report("9 renders one by one", statistics.median(sequential), "s", runs=sequential)
    report(f"9-cell grid, 3 at a time ({ready}/9 ready)", statistics.median(parallel), "s",
           runs=parallel)  # fmt: skip
    ratio = statistics.median(parallel) / statistics.median(sequential)
    report("grid / sequential (medians)", ratio if ready == 9 else float("inf"), "x", goal=0.4)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
