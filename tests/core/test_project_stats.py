"""Project figures kept per block: words, characters, sentences, length; Enter and Backspace."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio.core.project_state import SegmentState, estimated_duration, state_counts
from studio.core.project_stats import ProjectTally, block_figures
from tests.core.test_project import _editor, _render_all

S = SegmentState


def _words(project) -> int:
    return sum(len(s.text.split()) for s in project.segments())


def test_tally_matches_a_full_count_after_edits_renders_and_undo() -> None:
    """The incremental figures equal a count from scratch after every kind of change."""
    editor = _editor()
    tally = ProjectTally()

    def check() -> None:
        figures = tally.update(editor.project)
        waiting = sum(state_counts(editor.project)[s] for s in (S.NOT_RENDERED, S.STALE, S.FAILED))
        assert figures.words == _words(editor.project)
        assert figures.characters == sum(len(s.text) for s in editor.project.segments())
        assert figures.waiting == waiting
        assert figures.seconds == pytest.approx(estimated_duration(editor.project))

    check()
    _render_all(editor, seconds=2.0)
    check()
    block = editor.project.blocks[1]
    editor.set_block_text(block.block_id, block.text.replace("And you?", "And how are you?"))
    check()
    assert tally.figures().waiting == 1
    speaker = editor.project.cast.speakers[1]
    editor.update_speaker(speaker.speaker_id, speed=1.5)
    check()
    editor.delete_blocks([editor.project.blocks[0].block_id])
    check()
    editor.undo()
    editor.undo()
    check()


def test_an_edit_recounts_only_the_edited_block(monkeypatch) -> None:
    """After one block's edit, only that block's figures are computed again."""
    import studio.core.project_stats as stats

    editor = _editor()
    tally = ProjectTally()
    tally.update(editor.project)
    counted: list[str] = []
    real = stats.block_figures
    monkeypatch.setattr(
        stats, "block_figures", lambda p, b: counted.append(b.block_id) or real(p, b)
    )
    block = editor.project.blocks[2]
    editor.set_block_text(block.block_id, "Good night, everyone.")
    tally.update(editor.project)
    assert counted == [block.block_id]


def test_preview_counts_the_text_being_typed() -> None:
    """Figures for a block's uncommitted text, without changing the tally."""
    editor = _editor()
    tally = ProjectTally()
    before = tally.update(editor.project)
    block = editor.project.blocks[0]
    typed = tally.preview(block.block_id, block.text + " Three more words.")
    assert typed is not None
    assert (typed.words, typed.sentences) == (before.words + 3, before.sentences + 1)
    assert tally.figures() == before


def test_durations_use_the_voices_measured_rate() -> None:
    """Unrendered text is estimated at the rate the voice's takes were measured at."""
    editor = _editor()
    _render_all(editor, seconds=1.0)
    rendered = ProjectTally().update(editor.project)
    block = editor.project.blocks[0]
    editor.set_block_text(block.block_id, block.text + " One more sentence here.")
    figures = ProjectTally().update(editor.project)
    assert figures.rendered_s == pytest.approx(rendered.rendered_s)
    takes = [t for s in editor.project.segments() for t in s.takes]
    rate = sum(len(t.text) for t in takes) / sum(t.duration_s for t in takes)
    added = len("One more sentence here.") / rate
    assert figures.seconds == pytest.approx(rendered.seconds + added)
    assert block_figures(editor.project, replace(block, segments=())).sentences == 0


def test_split_with_typed_text_and_join_are_one_undo_step_each() -> None:
    """Enter with uncommitted typing splits in one step; Backspace at a start joins back with
    the takes; each undoes and redoes."""
    editor = _editor()
    _render_all(editor)
    block = editor.project.blocks[0]
    typed = block.text + " Really?"
    new_id = editor.split_block(block.block_id, len("Hi there."), typed)
    assert editor.project.block(block.block_id).text == "Hi there."
    assert editor.project.block(new_id).text == "How are you? Really?"
    assert editor.undo_label == "Split paragraph"
    counts = state_counts(editor.project)
    assert counts[S.RENDERED] == 5 and counts[S.NOT_RENDERED] == 1
    at = editor.join_previous(new_id)
    assert at == len("Hi there.") + 1
    assert editor.project.blocks[0].text == typed
    assert state_counts(editor.project)[S.RENDERED] == 5
    assert editor.undo_label == "Join paragraphs"
    editor.undo()
    assert editor.project.block(new_id).text == "How are you? Really?"
    assert state_counts(editor.project)[S.RENDERED] == 5
    editor.undo()
    assert editor.project.blocks[0] == block
    editor.redo()
    editor.redo()
    assert editor.project.blocks[0].text == typed
    assert editor.join_previous(editor.project.blocks[0].block_id) == -1
