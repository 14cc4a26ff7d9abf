"""The studio window's speed: cold start, GUI-thread stalls while streaming, memory over renders.

    .venv/bin/python bench/bench_gui.py [--own-pulse] [--renders 50]

Goals (issue "The studio window"):
- cold start to the window shown <= 1.0 s, without the local engine (a fresh process each time);
- the longest GUI-thread stall while a 60-second clip streams in, plays and its waveform draws
  <= 50 ms, measured with a 5 ms QTimer heartbeat;
- memory after 50 renders: reported, with the growth from render 10 to render 50 (goal: flat,
  under 25 MB, i.e. no per-render leak).
Runs offscreen; `--own-pulse` plays through a private PulseAudio null sink (otherwise the real
default device, or none).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_NO_ERROR_WINDOWS", "1")
os.environ.pop("SMALLEST_API_KEY", None)

COLD_START_CHILD = """
import os, sys, time
def since_exec():
    ticks = os.sysconf("SC_CLK_TCK")
    start = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19]) / ticks
    return float(open("/proc/uptime").read().split()[0]) - start
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pathlib import Path
from studio.app import Profile, build_services
from studio.secrets import MemorySecretStore
from studio.ui.main_window import MainWindow
from studio.ui.theme import apply_theme
app = QApplication(sys.argv[:1])
apply_theme(app)
services = build_services(Profile.from_folder(Path(sys.argv[1])), secrets=MemorySecretStore())
window = MainWindow(services)
window.show()
def shown():
    print(f"{since_exec():.3f}", flush=True)
    os._exit(0)
QTimer.singleShot(0, shown)
app.exec()
"""


def row(name: str, figure: str, goal: str, ratio: float, ok: bool) -> None:
    """One report line: figure, goal, ratio figure/goal, PASS or MISS."""
    print(
        f"{name:<44} {figure:>12}   goal {goal:<10} ratio {ratio:6.2f}   {'PASS' if ok else 'MISS'}"
    )


def cold_start(runs: int = 5) -> None:
    """Median seconds from exec to the first event-loop turn after window.show()."""
    times = []
    for _ in range(runs):
        profile = tempfile.mkdtemp(prefix="bench-gui-")
        out = subprocess.run(
            [sys.executable, "-c", COLD_START_CHILD, profile],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    median = sorted(times)[len(times) // 2]
    row(
        "cold start to window shown (median of 5)",
        f"{median:.2f} s",
        "<= 1.0 s",
        median / 1.0,
        median <= 1.0,
    )


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def streaming_and_memory(renders: int) -> None:
    """Stream a 60 s clip while a heartbeat timer watches the GUI thread; then many renders."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.app import build_services, keep_gc_pauses_short
    from studio.local.config import ServerConfig
    from studio.local.server import LocalServer
    from studio.profile import Profile
    from studio.secrets import MemorySecretStore
    from studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    server = LocalServer(ServerConfig(engine="tone", data_dir=folder / "local"))
    services = build_services(
        Profile.from_folder(folder), secrets=MemorySecretStore(), local_factory=lambda: server
    )
    services.settings.set("app/first_run_done", True)
    services.settings.set("synthesis/voice_id", "tone-alto")
    window = MainWindow(services)
    window.show()
    keep_gc_pauses_short(services)  # as studio.app.main does
    services.backend.start(force_local=True)

    def spin_until(condition, timeout_s: float) -> None:  # type: ignore[no-untyped-def]
        loop = QEventLoop()
        poll = QTimer()
        poll.timeout.connect(lambda: loop.quit() if condition() else None)
        poll.start(5)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        if not condition():
            loop.exec()
        poll.stop()

    spin_until(lambda: services.backend.client is not None, 10)
    # ~60 s of tone-engine speech: about 14 characters a second at speed 1.
    sentence = "This sentence is part of a long narration for the stall benchmark. "
    text = sentence * 13
    longest = 0.0
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    gaps: list[int] = []

    def beat() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.timeout.connect(beat)
    heartbeat.start(5)
    window.editor_panel.set_text(text)
    window.flows.synthesize()
    spin_until(lambda: window.flows.last_result is not None, 120)
    duration = window.flows.last_result.rendered.duration_s if window.flows.last_result else 0
    spin_until(lambda: services.playback.state in ("finished", "stopped"), 5)
    heartbeat.stop()
    longest = max(gaps[3:], default=0) - 5  # minus the timer's own period
    row(
        f"longest GUI stall, streaming {duration:.0f} s clip",
        f"{longest:.0f} ms",
        "<= 50 ms",
        longest / 50,
        longest <= 50,
    )

    services.settings.set("synthesis/streaming", "sse")
    marks = {}
    for i in range(1, renders + 1):
        window.flows.last_result = None
        window.editor_panel.set_text(f"Render number {i}. A short line for the memory check.")
        window.flows.synthesize()
        spin_until(lambda: window.flows.last_result is not None, 30)
        window.flows.stop()
        if i in (10, renders):
            app.processEvents()
            marks[i] = rss_mb()
    growth = marks[renders] - marks[10]
    row(f"memory after {renders} renders (RSS)", f"{marks[renders]:.0f} MB", "reported", 0, True)
    row(
        f"memory growth, render 10 -> {renders}",
        f"{growth:+.1f} MB",
        "< 25 MB",
        growth / 25,
        growth < 25,
    )
    window.close()
    from studio.app import shutdown

    shutdown(services)


def main() -> int:
    """Run the three measurements."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--own-pulse", action="store_true", help="start a private PulseAudio")
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    cold_start()
    context: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    if args.own_pulse:
        from pulse import private_pulse

        context = private_pulse()
    with context:
        streaming_and_memory(args.renders)
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"(bench took {time.monotonic() - started:.0f} s)")
    sys.exit(code)
