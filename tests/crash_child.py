"""A child process killed with SIGKILL at a seeded random moment (the project crash tests)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kill_9_mid_run(module: str, args: Sequence[str], seed: int) -> tuple[str, list[str], float]:
    """Run `python -m module ARGS` from the repository root; once it prints its "ready" line,
    let it run for 0.3–2 s (chosen by `seed`) and SIGKILL it.

    Returns:
        Its "ready" line, the non-empty lines it printed after it, and the CLOCK_MONOTONIC
        time of the kill.
    """
    worker = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert worker.stdout is not None
        ready = worker.stdout.readline()
        assert ready.split()[:1] == ["ready"], worker.stderr.read() if worker.stderr else ""
        runs_for = random.Random(seed).uniform(0.3, 2.0)
        start = time.monotonic()
        lines = []
        while time.monotonic() - start < runs_for:
            lines.append(worker.stdout.readline())
        killed_at = time.monotonic()
        os.kill(worker.pid, signal.SIGKILL)
        rest, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    return ready, [line for line in [*lines, *rest.splitlines()] if line.strip()], killed_at
