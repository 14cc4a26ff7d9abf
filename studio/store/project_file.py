"""The .wavesproj file: one SQLite database holding a project and the FLAC audio of its takes.

Why SQLite (as Audacity 3's .aup3): one file a user can copy, with transactions. Each save is
one transaction in WAL mode with synchronous=FULL, so a crash or `kill -9` loses at most the
save in flight and never leaves a torn file; the WAL is folded back in on close. The file is
held with an exclusive lock while open: a second window or a headless render gets a clear
error instead of two writers with two different models. Saves are incremental: rows are
compared by identity with the last saved value (an edit shares every unchanged part), so one
edit of a 500-segment project writes a handful of rows.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import numpy as np
import numpy.typing as npt

from studio import __version__
from studio.core.errors import StoreError, ValidationError
from studio.core.project import PROJECT_SUFFIX, Project
from studio.store import db
from studio.store import project_schema as schema
from studio.store.base import SqliteStore
from studio.store.project_audio import decode_flac, encode_flac
from studio.store.project_rows import Rows, rows_of

SUFFIX = PROJECT_SUFFIX
_SQLITE_MAGIC = b"SQLite format 3\x00"
# A second process gets the lock error after this long, not after the store's 15 s.
_LOCK_WAIT_MS = 1000


class ProjectFileError(StoreError):
    """A project file that cannot be opened or written; the message says why and what next."""


class ProjectFile(SqliteStore):
    """An open project file. Thread-safe (one lock); use it off the GUI thread.

    Attributes:
        path: The file.
        project: The project as last loaded or saved.
    """

    what = "project file"

    def __init__(
        self, path: Path, conn: sqlite3.Connection, project: Project, *, saved: bool = True
    ) -> None:
        super().__init__()
        self.path = path
        self._conn = conn
        self.project = project
        self._rows: Rows = rows_of(project) if saved else Rows()

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, project: Project) -> ProjectFile:
        """Write a new project file (refusing to replace an existing file) and keep it open."""
        if path.exists():
            raise ProjectFileError(f"{path.name} already exists. Choose another name.")
        conn = _connect(path, new=True)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            db.migrate(conn, schema.MIGRATIONS, "project file")
            opened = cls(path, conn, project, saved=False)
            opened.save(project)
        except BaseException:
            conn.close()
            db.remove_database(path)  # with its -wal and -shm
            raise
        return opened

    @classmethod
    def open(cls, path: Path, *, collect: bool = True) -> ProjectFile:
        """Open an existing project file, migrating an older format.

        Args:
            path: The file.
            collect: Drop audio no take refers to (a crash between storing a take's audio and
                saving the take, or deleted segments). Save As passes False: the undo stack of
                the session may still bring those segments back.

        Raises:
            ProjectFileError: missing, not a project, damaged, newer format, or open elsewhere.
        """
        _check_header(path)
        conn = _connect(path, new=False)
        try:
            _check_identity(conn, path)
            db.migrate(conn, schema.MIGRATIONS, "project file")
            with db.write_transaction(conn):
                project = schema.load(conn)
                if collect:
                    conn.execute(
                        "DELETE FROM audio WHERE take_id NOT IN (SELECT take_id FROM takes)"
                    )
            conn.execute("PRAGMA incremental_vacuum")
        except BaseException as exc:
            conn.close()
            raise _translate(exc, path) from exc
        return cls(path, conn, project)

    # -- saving -----------------------------------------------------------------------------

    def save(self, project: Project) -> None:
        """Write what changed since the last save, in one durable transaction."""
        new_rows = rows_of(project)
        with self._using("saving the project") as conn:
            with db.write_transaction(conn):
                new_rows.write_changes(conn, self._rows)
                conn.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [*schema.meta_rows(project), ("written_by", __version__)],
                )
            # Under the lock: two savers never diff against the same old rows.
            self._rows = new_rows
            self.project = project

    def put_audio(self, take_id: str, samples: npt.ArrayLike, sample_rate: int) -> int:
        """Store a take's audio (FLAC, lossless for 16-bit audio) before the take is saved.

        Returns:
            The FLAC size in bytes.
        """
        data = encode_flac(samples, sample_rate)
        frames = int(np.asarray(samples).shape[0])
        with self._using("saving a take's audio") as conn, db.write_transaction(conn):
            conn.execute(
                "INSERT OR REPLACE INTO audio VALUES (?, ?, ?, ?)",
                (take_id, data, sample_rate, frames),
            )
        return len(data)

    def read_audio(self, take_id: str) -> tuple[npt.NDArray[np.float32], int]:
        """A take's samples (float32 mono) and rate.

        Raises:
            ProjectFileError: the take has no audio in the file.
        """
        return decode_flac(self.read_flac(take_id))

    def read_flac(self, take_id: str) -> bytes:
        """A take's audio as stored (FLAC bytes), for decoding in blocks.

        Raises:
            ProjectFileError: the take has no audio in the file.
        """
        with self._using("reading a take") as conn:
            row = conn.execute("SELECT flac FROM audio WHERE take_id = ?", (take_id,)).fetchone()
        if row is None:
            raise ProjectFileError(
                "This take's audio is missing from the project; render it again."
            )
        return bytes(row[0])

    def audio_index(self) -> dict[str, tuple[int, int]]:
        """take id -> (sample rate, frames) of every stored take, read without decoding (the
        read-along timeline is built from these exact lengths)."""
        with self._using("reading the takes' lengths") as conn:
            rows = conn.execute("SELECT take_id, sample_rate, frames FROM audio").fetchall()
        return {str(t): (int(r), int(n)) for t, r, n in rows}

    def audio_bytes(self) -> int:
        """Total FLAC bytes stored (for the size check against the file)."""
        with self._using("measuring the project") as conn:
            return int(
                conn.execute("SELECT coalesce(sum(length(flac)), 0) FROM audio").fetchone()[0]
            )

    def save_as(self, path: Path) -> ProjectFile:
        """Copy the project (compacted, one file) to `path`, close this file, open the copy."""
        if path.exists():
            raise ProjectFileError(f"{path.name} already exists. Choose another name.")
        with self._using("saving a copy") as conn:
            conn.execute("VACUUM INTO ?", (str(path),))
        self.close()
        return ProjectFile.open(path, collect=False)

    def checkpoint(self) -> None:
        """Fold the WAL into the file now (call when edits pause), so that a copy of the file
        made while the project is open holds everything saved so far."""
        with self._using("folding in recent saves") as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Fold the WAL into the file (so it is one file again) and close."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.close()


def _connect(path: Path, *, new: bool) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=_LOCK_WAIT_MS / 1000, isolation_level=None,
                               check_same_thread=False)  # fmt: skip
    except sqlite3.Error as exc:
        raise _translate(exc, path) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {_LOCK_WAIT_MS}")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        if new:
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # only before the first table
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException as exc:
        conn.close()
        raise _translate(exc, path) from exc
    return conn


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        raise ProjectFileError(f"{path} does not exist (moved or deleted?).") from None
    except OSError as exc:
        raise ProjectFileError(f"{path.name} cannot be read: {exc.strerror}.") from exc
    if header != _SQLITE_MAGIC:
        raise ProjectFileError(f"{path.name} is not a Waves Studio project (or it is damaged).")


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    """Ours, not from a newer version, not damaged; then WAL. Nothing is written before this."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if app_id != schema.APPLICATION_ID:
        raise ProjectFileError(f"{path.name} is a database, but not a Waves Studio project.")
    if version > len(schema.MIGRATIONS):
        raise ProjectFileError(
            f"{path.name} was saved by a newer version of Waves Studio{_writer(conn)} (project "
            f"format {version}; this version, {__version__}, reads up to "
            f"{len(schema.MIGRATIONS)}). Update Waves Studio to open it; the file was left "
            "unchanged."
        )
    check = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    if check != ["ok"]:
        raise db.CorruptDatabaseError("; ".join(check[:3]))
    conn.execute("PRAGMA journal_mode = WAL")


def _writer(conn: sqlite3.Connection) -> str:
    """ " (2.1.0)" from the file's meta table when it has one (any format keeps that row)."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'written_by'").fetchone()
    except sqlite3.Error:
        return ""
    return f" ({row[0]})" if row else ""


def _translate(exc: BaseException, path: Path) -> BaseException:
    """A ProjectFileError with a user message for what went wrong while opening `path`."""
    if isinstance(exc, StoreError):
        return exc if isinstance(exc, ProjectFileError) else ProjectFileError(exc.user_message)
    if isinstance(exc, ValidationError) or db.is_corruption(exc):
        return ProjectFileError(
            f"{path.name} is damaged and cannot be opened. Open a backup copy, if you have one."
        )
    text = str(exc).lower()
    if isinstance(exc, sqlite3.Error) and ("locked" in text or "busy" in text):
        return ProjectFileError(
            f"{path.name} is open in another Waves Studio window or a render. Close it there first."
        )
    if isinstance(exc, sqlite3.Error | OSError):
        return ProjectFileError(f"{path.name} cannot be opened: {exc}.")
    return exc
