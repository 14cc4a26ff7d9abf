"""Terminal progress for `waves-studio batch`: a live bar on a tty, plain lines otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from studio.batch.plan import format_duration
from studio.batch.runner import Progress
from studio.core.batch import QueueItem

BAR_WIDTH = 24
PLAIN_SUMMARY_EVERY_S = 5.0


def describe(p: Progress) -> str:
    """ "120/400 done, 2 failed · 850 chars/s · ETA 3 min 10 s · concurrency 3"."""
    c = p.counts
    parts = [f"{c.done + c.skipped}/{c.total} done"]
    if c.failed:
        parts[0] += f", {c.failed} failed"
    if p.chars_per_s:
        parts.append(f"{p.chars_per_s:,.0f} chars/s")
    if p.eta_s is not None and c.finished < c.total:
        parts.append(f"ETA {format_duration(p.eta_s)}")
    parts.append(f"concurrency {p.concurrency}")
    if p.paused:
        parts.append(f"PAUSED: {p.message}" if p.message else "PAUSED")
    return " · ".join(parts)


class TerminalProgress:
    """Receives runner events (from worker threads) and prints them.

    On a terminal one line is redrawn in place (at most 10 times a second); otherwise each
    finished item gets a plain line and a summary line follows every few seconds, so logs and
    pipes stay readable.

    Attributes:
        stream: Where to print.
        live: True when redrawing in place.
    """

    def __init__(self, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self._lock = threading.Lock()
        self._last_summary = 0.0
        self._drawn = False

    def __call__(self, event: object) -> None:
        with self._lock:
            if isinstance(event, QueueItem):
                self._item(event)
            elif isinstance(event, Progress):
                self._progress(event)

    def _item(self, item: QueueItem) -> None:
        if self.live and item.state == "done":
            return
        line = f"row {item.spec.row}: {item.state} {item.spec.out_name}"
        if item.error:
            line += f" ({item.error})"
        self._clear()
        print(line, file=self.stream, flush=True)

    def _progress(self, p: Progress) -> None:
        if self.live:
            c = p.counts
            filled = int(BAR_WIDTH * c.finished / c.total) if c.total else BAR_WIDTH
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stream.write(f"\r[{bar}] {describe(p)}\x1b[K")
            self.stream.flush()
            self._drawn = True
            return
        now = time.monotonic()
        if p.paused or now - self._last_summary >= PLAIN_SUMMARY_EVERY_S:
            self._last_summary = now
            print(describe(p), file=self.stream, flush=True)

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False

    def close(self) -> None:
        """End the live line."""
        with self._lock:
            if self._drawn:
                self.stream.write("\n")
                self.stream.flush()
                self._drawn = False
