"""Imported scripts as project content in the window: a new project, or an undoable append to
an open one (cue times and long paragraphs: tests/core/test_project_longform.py)."""

from __future__ import annotations

import itertools

from studio.core import project_ops as ops
from studio.core.project import SegmentTake
from studio.core.project_build import (
    import_command,
    is_empty,
    project_from_script,
    script_content,
)
from studio.core.project_edit import ProjectEditor
from studio.core.project_state import segment_key
from studio.core.script_import import import_text

MD = (
    b"Intro before any heading.\n\n# Part one\n\nAlice: Hi.\n\nBob: Hello.\n\n"
    b"# Part two\n\nALICE: Bye.\n"
)
SRT = b"1\n00:00:01,000 --> 00:00:02,000\nOne.\n\n2\n00:00:02,750 --> 00:00:03,000\nTwo.\n"


def _ids():
    counter = itertools.count()
    return lambda: f"id{next(counter)}"


def test_new_project_keeps_headings_speakers_and_text_before_the_first_heading() -> None:
    """Text before a heading stays in the first chapter; names map to one speaker each."""
    project = project_from_script(import_text(MD, "markdown"), "Demo", voice_id="v1", ids=_ids())
    assert [c.title for c in project.chapters] == ["Demo", "Part one", "Part two"]
    names = {s.speaker_id: s.name for s in project.cast.speakers}
    assert [names[b.speaker_id] for b in project.blocks] == ["Narrator", "Alice", "Bob", "Alice"]
    assert all(s.voice_id == "v1" for s in project.cast.speakers)
    assert len({s.colour for s in project.cast.speakers}) == 3


def test_timed_script_gaps_become_pauses() -> None:
    """Cue gaps become block pauses so the cues keep their spacing when read in order; the
    blocks keep their cue times too (a timed project)."""
    project = project_from_script(import_text(SRT, "srt"), "Subs", voice_id="v1", ids=_ids())
    assert [b.pause_after_s for b in project.blocks] == [0.75, None]
    assert [b.cue for b in project.blocks] == [(1.0, 2.0), (2.75, 3.0)] and project.timed


def test_append_undo_redo_keeps_edits_and_takes_made_meanwhile() -> None:
    """The import is one undo step; undo removes only what it added (new speakers too), and
    redo brings back the imported blocks with takes rendered before the undo."""
    editor = ProjectEditor(ops.new_project("P", "v1"))
    chapter = editor.project.chapters[0].chapter_id
    editor.paste(chapter, 0, "Existing text.")
    assert not is_empty(editor.project)
    content = script_content(editor.project, import_text(MD, "markdown"))
    editor.do(import_command(editor.project, content, "Import demo.md"))
    project = editor.project
    assert editor.undo_label == "Import demo.md"
    assert [b.text for b in project.chapters[0].blocks] == [
        "Existing text.",
        "Intro before any heading.",
    ]
    assert [c.title for c in project.chapters[1:]] == ["Part one", "Part two"]
    imported = project.chapters[1].blocks[0]
    segment = imported.segments[0]
    key = segment_key(project, imported, segment)
    take = SegmentTake("take-1", key, segment.text, 0.5, 24000)
    editor.add_take(segment.segment_id, take)
    editor.undo()
    assert [b.text for b in editor.project.blocks] == ["Existing text."]
    assert [s.name for s in editor.project.cast.speakers] == ["Narrator"]
    editor.redo()
    assert editor.project.segment(segment.segment_id).chosen_take == "take-1"


def test_import_into_an_empty_project_replaces_its_empty_chapter() -> None:
    """A fresh project is filled rather than appended to (no empty chapter is left first)."""
    editor = ProjectEditor(ops.new_project("P", "v1"))
    content = script_content(editor.project, import_text(b"# Only\n\nText.", "markdown"))
    editor.do(import_command(editor.project, content))
    assert [c.title for c in editor.project.chapters] == ["Only"]
    editor.undo()
    assert [c.title for c in editor.project.chapters] == ["Chapter 1"]
