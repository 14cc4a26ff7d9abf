"""The studio window's speed: cold start, GUI-thread stalls while streaming, memory over renders.

    .venv/bin/python bench/bench_gui.py [--own-pulse] [--renders 50] [--runs 7] [--engine auto]

Goals (issue 19, "Performance"):
- cold start to a mapped window <= 0.5 s (moonshot 0.35 s), through the app's real start-up
  (`studio.app.main`, the system keyring), against a bare PySide6 window started the same way:
  interleaved runs, min/median/max of each and the ratio of medians;
- the longest GUI-thread stall while a long clip streams in, plays and its waveform draws
  <= 50 ms, measured with a 5 ms QTimer heartbeat;
- GUI RSS after 50 renders with the real offline engine (Piper, in the app's waves-local child
  process) <= 250 MB, and flat from render 10 to 50 (growth < 25 MB). The child's RSS is shown
  beside it (it is not the GUI's).
Runs offscreen; `--own-pulse` plays through a private PulseAudio null sink (otherwise the real
default device, or none). For the keyring a desktop session (or `dbus-run-session` with
gnome-keyring-daemon unlocked) must be there; without one the lookup fails fast and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
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

# The child prints CLOCK_MONOTONIC (system-wide on Linux) when shown; the parent subtracts the
# time it spawned it, so fork, exec and the interpreter's own start count too.
SINCE_EXEC = """
import os, sys, time
def shown():
    print(f"{time.monotonic():.6f}", flush=True)
    os._exit(0)
"""
# The app's own start-up: `waves-studio --profile DIR` up to the first event-loop turn after
# the main window is shown (the bench exits there).
APP_START = (
    SINCE_EXEC
    + """
from studio.cli import build_parser
from studio.app import main
main(build_parser().parse_args(["--profile", sys.argv[1]]), on_shown=shown)
"""
)
# The floor: a bare PySide6 window, shown and measured the same way.
BARE_START = (
    SINCE_EXEC
    + """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1100, 700)
window.show()
QTimer.singleShot(0, shown)
app.exec()
"""
)


def row(name: str, figure: str, goal: str, ratio: float, ok: bool) -> None:
    """One report line: figure, goal, ratio figure/goal, PASS or MISS."""
    print(
        f"{name:<44} {figure:>12}   goal {goal:<10} ratio {ratio:6.2f}   {'PASS' if ok else 'MISS'}"
    )


def _start_once(script: str) -> float:
    profile = tempfile.mkdtemp(prefix="bench-gui-")
    spawned = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", script, profile],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return float(out.stdout.strip().splitlines()[-1]) - spawned


def byte_compile_app() -> None:
    """Compile the app as scripts/setup does for an install, so no start compiles its sources.

    run-all sets PYTHONDONTWRITEBYTECODE=1, and a fresh checkout has no .pyc files: without
    this every measured start compiled ~200 modules (~60 ms), which no installed app does.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "studio"), quiet=1, workers=0)


def cold_start(runs: int) -> None:
    """Seconds from exec to the first event-loop turn after show: the app vs a bare window."""
    app: list[float] = []
    bare: list[float] = []
    byte_compile_app()
    _start_once(BARE_START)  # page cache and byte-code warm for both, as for a user's 2nd start
    _start_once(APP_START)
    for _ in range(runs):  # interleaved: the machine's load hits both alike
        bare.append(_start_once(BARE_START))
        app.append(_start_once(APP_START))

    def spread(xs: list[float]) -> str:
        return f"{min(xs):.3f}/{statistics.median(xs):.3f}/{max(xs):.3f}"

    app_median, bare_median = statistics.median(app), statistics.median(bare)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"cold start min/median/max over {runs} interleaved runs (s), load average {load}:")
    print(f"  bare PySide6 window (floor)  {spread(bare)}")
    print(f"  Waves Studio main window     {spread(app)}")
    row(
        "cold start to a mapped window (median)",
        f"{app_median:.3f} s",
        "<= 0.5 s",
        app_median / 0.5,
        app_median <= 0.5,
    )
    row(
        "  ... ratio to the bare-window floor",
        f"{app_median / bare_median:.2f}x",
        "reported",
        app_median / bare_median,
        True,
    )


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def child_rss_mb(pid: int | None) -> float:
    """Resident set size of another process in MB (0 if it is gone)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * resource.getpagesize() / 1e6


def streaming_and_memory(renders: int, engine: str, show_gaps: bool = False) -> None:
    """Stream a long clip while a heartbeat timer watches the GUI thread; then many renders.

    The backend is the app's own: waves-local in a child process (`make_local_server`) with
    `engine` (auto = Piper for English, as users get it).
    """
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.app import build_services, keep_gc_pauses_short, make_local_server
    from studio.local.child import ChildServer
    from studio.local.config import ServerConfig
    from studio.profile import Profile
    from studio.secrets import MemorySecretStore
    from studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    profile = Profile.from_folder(folder)
    servers: list[ChildServer] = []

    def local_factory() -> ChildServer:
        server = make_local_server(profile)  # the app's own: auto engines, in a child
        if engine != "auto":
            server = ChildServer(ServerConfig(engine=engine, data_dir=profile.local_data_dir))
        assert isinstance(server, ChildServer)
        servers.append(server)
        return server

    services = build_services(profile, secrets=MemorySecretStore(), local_factory=local_factory)
    services.settings.set("app/first_run_done", True)
    services.settings.set("synthesis/voice_id", "tone-alto" if engine == "tone" else "joe")
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

    spin_until(lambda: services.backend.client is not None, 30)
    # ~30 s of speech: about 14 characters a second at speed 1.
    sentence = "This sentence is part of a long narration for the stall benchmark. "
    text = sentence * 6
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
    spin_until(lambda: window.flows.last_result is not None, 180)
    duration = window.flows.last_result.rendered.duration_s if window.flows.last_result else 0
    spin_until(lambda: services.playback.state in ("finished", "stopped"), 60)
    heartbeat.stop()
    longest = max(gaps, default=0) - 5  # minus the timer's own period
    if show_gaps:
        at = sorted(range(len(gaps)), key=gaps.__getitem__)[-5:]
        print("  longest gaps (ms at beat):", [(gaps[i], sum(gaps[:i])) for i in at])
    row(
        f"longest GUI stall, streaming {duration:.0f} s ({engine})",
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
        spin_until(lambda: window.flows.last_result is not None, 60)
        window.flows.stop()
        if i in (10, renders):
            app.processEvents()
            marks[i] = rss_mb()
    growth = marks[renders] - marks[10]
    child = child_rss_mb(servers[-1].pid if servers else None)
    row(
        f"GUI RSS after {renders} renders ({engine})",
        f"{marks[renders]:.0f} MB",
        "<= 250 MB",
        marks[renders] / 250,
        marks[renders] <= 250,
    )
    row("  ... waves-local child's RSS (not the GUI's)", f"{child:.0f} MB", "reported", 0, True)
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
    parser.add_argument("--runs", type=int, default=7, help="cold starts of each kind")
    parser.add_argument("--engine", default="auto", choices=("auto", "piper", "espeak", "tone"))
    parser.add_argument("--skip-cold", action="store_true", help="only the window measurements")
    parser.add_argument("--skip-window", action="store_true", help="only the cold starts")
    parser.add_argument("--show-gaps", action="store_true", help="print the 5 longest stalls")
    args = parser.parse_args()
    if not args.skip_cold:
        cold_start(args.runs)
    if args.skip_window:
        return 0
    context: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    if args.own_pulse:
        from pulse import private_pulse

        context = private_pulse()
    with context:
        streaming_and_memory(args.renders, args.engine, args.show_gaps)
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"(bench took {time.monotonic() - started:.0f} s)")
    sys.exit(code)
