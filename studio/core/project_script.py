"""An imported script (studio.core.script_import) as project content: a new project, or an
undoable append to an open one."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from studio.core import project_ops as ops
from studio.core.project import MAX_PAUSE_S, Block, Chapter, Project
from studio.core.project_cast import PALETTE, Speaker
from studio.core.project_text import resplit
from studio.core.project_undo import Command
from studio.core.script_import import ImportedScript, Paragraph


@dataclass(frozen=True)
class ScriptContent:
    """What an import adds to a project.

    Attributes:
        speakers: The whole cast after the import (new speakers appended).
        into_last: Blocks that go at the end of the project's last chapter (the script's text
            before its first heading).
        chapters: New chapters, after the existing ones.
    """

    speakers: tuple[Speaker, ...]
    into_last: tuple[Block, ...]
    chapters: tuple[Chapter, ...]

    @property
    def block_count(self) -> int:
        """How many blocks the import adds."""
        return len(self.into_last) + sum(len(c.blocks) for c in self.chapters)


def is_empty(project: Project) -> bool:
    """True when the project holds no text (a fresh project): an import fills it, no question."""
    return not any(block.text.strip() for block in project.blocks)


def script_content(
    project: Project, script: ImportedScript, ids: ops.IdFactory = ops.new_id
) -> ScriptContent:
    """The blocks, chapters and speakers `script` adds to `project`.

    `Speaker: line` names match the cast case-insensitively; a new name becomes a speaker with
    the first speaker's voice settings and the next palette colour (as pasting does). For a
    timed script (SRT/VTT) the gap before the next cue becomes the block's pause, so the cues
    keep their spacing when they are read in order.
    """
    speakers = list(project.cast.speakers)
    paragraphs = script.paragraphs
    pauses = _cue_pauses(paragraphs) if script.timed else {}
    into_last: list[Block] = []
    chapters: list[Chapter] = []
    at = 0
    for chapter in script.chapters:
        blocks = []
        for paragraph in chapter.paragraphs:
            speaker = _speaker(speakers, paragraph.speaker, ids)
            segments = resplit(paragraph.text, (), ids)
            pause = pauses.get(at)
            blocks.append(
                Block(ids(), speaker.speaker_id, paragraph.text, segments, pause_after_s=pause)
            )
            at += 1
        if chapter.title is None and not chapters:
            into_last.extend(blocks)  # text before the first heading continues the project
        else:
            title = chapter.title or f"Chapter {len(project.chapters) + len(chapters) + 1}"
            chapters.append(Chapter(ids(), title, tuple(blocks)))
    return ScriptContent(tuple(speakers), tuple(into_last), tuple(chapters))


def _speaker(speakers: list[Speaker], name: str | None, ids: ops.IdFactory) -> Speaker:
    if not name:
        return speakers[0]
    folded = name.casefold()
    found = next((s for s in speakers if s.name.casefold() == folded), None)
    if found is None:
        colour = PALETTE[len(speakers) % len(PALETTE)]
        found = replace(speakers[0], speaker_id=ids(), name=name, colour=colour)
        speakers.append(found)
    return found


def _cue_pauses(paragraphs: list[Paragraph]) -> dict[int, float]:
    """Index -> silence before the next cue (clamped to 0–60 s); the last cue gets none."""
    pauses: dict[int, float] = {}
    for i, (here, after) in enumerate(itertools.pairwise(paragraphs)):
        if here.end_s is not None and after.start_s is not None:
            pauses[i] = round(min(max(after.start_s - here.end_s, 0.0), MAX_PAUSE_S), 3)
    return pauses


def project_from_script(
    title: str, voice_id: str, script: ImportedScript, ids: ops.IdFactory = ops.new_id
) -> Project:
    """A new project holding `script`: a Narrator speaking `voice_id`, then its chapters."""
    empty = ops.new_project(title, voice_id, ids)
    content = script_content(empty, script, ids)
    first = empty.chapters[0]
    chapters = list(content.chapters)
    if content.into_last:
        chapters.insert(0, replace(first, blocks=content.into_last))
    return ops.set_cast(replace(empty, chapters=tuple(chapters or [first])), content.speakers)


def import_command(project: Project, content: ScriptContent, label: str = "Import") -> Command:
    """One undoable edit that adds `content` to the end of `project`.

    Undo removes exactly what it added, keeping edits and takes made elsewhere since. A
    project with no text yet (a fresh one) is filled instead: its empty chapter gives way to
    the script's chapters.
    """
    known = {s.speaker_id for s in project.cast.speakers}
    added = tuple(s for s in content.speakers if s.speaker_id not in known)
    if is_empty(project):
        old_chapters, old_cast = project.chapters, project.cast.speakers
        first = [replace(old_chapters[0], blocks=content.into_last)] if content.into_last else []
        filled = (*first, *content.chapters) or old_chapters

        def fill(p: Project) -> Project:
            return ops.set_cast(replace(p, chapters=filled), (*p.cast.speakers, *added))

        def empty(p: Project) -> Project:
            return ops.set_cast(replace(p, chapters=old_chapters), old_cast)

        return Command(label, fill, empty)
    last_id = project.chapters[-1].chapter_id
    block_ids = [b.block_id for b in content.into_last]
    chapter_ids = {c.chapter_id for c in content.chapters}
    stash = list(content.into_last)
    stash_chapters = list(content.chapters)

    def forward(p: Project) -> Project:
        ci, _, _ = p.locate(last_id)
        end = len(p.chapters[ci].blocks)
        placed = [(last_id, end + i, b) for i, b in enumerate(stash)]
        p = ops.insert_blocks(p, placed) if placed else p
        p = replace(p, chapters=(*p.chapters, *stash_chapters))
        return ops.set_cast(p, (*p.cast.speakers, *added))

    def backward(p: Project) -> Project:
        p, where = ops.remove_blocks(p, block_ids)
        # Redo puts back what undo took, with any takes rendered in between.
        stash[:] = [b for _, _, b in where]
        stash_chapters[:] = [c for c in p.chapters if c.chapter_id in chapter_ids]
        p = replace(p, chapters=tuple(c for c in p.chapters if c.chapter_id not in chapter_ids))
        gone = {s.speaker_id for s in added}
        return ops.set_cast(p, tuple(s for s in p.cast.speakers if s.speaker_id not in gone))

    return Command(label, forward, backward)
