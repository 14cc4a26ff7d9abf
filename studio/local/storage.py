"""Crash-safe JSON and file storage for waves-local's data folder."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from studio.core.errors import StoreError
from studio.store import atomic as store_atomic

log = logging.getLogger(__name__)
T = TypeVar("T")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new content, never half.

    Raises:
        StoreError: the data folder is not writable or the disk is full.
    """
    try:
        store_atomic.atomic_write_bytes(path, data)
    except OSError as exc:
        raise StoreError(
            f"waves-local could not save {path.name} in {path.parent} ({exc.strerror}). "
            "Check that the data folder is writable and the disk is not full."
        ) from exc


def atomic_write_json(path: Path, value: Any) -> None:
    """Serialise `value` as UTF-8 JSON and write it atomically."""
    atomic_write_bytes(path, json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"))


def read_json_list(path: Path) -> list[Any]:
    """Read a JSON array; a missing file is empty.

    A corrupt file is moved aside (never deleted) and the store starts empty, so the server
    still starts and the old bytes stay on disk for a person to look at.
    """
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError, RecursionError) as exc:
        # ValueError covers malformed JSON, bad UTF-8 and numbers Python refuses (> 4,300 digits).
        _move_aside(path, str(exc)[:200])
        return []
    if not isinstance(value, list):
        # Valid JSON of another shape (hand-edited, a newer version): keep it, out of the way.
        _move_aside(path, "it does not hold a JSON array")
        return []
    return value


def check_data_dir(data_dir: Path, create: bool = False) -> None:
    """Raise StoreError with a sentence when `data_dir` cannot be a folder (a file is in the
    way, or it cannot be created); with `create`, make it."""
    in_the_way = next(
        (p for p in (data_dir, *data_dir.parents) if p.exists() and not p.is_dir()), None
    )
    if in_the_way is not None:
        raise StoreError(
            f"waves-local cannot use {data_dir} as its data folder: {in_the_way} is a file. "
            "Move that file away or choose another folder with --data-dir."
        )
    if create:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"waves-local cannot create its data folder {data_dir} ({exc.strerror}). "
                "Choose another folder with --data-dir."
            ) from exc


def _move_aside(path: Path, why: str) -> None:
    aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
    log.warning("waves-local: %s is unreadable (%s); moved it to %s", path, why, aside.name)
    with contextlib.suppress(OSError):
        path.replace(aside)


class JsonRecords:
    """Records keyed by id, kept in one JSON array file, safe across threads and processes.

    Every app window embeds its own waves-local on the same data folder, so a store can never
    trust its memory: reads reload the file when it changed on disk, and changes happen under
    an exclusive file lock (re-read, apply, write atomically), so one server never overwrites
    another's records. Memory is only updated after the file was written.

    Attributes:
        path: The JSON file.
        key: The record field that holds its id.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self._lock = threading.Lock()
        self._records: dict[str, dict[str, Any]] = {}
        self._stamp: tuple[int, int, int] | None = None
        with self._lock:
            self._reload()

    def _disk_stamp(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def _reload(self) -> None:
        stamp = self._disk_stamp()
        if stamp == self._stamp and (stamp is not None or not self._records):
            return
        records: dict[str, dict[str, Any]] = {}
        for entry in read_json_list(self.path):
            if isinstance(entry, dict) and isinstance(entry.get(self.key), str):
                records[entry[self.key]] = entry
        self._records, self._stamp = records, self._disk_stamp()

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """The current records (a copy), reloaded from disk if another process changed them."""
        with self._lock:
            self._reload()
            return {k: dict(v) for k, v in self._records.items()}

    def change(self, edit: Callable[[dict[str, dict[str, Any]]], tuple[T, bool]]) -> tuple[T, bool]:
        """Apply `edit` to a fresh copy of the records and save it, under the file lock.

        `edit` returns (result, changed); nothing is written when it did not change anything.

        Raises:
            StoreError: the file could not be written (memory stays as it was).
        """
        with self._lock, _file_lock(self.path):
            self._stamp = None  # always re-read under the lock
            self._reload()
            records = {k: dict(v) for k, v in self._records.items()}
            result, changed = edit(records)
            if changed:
                atomic_write_json(self.path, list(records.values()))
                self._records, self._stamp = records, self._disk_stamp()
            return result, changed


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock shared by every process using `path` (a no-op where fcntl is absent)."""
    try:
        import fcntl
    except ImportError:  # Windows: one process per data folder is the norm there
        yield
        return
    lock_path = path.with_name(f".{path.name}.lock")
    check_data_dir(lock_path.parent, create=True)
    try:
        handle = open(lock_path, "a+b")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise StoreError(
            f"waves-local could not open {lock_path} ({exc.strerror}). Check that the data "
            "folder is writable."
        ) from exc
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
