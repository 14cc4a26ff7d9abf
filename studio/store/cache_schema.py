"""The render cache's index schema (entries, running totals) and the statements that stamp use."""

from __future__ import annotations

from studio.store import db

MIGRATIONS: tuple[db.Migration, ...] = (
    db.sql_steps(
        "CREATE TABLE entries (key TEXT PRIMARY KEY, output_format TEXT NOT NULL, "
        "sample_rate INTEGER NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, "
        "last_used INTEGER NOT NULL, created_at TEXT NOT NULL, meta TEXT NOT NULL)",
        "CREATE INDEX entries_lru ON entries (last_used)",
    ),
    # The running totals: triggers keep them in the same transaction as the rows they count,
    # so they stay exact across crashes and across processes.
    db.sql_steps(
        "CREATE TABLE totals (id INTEGER PRIMARY KEY CHECK (id = 0), "
        "entries INTEGER NOT NULL, bytes INTEGER NOT NULL)",
        "INSERT INTO totals SELECT 0, count(*), coalesce(sum(size), 0) FROM entries",
        "CREATE TRIGGER entries_added AFTER INSERT ON entries BEGIN "
        "UPDATE totals SET entries = entries + 1, bytes = bytes + new.size; END",
        "CREATE TRIGGER entries_removed AFTER DELETE ON entries BEGIN "
        "UPDATE totals SET entries = entries - 1, bytes = bytes - old.size; END",
        "CREATE TRIGGER entries_resized AFTER UPDATE OF size ON entries BEGIN "
        "UPDATE totals SET bytes = bytes - old.size + new.size; END",
    ),
)
# The next recency stamp: a counter, not a clock, so the order is exact even within a
# millisecond and across processes (it is read and written under the write lock).
NEXT_USE = "(SELECT coalesce(max(last_used), 0) + 1 FROM entries)"
TOUCH = f"UPDATE entries SET last_used = {NEXT_USE} WHERE key = ?"  # noqa: S608
# ON CONFLICT rather than INSERT OR REPLACE: REPLACE's implicit delete fires no trigger.
UPSERT = (
    "INSERT INTO entries (key, output_format, sample_rate, size, sha256, last_used, "  # noqa: S608
    f"created_at, meta) VALUES (?, ?, ?, ?, ?, {NEXT_USE}, ?, ?) ON CONFLICT (key) DO UPDATE "
    "SET output_format = excluded.output_format, sample_rate = excluded.sample_rate, "
    "size = excluded.size, sha256 = excluded.sha256, last_used = excluded.last_used, "
    "created_at = excluded.created_at, meta = excluded.meta"
)
