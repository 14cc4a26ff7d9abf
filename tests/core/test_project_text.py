"""Block text to segments: sentences, pause markers, spans, identity-keeping re-splits, paste."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.core.errors import ValidationError
from studio.core.project import Segment, SegmentTake
from studio.core.project_import import PASTE_BLOCK_CHARS, parse_script
from studio.core.project_text import (
    MAX_BLOCK_CHARS,
    block_spans,
    pause_marker,
    resplit,
    split_block,
)


def _ids():
    counter = itertools.count()
    return lambda: f"s{next(counter)}"


def test_one_segment_per_sentence_and_abbreviations_stay_whole() -> None:
    """Each sentence is a segment; "Dr." and initials do not end one."""
    pieces = split_block("Dr. J. Smith met Mr. Jones. It rained!  Then it stopped?")
    assert [p.text for p in pieces] == [
        "Dr. J. Smith met Mr. Jones.",
        "It rained!",
        "Then it stopped?",
    ]


def test_long_sentence_is_cut_under_the_request_limit() -> None:
    """A sentence over 250 characters becomes pieces of at most 250."""
    sentence = ", ".join(["a clause of several words"] * 30) + "."
    pieces = split_block(sentence)
    assert len(pieces) > 1
    assert all(len(p.text) <= 250 for p in pieces)


def test_pause_markers_end_segments_and_add_up() -> None:
    """A marker becomes the pause after the segment before it; leading markers make a pause."""
    pieces = split_block("[pause 500ms] Hello there. [pause 1.5s][PAUSE 2] Bye.")
    assert [(p.text, p.pause_after_s) for p in pieces] == [
        ("", 0.5),
        ("Hello there.", 3.5),
        ("Bye.", 0.0),
    ]
    assert pause_marker(1.5) == "[pause 1.5s]"


def test_spans_point_at_each_segment_in_the_text() -> None:
    """block_spans gives where each segment sits, even with odd spacing."""
    text = "One.   Two\nthree. [pause 1s] Four."
    spans = block_spans(text)
    assert text[spans[0][0] : spans[0][1]] == "One."
    assert text[spans[1][0] : spans[1][1]] == "Two"
    assert text[spans[2][0] : spans[2][1]].startswith("three.")
    assert text[spans[3][0] : spans[3][1]] == "Four."


def test_resplit_keeps_unchanged_and_edited_in_place_segments() -> None:
    """Unchanged sentences keep their object; an edited one keeps its id and takes."""
    ids = _ids()
    take = SegmentTake("t1", "k", "Two.", 1.0, 24000)
    old = resplit("One. Two. Three.", (), ids)
    old = (old[0], Segment(old[1].segment_id, "Two.", takes=(take,), chosen_take="t1"), old[2])
    new = resplit("One. Two, edited. Three. Four.", old, ids)
    assert new[0] is old[0] and new[2] is old[2]
    assert new[1].segment_id == old[1].segment_id and new[1].takes == (take,)
    assert new[1].text == "Two, edited."
    assert new[3].segment_id not in {s.segment_id for s in old}


def test_block_size_is_bounded() -> None:
    """A block over the limit is refused before any work."""
    with pytest.raises(ValidationError):
        resplit("x" * (MAX_BLOCK_CHARS + 1), (), _ids())


def test_dialogue_tags_become_speakers() -> None:
    """`Name: line` on each paragraph assigns speakers; wrapped lines join."""
    paragraphs = parse_script("Alice: Hi there,\nhow are you?\nBob: Fine.\n\nAlice: Good.")
    assert [(p.speaker, p.text) for p in paragraphs] == [
        ("Alice", "Hi there, how are you?"),
        ("Bob", "Fine."),
        ("Alice", "Good."),
    ]


def test_a_lone_colon_in_prose_is_not_a_speaker() -> None:
    """ "Note: …" once among untagged paragraphs, "Chapter 1:" and times stay text."""
    text = "It was late.\n\nNote: the door was open.\n\nChapter 1: Night\n\nAt 10:30 he left."
    assert all(p.speaker == "" for p in parse_script(text))
    assert parse_script("Note: known.", ("note",))[0].speaker == "Note"


def test_huge_paragraph_is_cut_into_blocks() -> None:
    """A paste with one giant paragraph gives blocks under the paste limit."""
    paragraphs = parse_script("A sentence here. " * 2000)
    assert len(paragraphs) > 1
    assert all(len(p.text) <= PASTE_BLOCK_CHARS for p in paragraphs)


_SENTENCES = st.lists(
    st.sampled_from(["One.", "Two!", "Three?", "Four is longer.", "[pause 1s]", "Five"]),
    max_size=12,
)


@given(_SENTENCES, _SENTENCES)
def test_resplit_matches_a_fresh_split_and_keeps_unchanged_sentences(
    before: list[str], after: list[str]
) -> None:
    """Any edit: the segments are the fresh split's, ids stay unique, and a sentence present
    before and after (in the common subsequence) keeps its segment."""
    ids = _ids()
    old = resplit(" ".join(before), (), ids)
    new = resplit(" ".join(after), old, ids)
    fresh = split_block(" ".join(after))
    assert [(s.text, s.pause_after_s) for s in new] == [(p.text, p.pause_after_s) for p in fresh]
    assert len({s.segment_id for s in new}) == len(new)
    if [s.text for s in old] == [s.text for s in new]:
        assert [s.segment_id for s in new] == [s.segment_id for s in old]
