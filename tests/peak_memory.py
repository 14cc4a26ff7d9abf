"""Peak memory of a block of a test, from the kernel's resident-set high-water mark.

tracemalloc is not safe in tests where threads that Python did not start (Qt's thread pools,
PortAudio's callback thread) enter Python while it traces: CPython 3.11 crashes creating their
thread state (seen as segfaults in traceback_new). The kernel's figure needs no hook: Linux
resets a process's peak resident size when "5" is written to /proc/self/clear_refs.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _kib(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


class Peak:
    """How far resident memory rose above its level at the block's start (bytes)."""

    def __init__(self) -> None:
        self.base = 0
        self.rise = 0

    def now(self) -> int:
        """The rise so far (the block may still be running)."""
        return max(0, _kib("VmHWM") * 1024 - self.base)


@contextmanager
def peak_rise() -> Iterator[Peak]:
    """Measure the peak rise of resident memory over the `with` block (Linux only)."""
    try:
        gc.collect()
        CLEAR_REFS.write_text("5")
        base = _kib("VmRSS") * 1024
    except (OSError, LookupError):
        pytest.skip("this kernel does not report a resettable peak resident size")
    peak = Peak()
    peak.base = base
    try:
        yield peak
    finally:
        peak.rise = peak.now()
