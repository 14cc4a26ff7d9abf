"""The export building blocks end to end on waves-local's Piper voice: script → mix → subtitles,
chapters, and a dub to an SRT's timing."""

from __future__ import annotations

from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile
import srt
import webvtt

from studio.audio import chapters as ch
from studio.audio.mixdown import MixOptions, MixResult, Part, mixdown
from studio.audio.speech import speech_regions
from studio.core import dubbing
from studio.core.script_import import import_script
from studio.core.subtitles import SpokenPart, make_cues, to_srt, to_vtt
from tests.audio.onsets import loudest_rms, onsets

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scripts"
RATE = 44100
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine():
    """waves-local's Piper engine, loaded once."""
    from studio.local.engines.piper_engine import PiperEngine

    return PiperEngine(threads=1)


def _render(engine, text: str, speed: float = 1.0) -> tuple[np.ndarray, int]:
    from studio.local.engines.piper_engine import PIPER_VOICE_ID

    return engine.synthesize(text, PIPER_VOICE_ID, speed, 22050)


def test_markdown_to_flac_and_mp3_with_chapters_and_subtitles(engine, tmp_path: Path) -> None:
    """Import the two-chapter Markdown, render, mix to FLAC and MP3 with chapter marks, write
    SRT and VTT: every file reads back and cue times agree with the audio within 50 ms."""
    script = import_script(EXAMPLES / "two-voices.md")
    speeds = {"Alice": 1.0, "Bob": 1.15}  # one local voice: the speakers differ by speed
    takes, parts = [], []
    for chapter in script.chapters:
        for i, paragraph in enumerate(chapter.paragraphs):
            x, rate = _render(engine, paragraph.text, speeds.get(paragraph.speaker or "", 1.0))
            takes.append((paragraph.text, x, rate))
            parts.append(Part(x, rate, 0.6, chapter=chapter.title if i == 0 else None))
    tags = ch.Tags("The Lighthouse", "Waves Studio", "Examples", 1)

    def finish_as(fmt: str):
        def finish(temp: Path, result: MixResult) -> None:
            marks = ch.chapters_from_starts(result.chapters, result.frames)
            ch.write_marks(temp, fmt, marks, tags, result.sample_rate)

        return finish

    flac = mixdown(parts, tmp_path / "mix.flac", MixOptions("flac", RATE), finish_as("flac"))
    mp3 = mixdown(parts, tmp_path / "mix.mp3", MixOptions("mp3", RATE), finish_as("mp3"))
    assert soundfile.info(flac.path).frames == flac.frames
    assert soundfile.info(mp3.path).duration == pytest.approx(mp3.frames / RATE, abs=0.06)
    second = flac.chapters[1][1] / RATE
    assert mutagen.File(flac.path)["CHAPTER002NAME"] == ["The Storm"]
    chap = {c.element_id: c for c in mutagen.File(mp3.path).tags.getall("CHAP")}
    assert chap["chp1"].start_time == pytest.approx(second * 1000, abs=1)
    marks = ch.chapters_from_starts(flac.chapters, flac.frames)
    assert ch.youtube_chapters(marks, RATE).startswith("00:00 The Lighthouse\n")

    spoken = [
        SpokenPart(text, s.start / RATE, s.end / RATE, tuple(speech_regions(x, r, s.start / RATE)))
        for (text, x, r), s in zip(takes, flac.spans, strict=True)
    ]
    cues = make_cues(spoken)
    (tmp_path / "mix.srt").write_text(to_srt(cues), encoding="utf-8")
    (tmp_path / "mix.vtt").write_text(to_vtt(cues), encoding="utf-8")
    parsed = list(srt.parse((tmp_path / "mix.srt").read_text(encoding="utf-8")))
    captions = webvtt.read(str(tmp_path / "mix.vtt")).captions
    assert len(parsed) == len(captions) == len(cues) > len(takes)  # multi-sentence paragraphs
    mix, _ = soundfile.read(flac.path, dtype="float32")
    measured = onsets(mix, RATE)
    for sub, caption in zip(parsed, captions, strict=True):
        start = sub.start.total_seconds()
        assert caption.start_time.in_milliseconds() == round(start * 1000)
        assert min(abs(t - start) for t in measured) <= 0.05, sub
        assert sub.end.total_seconds() <= flac.frames / RATE + 1.0


def test_dub_to_a_twenty_cue_srt(engine, tmp_path: Path) -> None:
    """Render the SRT's cues, speed up what overruns (max 1.3x), place each at its cue: every
    speech onset is within 100 ms of its cue start and nothing sounds at the next cue's start."""
    script = import_script(EXAMPLES / "harbour-tour.srt")
    paragraphs = script.paragraphs
    slots = dubbing.slots_from_cues([(p.start_s or 0.0, p.end_s or 0.0) for p in paragraphs])
    takes = [_render(engine, p.text) for p in paragraphs]

    def speech(take: tuple[np.ndarray, int]) -> tuple[float, float]:
        """(speech duration, leading silence) measured in the take."""
        regions = speech_regions(*take)
        return regions[-1][1] - regions[0][0], regions[0][0]

    fits = dubbing.plan(slots, [(speech(t)[0], 1.0) for t in takes], max_speed=1.3)
    assert any(f.rerender for f in fits)  # the sample has cues that need a faster take
    for i, fit in enumerate(fits):
        if fit.rerender:
            takes[i] = _render(engine, paragraphs[i].text, fit.speed)
    measured = [speech(t) for t in takes]
    # Aim at the cue; accept what still ends before the next cue starts.
    final = dubbing.plan(
        slots,
        [(m[0], f.speed) for m, f in zip(measured, fits, strict=True)],
        use_gap=True,
        leads=[m[1] for m in measured],
    )
    assert all(f.fits for f in final), [f for f in final if not f.fits]
    parts = [Part(x, r, start_s=f.start_s) for (x, r), f in zip(takes, final, strict=True)]
    result = mixdown(parts, tmp_path / "dub.wav", MixOptions("wav", RATE))
    assert [s.start for s in result.spans] == [round(f.start_s * RATE) for f in final]
    mix, _ = soundfile.read(result.path, dtype="float32")
    measured = onsets(mix, RATE)
    loud = loudest_rms(mix, RATE)
    for i, slot in enumerate(slots):
        assert min(abs(t - slot.start_s) for t in measured) <= 0.1, (i, slot)
        if slot.next_start_s is not None:
            before = round(slot.next_start_s * RATE)
            assert loudest_rms(mix[before - RATE // 50 : before], RATE) < 0.02 * loud, i
