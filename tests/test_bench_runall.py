"""bench/run-all, bench/report.py and the fallback parser: the benchmark harness cannot rot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType, ModuleType]:
    """bench/report.py, run_all_parse.py and run_all.py, imported as run-all imports them."""
    monkeypatch.syspath_prepend(str(BENCH))
    import report
    import run_all
    import run_all_parse

    return report, run_all_parse, run_all


@pytest.mark.slow
def test_quick_run_prints_a_summary_table_that_parses(tmp_path: Path) -> None:
    """run-all --quick on two cheap benches exits 0 and prints a heading and a parsable table."""
    env = {k: v for k, v in os.environ.items() if k != "BENCH_REPORT"}
    done = subprocess.run(
        [str(BENCH / "run-all"), "--quick", "--quiet", "--logs", str(tmp_path),
         "--only", "bench_store", "bench_pronunciation", "bench_not_written_yet_x"],
        capture_output=True, text=True, timeout=240, check=False, env=env, cwd=ROOT,
    )  # fmt: skip
    assert "no such bench: bench_not_written_yet_x" in done.stderr
    done = subprocess.run(
        [str(BENCH / "run-all"), "--quick", "--quiet", "--logs", str(tmp_path),
         "--python", sys.executable, "--only", "bench_store", "bench_pronunciation"],
        capture_output=True, text=True, timeout=240, check=False, env=env, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "- date: " in out
    assert "cores" in out
    assert "load average (1/5/15 min): " in out
    assert "wall time: bench_store " in out
    sys.path.insert(0, str(BENCH))
    try:
        from run_all_parse import parse_table
    finally:
        sys.path.remove(str(BENCH))
    rows = {(r["bench"], r["figure"]): r for r in parse_table(out)}
    search = rows[("bench_store", "text 'harbour' (FTS trigram) median")]
    assert search["goal"] == "<= 50 ms"
    assert search["verdict"] in ("PASS", "MISS")
    assert float(search["÷ goal"]) > 0
    requests = rows[("bench_pronunciation", "second run: synthesis requests")]
    assert (requests["value"], requests["verdict"]) == ("0", "PASS")
    assert not [r for r in rows.values() if r["verdict"].startswith(("FAIL", "TIMEOUT"))]
    assert (tmp_path / "bench_store.log").read_text().strip()


def test_report_prints_and_appends_a_json_line(
    harness: tuple[ModuleType, ModuleType, ModuleType],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """report() prints figure, goal, ratios and verdict, and run-all reads back the same row."""
    report, parse, _ = harness
    path = tmp_path / "r.jsonl"
    monkeypatch.setenv("BENCH_REPORT", str(path))
    monkeypatch.setenv("BENCH_NAME", "bench_x")
    ok = report.report("first audio", 160.0, "ms", goal=170, floor=150, runs=[158, 160, 171])
    assert ok is True
    assert report.report("speed", 900.0, "x", goal=1500, better="higher") is False
    report.report("odd", float("nan"), "ms")
    report.record("  cold start (median)", "0.41 s", "<= 0.5 s", 0.82, True)
    line = capsys.readouterr().out.splitlines()[0]
    assert "goal <= 170 ms" in line
    assert "ratio 0.94" in line
    assert "vs floor 1.07x" in line
    assert line.endswith("PASS")
    assert json.loads(path.read_text().splitlines()[2])["value"] is None
    first, second, third, fourth = parse.read_json_lines(path)
    assert first.cells() == (
        "bench_x", "first audio", "160 ms", "158 / 160 / 171", "<= 170 ms", "0.94", "1.07", "PASS",
    )  # fmt: skip
    assert (second.goal, second.verdict) == (">= 1,500 x", "MISS")
    assert (third.value, third.verdict) == ("n/a", "")
    assert fourth.cells() == (
        "bench_x", "cold start (median)", "0.41 s", "", "<= 0.5 s", "0.82", "", "PASS",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("line", "name", "goal", "ratio", "verdict"),
    [
        (
            "decode mp3 44.1k stream 4 KiB      1,234x (min 1,100, max 1,300)   goal >= 1,500x  "
            "   ratio    0.82   MISS",
            "decode mp3 44.1k stream 4 KiB",
            ">= 1,500x",
            0.82,
            "MISS",
        ),
        (
            "tone keep-alive round trip, tiny request (median)                      1.4 ms    "
            "goal <= 10      ratio   0.14  PASS",
            "tone keep-alive round trip, tiny request (median)",
            "<= 10",
            0.14,
            "PASS",
        ),
        (
            "waves-local / bare req/s (medians): 0.45x   goal >= 0.5x  MISS",
            "waves-local / bare req/s (medians)",
            ">= 0.5x",
            0.9,
            "MISS",
        ),
        (
            "fonts     min    5.5 ms  median    5.6 ms  max    5.7 ms  goal <= 20 ms  "
            "(median/goal 0.28)",
            "fonts",
            "<= 20 ms",
            0.28,
            "PASS",
        ),
        (
            "endless ws        116M   116M   116M   <= 164 MB (baseline + cap + 100): 0.71x of "
            "goal, OK",
            "endless ws",
            "<= 164 MB",
            0.71,
            "PASS",
        ),
        (
            "server RSS growth after 300 MB body attempts: min 1.0 / median 2.0 / max 3.0 MB "
            "(idle 80 MB); goal <= 50 MB, ratio 0.06x of the goal",
            "server RSS growth after 300 MB body attempts",
            "<= 50 MB",
            0.06,
            "PASS",
        ),
        (
            "check_sample, 15 s speech          0.210/0.250/0.400 s   goal 1 s    ratio   0.25   "
            "PASS",
            "check_sample, 15 s speech",
            "1 s",
            0.25,
            "PASS",
        ),
        (
            "Piper joe 1000 chars: time to first chunk                              169.8 ms    "
            "goal <= 300     ratio   0.57  PASS",
            "Piper joe 1000 chars: time to first chunk",
            "<= 300",
            0.57,
            "PASS",
        ),
        (
            "memory growth, render 10 -> 50                    +0.3 MB   goal < 25 MB    "
            "ratio   0.01   PASS",
            "memory growth, render 10 -> 50",
            "< 25 MB",
            0.01,
            "PASS",
        ),
        (
            "memory after 50 renders (RSS)       223 MB   goal reported   ratio   0.00   PASS",
            "memory after 50 renders (RSS)",
            "reported",
            None,
            "",
        ),
        (
            "GUI RSS after 50 renders (piper)                   312 MB   goal <= 250 MB  "
            "ratio   1.25   MISS",
            "GUI RSS after 50 renders (piper)",
            "<= 250 MB",
            1.25,
            "MISS",
        ),
    ],
)
def test_fallback_parser_reads_the_printed_shapes(
    harness: tuple[ModuleType, ModuleType, ModuleType],
    line: str,
    name: str,
    goal: str,
    ratio: float | None,
    verdict: str,
) -> None:
    """Benches that only print (not yet on report()) still give name, goal, ratio and verdict."""
    _, parse, _ = harness
    figure = parse.parse_line("b", line)
    assert figure is not None
    assert (figure.name, figure.goal, figure.verdict) == (name, goal, verdict)
    assert figure.ratio_goal == (None if ratio is None else pytest.approx(ratio, abs=0.01))


def test_fallback_parser_skips_lines_that_are_not_results(
    harness: tuple[ModuleType, ModuleType, ModuleType],
) -> None:
    """Headings, column titles and notes are not figures."""
    _, parse, _ = harness
    text = "History: 10,000 takes\n  figure   value unit   goal   ratio\n  ('harbour' matches 3)\n"
    assert parse.parse_printed("b", text) == []


def test_failed_and_hung_benches_are_reported_not_hidden(
    harness: tuple[ModuleType, ModuleType, ModuleType], tmp_path: Path
) -> None:
    """A bench that exits non-zero is FAIL; one over its timeout is ended and shown as TIMEOUT."""
    _, _, run_all = harness
    env = dict(os.environ)
    failing = [sys.executable, "-c", "print('half a line'); raise SystemExit(3)"]
    status, output = run_all.run_one("b", failing, 60, env, tmp_path / "b.log", True)
    assert (status, output) == ("FAIL: exit 3", "half a line\n")
    hanging = [sys.executable, "-c", "import threading; threading.Event().wait()"]
    status, _ = run_all.run_one("h", hanging, 1, env, tmp_path / "h.log", True)
    assert status == "TIMEOUT after 1 s"


def test_options_a_bench_does_not_know_are_dropped(
    harness: tuple[ModuleType, ModuleType, ModuleType],
) -> None:
    """A quick option the bench lacks (it changed on another branch) does not break the run."""
    _, _, run_all = harness
    script = BENCH / "bench_store.py"
    kept = run_all.known_options(script, ("--takes", "300", "--rounds", "1", "--flag"))
    assert kept == ["--takes", "300"]
