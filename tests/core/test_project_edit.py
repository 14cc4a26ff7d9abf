"""Project edits that move, revive and merge segments: split, cut and paste, undo and redo."""

from __future__ import annotations

import pytest

from studio.core.errors import ValidationError
from studio.core.project import Project
from studio.core.project_state import SegmentState, state_counts
from tests.core.test_project import _editor, _render_all

S = SegmentState


def test_typing_merges_into_one_undo_step() -> None:
    """Keystrokes in one block are one undo step until sealed."""
    editor = _editor()
    block_id = editor.project.blocks[2].block_id
    for text in ("Good", "Good n", "Good night."):
        editor.set_block_text(block_id, text, typing=True)
    editor.undo()
    assert editor.project.blocks[2].text == "Good."
    assert editor.redo_label == "Edit text"


def test_deleted_block_comes_back_with_its_takes() -> None:
    """Undo of a delete restores the block with the takes rendered before it."""
    editor = _editor()
    _render_all(editor)
    editor.delete_blocks([editor.project.blocks[1].block_id])
    editor.undo()
    assert state_counts(editor.project) == {S.RENDERED: 5}


def test_split_and_paste_back_keep_takes() -> None:
    """Enter in the middle of a rendered block: both halves stay rendered (takes move along)."""
    editor = _editor()
    _render_all(editor)
    block = editor.project.blocks[1]
    new_id = editor.split_block(block.block_id, len("Fine, thanks. [pause 1s]"))
    assert editor.project.block(new_id).text == "And you?"
    assert state_counts(editor.project) == {S.RENDERED: 5}
    editor.undo()
    assert editor.project.blocks[1].text == block.text
    assert state_counts(editor.project) == {S.RENDERED: 5}


def test_undo_that_fails_keeps_the_stack() -> None:
    """A command whose undo raises stays on the stack (nothing half-undone)."""
    editor = _editor()
    editor.set_title("New")

    def broken(_: Project) -> Project:
        raise ValidationError("boom")

    from studio.core.project_undo import Command

    editor.do(Command("Broken", lambda p: editor.project.__class__(
        "X", p.cast, p.chapters, p.export, p.dictionaries), broken))  # fmt: skip
    with pytest.raises(ValidationError):
        editor.undo()
    assert editor.undo_label == "Broken" and editor.project.title == "X"


def test_cut_sentence_pasted_elsewhere_keeps_its_take() -> None:
    """A rendered sentence cut from one paragraph and pasted as another stays rendered."""
    editor = _editor()
    _render_all(editor)
    first = editor.project.blocks[0]
    editor.set_block_text(first.block_id, "Hi there.")
    editor.paste(editor.project.chapters[0].chapter_id, 3, "How are you?")
    moved = editor.project.blocks[3].segments[0]
    assert moved.segment_id == first.segments[1].segment_id
    assert state_counts(editor.project) == {S.RENDERED: 5}


def test_repeated_sentences_come_back_with_their_own_ids() -> None:
    """ "Yes. Yes." cleared and restored by undo/redo: each keeps its id, so edits made after
    the restore redo cleanly."""
    editor = _editor()
    block_id = editor.project.blocks[2].block_id
    editor.set_block_text(block_id, "Yes. Yes.")
    ids = [s.segment_id for s in editor.project.block(block_id).segments]
    editor.set_locked(ids[0], True)
    editor.set_block_text(block_id, "")
    editor.undo()
    editor.undo()
    editor.undo()
    editor.redo()
    assert [s.segment_id for s in editor.project.block(block_id).segments] == ids
    editor.redo()
    editor.redo()
    editor.undo()
    assert editor.project.segment(ids[0]).locked
