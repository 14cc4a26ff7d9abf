"""A 9-cell audition grid against rendering the same 9 one by one, on one busy server.

    .venv/bin/python bench/bench_grid.py [--latency-ms 400]

waves-local (tone engine) with 3 concurrency slots and injected first-byte latency stands in for
a real server. Goal (issue "Audition and takes"): the grid is ready in <= 0.4 of the
sequential time with concurrency 3.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402

from studio.api.client import WavesClient  # noqa: E402
from studio.local.config import ServerConfig  # noqa: E402
from studio.local.server import LocalServer  # noqa: E402
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


def main() -> int:
    """Time both ways and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency-ms", type=int, default=400)
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="bench-grid-"))
    config = ServerConfig(
        engine="tone", data_dir=folder / "local", max_concurrency=3, latency_ms=args.latency_ms
    )
    with LocalServer(config) as server:
        client = WavesClient(server.base_url, "sk_bench")
        base = RenderSpec("tone-alto", sample_rate=24000)
        start = time.monotonic()
        for candidate in CANDIDATES:
            render_text(client, LINE, candidate.spec(base), "none")
        sequential = time.monotonic() - start

        from PySide6.QtCore import QSettings

        settings = Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
        messages = MessageBus()
        backend = BackendService(
            settings,
            MemorySecretStore(),
            SyncTaskRunner(),
            messages,
            local_server_factory=lambda: AlreadyRunning(server),
            environ={},
        )
        backend.start(force_local=True)
        playback = PlaybackService(FakeAudioPlayer(), messages)
        grid = AuditionService(backend, None, playback, messages, max_parallel=3)
        loop = QEventLoop()
        grid.grid_finished.connect(loop.quit)
        QTimer.singleShot(120_000, loop.quit)
        start = time.monotonic()
        grid.run(LINE, base, CANDIDATES)
        loop.exec()
        parallel = time.monotonic() - start
        ready = sum(c.status == "ready" for c in grid.cells)
        playback.shutdown()
        client.close()
    ratio = parallel / sequential
    print(f"9 renders one by one        {sequential:6.2f} s")
    print(f"9-cell grid, 3 at a time    {parallel:6.2f} s   ({ready}/9 ready)")
    print(
        f"grid / sequential           ratio {ratio:.2f}   goal <= 0.40   "
        f"{'PASS' if ratio <= 0.4 and ready == 9 else 'MISS'}"
    )
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
