"""Batched autosave: record every change, write the latest at most once per interval."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from studio.core.project import Project
from studio.store.project_file import ProjectFile

DEFAULT_INTERVAL_S = 0.5


class ProjectAutosaver:
    """Coalesces saves of a project file: `changed` is cheap (any thread, e.g. the GUI after
    each edit); `flush`/`poll` write the newest value (a worker thread). With the interval at
    0.5 s and a timer calling `poll` when `due_in` says, a crash loses under a second of edits.

    Attributes:
        file: The open project file.
        interval_s: Minimum time between two writes.
    """

    def __init__(
        self,
        file: ProjectFile,
        interval_s: float = DEFAULT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.file = file
        self.interval_s = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending: Project | None = None
        self._last_write = float("-inf")

    def changed(self, project: Project) -> None:
        """Note the newest project value (nothing is written here)."""
        with self._lock:
            self._pending = project

    @property
    def pending(self) -> bool:
        """True while a change waits to be written."""
        with self._lock:
            return self._pending is not None

    def due_in(self) -> float | None:
        """Seconds until the pending change should be written (0: now), None if none waits."""
        with self._lock:
            if self._pending is None:
                return None
            return max(0.0, self._last_write + self.interval_s - self._clock())

    def poll(self) -> bool:
        """Write the pending change if it is due; True when something was written."""
        due = self.due_in()
        return due == 0.0 and self.flush()

    def flush(self) -> bool:
        """Write the pending change now (on close, before Save As); True if there was one."""
        with self._write_lock:
            with self._lock:
                project, self._pending = self._pending, None
                if project is None:
                    return False
            try:
                self.file.save(project)
            except BaseException:
                with self._lock:  # keep it for the next attempt unless newer came meanwhile
                    self._pending = self._pending or project
                raise
            with self._lock:
                self._last_write = self._clock()
            return True
