"""The project model: state from keys, edits touching only what changed, undo/redo, find, counts."""

from __future__ import annotations

import itertools

import pytest

from studio.core.errors import ValidationError
from studio.core.project import Project, SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_find import counts, find
from studio.core.project_ops import new_project
from studio.core.project_state import (
    SegmentState,
    estimated_duration,
    segment_key,
    state_counts,
    states,
    timeline,
)

S = SegmentState
DIALOGUE = "Alice: Hi there. How are you?\nBob: Fine, thanks. [pause 1s] And you?\nAlice: Good."


def _editor() -> ProjectEditor:
    counter = itertools.count()

    def ids() -> str:
        return f"id{next(counter)}"

    editor = ProjectEditor(new_project("Test", "emily", ids), ids)
    editor.paste(editor.project.chapters[0].chapter_id, 0, DIALOGUE)
    return editor


def _render_all(editor: ProjectEditor, seconds: float = 1.0) -> None:
    """Give every segment a current take, the way Render changed would."""
    for block in editor.project.blocks:
        for segment in block.segments:
            key = segment_key(editor.project, block, segment)
            take = SegmentTake(f"take-{segment.segment_id}-{len(segment.takes)}", key,
                               segment.text, seconds, 24000, "emily")  # fmt: skip
            editor.add_take(segment.segment_id, take)


def _texts(project: Project) -> list[str]:
    return [b.text for b in project.blocks]


def test_paste_creates_speakers_and_segments_not_rendered() -> None:
    """A pasted dialogue gets its speakers in the cast and unrendered segments."""
    editor = _editor()
    names = [s.name for s in editor.project.cast.speakers]
    assert names == ["Narrator", "Alice", "Bob"]
    assert len({s.colour for s in editor.project.cast.speakers}) == 3
    assert _texts(editor.project) == [
        "Hi there. How are you?",
        "Fine, thanks. [pause 1s] And you?",
        "Good.",
    ]
    assert state_counts(editor.project) == {S.NOT_RENDERED: 5}


def test_editing_one_sentence_makes_only_it_stale() -> None:
    """One edited sentence: one stale segment; the others keep their objects."""
    editor = _editor()
    _render_all(editor)
    before = editor.project
    block = before.blocks[0]
    editor.set_block_text(block.block_id, "Hi there. How are you today?")
    after = editor.project
    assert [st for st in states(after).values()].count(S.STALE) == 1
    assert states(after)[block.segments[1].segment_id] is S.STALE
    assert after.blocks[0].segments[0] is block.segments[0]
    assert after.blocks[1] is before.blocks[1] and after.blocks[2] is before.blocks[2]


def test_typing_a_sentence_back_picks_its_take_again() -> None:
    """Edit then undo (or retype): the segment is rendered again, no new take needed."""
    editor = _editor()
    _render_all(editor)
    block_id = editor.project.blocks[0].block_id
    editor.set_block_text(block_id, "Hi there. How are you today?")
    editor.undo()
    assert state_counts(editor.project) == {S.RENDERED: 5}
    editor.redo()
    _render_all(editor)  # a second take for the edited sentence
    editor.set_block_text(block_id, "Hi there. How are you?")
    assert state_counts(editor.project) == {S.RENDERED: 5}


def test_voice_change_makes_that_speakers_segments_stale() -> None:
    """Changing Bob's voice stales Bob's two segments only; changing it back restores them."""
    editor = _editor()
    _render_all(editor)
    bob = editor.project.cast.by_name("Bob")
    assert bob is not None
    editor.update_speaker(bob.speaker_id, voice_id="arjun")
    assert state_counts(editor.project) == {S.RENDERED: 3, S.STALE: 2}
    editor.update_speaker(bob.speaker_id, voice_id="emily", speed=1.0)
    assert state_counts(editor.project) == {S.RENDERED: 5}


@pytest.mark.parametrize("change", ["speed", "language", "model", "rules"])
def test_each_voicing_input_makes_segments_stale(change: str) -> None:
    """Speed, language, model and dictionary rules are all in the key."""
    editor = _editor()
    alice = editor.project.cast.by_name("Alice")
    assert alice is not None
    editor.update_speaker(alice.speaker_id, dictionaries=("d" * 24,))
    editor.set_dictionary_rules("d" * 24, (("SQL", "sequel"),))
    _render_all(editor)
    if change == "rules":
        editor.set_dictionary_rules("d" * 24, (("SQL", "ess cue ell"),))
    else:
        value = {"speed": 1.2, "language": "hi", "model": "lightning_v3.1_pro"}[change]
        editor.update_speaker(alice.speaker_id, **{change: value})
    assert state_counts(editor.project) == {S.RENDERED: 2, S.STALE: 3}


def test_lock_failed_and_pause_only_states() -> None:
    """Locked wins; a failure shows for its key only; a pause-only segment needs nothing."""
    editor = _editor()
    block = editor.project.blocks[2]
    segment = block.segments[0]
    key = segment_key(editor.project, block, segment)
    editor.mark_failed(segment.segment_id, key, "Server busy")
    assert states(editor.project)[segment.segment_id] is S.FAILED
    editor.set_locked(segment.segment_id, True)
    assert states(editor.project)[segment.segment_id] is S.LOCKED
    editor.set_block_text(block.block_id, "[pause 2s] Good.")
    assert states(editor.project)[editor.project.blocks[2].segments[0].segment_id] is S.RENDERED


def test_render_result_for_changed_or_deleted_segment() -> None:
    """A take rendered for old text is kept but not chosen over a current one; a deleted
    segment's result is dropped."""
    editor = _editor()
    _render_all(editor)
    segment = editor.project.blocks[0].segments[0]
    late = SegmentTake("late", "old-key", "Hi.", 1.0, 24000)
    editor.add_take(segment.segment_id, late)
    assert editor.project.segment(segment.segment_id).chosen_take != "late"
    editor.delete_blocks([editor.project.blocks[0].block_id])
    before = editor.project
    editor.add_take(segment.segment_id, SegmentTake("gone", "k", "Hi.", 1.0, 24000))
    assert editor.project is before


def test_undo_redo_round_trip_of_every_edit() -> None:
    """Each edit kind undoes to the exact previous value and redoes to the exact next one."""
    editor = _editor()
    _render_all(editor)
    p = editor.project
    block, segment = p.blocks[1], p.blocks[1].segments[0]
    alice = p.cast.by_name("Alice")
    assert alice is not None
    second = SegmentTake("second", "k2", segment.text, 1.0, 24000)
    editor.add_take(segment.segment_id, second, choose=False)
    edits = [
        lambda: editor.set_block_text(block.block_id, "Totally new words. And you?"),
        lambda: editor.set_block_speaker(block.block_id, alice.speaker_id),
        lambda: editor.set_block_pause(block.block_id, 2.0),
        lambda: editor.set_locked(segment.segment_id, True),
        lambda: editor.choose_take(segment.segment_id, "second"),
        lambda: editor.set_overrides(segment.segment_id, "arjun", 1.5),
        lambda: editor.update_speaker(alice.speaker_id, name="Alicia", colour="#123456"),
        lambda: editor.insert_block(p.chapters[0].chapter_id, 1, "Inserted line."),
        lambda: editor.split_block(block.block_id, 14),
        lambda: editor.delete_blocks([p.blocks[0].block_id]),
        lambda: editor.insert_pause(block.block_id, 0, 1.5),
        lambda: editor.replace_all("you", "ye"),
        lambda: editor.add_chapter("Two"),
        lambda: editor.set_title("Renamed"),
    ]
    for edit in edits:
        before = editor.project
        edit()
        after = editor.project
        assert after != before
        assert editor.undo() == before
        assert editor.redo() == after, edits.index(edit)
    for _ in edits:
        editor.undo()
    assert editor.project.chapters == editor.project.chapters  # still consistent
    assert _texts(editor.project) == _texts(p)
    assert states(editor.project) == states(p)


def test_find_and_replace_skip_pause_markers() -> None:
    """Find matches spoken text only; replacing "pause" leaves markers intact."""
    editor = _editor()
    editor.set_block_text(editor.project.blocks[2].block_id, "A pause. [pause 2s] Paused.")
    assert len(find(editor.project, "pause")) == 2
    assert len(find(editor.project, "pause", whole_word=True)) == 1
    assert editor.replace_all("pause", "rest", whole_word=True) == 1
    assert editor.project.blocks[2].text == "A rest. [pause 2s] Paused."
    with pytest.raises(ValidationError):
        find(editor.project, "")


def test_counts_and_estimated_duration() -> None:
    """Counts leave markers out; the estimate uses takes, then the measured rate."""
    editor = _editor()
    c = counts(editor.project)
    assert (c.words, c.characters) == (10, 47)
    pauses = 1.0 + 3 * 0.5
    assert estimated_duration(editor.project) == pytest.approx(47 / 14.0 + pauses)
    _render_all(editor, seconds=2.0)
    assert estimated_duration(editor.project) == pytest.approx(5 * 2.0 + pauses)
    editor.set_block_text(editor.project.blocks[2].block_id, "Good, very good.")
    measured = 47 / 10.0  # characters per second over the five takes
    assert estimated_duration(editor.project) == pytest.approx(4 * 2.0 + 16 / measured + pauses)


def test_timeline_orders_segments_with_pauses() -> None:
    """The timeline starts each segment after the ones before it and their pauses."""
    editor = _editor()
    _render_all(editor, seconds=1.0)
    entries = timeline(editor.project)
    assert [e.start_s for e in entries] == pytest.approx([0.0, 1.0, 2.5, 4.5, 6.0])
    assert all(e.current and e.take_id for e in entries)


def test_render_jobs_cover_exactly_what_changed() -> None:
    """Render changed after editing three sentences sends three jobs; locked ones are skipped."""
    from studio.core.project_render import job_characters, render_jobs

    editor = _editor()
    assert len(render_jobs(editor.project)) == 5
    _render_all(editor)
    assert render_jobs(editor.project) == []
    blocks = editor.project.blocks
    editor.set_block_text(blocks[0].block_id, "Hi there! How are you?")
    editor.set_block_text(blocks[1].block_id, "Fine, thanks. [pause 1s] And you, then?")
    editor.set_block_text(blocks[2].block_id, "Great.")
    jobs = render_jobs(editor.project)
    assert [j.text for j in jobs] == ["Hi there!", "And you, then?", "Great."]
    assert job_characters(jobs) == 29
    assert jobs[2].spec.voice_id == "emily" and jobs[2].spec.output_format == "pcm"
    editor.set_locked(jobs[0].segment_id, True)
    assert len(render_jobs(editor.project)) == 2


def test_read_along_finds_the_segment_at_a_position() -> None:
    """entry_at maps a player position to the segment spoken (or the pause after it)."""
    from studio.core.project_state import entry_at

    editor = _editor()
    _render_all(editor, seconds=1.0)
    entries = timeline(editor.project)
    assert [entry_at(entries, t) for t in (-0.1, 0.0, 0.99, 1.0, 2.2, 4.4, 99.0)] == [
        -1, 0, 0, 1, 1, 2, 4,
    ]  # fmt: skip


def test_newly_stale_counts_a_voice_change() -> None:
    """The cast panel's count: Bob's new voice stales his two segments."""
    from studio.core.project_state import newly_stale

    editor = _editor()
    _render_all(editor)
    before = editor.project
    bob = before.cast.by_name("Bob")
    assert bob is not None
    editor.update_speaker(bob.speaker_id, voice_id="arjun")
    assert newly_stale(before, editor.project) == 2


def test_export_settings_are_checked() -> None:
    """A sample rate the API does not offer, or a negative pause, is refused."""
    from studio.core.project import ExportSettings

    with pytest.raises(ValidationError):
        ExportSettings(sample_rate=12345)
    with pytest.raises(ValidationError):
        ExportSettings(paragraph_pause_s=-1.0)
