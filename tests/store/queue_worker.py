"""A child process for the queue's kill -9 test: works through a job, one line per step.

Run as `python -m tests.store.queue_worker <db> <job_id> <out_dir>`. It recovers the job as a
resume does (items left running whose file is complete are done; the rest are queued again),
then for each item: claim (commit), write the file atomically, mark done (commit), print.
"""

from __future__ import annotations

import sys
from pathlib import Path

from studio.core.batch import DONE
from studio.store.atomic import atomic_write_bytes
from studio.store.queue import QueueStore


def payload(text: str) -> bytes:
    """The file an item must end up with (complete files are exactly this)."""
    return (text * 200).encode()


def main(argv: list[str]) -> int:
    """Entry point; returns the exit status."""
    path, job_id, out = Path(argv[0]), int(argv[1]), Path(argv[2])
    with QueueStore(path) as store:
        for item in store.reset_running(job_id):
            target = out / item.spec.out_name
            if target.exists() and target.read_bytes() == payload(item.spec.text):
                store.finish(item.id, DONE, backend="resumed")
        while (item := store.claim(job_id)) is not None:
            atomic_write_bytes(out / item.spec.out_name, payload(item.spec.text))
            store.finish(item.id, DONE, backend="worker")
            print(item.seq, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
