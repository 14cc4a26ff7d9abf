"""Adaptive concurrency for the batch runner: AIMD on 429, holds for Retry-After, back-off."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_S = 1.0  # a 429 without Retry-After
MAX_HOLD_S = 60.0
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0


def backoff_s(attempt: int, rng: random.Random | None = None) -> float:
    """Capped exponential back-off with jitter before retry number `attempt` (1-based).

    "Equal jitter" (a uniform draw between half the cap and the cap) spreads retries of items
    that failed together, so they do not hit the server again in one burst.
    """
    cap = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempt - 1))
    return (rng or random).uniform(cap / 2, cap)


class Concurrency:
    """How many renders may run now: additive increase, multiplicative decrease.

    Starts at the user's limit; a 429 halves it (at least 1) and holds every new start for the
    server's Retry-After; after `limit`-many successes in a row (at least 4) it grows by one,
    never above the user's limit. Pause holds all starts; stop wakes every waiter.

    Attributes:
        limit: The user's ceiling.
        current: The window now.
        history: (monotonic time, new window) for each change, for logs and tests.
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = max(1, limit)
        self.current = self.limit
        self.history: list[tuple[float, int]] = [(clock(), self.current)]
        self._clock = clock
        self._active = 0
        self._successes = 0
        self._hold_until = 0.0
        self._paused = False
        self._stopped = False
        self._cond = threading.Condition()

    @property
    def active(self) -> int:
        """Renders running now."""
        return self._active

    def acquire(self) -> bool:
        """Wait for a slot; False when stopped."""
        with self._cond:
            while True:
                if self._stopped:
                    return False
                wait = self._hold_until - self._clock()
                if not self._paused and wait <= 0 and self._active < self.current:
                    self._active += 1
                    return True
                self._cond.wait(timeout=wait if wait > 0 and not self._paused else None)

    def release(self) -> None:
        """Give a slot back."""
        with self._cond:
            self._active = max(0, self._active - 1)
            self._cond.notify_all()

    def on_success(self) -> None:
        """A render went through: after a run of them, allow one more at a time."""
        with self._cond:
            self._successes += 1
            if self.current < self.limit and self._successes >= max(4, self.current):
                self._set(self.current + 1, "successes")
                self._cond.notify_all()

    def on_rate_limited(self, retry_after: float | None) -> None:
        """A 429: halve the window and hold new starts for the server's Retry-After."""
        with self._cond:
            self._successes = 0
            hold = DEFAULT_RETRY_AFTER_S if retry_after is None else retry_after
            self._hold_until = max(self._hold_until, self._clock() + min(hold, MAX_HOLD_S))
            self._set(max(1, self.current // 2), f"429, Retry-After {hold:g} s")

    def set_paused(self, paused: bool) -> None:
        """Hold (or release) every new start."""
        with self._cond:
            self._paused = paused
            self._cond.notify_all()

    def stop(self) -> None:
        """Wake every waiter with False."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def _set(self, value: int, why: str) -> None:
        if value != self.current:
            log.info("batch concurrency %d -> %d (%s)", self.current, value, why)
            self.current = value
            self.history.append((self._clock(), value))
