"""An imported script (studio.core.script_import) as project content: a new project (the CLI's
`project import` and the window's "New project…"), or one undoable append to an open project
(File → Import into project…). Both cut paragraphs and keep cue times the same way."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from studio.core import contract as c
from studio.core import project_ops as ops
from studio.core.errors import ValidationError
from studio.core.project import MAX_PAUSE_S, Block, Chapter, Project
from studio.core.project_cast import (
    MAX_NAME_CHARS,
    NARRATOR,
    PALETTE,
    Cast,
    Speaker,
    check_speed,
)
from studio.core.project_import import cut_paragraph
from studio.core.project_ops import IdFactory, new_id
from studio.core.project_text import resplit
from studio.core.project_undo import Command
from studio.core.script_import import ImportedScript, Paragraph

MAX_TITLE_CHARS = 200


def project_from_script(
    script: ImportedScript,
    title: str,
    *,
    voice_id: str = "",
    language: str = c.DEFAULT_LANGUAGE,
    speed: float = c.DEFAULT_SPEED,
    voices: Sequence[tuple[str, str]] = (),
    ids: IdFactory = new_id,
) -> Project:
    """The project of an imported script.

    Chapters keep their titles (text before the first heading becomes a chapter named after
    the project); each paragraph becomes a block split into sentence segments (a paragraph
    over project_import.PASTE_BLOCK_CHARS becomes several blocks); each speaker named in the
    script joins the cast, and the Narrator reads paragraphs that name none. A timed script
    (SRT/WebVTT) gives every block its cue's times (and the gap to the next cue as its pause).

    Args:
        script: From studio.core.script_import.
        title: The project's title.
        voice_id, language, speed: Every speaker's settings.
        voices: (speaker name, voice id) pairs that give some speakers another voice.
        ids: Id factory (tests pass a counter).

    Raises:
        ValidationError: nothing to speak, a bad speed, or a voice for a speaker the script
            does not have.
    """
    if not script.chapters:
        raise ValidationError("The script has no text to speak.", "script")
    check_speed(speed)
    title = " ".join(title.split())[:MAX_TITLE_CHARS] or "Untitled"
    names: list[str] = []
    if any(p.speaker is None for p in script.paragraphs):
        names.append(NARRATOR)
    for name in script.speakers:  # "Alice" and "ALICE" are one speaker, as in a paste
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    cast = _cast(names, voice_id, language, speed, voices, ids)
    by_name = {s.name.casefold(): s.speaker_id for s in cast.speakers}
    narrator = cast.speakers[0].speaker_id
    pauses = _cue_pauses(script.paragraphs)
    chapters, at = [], 0
    for chapter in script.chapters:
        blocks: list[Block] = []
        for paragraph in chapter.paragraphs:
            speaker = by_name.get((paragraph.speaker or "").casefold(), narrator)
            blocks += _blocks(paragraph, speaker, pauses.get(at), ids)
            at += 1
        chapters.append(Chapter(ids(), chapter.title or title, tuple(blocks)))
    return Project(title, cast, tuple(chapters))


def _blocks(
    paragraph: Paragraph, speaker_id: str, pause: float | None, ids: IdFactory
) -> list[Block]:
    """A paragraph's blocks: one, or several for one over PASTE_BLOCK_CHARS; a cue's times go
    on the first, the pause before the next cue on the last."""
    cue = None
    if paragraph.start_s is not None and paragraph.end_s is not None:
        cue = (paragraph.start_s, paragraph.end_s)
    pieces = cut_paragraph(paragraph.text)
    blocks = []
    for n, piece in enumerate(pieces):
        block = Block(ids(), speaker_id, piece, resplit(piece, (), ids))
        # A cue's text is short; a cut one keeps its time on its first block only.
        blocks.append(
            replace(
                block,
                cue=cue if n == 0 else None,
                pause_after_s=pause if n == len(pieces) - 1 else None,
            )
        )
    return blocks


def _cue_pauses(paragraphs: list[Paragraph]) -> dict[int, float]:
    """Paragraph index -> the silence before the next cue (clamped to 0–MAX_PAUSE_S; the last
    cue gets none). A dubbed mix places each cue at its start anyway; the pause keeps the
    spacing wherever the blocks are read in order (e.g. one file per segment)."""
    pauses: dict[int, float] = {}
    for i, (here, after) in enumerate(itertools.pairwise(paragraphs)):
        if here.end_s is not None and after.start_s is not None:
            pauses[i] = round(min(max(after.start_s - here.end_s, 0.0), MAX_PAUSE_S), 3)
    return pauses


def _cast(
    names: list[str],
    voice_id: str,
    language: str,
    speed: float,
    voices: Sequence[tuple[str, str]],
    ids: IdFactory,
) -> Cast:
    folded = {n.casefold() for n in names}
    for name, _voice in voices:
        if name.casefold() not in folded:
            known = ", ".join(names)
            raise ValidationError(f"The script has no speaker '{name}' (it has {known}).", "voice")
    chosen = {name.casefold(): voice for name, voice in voices}
    speakers = []
    for n, name in enumerate(names):
        speakers.append(
            Speaker(
                ids(),
                name[:MAX_NAME_CHARS],
                PALETTE[n % len(PALETTE)],
                chosen.get(name.casefold(), voice_id),
                language=language,
                speed=speed,
            )
        )
    return Cast(tuple(speakers))


@dataclass(frozen=True)
class ScriptContent:
    """What an import adds to an open project.

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
    project: Project, script: ImportedScript, ids: IdFactory = new_id
) -> ScriptContent:
    """The blocks, chapters and speakers `script` adds to `project` (blocks as
    `project_from_script` makes them: cut when long, with their cue times).

    `Speaker: line` names match the cast case-insensitively; a new name becomes a speaker with
    the first speaker's voice settings and the next palette colour (as pasting does).
    """
    speakers = list(project.cast.speakers)
    pauses = _cue_pauses(script.paragraphs)
    into_last: list[Block] = []
    chapters: list[Chapter] = []
    at = 0
    for chapter in script.chapters:
        blocks: list[Block] = []
        for paragraph in chapter.paragraphs:
            speaker = _speaker(speakers, paragraph.speaker, ids)
            blocks += _blocks(paragraph, speaker.speaker_id, pauses.get(at), ids)
            at += 1
        if chapter.title is None and not chapters:
            into_last.extend(blocks)  # text before the first heading continues the project
        else:
            title = chapter.title or f"Chapter {len(project.chapters) + len(chapters) + 1}"
            chapters.append(Chapter(ids(), title, tuple(blocks)))
    return ScriptContent(tuple(speakers), tuple(into_last), tuple(chapters))


def _speaker(speakers: list[Speaker], name: str | None, ids: IdFactory) -> Speaker:
    if not name:
        return speakers[0]
    folded = name.casefold()
    found = next((s for s in speakers if s.name.casefold() == folded), None)
    if found is None:
        colour = PALETTE[len(speakers) % len(PALETTE)]
        found = replace(speakers[0], speaker_id=ids(), name=name[:MAX_NAME_CHARS], colour=colour)
        speakers.append(found)
    return found


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
