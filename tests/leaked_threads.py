"""A run that leaked a thread ends with its name and stack, never with a hang.

Python waits for every non-daemon thread before it exits. A test that fails half-way can leave
one blocked for ever (a runner still paused, a worker waiting on an event nobody sets); the run
would then sit until CI's own deadline killed it, with no word of which test or thread. Here the
run waits a few seconds for stragglers, prints each one's stack, and exits non-zero.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback

GRACE_S = 10.0


def leaked_threads(grace_s: float = GRACE_S) -> list[threading.Thread]:
    """Non-daemon threads other than this one still alive after `grace_s` of waiting."""
    deadline = time.monotonic() + grace_s
    while True:
        alive = [
            t
            for t in threading.enumerate()
            if t is not threading.current_thread() and not t.daemon and t.is_alive()
        ]
        left = deadline - time.monotonic()
        if not alive or left <= 0:
            return alive
        alive[0].join(min(left, 0.5))


def exit_if_leaked(exit_status: int, grace_s: float = GRACE_S) -> None:
    """Print the stacks of leaked threads and end the process at once (see module doc)."""
    alive = leaked_threads(grace_s)
    if not alive:
        return
    frames = sys._current_frames()
    out = sys.stderr
    out.write(f"\n{len(alive)} thread(s) still running after the tests; the run would hang:\n")
    for thread in alive:
        out.write(f"\n--- {thread.name} ---\n")
        frame = frames.get(thread.ident or -1)
        if frame is not None:
            out.write("".join(traceback.format_stack(frame)))
    out.flush()
    sys.stdout.flush()
    os._exit(exit_status or 3)
