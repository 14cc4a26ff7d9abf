"""The render queue's schema (jobs and items) and the mapping of rows to records."""

from __future__ import annotations

import json
import sqlite3

from studio.core.batch import ItemSpec, QueueItem, QueueJob
from studio.store.db import Migration, sql_steps

_V1 = sql_steps(
    """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        source TEXT NOT NULL,
        out_dir TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'cancelled', 'finished')),
        options TEXT NOT NULL DEFAULT '{}',
        message TEXT NOT NULL DEFAULT '',
        owner_pid INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0
    )
    """,
    """
    CREATE TABLE items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        row INTEGER NOT NULL,
        key TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        spec TEXT NOT NULL,
        out_name TEXT NOT NULL,
        chars INTEGER NOT NULL,
        state TEXT NOT NULL
            CHECK (state IN ('queued', 'running', 'done', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        request_id TEXT NOT NULL DEFAULT '',
        backend TEXT NOT NULL DEFAULT '',
        duration_s REAL NOT NULL DEFAULT 0,
        elapsed_s REAL NOT NULL DEFAULT 0,
        started_at REAL NOT NULL DEFAULT 0,
        finished_at REAL NOT NULL DEFAULT 0,
        UNIQUE (job_id, seq),
        UNIQUE (job_id, out_name)
    )
    """,
    # The runner's "next queued item" and the panel's per-state counts both walk this index.
    "CREATE INDEX items_job_state ON items (job_id, state, seq)",
    "CREATE INDEX jobs_state ON jobs (state, id)",
)

# migrations[n] turns version n into n + 1. Append only; never edit a released step.
MIGRATIONS: tuple[Migration, ...] = (_V1,)

ITEM_COLUMNS = (
    "id, job_id, seq, row, key, text, spec, out_name, state, attempts, error, request_id, "
    "backend, duration_s, elapsed_s"
)
JOB_COLUMNS = "id, created_at, source, out_dir, state, options, message, owner_pid, total"
# Column lists are constants of this module, never input: the f-strings are not injectable.
SELECT_JOB = f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?"  # noqa: S608
# A job's kind lives in its options ("kind": "project" for a script project's renders; batch
# jobs, the first kind, have none), so the batch panel never offers to resume a project's job.
SELECT_UNFINISHED = (
    f"SELECT {JOB_COLUMNS} FROM jobs WHERE state NOT IN (?, ?) "  # noqa: S608
    "AND coalesce(json_extract(options, '$.kind'), 'batch') = ? ORDER BY id DESC"
)
CLAIM = (
    "UPDATE items SET state = 'running', attempts = attempts + 1, started_at = ? "  # noqa: S608
    "WHERE id IN (SELECT id FROM items WHERE job_id = ? AND state = 'queued' "
    f"ORDER BY seq LIMIT ?) RETURNING {ITEM_COLUMNS}"
)
FINISH = (
    "UPDATE items SET state = ?, error = ?, request_id = ?, backend = ?, duration_s = ?, "
    "elapsed_s = ?, finished_at = ? WHERE id = ?"
)
RESET_RUNNING = (
    "UPDATE items SET state = 'queued' WHERE job_id = ? AND state = 'running' "  # noqa: S608
    f"RETURNING {ITEM_COLUMNS}"
)
SELECT_ITEM = f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?"  # noqa: S608
SELECT_PAGE = "SELECT {columns} FROM items WHERE job_id = ? ORDER BY seq LIMIT ? OFFSET ?"


def item_columns(text_chars: int | None = None) -> str:
    """ITEM_COLUMNS, with only the first `text_chars` characters of the text (None: all).

    For readers that show or report items but do not render them: a job of long texts (a
    folder of chapters) then never comes back into memory whole.
    """
    if text_chars is None:
        return ITEM_COLUMNS
    return ITEM_COLUMNS.replace(" text,", f" substr(text, 1, {int(text_chars)}),")


def spec_json(spec: ItemSpec) -> str:
    """The render settings of an item (not its text, row or name, which have columns)."""
    return json.dumps(
        {
            "voice_id": spec.voice_id,
            "model": spec.model,
            "language": spec.language,
            "speed": spec.speed,
            "sample_rate": spec.sample_rate,
            "export_format": spec.export_format,
            "dictionary_ids": list(spec.dictionary_ids),
        },
        separators=(",", ":"),
    )


def item_from_row(row: sqlite3.Row | tuple[object, ...]) -> QueueItem:
    """A QueueItem from a row selected with ITEM_COLUMNS."""
    (id_, job_id, seq, row_no, key, text, spec, out_name, state, attempts, error, rid) = row[:12]
    backend, duration_s, elapsed_s = row[12:15]
    settings = json.loads(str(spec))
    item_spec = ItemSpec(
        row=int(str(row_no)),
        key=str(key),
        text=str(text),
        voice_id=str(settings["voice_id"]),
        model=str(settings["model"]),
        language=str(settings["language"]),
        speed=float(settings["speed"]),
        sample_rate=int(settings["sample_rate"]),
        export_format=str(settings["export_format"]),
        out_name=str(out_name),
        dictionary_ids=tuple(str(d) for d in settings.get("dictionary_ids", [])),
    )
    return QueueItem(
        id=int(str(id_)),
        job_id=int(str(job_id)),
        seq=int(str(seq)),
        spec=item_spec,
        state=str(state),
        attempts=int(str(attempts)),
        error=str(error),
        request_id=str(rid),
        backend=str(backend),
        duration_s=float(str(duration_s)),
        elapsed_s=float(str(elapsed_s)),
    )


def job_from_row(row: sqlite3.Row | tuple[object, ...]) -> QueueJob:
    """A QueueJob from a row selected with JOB_COLUMNS."""
    id_, created, source, out_dir, state, options, message, pid, total = row
    return QueueJob(
        int(str(id_)),
        str(created),
        str(source),
        str(out_dir),
        str(state),
        str(options),
        str(message),
        int(str(pid)),
        int(str(total)),
    )
