"""The takes history's schema: ordered migrations, and its full-text index kept beside them."""

from __future__ import annotations

import logging
import sqlite3

from studio.store.db import Migration, sql_steps

log = logging.getLogger(__name__)

SOURCES: tuple[str, ...] = ("main", "grid", "render", "bench")
BACKENDS: tuple[str, ...] = ("cloud", "local")

# Version 1. JSON arrays hold the id lists (they are only ever read back whole). `audio_file`
# is relative to the store's audio folder, so the whole history folder can be moved.
_V1 = sql_steps(
    """
    CREATE TABLE takes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        text TEXT NOT NULL,
        voice_id TEXT NOT NULL,
        model TEXT NOT NULL,
        language TEXT NOT NULL,
        speed REAL NOT NULL,
        sample_rate INTEGER NOT NULL,
        output_format TEXT NOT NULL,
        dictionary_ids TEXT NOT NULL DEFAULT '[]',
        dictionary_hash TEXT NOT NULL DEFAULT '',
        request_ids TEXT NOT NULL DEFAULT '[]',
        session_id TEXT NOT NULL DEFAULT '',
        server_request_ids TEXT NOT NULL DEFAULT '[]',
        backend TEXT NOT NULL CHECK (backend IN ('cloud', 'local')),
        base_url TEXT NOT NULL DEFAULT '',
        transport TEXT NOT NULL DEFAULT '',
        duration_s REAL NOT NULL,
        audio_file TEXT NOT NULL,
        audio_bytes INTEGER NOT NULL,
        audio_sample_rate INTEGER NOT NULL,
        stars INTEGER NOT NULL DEFAULT 0 CHECK (stars BETWEEN 0 AND 5),
        source TEXT NOT NULL CHECK (source IN ('main', 'grid', 'render', 'bench')),
        cache_key TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX takes_created ON takes (created_at)",
    "CREATE INDEX takes_voice ON takes (voice_id, id)",
    "CREATE INDEX takes_stars ON takes (stars, id)",
)

# Version 2. A repeat render served from the cache counts as another use of its take instead of
# adding a duplicate row: `uses` (1 for the render itself) and when it was last used. Existing
# takes keep their rows and get uses = 1.
_V2 = sql_steps(
    "ALTER TABLE takes ADD COLUMN uses INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE takes ADD COLUMN last_used_at TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX takes_cache_key ON takes (cache_key, id)",
)

# migrations[n] turns version n into n + 1. Append only; never edit a released step.
MIGRATIONS: tuple[Migration, ...] = (_V1, _V2)

_FTS_TRIGGERS = {
    "takes_fts_insert": """
        CREATE TRIGGER takes_fts_insert AFTER INSERT ON takes BEGIN
            INSERT INTO takes_fts (rowid, text) VALUES (new.id, new.text);
        END""",
    "takes_fts_delete": """
        CREATE TRIGGER takes_fts_delete AFTER DELETE ON takes BEGIN
            INSERT INTO takes_fts (takes_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
    "takes_fts_update": """
        CREATE TRIGGER takes_fts_update AFTER UPDATE OF text ON takes BEGIN
            INSERT INTO takes_fts (takes_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO takes_fts (rowid, text) VALUES (new.id, new.text);
        END""",
}


def fts_available(conn: sqlite3.Connection) -> bool:
    """True when this SQLite build has FTS5 with the trigram tokenizer (SQLite >= 3.34).

    Checked by trying it, since builds differ in what they compile in.
    """
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.fts_probe USING fts5(x, tokenize='trigram')")
        conn.execute("DROP TABLE temp.fts_probe")
    except sqlite3.Error:
        return False
    return True


def ensure_fts(conn: sqlite3.Connection, use_fts: bool) -> None:
    """Make the full-text index match this run: built and kept current, or switched off.

    The index is derived data, not part of the schema versions: it is an external-content FTS5
    table over `takes.text`, kept current by triggers. When FTS5 is unavailable (or turned off)
    the triggers are dropped so that adding takes still works, and the next run that has FTS5
    rebuilds the index from the table. Call inside a write transaction.
    """
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not use_fts:
        for trigger in _FTS_TRIGGERS:
            if trigger in names:
                conn.execute(f"DROP TRIGGER {trigger}")
        return
    if "takes_fts" in names and all(trigger in names for trigger in _FTS_TRIGGERS):
        return
    if "takes_fts" not in names:
        conn.execute(
            "CREATE VIRTUAL TABLE takes_fts USING fts5("
            "text, content='takes', content_rowid='id', tokenize='trigram')"
        )
    for trigger, ddl in _FTS_TRIGGERS.items():
        if trigger not in names:
            conn.execute(ddl)
    conn.execute("INSERT INTO takes_fts (takes_fts) VALUES ('rebuild')")
    log.info("history: full-text index (re)built")
