"""Incremental saving: what rows changed between two project values, compared by identity."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from studio.core.project import Block, DictionaryRules, Project, Segment
from studio.core.project_cast import Speaker
from studio.store import project_schema as schema

BlockPlace = tuple[str, int, Block]


@dataclass
class Rows:
    """What the file holds, by id: enough to tell which rows an edit touched.

    Attributes:
        chapters: chapter id -> (position, title).
        blocks: block id -> (chapter id, position, block value).
        speakers, dictionaries: The saved values (small; rewritten whole when they differ).
    """

    chapters: dict[str, tuple[int, str]] = field(default_factory=dict)
    blocks: dict[str, BlockPlace] = field(default_factory=dict)
    speakers: tuple[Speaker, ...] = ()
    dictionaries: tuple[DictionaryRules, ...] = ()
    project: Project | None = None

    def write_changes(self, conn: sqlite3.Connection, old: Rows) -> int:
        """Write the rows that differ from `old` (inside the caller's transaction).

        Returns:
            How many blocks were written (0 for an edit of the cast or settings only).
        """
        project = self.project
        assert project is not None
        if self.speakers != old.speakers:
            conn.execute("DELETE FROM speakers")
            conn.executemany(
                schema.UPSERT["speakers"],
                [schema.speaker_row(s, n) for n, s in enumerate(self.speakers)],
            )
        if self.dictionaries != old.dictionaries:
            conn.execute("DELETE FROM dictionaries")
            conn.executemany(
                schema.UPSERT["dictionaries"],
                [(d.dict_id, n, _rules_json(d)) for n, d in enumerate(self.dictionaries)],
            )
        if self.chapters != old.chapters:
            gone = [(cid,) for cid in old.chapters if cid not in self.chapters]
            conn.executemany("DELETE FROM chapters WHERE chapter_id = ?", gone)
            conn.executemany(
                schema.UPSERT["chapters"],
                [(cid, pos, title) for cid, (pos, title) in self.chapters.items()
                 if old.chapters.get(cid) != (pos, title)],
            )  # fmt: skip
        written = 0
        for block_id, place in self.blocks.items():
            before = old.blocks.get(block_id)
            if before is not None and before[2] is place[2] and before[:2] == place[:2]:
                continue
            written += 1
            _write_block(conn, project, place, before)
        for block_id, before in old.blocks.items():
            if block_id not in self.blocks:
                conn.execute("DELETE FROM blocks WHERE block_id = ?", (block_id,))
                _delete_segments(conn, project, before[2].segments)
        return written


def _rules_json(d: DictionaryRules) -> str:
    return json.dumps([list(rule) for rule in d.rules])


def _write_block(
    conn: sqlite3.Connection, project: Project, place: BlockPlace, before: BlockPlace | None
) -> None:
    chapter_id, position, block = place
    conn.execute(schema.UPSERT["blocks"], schema.block_row(block, chapter_id, position))
    old_segments = (
        {s.segment_id: (n, s) for n, s in enumerate(before[2].segments)} if before else {}
    )
    for n, segment in enumerate(block.segments):
        old = old_segments.get(segment.segment_id)
        if old is not None and old[0] == n and old[1] is segment:
            continue
        conn.execute(schema.UPSERT["segments"], schema.segment_row(segment, block.block_id, n))
        _write_takes(conn, segment, old[1] if old is not None else None)
    kept = {s.segment_id for s in block.segments}
    _delete_segments(
        conn, project, [s for _, s in old_segments.values() if s.segment_id not in kept]
    )


def _write_takes(conn: sqlite3.Connection, segment: Segment, before: Segment | None) -> None:
    old = {t.take_id: (n, t) for n, t in enumerate(before.takes)} if before is not None else {}
    for n, take in enumerate(segment.takes):
        found = old.get(take.take_id)
        if found is None or found[0] != n or found[1] != take:
            conn.execute(schema.UPSERT["takes"], schema.take_row(take, segment.segment_id, n))
    if before is None:
        # The segment may have come back from elsewhere (undo, split): drop rows it no longer has.
        conn.execute(
            "DELETE FROM takes WHERE segment_id = ? AND take_id NOT IN "
            "(SELECT value FROM json_each(?))",
            (segment.segment_id, _json_ids(segment)),
        )
    else:
        kept = {t.take_id for t in segment.takes}
        conn.executemany(
            "DELETE FROM takes WHERE take_id = ?", [(t,) for t in old if t not in kept]
        )


def _json_ids(segment: Segment) -> str:
    return json.dumps([t.take_id for t in segment.takes])


def _delete_segments(
    conn: sqlite3.Connection, project: Project, segments: list[Segment] | tuple[Segment, ...]
) -> None:
    """Delete segments (and their takes) that are nowhere in the project any more."""
    gone = [(s.segment_id,) for s in segments if not project.has(s.segment_id)]
    conn.executemany("DELETE FROM segments WHERE segment_id = ?", gone)
    conn.executemany("DELETE FROM takes WHERE segment_id = ?", gone)


def rows_of(project: Project) -> Rows:
    """The Rows index of a project value (O(blocks); segments are compared lazily)."""
    rows = Rows(speakers=project.cast.speakers, dictionaries=project.dictionaries, project=project)
    for ci, chapter in enumerate(project.chapters):
        rows.chapters[chapter.chapter_id] = (ci, chapter.title)
        for bi, block in enumerate(chapter.blocks):
            rows.blocks[block.block_id] = (chapter.chapter_id, bi, block)
    return rows
