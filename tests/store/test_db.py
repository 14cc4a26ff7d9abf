"""The SQLite plumbing: user messages for low-level failures, moving damaged files aside."""

import errno
import sqlite3
from pathlib import Path

import pytest

from studio.core.errors import StoreError
from studio.store import db
from studio.store.takes import TakeStore


@pytest.mark.parametrize(
    ("exc", "advice"),
    [
        (sqlite3.OperationalError("database is locked"), "Another Waves Studio window"),
        (sqlite3.OperationalError("database or disk is full"), "disk is full"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
        (sqlite3.DatabaseError("database disk image is malformed"), "restart Waves Studio"),
        (PermissionError(errno.EACCES, "Permission denied"), "not writable"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "not writable"),
        (OSError(errno.EIO, "Input/output error"), "disk is working"),
    ],
)
def test_low_level_failures_become_advice(exc: Exception, advice: str) -> None:
    """Each sqlite3/OS failure maps to a StoreError that says what to do, without the repr."""
    error = db.store_error(exc, "history", "saving the take")
    assert isinstance(error, StoreError)
    assert error.user_message.startswith("The history failed while saving the take.")
    assert advice in error.user_message
    assert error.__cause__ is exc


def test_move_aside_never_overwrites_an_earlier_copy(tmp_path: Path) -> None:
    """Two damaged files in the same second get two distinct names; WAL goes along."""
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"first")
    first = db.move_aside(path)
    path.write_bytes(b"second")
    (tmp_path / "history.sqlite3-wal").write_bytes(b"wal")
    (tmp_path / "history.sqlite3-shm").write_bytes(b"shm")
    second = db.move_aside(path)
    assert first != second
    assert (first.read_bytes(), second.read_bytes()) == (b"first", b"second")
    assert second.with_name(second.name + "-wal").read_bytes() == b"wal"
    assert not path.exists()
    assert not (tmp_path / "history.sqlite3-shm").exists()


def test_recovery_works_where_open_files_cannot_be_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If renaming the open damaged file is refused (as on Windows), it closes and retries."""
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"not a database" * 100)
    real_move_aside = db.move_aside
    calls: list[Path] = []

    def refuse_first_time(target: Path) -> Path:
        calls.append(target)
        if len(calls) == 1:
            raise PermissionError(errno.EACCES, "file in use")
        return real_move_aside(target)

    monkeypatch.setattr(db, "move_aside", refuse_first_time)
    with TakeStore(path) as store:
        assert store.recovered_message
        assert store.count() == 0
    assert len(calls) == 2
