"""The suite's exit guard: a leaked thread ends the run with its stack instead of a hang."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LEAK = """
import threading
from tests.leaked_threads import exit_if_leaked
threading.Thread(target=threading.Event().wait, name="stuck-worker").start()
threading.Thread(target=lambda: None, name="finishes").start()
exit_if_leaked({status}, grace_s=0.3)
print("not reached")
"""


def _run(status: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LEAK.format(status=status)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_leaked_thread_ends_the_run_with_its_stack() -> None:
    """A thread blocked for ever: the process exits non-zero, naming it, instead of hanging."""
    done = _run(0)
    assert done.returncode == 3
    assert "stuck-worker" in done.stderr and "wait" in done.stderr
    assert "finishes" not in done.stderr and "not reached" not in done.stdout


def test_failed_run_keeps_its_own_exit_status() -> None:
    """Tests already failed (status 1): that status is what the run reports."""
    assert _run(1).returncode == 1
