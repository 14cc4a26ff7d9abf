"""Tests for studio/core/subtitles.py: cue shape, SRT/WebVTT output, timing against real speech."""

from __future__ import annotations

import pytest
import srt
import webvtt
from hypothesis import given
from hypothesis import strategies as st

from studio.core.subtitles import MAX_LINE, Cue, SpokenPart, make_cues, to_srt, to_vtt, wrap
from tests.audio.onsets import onsets


@given(st.text(alphabet=st.sampled_from("abcdefghij     "), min_size=1, max_size=84))
def test_wrap_keeps_two_lines_of_42(text: str) -> None:
    """Any text that fits two lines is wrapped into at most two lines of at most 42 chars."""
    lines = wrap(text)
    assert 1 <= len(lines) <= 2
    assert all(len(line) <= MAX_LINE for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing lost


def test_cues_split_at_sentences_and_long_sentences_at_clauses() -> None:
    """One cue per sentence; a sentence too long for two lines is split at its comma."""
    text = (
        "Short one. This sentence is long enough that it cannot possibly fit on two lines, "
        "so the exporter has to split it somewhere sensible. End!"
    )
    cues = make_cues([SpokenPart(text, 0.0, 20.0)])
    assert [c.text.replace("\n", " ") for c in cues] == [
        "Short one.",
        "This sentence is long enough that it cannot possibly fit on two lines,",
        "so the exporter has to split it somewhere sensible.",
        "End!",
    ]
    for cue in cues:
        assert len(cue.lines) <= 2 and all(len(line) <= MAX_LINE for line in cue.lines)


def test_cues_snap_to_measured_pauses_and_stay_a_second() -> None:
    """Inner boundaries sit at the measured pause nearest the proportional point; ≥ 1 s shown."""
    speech = ((10.2, 11.0), (11.4, 11.6), (13.0, 15.5))  # "Hi." "Yes." then a long sentence
    part = SpokenPart("Hi there. Yes. And then a much longer sentence follows.", 10.0, 16.0, speech)
    cues = make_cues([part])
    assert [c.start_s for c in cues] == [10.2, 11.4, 13.0]
    assert cues[0].end_s == pytest.approx(11.2)  # held to 1 s, as the next starts later
    assert cues[1].end_s == pytest.approx(12.4)
    assert cues[2].end_s == 15.5


def test_a_short_cue_is_never_held_over_the_next() -> None:
    """The minimum duration gives way to the next cue's start when they cannot be merged."""
    long = "A sentence that is long enough to fill two whole subtitle lines of forty-two chars."
    cues = make_cues([SpokenPart("One.", 0.0, 0.3), SpokenPart(long, 0.5, 4.0)])
    assert cues[0].end_s == 0.5


def test_a_cue_too_short_to_read_is_merged_with_the_next() -> None:
    """Two quick short sentences become one cue, on screen for both."""
    cues = make_cues([SpokenPart("Yes.", 0.0, 0.3), SpokenPart("Of course.", 0.5, 2.0)])
    assert [(c.start_s, c.end_s, c.lines) for c in cues] == [(0.0, 2.0, ("Yes. Of course.",))]


def test_srt_and_vtt_parse_back_with_the_same_times() -> None:
    """The srt library and webvtt-py read our files back: same count, times and text."""
    cues = [Cue(0.5, 1.75, ("Hello there,", "friend.")), Cue(3725.001, 3727.0, ("Bye.",))]
    parsed = list(srt.parse(to_srt(cues)))
    assert [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in parsed] == [
        (0.5, 1.75, "Hello there,\nfriend."),
        (3725.001, 3727.0, "Bye."),
    ]
    captions = webvtt.from_string(to_vtt(cues), strict=True).captions
    assert [(c.start, c.end, c.text) for c in captions] == [
        ("00:00:00.500", "00:00:01.750", "Hello there,\nfriend."),
        ("01:02:05.001", "01:02:07.000", "Bye."),
    ]


@pytest.mark.slow
def test_cue_starts_within_50_ms_of_speech_onsets_in_a_real_mix(tmp_path) -> None:
    """Lines rendered by waves-local's Piper engine, mixed with pauses: every cue start is
    within 50 ms of a speech onset measured in the saved mix, including the inner cue of a
    two-sentence part."""
    import soundfile

    from studio.audio.mixdown import MixOptions, Part, mixdown
    from studio.audio.speech import speech_regions
    from studio.local.engines.piper_engine import PIPER_VOICE_ID, PiperEngine

    engine = PiperEngine(threads=1)
    lines = [
        "Welcome to the harbour tour.",
        "We start at the old fish market. It opened more than a century ago.",
        "Thank you for joining us.",
    ]
    takes = [engine.synthesize(line, PIPER_VOICE_ID, 1.0, 22050) for line in lines]
    parts = [Part(x, rate, pause_after_s=0.6) for x, rate in takes]
    result = mixdown(parts, tmp_path / "mix.wav", MixOptions("wav", 24000))
    spoken = []
    for line, (x, rate), span in zip(lines, takes, result.spans, strict=True):
        regions = speech_regions(x, rate, offset_s=span.start / result.sample_rate)
        spoken.append(SpokenPart(line, span.start / 24000, span.end / 24000, tuple(regions)))
    cues = make_cues(spoken)
    assert len(cues) == 4
    mix, _ = soundfile.read(result.path, dtype="float32")
    measured = onsets(mix, 24000)
    for cue in cues:
        nearest = min(measured, key=lambda t: abs(t - cue.start_s))
        assert abs(nearest - cue.start_s) <= 0.05, (cue, nearest)
