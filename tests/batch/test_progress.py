"""Terminal progress: one line per finished row in a pipe, a redrawn bar on a terminal."""

from __future__ import annotations

import io

from studio.batch.progress import TerminalProgress, describe
from studio.batch.runner import Progress
from studio.core.batch import FAILED, ItemSpec, JobCounts, QueueItem

SPEC = ItemSpec(7, "k", "Hi.", "v", "lightning_v3.1", "en", 1.0, 8000, "wav", "k.wav")
PROGRESS = Progress(JobCounts(queued=5, running=2, done=3, failed=1, chars_total=100,
                              chars_done=40), 120.0, 30.0, 2)  # fmt: skip


def test_describe_names_counts_rate_eta_and_concurrency() -> None:
    """The status line has done/total, failures, characters per second, ETA and concurrency."""
    text = describe(PROGRESS)
    assert text == "3/11 done, 1 failed · 120 chars/s · ETA 30 s · concurrency 2"
    paused = Progress(PROGRESS.counts, 0.0, None, 1, True, "The disk is full.")
    assert describe(paused).endswith("PAUSED: The disk is full.")


def test_plain_output_prints_each_row_and_a_summary() -> None:
    """Not a terminal: a line per finished row (with its error) and the status, no escapes."""
    out = io.StringIO()
    display = TerminalProgress(out, live=False)
    display(QueueItem(1, 1, 0, SPEC, FAILED, error="Voice not found."))
    display(PROGRESS)
    display.close()
    assert out.getvalue().splitlines() == [
        "row 7: failed k.wav (Voice not found.)",
        describe(PROGRESS),
    ]
    assert "\r" not in out.getvalue()


def test_live_output_redraws_one_line() -> None:
    """A terminal gets a bar redrawn in place, ended with a newline on close."""
    out = io.StringIO()
    display = TerminalProgress(out, live=True)
    display(PROGRESS)
    display(PROGRESS)
    display.close()
    text = out.getvalue()
    assert text.count("\r[") == 2 and "[########" in text and text.endswith("\n")
