"""TakeStore when things go wrong: damaged files, schema upgrades, a busy or unusable database."""

import sqlite3
from pathlib import Path

import pytest

from studio.core.errors import StoreError
from studio.store import db
from studio.store.takes import TakeStore
from studio.store.takes_schema import MIGRATIONS
from tests.store.helpers import make_rendered


def _add(store: TakeStore, text: str):
    return store.add(make_rendered(text, seconds=0.05), backend="local", base_url="", source="main")


def _history_with_takes(path: Path, count: int = 25) -> None:
    with TakeStore(path) as store:
        for n in range(count):
            _add(store, f"Old take number {n}.")


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"\x00garbage, not SQLite\xff" * 500)
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    else:  # a damaged header: "file is not a database"
        path.write_bytes(b"X" * 100 + data[100:])


@pytest.mark.parametrize("how", ["garbage", "truncated", "header"])
def test_a_damaged_history_is_moved_aside_and_a_new_one_started(tmp_path: Path, how: str) -> None:
    """The damaged file is kept (renamed), the user is told where, and the new history works."""
    path = tmp_path / "history.sqlite3"
    _history_with_takes(path)
    _damage(path, how)
    damaged = path.read_bytes()
    with TakeStore(path) as store:
        message = store.recovered_message
        assert message.startswith("History was damaged and has been moved to ")
        assert message.endswith("; a new one was started.")
        found = tmp_path.glob("history.sqlite3.corrupt-*")
        asides = [p for p in found if not p.name.endswith("-wal")]
        assert len(asides) == 1
        assert str(asides[0]) in message
        assert asides[0].read_bytes() == damaged
        old_audio = list(tmp_path.glob("history-audio.corrupt-*"))
        assert len(old_audio) == 1
        assert len(list(old_audio[0].rglob("take-*"))) == 25  # old audio kept, out of the way
        assert store.count() == 0
        take = _add(store, "A fresh start.")
        assert store.load_audio(take).data
        assert store.integrity_check() == "ok"
    with TakeStore(path) as store:  # the next start is quiet
        assert store.recovered_message == ""
        assert store.count() == 1


def test_a_stale_wal_of_a_damaged_history_is_not_replayed(tmp_path: Path) -> None:
    """The damaged file's WAL moves aside with it, so the new history starts clean."""
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    wal = tmp_path / "history.sqlite3-wal"
    wal.write_bytes(b"old wal bytes" * 100)
    with TakeStore(path) as store:
        assert store.recovered_message
        assert store.count() == 0
    asides = list(tmp_path.glob("history.sqlite3.corrupt-*-wal"))
    assert [p.read_bytes() for p in asides] == [b"old wal bytes" * 100]


def test_an_empty_file_becomes_a_new_history(tmp_path: Path) -> None:
    """A zero-byte file (version 0) is migrated to the current schema, not treated as damage."""
    path = tmp_path / "history.sqlite3"
    path.touch()
    with TakeStore(path) as store:
        assert store.recovered_message == ""
        _add(store, "First.")
    assert _user_version(path) == len(MIGRATIONS)


def test_an_added_step_migrates_keeping_every_take(tmp_path: Path) -> None:
    """An added migration step upgrades an existing file once, rows intact."""
    path = tmp_path / "history.sqlite3"
    _history_with_takes(path, 5)
    assert _user_version(path) == len(MIGRATIONS)
    add_notes = db.sql_steps("ALTER TABLE takes ADD COLUMN notes TEXT NOT NULL DEFAULT ''")
    v2 = (*MIGRATIONS, add_notes)
    with TakeStore(path, migrations=v2) as store:
        assert [t.text for t in store.search()] == [
            f"Old take number {n}." for n in range(4, -1, -1)
        ]
        _add(store, "Made at the next version.")
    assert _user_version(path) == len(MIGRATIONS) + 1
    assert "notes" in _columns(path)
    with TakeStore(path, migrations=v2) as store:  # opening again does not re-run the step
        assert store.count() == 6


def test_a_failed_migration_changes_nothing(tmp_path: Path) -> None:
    """A step that fails half-way rolls back: same version, same columns, same takes."""
    path = tmp_path / "history.sqlite3"
    _history_with_takes(path, 3)
    broken = db.sql_steps(
        "ALTER TABLE takes ADD COLUMN notes TEXT", "INSERT INTO no_such_table VALUES (1)"
    )
    with pytest.raises(StoreError):
        TakeStore(path, migrations=(*MIGRATIONS, broken))
    assert _user_version(path) == len(MIGRATIONS)
    assert "notes" not in _columns(path)
    with TakeStore(path) as store:
        assert store.count() == 3
        assert store.recovered_message == ""


def test_a_history_from_a_newer_version_is_left_alone(tmp_path: Path) -> None:
    """A newer schema is refused with advice to update, and the file is not touched or moved."""
    path = tmp_path / "history.sqlite3"
    _history_with_takes(path, 2)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        TakeStore(path)
    assert "newer version" in caught.value.user_message
    assert "Update Waves Studio" in caught.value.user_message
    assert path.read_bytes() == before
    assert list(tmp_path.glob("*.corrupt-*")) == []


def test_a_busy_history_is_a_store_error_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process holds the write lock past the timeout, add says so and can retry."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "history.sqlite3"
    with TakeStore(path) as store:
        _add(store, "Before.")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError) as caught:
            _add(store, "Blocked.")
        assert "Another Waves Studio window" in caught.value.user_message
        assert not isinstance(caught.value.__cause__, StoreError)
        other.execute("ROLLBACK")
        other.close()
        _add(store, "After.")
        assert [t.text for t in store.search()] == ["After.", "Before."]
        for take in store.search():
            assert store.load_audio(take).data


def test_an_unusable_path_is_a_store_error(tmp_path: Path) -> None:
    """A history path that is a folder fails with a StoreError, never a raw sqlite3 error."""
    folder = tmp_path / "history.sqlite3"
    folder.mkdir()
    with pytest.raises(StoreError) as caught:
        TakeStore(folder)
    assert "history" in caught.value.user_message


def test_a_closed_history_says_so(tmp_path: Path) -> None:
    """Calls after close raise a StoreError with advice."""
    store = TakeStore(tmp_path / "h.sqlite3")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.search()


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _columns(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[1] for row in conn.execute("PRAGMA table_info(takes)")}
    finally:
        conn.close()
