"""Counters waves-local keeps about itself: arrivals, synthesis slots and the usage log (§8)."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from studio.local.ids import iso_from_unix
from studio.local.wire import WireError, busy


class RequestStats:
    """Requests seen per path, counted when they arrive (before auth, faults or validation)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: Counter[str] = Counter()

    def record(self, path: str) -> None:
        """Count one HTTP request or WebSocket connection on `path`."""
        with self._lock:
            self._paths[path] += 1

    def requests(self, path_prefix: str = "") -> int:
        """How many requests arrived on paths starting with `path_prefix`."""
        with self._lock:
            return sum(n for path, n in self._paths.items() if path.startswith(path_prefix))

    def reset(self) -> None:
        """Forget every count."""
        with self._lock:
            self._paths.clear()


@dataclass(frozen=True)
class LogEntry:
    """One synthesis for the analytics log (`TextToSpeechLogEntry`)."""

    timestamp: float
    request_type: str
    model: str
    voice_id: str
    language: str
    text: str
    speed: float
    sample_rate: int
    output_format: str
    is_pvc: bool

    @property
    def credits(self) -> float:
        """Notional cost: one credit per character."""
        return float(len(self.text))

    def to_api(self) -> dict[str, Any]:
        """The wire shape."""
        return {
            "timestamp": iso_from_unix(self.timestamp),
            "request_type": self.request_type,
            "model": self.model,
            "voice_id": self.voice_id,
            "language": self.language,
            "text": self.text,
            "text_len": len(self.text),
            "credits": self.credits,
            "speed": self.speed,
            "sample_rate": self.sample_rate,
            "output_format": self.output_format,
            "enhancement": None,
            "similarity": None,
            "consistency": None,
            "is_pvc": self.is_pvc,
        }


class UsageLog:
    """Syntheses, concurrency samples and WebSocket openings, kept in memory for analytics."""

    def __init__(self, max_entries: int = 10000) -> None:
        self._lock = threading.Lock()
        # Bounded deques: once full, a list's `del entries[:-max]` moved 10,000 pointers on
        # every request (three times); a deque drops its oldest item in O(1).
        self.entries: deque[LogEntry] = deque(maxlen=max_entries)
        self.concurrency: deque[tuple[float, int]] = deque(maxlen=max_entries)
        self.ws_opened: deque[float] = deque(maxlen=max_entries)

    def add(self, entry: LogEntry) -> None:
        """Record one synthesis."""
        with self._lock:
            self.entries.append(entry)

    def sample_concurrency(self, active: int) -> None:
        """Record how many syntheses run right now."""
        with self._lock:
            self.concurrency.append((time.time(), active))

    def ws_connection(self) -> None:
        """Record a WebSocket opening."""
        with self._lock:
            self.ws_opened.append(time.time())

    def snapshot(self) -> tuple[list[LogEntry], list[tuple[float, int]], list[float]]:
        """Copies of the three series."""
        with self._lock:
            return list(self.entries), list(self.concurrency), list(self.ws_opened)


class Lease:
    """One held synthesis slot; `release()` is idempotent."""

    def __init__(self, limiter: SlotLimiter) -> None:
        self._limiter = limiter
        self._released = False

    def release(self) -> None:
        """Give the slot back (once)."""
        if not self._released:
            self._released = True
            self._limiter.release_one()


class SlotLimiter:
    """At most `capacity` syntheses at once across HTTP, SSE and WebSocket (§11).

    Attributes:
        capacity: The limit (`--max-concurrency`).
    """

    def __init__(self, capacity: int, usage: UsageLog) -> None:
        self.capacity = capacity
        self._usage = usage
        self._active = 0
        self._idle = threading.Condition()

    def acquire(self) -> Lease:
        """Take a slot at once, or raise the 429 WireError (never waits)."""
        with self._idle:
            if self._active >= self.capacity:
                raise self.busy_error()
            self._active += 1
            active = self._active
        self._usage.sample_concurrency(active)
        return Lease(self)

    def busy_error(self) -> WireError:
        """The 429 for this limiter."""
        return busy(self.capacity)

    def release_one(self) -> None:
        """Called by `Lease.release`."""
        with self._idle:
            self._active -= 1
            active = self._active
            self._idle.notify_all()
        self._usage.sample_concurrency(active)

    def wait_idle(self, timeout: float) -> bool:
        """Block until no synthesis runs; False if that did not happen within `timeout` s."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout)
