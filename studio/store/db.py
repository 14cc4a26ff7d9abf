"""SQLite plumbing shared by the takes history and the render cache: open, migrate, recover."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from studio.core.errors import StoreError

log = logging.getLogger(__name__)

# How long a writer waits for another process's transaction before giving up. Writes are short
# (one row, one small file), so a long wait means something is stuck, not merely busy.
BUSY_TIMEOUT_S = 15.0

Migration = Callable[[sqlite3.Connection], None]

_CORRUPTION_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary codes)


class CorruptDatabaseError(Exception):
    """The file is not a database, or its pages fail SQLite's quick_check."""


class NewerSchemaError(StoreError):
    """The database was written by a newer version of the app; it is left untouched."""


def is_corruption(exc: BaseException) -> bool:
    """True when a sqlite3 error says the file itself is damaged (not merely busy or full)."""
    if isinstance(exc, CorruptDatabaseError):
        return True
    if not isinstance(exc, sqlite3.Error):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _CORRUPTION_CODES:
        return True
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def open_database(
    path: Path,
    *,
    prepare: Callable[[sqlite3.Connection], None],
    on_corrupt: Callable[[], None],
    synchronous: str = "FULL",
) -> sqlite3.Connection:
    """Open `path` in WAL mode, check it, and `prepare` it (migrations and the like).

    The connection is autocommit (callers BEGIN themselves) and usable from any thread (callers
    serialise use with their own lock). When the file turns out to be damaged, `on_corrupt` runs
    while the connection is still open, and only then is it closed: closing first would let
    SQLite delete the damaged file's WAL, which may hold the most recent takes.

    Raises:
        CorruptDatabaseError: the file was damaged (and `on_corrupt` has dealt with it).
        sqlite3.Error / OSError: anything else (locked, unreadable folder).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        mode = _set_wal(conn)
        if str(mode).lower() != "wal":
            log.warning("%s: SQLite refused WAL mode (%s); sharing it will be slower", path, mode)
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        check = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
        if check != ["ok"]:
            raise CorruptDatabaseError("; ".join(check[:3]))
        prepare(conn)
    except BaseException as exc:
        damaged = is_corruption(exc)
        try:
            if damaged:
                _deal_with_damage(conn, on_corrupt)
        finally:
            conn.close()
        if damaged:
            raise CorruptDatabaseError(str(exc)) from exc
        raise
    return conn


def _set_wal(conn: sqlite3.Connection) -> str:
    """Switch to WAL, waiting for a second process that is creating the same file.

    Changing the journal mode needs an exclusive lock, and SQLite answers "database is
    locked" at once instead of calling the busy handler when another connection is mid-way
    through creating the database, so the wait is ours.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _deal_with_damage(conn: sqlite3.Connection, on_corrupt: Callable[[], None]) -> None:
    """Run `on_corrupt` with the connection open; where open files cannot be renamed
    (Windows), close it first and try again (SQLite may then have removed the WAL)."""
    try:
        on_corrupt()
    except PermissionError:
        conn.close()
        on_corrupt()


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception.

    IMMEDIATE takes the write lock up front, so two processes never both read-then-write and
    deadlock on the upgrade; the busy timeout makes the second one wait its turn.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration], what: str) -> int:
    """Bring the schema up to `len(migrations)`, one step at a time, in one transaction.

    `migrations[n]` turns version n into n + 1 (version 0 is an empty file). The version lives
    in `PRAGMA user_version`, which SQLite writes inside the transaction, so a failed or killed
    migration leaves the old version and the old tables.

    Returns:
        The version before migrating.

    Raises:
        NewerSchemaError: the file is from a newer app version.
    """
    target = len(migrations)
    with write_transaction(conn):
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current > target:
            raise NewerSchemaError(
                f"The {what} was made by a newer version of Waves Studio (format {current}; this "
                f"version reads up to {target}). Update Waves Studio to open it; it was left "
                "unchanged."
            )
        for version in range(current, target):
            migrations[version](conn)
            log.info("%s: migrated schema %d -> %d", what, version, version + 1)
        if current != target:
            conn.execute(f"PRAGMA user_version = {target}")
    return current


def sql_steps(*statements: str) -> Migration:
    """A migration made of plain SQL statements run in order."""

    def run(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return run


def move_aside(path: Path) -> Path:
    """Rename a damaged database to `<name>.corrupt-<UTC timestamp>`, never deleting it.

    Its WAL goes along as `<aside>-wal` (so SQLite can still open the pair for a rescue) and the
    shared-memory file is removed; otherwise a fresh database at `path` would replay the old WAL.

    Raises:
        OSError: the folder is not writable.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while aside.exists():
        counter += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    path.replace(aside)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        wal.replace(aside.with_name(aside.name + "-wal"))
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    return aside


def remove_database(path: Path) -> None:
    """Delete a database file with its WAL and shared-memory files (for a disposable cache)."""
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def store_error(exc: BaseException, what: str, action: str) -> StoreError:
    """A StoreError with a user message for a sqlite3 or OS failure while `action`.

    Args:
        exc: The low-level exception (kept as the cause, never shown).
        what: "history" or "render cache".
        action: What was being done, e.g. "saving the take".
    """
    if isinstance(exc, StoreError):
        return exc
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        hint = "Another Waves Studio window is using it; try again in a moment."
    elif "full" in text or getattr(exc, "errno", None) == 28:
        hint = "The disk is full; free some space and try again."
    elif is_corruption(exc):
        hint = f"The {what} file is damaged; restart Waves Studio to repair it."
    elif isinstance(exc, PermissionError) or "readonly" in text or "permission" in text:
        hint = f"The {what} folder is not writable; check its permissions."
    else:
        hint = "Check that the disk is working and the folder is writable, then try again."
    error = StoreError(f"The {what} failed while {action}. {hint}")
    error.__cause__ = exc
    return error
