"""The cast, chapter and title edits of ProjectEditor, and its non-undoable updates."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from studio.core import project_ops as ops
from studio.core.project import Chapter, DictionaryRules, Project, SegmentTake
from studio.core.project_cast import PALETTE, Speaker
from studio.core.project_undo import Command, UndoStack


class CastEdits(UndoStack):
    """Undoable edits of the cast, chapters and title; plain updates from
    renders and dictionary refreshes. ProjectEditor adds the text edits.

    Attributes:
        project, version: See UndoStack.
    """

    def __init__(self, project: Project, ids: ops.IdFactory = ops.new_id) -> None:
        super().__init__(project)
        self._ids = ids

    def _cast_command(self, label: str, speakers: tuple[Speaker, ...]) -> Command:
        old = self.project.cast.speakers
        ops.set_cast(self.project, speakers)  # validates before anything changes
        return Command(label, lambda p: ops.set_cast(p, speakers), lambda p: ops.set_cast(p, old))

    def add_speaker(self, name: str, **settings: Any) -> str:
        """Add a speaker (default: the first speaker's voice settings); returns its id."""
        speakers = self.project.cast.speakers
        colour = settings.pop("colour", PALETTE[len(speakers) % len(PALETTE)])
        speaker = replace(speakers[0], speaker_id=self._ids(), name=name.strip(), colour=colour)
        speaker = replace(speaker, **settings)
        self.do(self._cast_command("Add speaker", (*speakers, speaker)))
        return speaker.speaker_id

    def update_speaker(self, speaker_id: str, **changes: Any) -> Project:
        """Change a speaker's name, colour, voice, model, language, speed or dictionaries;
        voicing changes make their segments stale (project_state says how many)."""
        speakers = tuple(
            replace(s, **changes) if s.speaker_id == speaker_id else s
            for s in self.project.cast.speakers
        )
        return self.do(self._cast_command("Edit speaker", speakers))

    def add_chapter(self, title: str, index: int | None = None) -> str:
        """Add an empty chapter (at the end by default); returns its id."""
        chapter = Chapter(self._ids(), title)
        at = len(self.project.chapters) if index is None else index

        def add(p: Project) -> Project:
            return replace(p, chapters=(*p.chapters[:at], chapter, *p.chapters[at:]))

        def remove(p: Project) -> Project:
            return replace(
                p, chapters=tuple(c for c in p.chapters if c.chapter_id != chapter.chapter_id)
            )

        self.do(Command("Add chapter", add, remove))
        return chapter.chapter_id

    def set_title(self, title: str) -> Project:
        """Retitle the project."""
        old = self.project.title
        return self.do(
            Command(
                "Rename project", lambda p: replace(p, title=title), lambda p: replace(p, title=old)
            )
        )

    # -- not undoable: results of renders and refreshes ---------------------------------------

    def add_take(self, segment_id: str, take: SegmentTake, choose: bool | None = None) -> Project:
        """Add a finished render (see project_ops.add_take for when it is chosen)."""
        self.set(ops.add_take(self.project, segment_id, take, choose))
        return self.project

    def mark_failed(self, segment_id: str, key: str, message: str) -> Project:
        """Record a failed render of a segment for `key` (cleared by an edit or a success)."""
        if self.project.has(segment_id):
            segment = replace(self.project.segment(segment_id), failure=message, failed_key=key)
            self.set(ops.replace_segment(self.project, segment))
        return self.project

    def set_dictionary_rules(self, dict_id: str, rules: tuple[tuple[str, str], ...]) -> Project:
        """Update the project's snapshot of a dictionary's rules (after a refresh or edit)."""
        others = tuple(d for d in self.project.dictionaries if d.dict_id != dict_id)
        if self.project.rules(dict_id) != rules:
            self.set(replace(self.project, dictionaries=(*others, DictionaryRules(dict_id, rules))))
        return self.project
