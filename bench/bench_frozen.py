"""The frozen Linux build: archive size, start-up times of the frozen app, and how long it builds.

    .venv/bin/python bench/bench_frozen.py [--archive PATH | --build] [--runs 5] [--drop-caches]

Goals (issue "Packaging and desktop integration"):
- archive <= 250 MB (it carries Qt, onnxruntime, SciPy and the 63 MB Piper voice);
- `waves-studio --version` <= 0.5 s, a fresh process each time;
- `--self-test` (start the embedded server, load Piper, render, decode) <= 5 s;
- time to first window under Xvfb <= 2.0 s: from exec to the main window mapped on the X
  server (found with xwininfo), with the embedded waves-local starting behind it;
- `packaging/build-linux` with --build: reported, warm (cached analysis) and cold.
Each figure is a median of --runs fresh processes with the page cache warm (the archive was just
unpacked); --drop-caches (root) empties the page cache before the first run and reports it
separately as the disk-cold start.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "packaging" / "build-linux"
WINDOW = re.compile(r'\("waves-studio" "Waves Studio"\)\s+(\d+)x(\d+)')


def line(name: str, value: float, unit: str, goal: float | None = None) -> None:
    """One figure with its goal, the ratio figure/goal and PASS or MISS (bench/report.py)."""
    from report import report  # bench/ is first on sys.path when this runs as a script

    report(name, value, unit, goal)


def build(out: Path, clean: bool) -> tuple[Path, float]:
    """Run build-linux; returns the archive and the seconds it took."""
    started = time.monotonic()
    args = [str(BUILD), "--out", str(out), *(["--clean"] if clean else [])]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    return Path(result.stdout.strip().splitlines()[-1]), time.monotonic() - started


def environment(home: Path) -> dict[str, str]:
    """A throwaway home and user folders, so nothing of the user's profile is read or written."""
    env = dict(os.environ, HOME=str(home), STUDIO_NO_ERROR_WINDOWS="1")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    env.pop("SMALLEST_API_KEY", None)
    return env


def timed(command: list[str], env: dict[str, str]) -> float:
    """Seconds a command takes to run to completion (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True, timeout=120)
    return time.perf_counter() - started


def first_window(exe: Path, env: dict[str, str], profile: Path) -> float:
    """Seconds from exec to the main window mapped on the X server at its real size."""
    env = dict(env, QT_QPA_PLATFORM="xcb")
    started = time.perf_counter()
    with subprocess.Popen(
        [str(exe), "--local", "--profile", str(profile)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as gui:
        try:
            while time.perf_counter() - started < 60:
                tree = subprocess.run(
                    ["xwininfo", "-root", "-tree"], capture_output=True, text=True, check=False
                ).stdout
                found = WINDOW.search(tree)
                if found and int(found.group(1)) > 1:
                    return time.perf_counter() - started
                time.sleep(0.01)
            raise SystemExit("the main window did not appear within 60 s")
        finally:
            gui.terminate()


def drop_caches() -> bool:
    """Empty the kernel's page cache (root only); False when not allowed."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def main() -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--archive", type=Path, help="an existing archive to measure")
    source.add_argument("--build", action="store_true", help="build it (warm, then cold)")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per figure (5)")
    parser.add_argument("--drop-caches", action="store_true", help="also a disk-cold start")
    args = parser.parse_args()
    if shutil.which("xwininfo") and not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        # The window figure needs an X server: run again inside a private Xvfb.
        xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, *sys.argv]
        return subprocess.run(xvfb, check=False).returncode

    with tempfile.TemporaryDirectory(prefix="bench-frozen-") as tmp:
        work = Path(tmp)
        print(f"frozen build benchmark ({os.cpu_count()} CPUs, median of {args.runs} runs)")
        archive = args.archive
        if archive is None:
            existing = sorted((ROOT / "packaging" / "dist").glob("waves-studio-*.tar.gz"))
            archive = existing[-1] if existing and not args.build else None
        if archive is None:
            archive, warm = build(work, clean=False)
            line("build-linux, cached analysis (s)", warm, "s")
            if args.build:
                archive, cold = build(work, clean=True)
                line("build-linux from scratch (s)", cold, "s")
        line("archive size (MB)", archive.stat().st_size / 1e6, "MB", 250)
        unpack = work / "unpacked"
        unpack.mkdir()
        subprocess.run(["tar", "-xzf", str(archive), "-C", str(unpack)], check=True)
        (top,) = list(unpack.iterdir())
        exe = top / "waves-studio" / "waves-studio"
        size = sum(p.stat().st_size for p in top.rglob("*") if p.is_file() and not p.is_symlink())
        line("unpacked size (MB)", size / 1e6, "MB")
        env = environment(work / "home")
        if args.drop_caches:
            if drop_caches():
                line("--version, page cache dropped (s)", timed([str(exe), "--version"], env), "s")
            else:
                print("--drop-caches: not allowed here (needs root)")
        runs = range(args.runs)
        versions = [timed([str(exe), "--version"], env) for _ in runs]
        line("--version, fresh process (s)", statistics.median(versions), "s", 0.5)
        offscreen = dict(env, QT_QPA_PLATFORM="offscreen")
        selftests = [timed([str(exe), "--self-test"], offscreen) for _ in runs]
        line("--self-test, fresh process (s)", statistics.median(selftests), "s", 5.0)
        if os.environ.get("DISPLAY") and shutil.which("xwininfo"):
            windows = [first_window(exe, env, work / f"profile{i}") for i in runs]
            line("time to first window under Xvfb (s)", statistics.median(windows), "s", 2.0)
        else:
            print("time to first window: skipped (needs Xvfb and xwininfo from x11-utils)")
        source_version = timed([str(ROOT / ".venv" / "bin" / "waves-studio"), "--version"], env)
        line("for reference: --version from source (s)", source_version, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
