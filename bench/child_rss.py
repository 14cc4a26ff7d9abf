"""Memory of a benchmark's child process (Linux /proc), and its Qt loop spun until a condition."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def status_mb(field: str) -> float:
    """/proc/self/status's `field` in MB (VmRSS: resident now; VmHWM: its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def idle_mb() -> float:
    """The resident MB now; the peak (VmHWM) starts again from here."""
    idle = status_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    return idle


def spin_until(
    app: Any, condition: Callable[..., bool], timeout_s: float = 30.0, step_s: float = 0.01
) -> None:
    """Process `app`'s events every `step_s` until `condition()` holds (a lambda may bind a
    loop's value as a default: hence `...`); the child exits with "timed out" after `timeout_s`."""
    tick = threading.Event()
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        app.processEvents()
        tick.wait(step_s)
