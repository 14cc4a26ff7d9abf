"""Run every benchmark in bench/ and print one summary table of figures, goals and ratios.

    bench/run-all                       every bench, full size (tens of minutes)
    bench/run-all --quick               fewer iterations: a smoke run that the harness works
    bench/run-all --only bench_client bench_store    some benches
    bench/run-all --list                the table of benches and their commands

Each bench runs as its own process (its servers out of process where it starts them), one after
the other, with a timeout; its output is shown and kept in a log folder. Figures come from the
JSON lines `report()` appends to $BENCH_REPORT (bench/report.py); a bench that only prints is
parsed from its output. The summary is a Markdown table, headed by the date and the machine
(cores, CPU, RAM, load average at start and end), ready to quote in the README. Exit status 1 if
a bench failed, timed out or reported nothing; a MISS is a finding, not a harness failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from machine import load, machine, revision
from run_all_parse import Figure, markdown_table, parse_printed, read_json_lines

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


@dataclass(frozen=True)
class Bench:
    """How run-all runs one bench.

    Attributes:
        args, quick: Arguments for a full and a --quick run (options the script does not know
            are dropped, so a bench that changes its options still runs).
        timeout_s, quick_timeout_s: Wall-time limits.
        display: Run under Xvfb (QT_QPA_PLATFORM=xcb) when xvfb-run is there.
        keyring: Run in bench/session (own D-Bus, throwaway unlocked gnome-keyring), so the
            app's real key store is measured without the user's keyring.
        skip: Why it does not run by default ("" = it runs).
    """

    args: tuple[str, ...] = ()
    quick: tuple[str, ...] = ()
    timeout_s: int = 900
    quick_timeout_s: int = 300
    display: bool = False
    skip: str = ""
    keyring: bool = False


# Benches in the order they run (cheap and independent first). A bench_*.py not listed runs
# with no arguments and the default timeouts; a listed one that is absent is shown as such.
BENCHES: dict[str, Bench] = {
    "bench_store": Bench(("--takes", "10000"), ("--takes", "300"), 900, 120),
    "bench_grid": Bench((), ("--latency-ms", "100"), 300, 120),
    "bench_client": Bench(("--requests", "30"), ("--requests", "3"), 600, 120),
    "bench_audio": Bench(("--own-pulse",), ("--own-pulse", "--runs", "3"), 600, 180),
    "bench_local": Bench((), (), 900, 300),
    "bench_local_throughput": Bench((), ("--seconds", "1", "--rounds", "1"), 300, 120),
    "bench_hardening_local": Bench((), (), 300, 120),
    "bench_hardening_client": Bench(("--runs", "3"), ("--runs", "1"), 600, 180),
    "bench_render_memory": Bench((), ("--sizes", "1000,10000", "--rounds", "1"), 1800, 300),
    "bench_play_window": Bench(("--own-pulse",), ("--own-pulse", "--runs", "1"), 600, 180),
    "bench_play_project": Bench((), ("--minutes", "5", "--runs", "1"), 600, 180),
    "bench_gui": Bench(
        ("--own-pulse",),
        ("--own-pulse", "--renders", "10", "--runs", "2"),
        1200,
        300,
        display=True,
        keyring=True,
    ),
    "bench_fonts": Bench(("--runs", "5"), ("--runs", "2"), 300, 120),
    "bench_pronunciation": Bench((), ("--engine", "tone", "--rules", "5"), 1200, 300),
    "bench_batch": Bench((), ("--rows", "500", "--rounds", "1"), 900, 300),
    "bench_project_render": Bench((), ("--rounds", "1"), 600, 180),
    "bench_clones": Bench(("--own-pulse",), ("--own-pulse", "--rounds", "1"), 600, 180),
    "bench_frozen": Bench((), ("--runs", "1"), 900, 300),  # starts its own Xvfb
    "calibrate_verdict": Bench(skip="a calibration without goals: run it by hand"),
}
DEFAULT = Bench()


def known_options(script: Path, args: tuple[str, ...]) -> list[str]:
    """`args` without the options (and their values) the script never mentions."""
    text = script.read_text(encoding="utf-8")
    kept: list[str] = []
    dropping = False
    for arg in args:
        if arg.startswith("--"):
            dropping = f'"{arg}"' not in text
            if not dropping:
                kept.append(arg)
        elif not dropping:
            kept.append(arg)
    return kept


def skip_reason(name: str, bench: Bench) -> str:
    """Why a present bench cannot run here ("" when it can)."""
    if bench.skip:
        return bench.skip
    if name == "bench_frozen" and not list((ROOT / "packaging" / "dist").glob("*.tar.gz")):
        return "no frozen archive in packaging/dist (run packaging/build-linux first)"
    return ""


def run_one(name: str, command: list[str], timeout_s: int, env: dict[str, str], log: Path,
            quiet: bool) -> tuple[str, str]:  # fmt: skip
    """Run one bench: (status, its whole output). Status is "" when it exited 0."""
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,  # its own process group: a timeout ends all it started
    ) as child:
        deadline = time.monotonic() + timeout_s
        lines: list[str] = []
        timer = _Timer(child, deadline)
        assert child.stdout is not None
        with log.open("w", encoding="utf-8") as out:
            for line in child.stdout:
                lines.append(line)
                out.write(line)
                if not quiet:
                    print(f"  {line}", end="", flush=True)
        code = child.wait()
        timer.cancel()
    if timer.fired:
        return f"TIMEOUT after {timeout_s} s", "".join(lines)
    return ("" if code == 0 else f"FAIL: exit {code}"), "".join(lines)


class _Timer:
    """Ends a bench's whole process group at its deadline."""

    def __init__(self, child: subprocess.Popen[str], deadline: float) -> None:
        import threading

        self.fired = False
        self._child = child
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        try:
            os.killpg(self._child.pid, signal.SIGTERM)
            self._child.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self._child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


def command_for(
    name: str, bench: Bench, quick: bool, python: str
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of one bench."""
    script = BENCH / f"{name}.py"
    args = known_options(script, bench.quick if quick else bench.args)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_NAME": name}
    env.update(SMALLESTAI_TELEMETRY="0", STUDIO_NO_ERROR_WINDOWS="1", PYTHONDONTWRITEBYTECODE="1")
    command = [python, str(script.relative_to(ROOT)), *args]
    if bench.display and not env.get("DISPLAY") and shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x900x24", *command]
        env["QT_QPA_PLATFORM"] = "xcb"
    if bench.keyring and shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"):
        command = [str((BENCH / "session").relative_to(ROOT)), *command]
    return command, env


def selected(only: list[str], skip: list[str]) -> list[str]:
    """Bench names to run: the table's order, then any other bench_*.py found."""
    present = sorted(p.stem for p in BENCH.glob("bench_*.py"))
    names = list(BENCHES) + [n for n in present if n not in BENCHES]
    only = [_canonical(n, names) for n in only]
    skip = [_canonical(n, names) for n in skip]
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise SystemExit(f"run-all: no such bench: {', '.join(unknown)}")
        names = [n for n in names if n in only]
    return [n for n in names if n not in skip]


def _canonical(name: str, names: list[str]) -> str:
    """ "client", "bench_client.py" and "bench/bench_client.py" all name bench_client."""
    stem = Path(name).stem
    return stem if stem in names or f"bench_{stem}" not in names else f"bench_{stem}"


def main(argv: list[str] | None = None) -> int:
    """Run the benches and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (a smoke run)")
    parser.add_argument("--only", nargs="+", default=[], metavar="BENCH")
    parser.add_argument("--skip", nargs="+", default=[], metavar="BENCH")
    parser.add_argument("--list", action="store_true", help="print the benches and exit")
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    parser.add_argument("--logs", type=Path, help="folder for each bench's output")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the benches")
    args = parser.parse_args(argv)
    names = selected(args.only, args.skip)
    if args.list:
        for name in names:
            bench = BENCHES.get(name, DEFAULT)
            present = (BENCH / f"{name}.py").exists()
            command, _ = command_for(name, bench, args.quick, "python") if present else ([], {})
            timeout = bench.quick_timeout_s if args.quick else bench.timeout_s
            state = skip_reason(name, bench) if present else "not in this checkout"
            shown = " ".join(command) if command else "-"
            print(f"{name:<24} {timeout:>5} s  {shown}  {state}".rstrip())
        return 0
    logs = args.logs or Path(tempfile.mkdtemp(prefix="bench-run-all-"))
    logs.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    load_start = load()
    figures: list[Figure] = []
    durations: list[str] = []
    failed = False
    for name in names:
        bench = BENCHES.get(name, DEFAULT)
        if not (BENCH / f"{name}.py").exists():
            figures.append(Figure(name, "-", verdict="ABSENT: not in this checkout"))
            continue
        reason = skip_reason(name, bench)
        if reason:
            figures.append(Figure(name, "-", verdict=f"SKIP: {reason}"))
            continue
        command, env = command_for(name, bench, args.quick, args.python)
        report_file = logs / f"{name}.jsonl"
        report_file.unlink(missing_ok=True)
        env["BENCH_REPORT"] = str(report_file)
        timeout = bench.quick_timeout_s if args.quick else bench.timeout_s
        if not args.quiet:
            print(f"== {name}: {' '.join(command)}", flush=True)
        began = time.monotonic()
        status, output = run_one(name, command, timeout, env, logs / f"{name}.log", args.quiet)
        seconds = time.monotonic() - began
        durations.append(f"{name} {seconds:.0f} s")
        found = read_json_lines(report_file) or parse_printed(name, output)
        figures.extend(found)
        if status or not found:
            failed = True
            status = status or "FAIL: no figures found in its output"
            figures.append(Figure(name, f"(after {seconds:.0f} s)", verdict=status))
    print_summary(figures, started, load_start, args.quick, logs)
    if durations:
        print("wall time: " + ", ".join(durations))
    return 1 if failed else 0


def print_summary(figures: list[Figure], started: str, load_start: str, quick: bool,
                  logs: Path) -> None:  # fmt: skip
    """The heading (date, machine, load) and the table."""
    kind = "quick smoke run (--quick): not figures to quote" if quick else "full run"
    print()
    print(f"## Benchmarks: bench/run-all, {kind}")
    print()
    print(f"- date: {started}; commit {revision()}")
    print(f"- machine: {machine()}; Python {sys.version.split()[0]}")
    busy = (
        max(float(load_start.split(maxsplit=1)[0]), os.getloadavg()[0]) > (os.cpu_count() or 1) / 2
    )
    note = "; busy: other work shared the cores, re-run on a quiet machine to quote" if busy else ""
    print(f"- load average (1/5/15 min): {load_start} at start, {load()} at the end{note}")
    print()
    print(markdown_table(figures))
    verdicts = [f.verdict.split(":")[0] for f in figures]
    counts = {v: verdicts.count(v) for v in ("PASS", "MISS", "FAIL", "TIMEOUT", "SKIP", "ABSENT")}
    counts["reported"] = verdicts.count("")
    print()
    print("totals: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v) + f"; logs in {logs}")


if __name__ == "__main__":
    sys.exit(main())
