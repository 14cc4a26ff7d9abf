"""`waves-studio batch`: exit codes, dry run, report, and kill -9 at random moments + resume."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile

from studio.cli import main
from tests.batch.helpers import EXAMPLES, write_lines_csv
from tests.conftest import WAVES_LOCAL_TEST_KEY

ROOT = Path(__file__).resolve().parents[2]


def _args(profile: Path, *rest: str) -> list[str]:
    return ["--profile", str(profile), "batch", *rest]


def _report(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_usage_errors_exit_1(tmp_path: Path, capsys) -> None:
    """No input, no --out, a bad flag or an unreadable input: exit status 1 with a message."""
    assert main(_args(tmp_path, "--out", str(tmp_path))) == 1
    assert main(_args(tmp_path, str(EXAMPLES / "prompts.csv"))) == 1
    assert "--out DIR" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(_args(tmp_path, "--concurrency", "many"))
    assert exit_info.value.code == 1
    assert main(_args(tmp_path, str(tmp_path / "missing.csv"), "--dry-run")) == 1
    assert main(_args(tmp_path, "--resume-last")) == 1
    assert "no unfinished batch job" in capsys.readouterr().err


def test_dry_run_lists_bad_rows_and_renders_nothing(tmp_path: Path, capsys) -> None:
    """A dry run prints each invalid row with its column, the totals, and exits 2."""
    source = tmp_path / "in.csv"
    source.write_text("id,text,speed\na,Fine line.,1\nb,,1\nc,Too fast,9\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(_args(tmp_path, str(source), "--out", str(out), "--dry-run")) == 2
    printed = capsys.readouterr().out
    assert "row 3, text: is empty" in printed and "row 4, speed: 9 is outside" in printed
    assert "3 rows: 1 to render, 2 invalid" in printed and not out.exists()


def test_run_exits_2_when_rows_are_invalid_and_reports_them(
    tmp_path: Path, capsys, monkeypatch, waves_local
) -> None:
    """Valid rows render; invalid ones are in the report with their error; exit status 2."""
    monkeypatch.setenv("SMALLEST_API_KEY", WAVES_LOCAL_TEST_KEY)
    source = tmp_path / "in.csv"
    source.write_text('id,text,voice\na,"=1+1 is two.",\nb,Hi,nobody\n', encoding="utf-8")
    out, report = tmp_path / "out", tmp_path / "report.csv"
    code = main(
        _args(tmp_path, str(source), "--out", str(out), "--base-url", waves_local.base_url,
              "--report", str(report), "--format", "flac", "--sample-rate", "16000")
    )  # fmt: skip
    assert code == 2, capsys.readouterr().err
    rows = _report(report)
    assert [(r["row"], r["state"]) for r in rows] == [("2", "done"), ("3", "invalid")]
    assert "not a voice" in rows[1]["error"]
    assert soundfile.info(rows[0]["output"]).samplerate == 16000


@pytest.mark.slow
def test_kill_9_at_random_moments_then_resume_last(tmp_path: Path, waves_local) -> None:
    """Killed 10 times mid-job and resumed: one complete file per row, report once per row."""
    rows = 30
    source = write_lines_csv(tmp_path / "in.csv", rows, prefix="Kill test line")
    out, profile = tmp_path / "out", tmp_path / "profile"
    env = {**os.environ, "SMALLEST_API_KEY": WAVES_LOCAL_TEST_KEY, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "studio", "--profile", str(profile), "batch"]
    first = [str(source), "--out", str(out), "--base-url", waves_local.base_url,
             "--format", "wav", "--sample-rate", "8000", "--concurrency", "3"]  # fmt: skip
    rng = random.Random(1414)
    for attempt in range(10):
        command = base + (first if attempt == 0 else ["--resume-last"])
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        line = child.stdout.readline()
        while line and not line.startswith("job "):
            line = child.stdout.readline()
        for _ in range(rng.randint(0, 3)):
            child.stdout.readline()
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=60)
    final = subprocess.run(
        [*base, "--resume-last"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert final.returncode == 0, final.stdout + final.stderr
    report = _report(next(out.glob("batch-report-*.csv")))
    assert sorted(int(r["row"]) for r in report) == list(range(2, rows + 2))
    assert {r["state"] for r in report} <= {"done", "skipped"}
    audio = sorted(p for p in out.iterdir() if p.suffix == ".wav")
    assert [p.name for p in audio] == [f"r{n:04d}.wav" for n in range(rows)]
    for path in audio:
        info = soundfile.info(str(path))
        assert info.samplerate == 8000 and info.frames > 800
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
