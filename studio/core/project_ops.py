"""Pure edits of a Project: each returns a new value sharing every part it did not change."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from studio.core.errors import ValidationError
from studio.core.project import Block, Chapter, Project, Segment, SegmentTake
from studio.core.project_cast import NARRATOR, Cast, Speaker
from studio.core.project_state import segment_key
from studio.core.project_text import resplit

IdFactory = Callable[[], str]
# (sentence, project) -> a segment an earlier edit dropped, not in `project`, or None.
Revive = Callable[[str, Project], Segment | None]


def new_id() -> str:
    """A fresh id for a chapter, block, segment, speaker or take (64 random bits, hex)."""
    return uuid.uuid4().hex[:16]


def new_project(title: str, voice_id: str = "", ids: IdFactory = new_id) -> Project:
    """An empty project: a Narrator speaking `voice_id` and one empty chapter."""
    narrator = Speaker(ids(), NARRATOR, voice_id=voice_id)
    return Project(title, Cast((narrator,)), (Chapter(ids(), "Chapter 1"),))


def replace_block(project: Project, block: Block) -> Project:
    """The project with the block of the same id replaced (O(blocks of its chapter))."""
    ci, bi, _ = project.locate(block.block_id)
    chapter = project.chapters[ci]
    blocks = (*chapter.blocks[:bi], block, *chapter.blocks[bi + 1 :])
    return replace_chapter(project, replace(chapter, blocks=blocks))


def replace_chapter(project: Project, chapter: Chapter) -> Project:
    """The project with the chapter of the same id replaced."""
    ci, _, _ = project.locate(chapter.chapter_id)
    chapters = (*project.chapters[:ci], chapter, *project.chapters[ci + 1 :])
    return replace(project, chapters=chapters)


def replace_segment(project: Project, segment: Segment) -> Project:
    """The project with the segment of the same id replaced."""
    block = project.block_of(segment.segment_id)
    _, _, si = project.locate(segment.segment_id)
    segments = (*block.segments[:si], segment, *block.segments[si + 1 :])
    return replace_block(project, replace(block, segments=segments))


def rechoose(
    project: Project, block: Block, only: Iterable[Segment] | None = None
) -> tuple[Segment, ...]:
    """The block's segments, those in `only` (default: all) re-picking a current take.

    A segment whose chosen take is stale (or that has none) switches to its newest take whose
    key is current, if it has one. This is what makes undoing an edit or typing a sentence back
    cost nothing: the take rendered for that text is chosen again. A current choice is kept.
    """
    wanted = None if only is None else {id(s) for s in only}
    out: list[Segment] = []
    for segment in block.segments:
        if segment.takes and (wanted is None or id(segment) in wanted):
            chosen = segment.take()
            key = segment_key(project, block, segment)
            if chosen is None or chosen.key != key:
                match = next((t for t in reversed(segment.takes) if t.key == key), None)
                if match is not None:
                    out.append(replace(segment, chosen_take=match.take_id))
                    continue
        out.append(segment)
    return tuple(out)


def set_block_texts(
    project: Project, texts: Mapping[str, str], ids: IdFactory, revive: Revive | None = None
) -> tuple[Project, tuple[Segment, ...]]:
    """Re-split the blocks whose text changed (one pass however many: replace all, paste).

    Args:
        texts: {block id: new text}.
        revive: Gives back a segment an earlier edit dropped (see Revive).

    Returns:
        The new project and the segments the edit dropped (the caller may revive them later).
    """
    by_chapter: dict[int, list[tuple[int, Block]]] = {}
    dropped: list[Segment] = []
    for block_id, text in texts.items():
        ci, bi, _ = project.locate(block_id)
        block = project.chapters[ci].blocks[bi]
        if block.text == text:
            continue
        new_block, lost = _resplit_block(project, block, text, ids, revive)
        by_chapter.setdefault(ci, []).append((bi, new_block))
        dropped += lost
    if not by_chapter:
        return project, ()
    chapters = list(project.chapters)
    for ci, changes in by_chapter.items():
        blocks = list(chapters[ci].blocks)
        for bi, block in changes:
            blocks[bi] = block
        chapters[ci] = replace(chapters[ci], blocks=tuple(blocks))
    return replace(project, chapters=tuple(chapters)), tuple(dropped)


def _resplit_block(
    project: Project, block: Block, text: str, ids: IdFactory, revive: Revive | None
) -> tuple[Block, list[Segment]]:
    pool_revive: Callable[[str], Segment | None] | None = None
    if revive is not None:
        found_by = revive

        def pool_revive(sentence: str) -> Segment | None:
            return found_by(sentence, project)

    segments = resplit(text, block.segments, ids, pool_revive)
    kept = {s.segment_id for s in segments}
    dropped = [s for s in block.segments if s.segment_id not in kept]
    before = {id(s) for s in block.segments}
    touched = [s for s in segments if id(s) not in before]
    new_block = replace(block, text=text, segments=segments)
    if touched:
        new_block = replace(new_block, segments=rechoose(project, new_block, touched))
    return new_block, dropped


def set_block_text(
    project: Project, block_id: str, text: str, ids: IdFactory, revive: Revive | None = None
) -> tuple[Project, tuple[Segment, ...]]:
    """Re-split one block after its text changed (see set_block_texts)."""
    return set_block_texts(project, {block_id: text}, ids, revive)


def set_speaker_of_block(project: Project, block_id: str, speaker_id: str) -> Project:
    """Give a block another speaker (its segments keep their takes; keys decide staleness)."""
    block = replace(project.block(block_id), speaker_id=speaker_id)
    return replace_block(project, replace(block, segments=rechoose(project, block)))


def insert_blocks(project: Project, placed: Iterable[tuple[str, int, Block]]) -> Project:
    """Insert blocks at (chapter id, index) places, each index counted in the result."""
    by_chapter: dict[str, list[tuple[int, Block]]] = {}
    for chapter_id, index, block in placed:
        project.locate(chapter_id)
        by_chapter.setdefault(chapter_id, []).append((index, block))
    chapters = []
    for chapter in project.chapters:
        wanted = by_chapter.get(chapter.chapter_id)
        if wanted:
            blocks = list(chapter.blocks)
            for index, block in sorted(wanted, key=lambda w: w[0]):
                blocks.insert(index, block)
            chapter = replace(chapter, blocks=tuple(blocks))  # noqa: PLW2901
        chapters.append(chapter)
    return replace(project, chapters=tuple(chapters))


def remove_blocks(
    project: Project, block_ids: Iterable[str]
) -> tuple[Project, list[tuple[str, int, Block]]]:
    """Remove blocks; returns where each was (for insert_blocks to put them back)."""
    wanted = set(block_ids)
    placed: list[tuple[str, int, Block]] = []
    chapters = []
    for chapter in project.chapters:
        if any(b.block_id in wanted for b in chapter.blocks):
            placed += [
                (chapter.chapter_id, i, b)
                for i, b in enumerate(chapter.blocks)
                if b.block_id in wanted
            ]
            chapter = replace(  # noqa: PLW2901
                chapter, blocks=tuple(b for b in chapter.blocks if b.block_id not in wanted)
            )
        chapters.append(chapter)
    return replace(project, chapters=tuple(chapters)), placed


def set_cast(project: Project, speakers: tuple[Speaker, ...]) -> Project:
    """Replace the cast; segments of speakers whose voicing changed re-pick a current take."""
    before = {s.speaker_id: s for s in project.cast.speakers}
    changed = {s.speaker_id for s in speakers if before.get(s.speaker_id) != s}
    project = replace(project, cast=Cast(speakers))
    for block in project.blocks:
        if block.speaker_id in changed and any(s.takes for s in block.segments):
            rechosen = rechoose(project, block)
            if rechosen != block.segments:
                project = replace_block(project, replace(block, segments=rechosen))
    return project


def add_take(
    project: Project, segment_id: str, take: SegmentTake, choose: bool | None = None
) -> Project:
    """Add a render's take to a segment (not an undoable edit).

    The take is chosen when `choose` says so, or by default when it is current (its key is the
    segment's key now) or the segment has no chosen take. A segment deleted meanwhile leaves
    the project unchanged.
    """
    if not project.has(segment_id):
        return project
    block = project.block_of(segment_id)
    segment = project.segment(segment_id)
    if choose is None:
        choose = not segment.chosen_take or take.key == segment_key(project, block, segment)
    updated = replace(
        segment,
        takes=(*segment.takes, take),
        chosen_take=take.take_id if choose else segment.chosen_take,
        failure="",
        failed_key="",
    )
    return replace_segment(project, updated)


def check_take(segment: Segment, take_id: str) -> str:
    """`take_id` when the segment has that take (or "" for none); else ValidationError."""
    if take_id and segment.take(take_id) is None:
        raise ValidationError("That take is no longer part of this segment.", "take")
    return take_id
