"""Small judgements of the batch runner: what to retry, a full disk, a live owner, debris."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from studio.audio.atomic import is_partial
from studio.core.errors import ApiError, ExportError, NetworkError, StudioError

log = logging.getLogger(__name__)


def retryable(exc: StudioError) -> bool:
    """5xx, timeouts and broken connections are worth another try; 4xx are not."""
    return isinstance(exc, NetworkError) or (
        isinstance(exc, ApiError) and (exc.status >= 500 or exc.status in (408, 0))
    )


def disk_full(exc: ExportError) -> bool:
    """The save failed because the disk (or quota) is full: pause rather than fail."""
    cause = exc.__cause__
    return isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT)


def alive(pid: int) -> bool:
    """True when a process with that id exists (ours or not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_partials(folder: Path, names: set[str]) -> None:
    """Delete temp files of this job's outputs (`.NAME.partial-xxxx`) left by a killed run."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if is_partial(entry.name) and entry.name[1:].rsplit(".partial-", 1)[0] in names:
            try:
                os.unlink(entry.path)
            except OSError as exc:
                log.warning("could not remove %s: %s", entry.path, exc)
