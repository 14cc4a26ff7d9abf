"""The render cache: finished renders by content address, least recently used evicted first.

Why SQLite for the index rather than a JSON file: every `get` updates the recency order, and
several windows or processes may share the folder. SQLite (WAL) gives atomic updates across
processes with real locking, where a JSON index would need its own file locks and a whole-file
rewrite per `get`. Blob files are only created or deleted while holding the index's write lock,
so a reader never sees a half-replaced blob, and every blob is checked against its sha256
before it is served: a truncated or foreign file is a miss, never wrong audio.

A blob is a second name (a hard link) for the render's file, which the take names too: the
audio is on disk once (a copy only where the file system has no hard links). Evicting a blob
removes the cache's name only; the take keeps its audio.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from studio.core.contract import OUTPUT_FORMATS
from studio.core.errors import ValidationError
from studio.core.render import Rendered
from studio.store import db
from studio.store.atomic import link_file
from studio.store.base import SqliteStore
from studio.store.cached import CachedRender, from_metadata, metadata_json
from studio.store.keys import is_key
from studio.store.take_query import utc_stamp

log = logging.getLogger(__name__)

INDEX_NAME = "index.sqlite3"
_MIGRATIONS: tuple[db.Migration, ...] = (
    db.sql_steps(
        "CREATE TABLE entries (key TEXT PRIMARY KEY, output_format TEXT NOT NULL, "
        "sample_rate INTEGER NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, "
        "last_used INTEGER NOT NULL, created_at TEXT NOT NULL, meta TEXT NOT NULL)",
        "CREATE INDEX entries_lru ON entries (last_used)",
    ),
)
# The next recency stamp: a counter, not a clock, so the order is exact even within a
# millisecond and across processes (it is read and written under the write lock).
_NEXT_USE = "(SELECT coalesce(max(last_used), 0) + 1 FROM entries)"
_TOUCH = f"UPDATE entries SET last_used = {_NEXT_USE} WHERE key = ?"  # noqa: S608
_UPSERT = (
    "INSERT OR REPLACE INTO entries (key, output_format, sample_rate, size, sha256, last_used, "  # noqa: S608
    f"created_at, meta) VALUES (?, ?, ?, ?, ?, {_NEXT_USE}, ?, ?)"
)


@dataclass(frozen=True)
class CacheStats:
    """The cache's size and this session's hit rate.

    Attributes:
        entries, total_bytes: What is stored now (all processes).
        max_bytes: The limit.
        hits, misses: `get` results of this RenderCache object.
    """

    entries: int
    total_bytes: int
    max_bytes: int
    hits: int
    misses: int


class RenderCache(SqliteStore):
    """Finished renders stored under `folder/aa/<key>.<format>`, indexed in SQLite.

    Safe for several threads (one lock) and several processes (SQLite's locking). A crash at
    any point loses at most the entry being written.

    Attributes:
        folder: The cache folder.
        max_bytes: Blobs are evicted, least recently used first, beyond this total.
    """

    what = "render cache"

    def __init__(self, folder: Path, max_bytes: int) -> None:
        """Open or create the cache; a damaged index empties the cache (with a log line).

        Raises:
            ValidationError: a negative max_bytes.
            StoreError: the folder is unusable, or the index is from a newer app version.
        """
        if max_bytes < 0:
            raise ValidationError("The cache size limit cannot be negative.", "max_bytes")
        super().__init__()
        self.folder = Path(folder)
        self.max_bytes = int(max_bytes)
        self._index = self.folder / INDEX_NAME
        self._hits = self._misses = 0
        try:
            try:
                self._conn = self._open()
            except db.CorruptDatabaseError as exc:
                log.warning(
                    "render cache index %s was damaged (%s); the cache was emptied and a new "
                    "index started (cached audio will be rendered again when needed)",
                    self._index,
                    exc,
                )
                self._conn = self._open()
        except (sqlite3.Error, OSError, db.CorruptDatabaseError) as exc:
            raise db.store_error(exc, self.what, f"opening {self.folder}") from exc

    def _open(self) -> sqlite3.Connection:
        # NORMAL: in WAL mode a power cut may lose the last commits but never corrupts, and a
        # lost cache entry only costs a render; blobs are fsynced before their row commits.
        return db.open_database(
            self._index, prepare=self._prepare, on_corrupt=self._reset, synchronous="NORMAL"
        )

    def _prepare(self, conn: sqlite3.Connection) -> None:
        db.migrate(conn, _MIGRATIONS, self.what)
        with db.write_transaction(conn):
            keys = {str(row[0]) for row in conn.execute("SELECT key FROM entries")}
            self._remove_blobs(keep=keys)  # debris of killed writers; none is in use now

    def _reset(self) -> None:
        """A damaged index: a cache is disposable, so drop it and every blob it indexed."""
        db.remove_database(self._index)
        self._remove_blobs(keep=set())

    def _blob(self, key: str, output_format: str) -> Path:
        _check_key(key)
        if output_format not in (*OUTPUT_FORMATS, "flac"):
            raise ValidationError(f"Unknown output format '{output_format}'.", "output_format")
        return self.folder / key[:2] / f"{key}.{output_format}"

    def get(self, key: str) -> CachedRender | None:
        """The render stored under `key`, or None. A hit becomes the most recently used.

        A missing, truncated or altered blob is a miss and its entry is removed.

        Raises:
            StoreError: the index could not be read or written.
        """
        _check_key(key)
        with self._using("reading a cached render") as conn:
            row = conn.execute(
                "SELECT output_format, sample_rate, size, sha256, created_at, meta "
                "FROM entries WHERE key = ?",
                (key,),
            ).fetchone()
            if row is None:
                self._misses += 1
                return None
            output_format, rate, size, sha, created_at, meta = row
            path = self._blob(key, str(output_format))
            try:
                length, digest = _file_digest(path)
                if length != size or digest != sha:
                    raise ValueError(f"blob has {length} of {size} bytes or a wrong hash")
                found = from_metadata(key, path, str(output_format), int(rate), created_at, meta)
            except (ValueError, KeyError, TypeError) as exc:
                log.info("render cache: dropping damaged entry %s (%s)", key[:12], exc)
                with db.write_transaction(conn):
                    # Only if nobody replaced it meanwhile (another process's put).
                    cursor = conn.execute(
                        "DELETE FROM entries WHERE key = ? AND sha256 = ?", (key, sha)
                    )
                    if cursor.rowcount:
                        path.unlink(missing_ok=True)
                self._misses += 1
                return None
            with db.write_transaction(conn):
                conn.execute(_TOUCH, (key,))
            self._hits += 1
        return found

    def put(self, key: str, rendered: Rendered) -> bool:
        """Store a finished render under `key` (replacing any entry), then evict to fit.

        Returns:
            False when the render alone is larger than `max_bytes` (nothing is stored).

        Raises:
            StoreError: the blob or the index could not be written (nothing is half-stored).
        """
        audio = rendered.audio
        path = self._blob(key, audio.file_format)
        try:
            size, digest = _file_digest(audio.path)  # hashed before taking the lock
        except OSError as exc:
            raise db.store_error(exc, self.what, "saving a render in the cache") from exc
        if size > self.max_bytes or not digest:
            return False
        created_at = utc_stamp(datetime.now(UTC))
        with self._using("saving a render in the cache") as conn, db.write_transaction(conn):
            # A second name for the render's file, not a second copy of its bytes.
            link_file(audio.path, path)
            conn.execute(
                _UPSERT,
                (
                    key,
                    audio.file_format,
                    audio.sample_rate,
                    size,
                    digest,
                    created_at,
                    metadata_json(rendered),
                ),
            )
            self._evict(conn, self.max_bytes)
        return True

    def set_max_bytes(self, max_bytes: int) -> None:
        """Change the limit and evict at once down to it.

        Raises:
            ValidationError: a negative limit.
            StoreError: the index could not be written.
        """
        if max_bytes < 0:
            raise ValidationError("The cache size limit cannot be negative.", "max_bytes")
        self.max_bytes = int(max_bytes)
        with self._using("shrinking the cache") as conn, db.write_transaction(conn):
            self._evict(conn, self.max_bytes)

    def clear(self) -> None:
        """Remove every cached render (all processes see an empty cache)."""
        with self._using("emptying the cache") as conn, db.write_transaction(conn):
            conn.execute("DELETE FROM entries")
            self._remove_blobs(keep=set())

    def stats(self) -> CacheStats:
        """Entries and bytes stored, the limit, and this session's hits and misses."""
        with self._using("reading cache statistics") as conn:
            entries, total = conn.execute(
                "SELECT count(*), coalesce(sum(size), 0) FROM entries"
            ).fetchone()
            return CacheStats(int(entries), int(total), self.max_bytes, self._hits, self._misses)

    def _evict(self, conn: sqlite3.Connection, limit: int) -> None:
        """Drop least recently used entries until the total fits `limit` (in a transaction)."""
        total = int(conn.execute("SELECT coalesce(sum(size), 0) FROM entries").fetchone()[0])
        if total <= limit:
            return
        for key, output_format, size in conn.execute(
            "SELECT key, output_format, size FROM entries ORDER BY last_used"
        ).fetchall():
            conn.execute("DELETE FROM entries WHERE key = ?", (key,))
            self._blob(str(key), str(output_format)).unlink(missing_ok=True)
            total -= int(size)
            if total <= limit:
                break

    def _remove_blobs(self, keep: set[str]) -> None:
        """Delete every blob (and temp file) whose key is not in `keep`. Hold the write lock."""
        if not self.folder.is_dir():
            return
        for sub in self.folder.iterdir():
            if len(sub.name) != 2 or not sub.is_dir():
                continue
            for blob in sub.iterdir():
                if blob.name.split(".")[0] not in keep or blob.name.endswith(".partial"):
                    blob.unlink(missing_ok=True)


def _file_digest(path: Path) -> tuple[int, str]:
    """Size and sha256 of a file, read in blocks; (0, "") when it is missing."""
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                size += len(block)
    except FileNotFoundError:
        return 0, ""
    return size, digest.hexdigest()


def _check_key(key: str) -> None:
    """Refuse anything but a real key, so no caller string ever becomes a path."""
    if not is_key(key):
        raise ValidationError("A render cache key is 64 lowercase hex digits.", "key")
