"""What the history and the cache share: one SQLite connection behind a lock, errors translated."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Self

from studio.core.errors import StoreError
from studio.store import db


class SqliteStore:
    """Base of TakeStore and RenderCache: serialised use of one connection.

    `check_same_thread=False` lets services call from worker threads; the lock makes those
    calls take turns. Every sqlite3 or OS error leaves as a StoreError with a user message.

    Attributes:
        what: "history" or "render cache", for messages.
    """

    what = "store"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def close(self) -> None:
        """Close the database (further calls raise StoreError)."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _using(self, action: str) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; `action` ("saving the take") goes in messages."""
        with self._lock:
            if self._conn is None:
                raise StoreError(f"The {self.what} is closed. Restart Waves Studio.")
            try:
                yield self._conn
            except (sqlite3.Error, OSError) as exc:
                raise db.store_error(exc, self.what, action) from exc
