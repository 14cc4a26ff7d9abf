"""The render cache: finished renders by content address, least recently used evicted first.

Why SQLite for the index rather than a JSON file: every `get` updates the recency order, and
several windows or processes may share the folder. SQLite (WAL) gives atomic updates across
processes with real locking, where a JSON index would need its own file locks and a whole-file
rewrite per `get`. A put stages its blob under a temp name without the index lock (so workers'
blob I/O runs side by side, see cache_files), then renames it into place and writes its row in
one short transaction: final names only appear or go under the write lock, and every blob is
checked against its sha256 before it is served (a truncated or foreign file is a miss, never
wrong audio). The entry count and byte total are kept in the index by triggers, so a put costs
O(log n) however full the cache is, and eviction walks the last-used index from the oldest.

A blob is a second name (a hard link) for the render's file, which the take names too: the
audio is on disk once (a copy only where the file system has no hard links). Evicting a blob
removes the cache's name only; the take keeps its audio.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from studio.core.contract import OUTPUT_FORMATS
from studio.core.errors import ValidationError
from studio.core.render import Rendered
from studio.store import db
from studio.store.base import SqliteStore
from studio.store.cache_files import (
    WriterLock,
    file_digest,
    make_blob_folders,
    remove_debris,
    stage,
)
from studio.store.cache_schema import MIGRATIONS, TOUCH, UPSERT
from studio.store.cached import (
    CachedRender,
    CacheFile,
    CacheStats,
    from_metadata,
    metadata_json,
)
from studio.store.keys import is_key
from studio.store.take_query import utc_stamp

log = logging.getLogger(__name__)

INDEX_NAME = "index.sqlite3"
_EVICT_BATCH = 64  # oldest entries read per step of an eviction


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
        self._writer: WriterLock | None = None
        try:
            self._writer = WriterLock(self.folder)
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
            make_blob_folders(self.folder)
        except (sqlite3.Error, OSError, db.CorruptDatabaseError) as exc:
            if self._writer is not None:
                self._writer.release()
            raise db.store_error(exc, self.what, f"opening {self.folder}") from exc

    def close(self) -> None:
        """Close the index and give up this writer's token (further calls raise StoreError)."""
        super().close()
        if self._writer is not None:
            self._writer.release()

    def _open(self) -> sqlite3.Connection:
        # NORMAL: in WAL mode a power cut may lose the last commits but never corrupts, and a
        # lost cache entry only costs a render; blobs are fsynced before their row commits.
        return db.open_database(
            self._index, prepare=self._prepare, on_corrupt=self._reset, synchronous="NORMAL"
        )

    def _prepare(self, conn: sqlite3.Connection) -> None:
        db.migrate(conn, MIGRATIONS, self.what)
        with db.write_transaction(conn):
            keys = {str(row[0]) for row in conn.execute("SELECT key FROM entries")}
            remove_debris(self.folder, keep=keys)  # of killed writers; live puts' stay

    def _reset(self) -> None:
        """A damaged index: a cache is disposable, so drop it and every blob it indexed."""
        db.remove_database(self._index)
        remove_debris(self.folder, keep=set())

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
                length, digest = file_digest(path)
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
                conn.execute(TOUCH, (key,))
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
        try:
            size, sha = file_digest(audio.path)  # hashed before taking the lock
        except OSError as exc:
            raise db.store_error(exc, self.what, "saving a render in the cache") from exc
        entry = CacheFile(
            key,
            audio.path,
            audio.file_format,
            audio.sample_rate,
            metadata_json(rendered),
            size,
            sha,
        )
        return self.put_files([entry]) == 1

    def put_files(self, entries: Sequence[CacheFile]) -> int:
        """Store audio files as they are (each a second name for its file, not a copy), in one
        transaction, then evict to fit; returns how many were stored.

        A file larger than `max_bytes` alone is left out. Each file must not change afterwards
        (replace it by renaming, as atomic saves do): its hash is checked when it is served.

        Raises:
            StoreError: a blob or the index could not be written (nothing is half-stored).
        """
        action = "saving a render in the cache"
        if self._writer is None:  # only when opening failed
            raise db.store_error(OSError("not open"), self.what, action)
        staged: list[tuple[CacheFile, Path, Path]] = []
        try:
            try:
                for entry in entries:
                    path = self._blob(entry.key, entry.file_format)
                    if entry.size > self.max_bytes or not entry.sha256:
                        continue
                    # Staged before taking the lock, so workers' blob I/O runs side by side.
                    staged.append((entry, path, self._writer.temp_name(path)))
                    stage(entry.source, staged[-1][2])
            except OSError as exc:
                raise db.store_error(exc, self.what, action) from exc
            if not staged:
                return 0
            stamp = utc_stamp(datetime.now(UTC))
            # Only the renames and the rows take turns. No folder fsync: losing a rename in a
            # power cut only makes the entry a miss (its blob fails the check).
            with self._using(action) as conn, db.write_transaction(conn):
                for e, path, temp in staged:
                    os.replace(temp, path)
                    row = (e.key, e.file_format, e.sample_rate, e.size, e.sha256, stamp, e.meta)
                    conn.execute(UPSERT, row)
                self._evict(conn, self.max_bytes)
        finally:
            # Renaming a name onto another name of the same file keeps both (POSIX).
            for _, _, temp in staged:
                temp.unlink(missing_ok=True)
        return len(staged)

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
            remove_debris(self.folder, keep=set())

    def stats(self) -> CacheStats:
        """Entries and bytes stored, the limit, and this session's hits and misses."""
        with self._using("reading cache statistics") as conn:
            entries, total = conn.execute("SELECT entries, bytes FROM totals").fetchone()
            return CacheStats(int(entries), int(total), self.max_bytes, self._hits, self._misses)

    def _evict(self, conn: sqlite3.Connection, limit: int) -> None:
        """Drop least recently used entries until the total fits `limit` (in a transaction).

        The total is read, not summed, and the oldest are read a batch at a time from the
        last-used index: O(log n) per put, plus O(log n) per entry evicted.
        """
        total = int(conn.execute("SELECT bytes FROM totals").fetchone()[0])
        while total > limit:
            oldest = conn.execute(
                "SELECT key, output_format, size FROM entries ORDER BY last_used LIMIT ?",
                (_EVICT_BATCH,),
            ).fetchall()
            if not oldest:
                break
            for key, output_format, size in oldest:
                conn.execute("DELETE FROM entries WHERE key = ?", (key,))
                self._blob(str(key), str(output_format)).unlink(missing_ok=True)
                total -= int(size)
                if total <= limit:
                    break


def _check_key(key: str) -> None:
    """Refuse anything but a real key, so no caller string ever becomes a path."""
    if not is_key(key):
        raise ValidationError("A render cache key is 64 lowercase hex digits.", "key")
