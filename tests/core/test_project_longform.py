"""Imported scripts as projects, what an export mixes and refuses, and fitting a dub's cues."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from studio.core.errors import ValidationError
from studio.core.project import Project, SegmentTake
from studio.core.project_build import project_from_script
from studio.core.project_dub import TakeTiming, fit_cues, speed_overrides
from studio.core.project_edit import ProjectEditor
from studio.core.project_import import PASTE_BLOCK_CHARS
from studio.core.project_mix import NotReadyError, mix_items, unready
from studio.core.project_ops import add_take
from studio.core.project_state import SegmentState, segment_key
from studio.core.script_import import import_text


def _ids():
    counter = itertools.count()
    return lambda: f"id{next(counter)}"


def _render(project: Project, seconds: float = 1.0, speed: float = 1.0) -> Project:
    """A current take for every spoken segment (take id = 't' + segment id)."""
    for block in project.blocks:
        for segment in block.segments:
            if segment.text:
                key = segment_key(project, block, segment)
                take = SegmentTake(f"t{segment.segment_id}", key, segment.text, seconds, 24000,
                                   speed=speed)  # fmt: skip
                project = add_take(project, segment.segment_id, take)
    return project


def test_markdown_becomes_chapters_blocks_and_a_cast() -> None:
    """Headings open chapters (text before them is a chapter named after the project), the
    Narrator reads untagged paragraphs, and speakers differing only in case are one."""
    script = import_text(
        "Intro words.\n\n# One\n\nAlice: Hi. Bye.\n\nALICE: Again.\n\n# Two\n\nPlain.", "markdown"
    )
    project = project_from_script(script, "  My   show ", voice_id="v", ids=_ids())
    assert project.title == "My show"
    assert [c.title for c in project.chapters] == ["My show", "One", "Two"]
    assert [s.name for s in project.cast.speakers] == ["Narrator", "Alice"]
    assert {s.voice_id for s in project.cast.speakers} == {"v"}
    alice = project.cast.speakers[1].speaker_id
    assert [b.speaker_id == alice for b in project.blocks] == [False, True, True, False]
    assert [s.text for s in project.chapters[1].blocks[0].segments] == ["Hi.", "Bye."]
    assert not project.timed


def test_long_paragraph_is_cut_into_blocks_and_cues_keep_their_times() -> None:
    """A paragraph over the block limit becomes several blocks; a cue keeps start and end."""
    long = " ".join(["A sentence of some length."] * (PASTE_BLOCK_CHARS // 20))
    project = project_from_script(import_text(long, "text"), "Long", ids=_ids())
    assert len(project.blocks) >= 2
    assert all(len(b.text) <= PASTE_BLOCK_CHARS for b in project.blocks)
    cues = import_text("WEBVTT\n\n00:01.000 --> 00:02.500\n<v Ann>Hello.\n", "vtt")
    timed = project_from_script(cues, "Dub", ids=_ids())
    assert timed.timed and timed.blocks[0].cue == (1.0, 2.5)
    assert [s.name for s in timed.cast.speakers] == ["Ann"]


def test_a_voice_for_an_unknown_speaker_or_an_empty_script_is_refused() -> None:
    """Building fails clearly rather than making a project that cannot be what was asked."""
    script = import_text("Bob: Hi.", "text")
    with pytest.raises(ValidationError, match="no speaker 'Carol'"):
        project_from_script(script, "x", voices=[("Carol", "v")])
    with pytest.raises(ValidationError, match="no text"):
        project_from_script(import_text("\n\n", "text"), "x")


def test_unready_lists_unrendered_stale_failed_and_takeless_locked() -> None:
    """Export refuses segments without audio to play; a locked take counts as ready."""
    project = project_from_script(import_text("One. Two. Three. Four.", "text"), "x", ids=_ids())
    project = _render(project)
    editor = ProjectEditor(project, _ids())
    _, two, three, four = (s.segment_id for s in project.segments())
    block = project.blocks[0].block_id
    editor.set_overrides(two, None, 1.5)  # stale
    editor.set_locked(three, True)  # locked with its take: ready
    project = editor.project
    project = replace(project, chapters=(replace(project.chapters[0], blocks=(
        replace(project.block(block), segments=tuple(
            replace(s, takes=(), chosen_take="", locked=True) if s.segment_id == four else s
            for s in project.block(block).segments)),)),))  # fmt: skip
    found = unready(project)
    assert [(u.number, u.state) for u in found] == [
        (2, SegmentState.STALE),
        (4, SegmentState.NOT_RENDERED),
    ]
    assert found[0].describe() == 'segment 2 (x, changed since rendered): "Two."'
    assert "2 segment(s)" in NotReadyError(found).user_message


def test_mix_items_carry_pauses_chapters_and_cue_starts() -> None:
    """Items in reading order: the paragraph pause after a block's last segment, inline pauses,
    the chapter title on its first item, the cue start on a dubbed block's first segment."""
    project = project_from_script(
        import_text("# A\n\nOne. [pause 2s] Two.\n\n# B\n\nThree.", "markdown"), "x", ids=_ids()
    )
    items = mix_items(_render(project))
    assert [(i.text, i.pause_after_s, i.chapter) for i in items] == [
        ("One.", 2.0, "A"),
        ("Two.", 0.5, None),
        ("Three.", 0.5, "B"),
    ]
    dub = project_from_script(
        import_text("1\n00:00:02,000 --> 00:00:04,000\nHi. Bye.\n", "srt"), "d", ids=_ids()
    )
    assert [i.cue_s for i in mix_items(_render(dub))] == [2.0, None]


def test_leaving_out_unready_segments_keeps_their_pause_chapter_and_cue() -> None:
    """With leave_out (the window's "Export without them"), an unrendered segment is skipped:
    its pause goes to the item before, its chapter title and cue start to the next one."""
    project = _render(project_from_script(
        import_text("# A\n\nOne. [pause 2s] Two.\n\n# B\n\nThree. Four.", "markdown"), "x",
        ids=_ids(),
    ))  # fmt: skip
    _, two, three, _ = project.segments()
    bare = replace(project, chapters=tuple(
        replace(c, blocks=tuple(replace(b, segments=tuple(
            replace(s, takes=(), chosen_take="") if s in (two, three) else s
            for s in b.segments)) for b in c.blocks)) for c in project.chapters))  # fmt: skip
    with pytest.raises(ValueError):
        mix_items(bare)
    items = mix_items(bare, leave_out=True)
    assert [(i.text, i.pause_after_s, i.chapter) for i in items] == [
        ("One.", 2.5, "A"),
        ("Four.", 0.5, "B"),
    ]
    dub = _render(project_from_script(
        import_text("1\n00:00:02,000 --> 00:00:04,000\nHi. Bye.\n", "srt"), "d", ids=_ids()
    ))  # fmt: skip
    hi = dub.segments()[0]
    dub = replace(dub, chapters=tuple(
        replace(c, blocks=tuple(replace(b, segments=tuple(
            replace(s, takes=(), chosen_take="") if s == hi else s
            for s in b.segments)) for b in c.blocks)) for c in dub.chapters))  # fmt: skip
    assert [(i.text, i.cue_s) for i in mix_items(dub, leave_out=True)] == [("Bye.", 2.0)]


def test_fit_speeds_up_a_long_cue_within_the_maximum_and_flags_the_impossible() -> None:
    """A two-sentence cue whose speech overruns gets one faster speed for both sentences;
    one that cannot fit even at the maximum is flagged with the maximum as best effort."""
    srt_text = (
        "1\n00:00:01,000 --> 00:00:03,000\nFirst part. Second part.\n\n"
        "2\n00:00:04,000 --> 00:00:04,500\nMuch too much to say here.\n\n"
        "3\n00:00:05,000 --> 00:00:08,000\nShort.\n"
    )
    project = _render(project_from_script(import_text(srt_text, "srt"), "d", ids=_ids()), 1.2)
    timings = {
        s.chosen_take: TakeTiming(1.2, 0.1, 1.1) for s in project.segments()
    }  # two 1.2 s takes: speech 0.1 → 2.3 s, i.e. 2.2 s of speech in a 2.0 s cue
    fits = fit_cues(project, timings, max_speed=1.3)
    first, second, third = fits
    assert first.speech_s == pytest.approx(2.2) and first.fit.rerender and first.fit.fits
    assert 1.1 < first.fit.speed <= 1.3 and first.fit.start_s == pytest.approx(0.9)
    assert second.fit.speed == 1.3 and not second.fit.fits
    assert not third.fit.rerender and third.fit.fits
    overrides = speed_overrides(fits)
    assert set(overrides) == {*first.segment_ids, *second.segment_ids}
    assert len(first.segment_ids) == 2


def test_editing_a_dubbed_block_keeps_its_cue_through_save_and_open(tmp_path) -> None:
    """Retyping a cue's text, changing its speaker or pause keeps the cue; the file keeps it."""
    from studio.store.project_file import ProjectFile

    script = import_text("1\n00:00:02,000 --> 00:00:04,000\nHi there.\n", "srt")
    editor = ProjectEditor(project_from_script(script, "d", ids=_ids()), _ids())
    block = editor.project.blocks[0].block_id
    editor.set_block_text(block, "Hello there. Again.")
    editor.set_block_pause(block, 1.0)
    assert editor.project.block(block).cue == (2.0, 4.0)
    with ProjectFile.create(tmp_path / "d.wavesproj", editor.project):
        pass
    with ProjectFile.open(tmp_path / "d.wavesproj") as file:
        assert file.project == editor.project and file.project.timed
