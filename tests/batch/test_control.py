"""Concurrency (AIMD, Retry-After holds, pause/stop) and the back-off schedule."""

from __future__ import annotations

import random
import threading

from studio.batch.control import BACKOFF_CAP_S, Concurrency, backoff_s


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_429_halves_then_successes_creep_back_to_the_limit() -> None:
    """Multiplicative decrease on 429, additive increase after a run of successes, capped."""
    c = Concurrency(8, clock=Clock())
    c.on_rate_limited(0)
    c.on_rate_limited(0)
    assert c.current == 2
    for _ in range(4):
        c.on_success()
    assert c.current == 3
    for _ in range(200):
        c.on_success()
    assert c.current == 8 and [w for _, w in c.history] == [8, 4, 2, 3, 4, 5, 6, 7, 8]


def test_retry_after_holds_every_start_until_it_passes() -> None:
    """No slot is handed out before the server's Retry-After has passed."""
    clock = Clock()
    c = Concurrency(2, clock=clock)
    c.on_rate_limited(5)
    got = threading.Event()
    worker = threading.Thread(target=lambda: c.acquire() and got.set())
    worker.start()
    assert not got.wait(0.2)
    clock.now += 5.01
    with c._cond:  # the waiter re-reads the clock when woken
        c._cond.notify_all()
    assert got.wait(5)
    worker.join()


def test_window_limits_active_renders_and_stop_wakes_waiters() -> None:
    """Only `current` slots at once; stop() makes waiting acquires return False."""
    c = Concurrency(1)
    assert c.acquire()
    results: list[bool] = []
    waiter = threading.Thread(target=lambda: results.append(c.acquire()))
    waiter.start()
    c.stop()
    waiter.join(5)
    assert results == [False]


def test_backoff_grows_capped_with_jitter() -> None:
    """Waits double per retry, stay within [cap/2, cap], and never exceed the overall cap."""
    rng = random.Random(1)
    waits = [backoff_s(n, rng) for n in range(1, 12)]
    assert 0.25 <= waits[0] <= 0.5 and 0.5 <= waits[1] <= 1.0
    assert all(BACKOFF_CAP_S / 2 <= w <= BACKOFF_CAP_S for w in waits[7:])
    assert len({round(w, 6) for w in waits}) == len(waits)
