"""A new script project from an imported script: chapters, blocks, a cast, and cue times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from studio.core import contract as c
from studio.core.errors import ValidationError
from studio.core.project import Block, Chapter, Project
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
from studio.core.script_import import ImportedScript

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
    (SRT/WebVTT) gives every block its cue's times.

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
    chapters = []
    for chapter in script.chapters:
        blocks: list[Block] = []
        for paragraph in chapter.paragraphs:
            speaker = by_name.get((paragraph.speaker or "").casefold(), narrator)
            cue = None
            if paragraph.start_s is not None and paragraph.end_s is not None:
                cue = (paragraph.start_s, paragraph.end_s)
            for n, piece in enumerate(cut_paragraph(paragraph.text)):
                block = Block(ids(), speaker, piece, resplit(piece, (), ids))
                # A cue's text is short; a cut one keeps its time on its first block only.
                blocks.append(replace(block, cue=cue if n == 0 else None))
        chapters.append(Chapter(ids(), chapter.title or title, tuple(blocks)))
    return Project(title, cast, tuple(chapters))


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
