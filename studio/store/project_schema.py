"""The .wavesproj schema: migrations, and Project values to rows and back."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from studio.core.project import (
    Block,
    Chapter,
    DictionaryRules,
    ExportSettings,
    Project,
    Segment,
    SegmentTake,
)
from studio.core.project_cast import Cast, Speaker
from studio.store.db import Migration, sql_steps

# PRAGMA application_id: "WAVS". Tells our files from any other SQLite database.
APPLICATION_ID = 0x57415653

# Version 1. Order is a `position` column per parent; audio is FLAC in its own table, written
# before the take row that names it (an orphan is removed at the next open).
_V1 = sql_steps(
    f"PRAGMA application_id = {APPLICATION_ID}",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE speakers (speaker_id TEXT PRIMARY KEY, position INTEGER NOT NULL, "
    "name TEXT NOT NULL, colour TEXT NOT NULL, voice_id TEXT NOT NULL, model TEXT NOT NULL, "
    "language TEXT NOT NULL, speed REAL NOT NULL, dictionaries TEXT NOT NULL)",
    "CREATE TABLE dictionaries (dict_id TEXT PRIMARY KEY, position INTEGER NOT NULL, "
    "rules TEXT NOT NULL)",
    "CREATE TABLE chapters (chapter_id TEXT PRIMARY KEY, position INTEGER NOT NULL, "
    "title TEXT NOT NULL)",
    "CREATE TABLE blocks (block_id TEXT PRIMARY KEY, chapter_id TEXT NOT NULL, "
    "position INTEGER NOT NULL, speaker_id TEXT NOT NULL, text TEXT NOT NULL, pause_after REAL)",
    "CREATE TABLE segments (segment_id TEXT PRIMARY KEY, block_id TEXT NOT NULL, "
    "position INTEGER NOT NULL, text TEXT NOT NULL, pause_after REAL NOT NULL, voice_id TEXT, "
    "speed REAL, locked INTEGER NOT NULL, chosen_take TEXT NOT NULL, failure TEXT NOT NULL, "
    "failed_key TEXT NOT NULL)",
    "CREATE TABLE takes (take_id TEXT PRIMARY KEY, segment_id TEXT NOT NULL, "
    "position INTEGER NOT NULL, key TEXT NOT NULL, text TEXT NOT NULL, duration REAL NOT NULL, "
    "sample_rate INTEGER NOT NULL, voice_id TEXT NOT NULL, speed REAL NOT NULL, "
    "created_at TEXT NOT NULL, backend TEXT NOT NULL, cache_key TEXT NOT NULL)",
    "CREATE TABLE audio (take_id TEXT PRIMARY KEY, flac BLOB NOT NULL, "
    "sample_rate INTEGER NOT NULL, frames INTEGER NOT NULL)",
    "CREATE INDEX segments_block ON segments (block_id)",
    "CREATE INDEX takes_segment ON takes (segment_id)",
)

# Version 2: a block dubbed to a subtitle cue keeps the cue's times (issue 16's timed projects).
_V2 = sql_steps(
    "ALTER TABLE blocks ADD COLUMN cue_start REAL",
    "ALTER TABLE blocks ADD COLUMN cue_end REAL",
)

# migrations[n] turns version n into n + 1. Append only; never edit a released step.
MIGRATIONS: tuple[Migration, ...] = (_V1, _V2)

UPSERT = {
    "speakers": "INSERT OR REPLACE INTO speakers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "dictionaries": "INSERT OR REPLACE INTO dictionaries VALUES (?, ?, ?)",
    "chapters": "INSERT OR REPLACE INTO chapters VALUES (?, ?, ?)",
    "blocks": "INSERT OR REPLACE INTO blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "segments": "INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "takes": "INSERT OR REPLACE INTO takes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def speaker_row(s: Speaker, position: int) -> tuple[Any, ...]:
    """The speakers row of a speaker."""
    return (s.speaker_id, position, s.name, s.colour, s.voice_id, s.model, s.language, s.speed,
            json.dumps(list(s.dictionaries)))  # fmt: skip


def block_row(b: Block, chapter_id: str, position: int) -> tuple[Any, ...]:
    """The blocks row of a block."""
    cue = b.cue or (None, None)
    return (b.block_id, chapter_id, position, b.speaker_id, b.text, b.pause_after_s, *cue)


def segment_row(s: Segment, block_id: str, position: int) -> tuple[Any, ...]:
    """The segments row of a segment."""
    return (s.segment_id, block_id, position, s.text, s.pause_after_s, s.voice_id, s.speed,
            int(s.locked), s.chosen_take, s.failure, s.failed_key)  # fmt: skip


def take_row(t: SegmentTake, segment_id: str, position: int) -> tuple[Any, ...]:
    """The takes row of a take."""
    return (t.take_id, segment_id, position, t.key, t.text, t.duration_s, t.sample_rate,
            t.voice_id, t.speed, t.created_at, t.backend, t.cache_key)  # fmt: skip


def meta_rows(project: Project) -> list[tuple[str, str]]:
    """The meta rows: title and export settings."""
    return [("title", project.title), ("export", json.dumps(asdict(project.export)))]


def load(conn: sqlite3.Connection) -> Project:
    """Read the whole project (one query per table, then grouped in memory)."""
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    speakers = tuple(
        Speaker(r[0], r[2], r[3], r[4], r[5], r[6], r[7], tuple(json.loads(r[8])))
        for r in conn.execute("SELECT * FROM speakers ORDER BY position")
    )
    dictionaries = tuple(
        DictionaryRules(r[0], tuple((str(w), str(p)) for w, p in json.loads(r[2])))
        for r in conn.execute("SELECT * FROM dictionaries ORDER BY position")
    )
    takes: dict[str, list[SegmentTake]] = defaultdict(list)
    for r in conn.execute("SELECT * FROM takes ORDER BY segment_id, position"):
        takes[r[1]].append(
            SegmentTake(r[0], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11])
        )
    segments: dict[str, list[Segment]] = defaultdict(list)
    for r in conn.execute("SELECT * FROM segments ORDER BY block_id, position"):
        segments[r[1]].append(
            Segment(r[0], r[3], r[4], r[5], r[6], bool(r[7]), tuple(takes[r[0]]), r[8], r[9], r[10])
        )
    blocks: dict[str, list[Block]] = defaultdict(list)
    for r in conn.execute("SELECT * FROM blocks ORDER BY chapter_id, position"):
        cue = (r[6], r[7]) if r[6] is not None and r[7] is not None else None
        blocks[r[1]].append(Block(r[0], r[3], r[4], tuple(segments[r[0]]), r[5], cue))
    chapters = tuple(
        Chapter(r[0], r[2], tuple(blocks[r[0]]))
        for r in conn.execute("SELECT * FROM chapters ORDER BY position")
    )
    export = ExportSettings(**json.loads(meta.get("export", "{}")))
    return Project(meta.get("title", ""), Cast(speakers), chapters, export, dictionaries)
