"""The takes history: every render with its provenance and its own audio file, in SQLite."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from studio.core.errors import StoreError, ValidationError
from studio.core.models import AudioClip
from studio.core.render import Rendered
from studio.store import db
from studio.store.atomic import link_file
from studio.store.base import SqliteStore
from studio.store.take_query import TakeFilter, contains_casefold, utc_stamp
from studio.store.take_record import (
    COLUMNS,
    INSERT_SQL,
    SELECT_BY_ID,
    HistoryTake,
    insert_values,
)
from studio.store.takes_schema import BACKENDS, MIGRATIONS, SOURCES, ensure_fts, fts_available

log = logging.getLogger(__name__)

_FILES_PER_FOLDER = 1000


class TakeStore(SqliteStore):
    """The history of takes, shared safely by every window and process of the app.

    One SQLite file in WAL mode (readers never wait for the writer, a second process waits its
    turn through the busy timeout) plus one audio file per take in `<stem>-audio/`. A take's
    audio is written inside the transaction that adds its row, so a crash at any moment leaves
    either the whole take or nothing of it. Thread-safe: calls are serialised by a lock.

    Attributes:
        path: The database file.
        audio_folder: Where the takes' audio files live.
        recovered_message: "" normally; after a damaged file was moved aside, the sentence to
            show the user (the app posts it once).
        uses_fts: Text search goes through the FTS5 trigram index (else it scans).
    """

    what = "history"

    def __init__(
        self,
        path: Path,
        *,
        use_fts: bool | None = None,
        migrations: Sequence[db.Migration] = MIGRATIONS,
    ) -> None:
        """Open or create the history at `path`, repairing it if it is damaged.

        Args:
            path: The database file (its folder is created).
            use_fts: Force the full-text index on or off; default: on when SQLite has it.
            migrations: The schema steps (tests pass extra ones to prove upgrades).

        Raises:
            StoreError: the folder is unusable, or the file is from a newer app version.
        """
        super().__init__()
        self.path = Path(path)
        self.audio_folder = self.path.with_name(f"{self.path.stem}-audio")
        self.recovered_message = ""
        self._migrations = tuple(migrations)
        self._aside: Path | None = None
        try:
            try:
                self._conn = self._open(use_fts)
            except db.CorruptDatabaseError as exc:
                log.warning("history %s was damaged (%s); moved it to %s", path, exc, self._aside)
                self.recovered_message = (
                    f"History was damaged and has been moved to {self._aside}; "
                    "a new one was started."
                )
                self._conn = self._open(use_fts)
        except (sqlite3.Error, OSError, db.CorruptDatabaseError) as exc:
            raise db.store_error(exc, self.what, f"opening {self.path}") from exc

    def _open(self, use_fts: bool | None) -> sqlite3.Connection:
        return db.open_database(
            self.path, prepare=lambda conn: self._prepare(conn, use_fts), on_corrupt=self._set_aside
        )

    def _prepare(self, conn: sqlite3.Connection, use_fts: bool | None) -> None:
        """Search function, schema version, full-text index, crash debris."""
        conn.create_function("studio_contains", 2, contains_casefold, deterministic=True)
        self.uses_fts = fts_available(conn) if use_fts is None else use_fts
        db.migrate(conn, self._migrations, self.what)
        with db.write_transaction(conn):
            ensure_fts(conn, self.uses_fts)
            self._remove_partial_files(conn)

    def _set_aside(self) -> None:
        """Move the damaged file (and its audio) aside, never deleting it."""
        self._aside = db.move_aside(self.path)
        if self.audio_folder.exists():
            # The new history numbers takes from 1 again; keep the old files out of its way.
            self.audio_folder.replace(
                self.audio_folder.with_name(self.audio_folder.name + self._aside.suffix)
            )

    # --- writing ---------------------------------------------------------------------------

    def add(
        self,
        rendered: Rendered,
        *,
        backend: str,
        base_url: str,
        source: str,
        cache_key: str = "",
        dictionary_hash: str = "",
    ) -> HistoryTake:
        """Keep a finished render as a new take, with a copy of its audio.

        Args:
            rendered: The render (its clip bytes are stored as they are).
            backend: "cloud" or "local".
            base_url: The server's base URL ("" for the embedded local server).
            source: "main", "grid", "render" or "bench".
            cache_key: The render-cache key of its settings.
            dictionary_hash: `keys.dictionary_hash` of the applied dictionaries' rules.

        Raises:
            ValidationError: an unknown backend or source.
            StoreError: the database or the audio file could not be written.
        """
        if backend not in BACKENDS:
            raise ValidationError(f"backend must be one of {', '.join(BACKENDS)}.", "backend")
        if source not in SOURCES:
            raise ValidationError(f"source must be one of {', '.join(SOURCES)}.", "source")
        audio = rendered.audio
        with self._using("saving the take") as conn, db.write_transaction(conn):
            cursor = conn.execute(
                INSERT_SQL,
                insert_values(
                    rendered,
                    created_at=utc_stamp(datetime.now(UTC)),
                    backend=backend,
                    base_url=base_url,
                    source=source,
                    cache_key=cache_key,
                    dictionary_hash=dictionary_hash,
                ),
            )
            take_id = int(cursor.lastrowid or 0)
            relative = _audio_name(take_id, audio.file_format)
            conn.execute("UPDATE takes SET audio_file = ? WHERE id = ?", (relative, take_id))
            # Written before COMMIT: if this process dies now, the row rolls back and the next
            # take reuses the id (AUTOINCREMENT only advances on commit) and overwrites the file.
            # The render's file becomes the take's by a hard link (no second copy on disk).
            link_file(audio.path, self.audio_folder / relative)
            row = conn.execute(SELECT_BY_ID, (take_id,)).fetchone()
        return HistoryTake.from_row(row, self.audio_folder)

    def record_use(self, cache_key: str, backend: str) -> HistoryTake | None:
        """Count a repeat served from the render cache as one more use of its newest take.

        Returns the updated take, or None when no take has this cache key (it was deleted):
        then the caller keeps the repeat as a new take.

        Raises:
            StoreError: the database could not be written.
        """
        if not cache_key:
            return None
        with self._using("counting a repeat") as conn, db.write_transaction(conn):
            row = conn.execute(
                "SELECT id FROM takes WHERE cache_key = ? AND backend = ? ORDER BY id DESC LIMIT 1",
                (cache_key, backend),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE takes SET uses = uses + 1, last_used_at = ? WHERE id = ?",
                (utc_stamp(datetime.now(UTC)), int(row[0])),
            )
            updated = conn.execute(SELECT_BY_ID, (int(row[0]),)).fetchone()
        return HistoryTake.from_row(updated, self.audio_folder)

    def set_stars(self, take_id: int, stars: int) -> HistoryTake:
        """Rate a take 0–5 and return it updated.

        Raises:
            ValidationError: stars outside 0–5.
            StoreError: the take is gone, or the database could not be written.
        """
        if not 0 <= stars <= 5:
            raise ValidationError("A take is rated from 0 to 5 stars.", "stars")
        with self._using("rating the take") as conn, db.write_transaction(conn):
            conn.execute("UPDATE takes SET stars = ? WHERE id = ?", (int(stars), take_id))
            row = conn.execute(SELECT_BY_ID, (take_id,)).fetchone()
        if row is None:
            raise StoreError("That take is no longer in the history.")
        return HistoryTake.from_row(row, self.audio_folder)

    def delete(self, take_id: int) -> bool:
        """Remove a take and its audio file. Returns False when there was no such take.

        Raises:
            StoreError: the database or the file could not be changed (then nothing changes).
        """
        with self._using("deleting the take") as conn, db.write_transaction(conn):
            row = conn.execute("SELECT audio_file FROM takes WHERE id = ?", (take_id,)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM takes WHERE id = ?", (take_id,))
            (self.audio_folder / str(row[0])).unlink(missing_ok=True)
        return True

    def _remove_partial_files(self, conn: sqlite3.Connection) -> None:
        """Delete temp files a killed writer left in the folder the next take will use.

        Runs under the write lock, and files are only written under it, so none is in use.
        """
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'takes'").fetchone()
        folder = (self.audio_folder / _audio_name(int(row[0] if row else 0) + 1, "x")).parent
        for debris in folder.glob(".*.partial") if folder.is_dir() else ():
            debris.unlink(missing_ok=True)

    # --- reading ---------------------------------------------------------------------------

    def get(self, take_id: int) -> HistoryTake | None:
        """The take with this id, or None."""
        with self._using("reading the take") as conn:
            row = conn.execute(SELECT_BY_ID, (take_id,)).fetchone()
        return HistoryTake.from_row(row, self.audio_folder) if row else None

    def search(
        self,
        text: str = "",
        voice_id: str | None = None,
        min_stars: int = 0,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[HistoryTake]:
        """Takes matching every filter, newest first (see `TakeFilter` for their meaning).

        Raises:
            ValidationError: min_stars outside 0–5, or a negative limit/offset.
            StoreError: the database could not be read.
        """
        if limit < 0 or offset < 0:
            raise ValidationError("limit and offset cannot be negative.", "limit")
        where, params = TakeFilter(text, voice_id, min_stars, since, until).where(self.uses_fts)
        with self._using("searching the history") as conn:
            rows = conn.execute(
                # `where` is built from constant fragments; the values are parameters.
                f"SELECT {COLUMNS} FROM takes WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",  # noqa: S608
                (*params, limit, offset),
            ).fetchall()
        return [HistoryTake.from_row(row, self.audio_folder) for row in rows]

    def count(
        self,
        text: str = "",
        voice_id: str | None = None,
        min_stars: int = 0,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many takes `search` with the same filters would find without a limit."""
        where, params = TakeFilter(text, voice_id, min_stars, since, until).where(self.uses_fts)
        with self._using("counting takes") as conn:
            sql = f"SELECT count(*) FROM takes WHERE {where}"  # noqa: S608 (see search)
            return int(conn.execute(sql, params).fetchone()[0])

    def voices(self) -> list[str]:
        """Every voice id that has a take, sorted (for the voice filter)."""
        with self._using("listing voices") as conn:
            rows = conn.execute("SELECT DISTINCT voice_id FROM takes ORDER BY voice_id").fetchall()
        return [str(row[0]) for row in rows]

    def audio_path(self, take: HistoryTake) -> Path:
        """The take's audio file (absolute)."""
        return Path(take.audio_path)

    def check_audio(self, take: HistoryTake) -> Path:
        """The take's audio file, checked to be there at the size it was saved with.

        Raises:
            StoreError: the file is missing or not the size it was saved with.
        """
        path = self.audio_path(take)
        try:
            size = path.stat().st_size
        except FileNotFoundError as exc:
            raise StoreError(
                f"The audio of take {take.take_id} is missing ({path}). It was deleted outside "
                "Waves Studio; render the line again."
            ) from exc
        except OSError as exc:
            raise db.store_error(exc, self.what, f"reading {path}") from exc
        if take.audio_bytes and size != take.audio_bytes:
            raise StoreError(
                f"The audio of take {take.take_id} is damaged ({size} of {take.audio_bytes} "
                f"bytes in {path}). Render the line again."
            )
        return path

    def load_audio(self, take: HistoryTake) -> AudioClip:
        """The take's clip in its rendered format, read back whole (for short clips; a long
        one is played and saved from its file). PCM and WAV kept as FLAC come back bit-exact.

        Raises:
            StoreError: the file is missing, unreadable, or not the size it was saved with.
            DecodeError: a FLAC file does not decode.
        """
        path = self.check_audio(take)
        rate = take.audio_sample_rate or take.sample_rate
        try:
            if path.suffix == ".flac":
                from studio.audio.clipfile import open_clip, wire_bytes  # numpy: on use

                data = wire_bytes(open_clip(path, take.output_format, rate))
            else:
                data = path.read_bytes()
        except OSError as exc:
            raise db.store_error(exc, self.what, f"reading {path}") from exc
        return AudioClip(data, take.output_format, rate, take.request_id, take.server_request_id)

    def integrity_check(self) -> str:
        """SQLite's full `PRAGMA integrity_check` result ("ok" when the file is sound)."""
        with self._using("checking the history") as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(row[0]) for row in rows)


def _audio_name(take_id: int, extension: str) -> str:
    """`0001/take-1234.wav`: a thousand takes per folder keeps folders quick to list."""
    return f"{take_id // _FILES_PER_FOLDER:04d}/take-{take_id}.{extension}"
