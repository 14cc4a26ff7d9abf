"""Tests for studio/audio/chapters.py and wavchunks.py: marks and tags read back by parsers."""

from __future__ import annotations

from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile

from studio.audio import chapters as ch
from studio.audio.mixdown import MixOptions, MixResult, Part, mixdown
from studio.audio.wavchunks import read_marks

RATE = 24000
TAGS = ch.Tags(title="The Lighthouse", artist="Alice & Bob", album="Stories", track=3)


def _mix(tmp_path: Path, fmt: str) -> MixResult:
    """Four one-second parts with pauses; chapters open at parts 0 and 2; marks written."""
    t = np.arange(RATE) / RATE
    parts = [
        Part((0.3 * np.sin(2 * np.pi * (200 + 100 * i) * t)).astype(np.float32), RATE, 0.5,
             chapter=("Intro" if i == 0 else "Chapter Ünïcode" if i == 2 else None))
        for i in range(4)
    ]  # fmt: skip

    def finish(temp: Path, result: MixResult) -> None:
        marks = ch.chapters_from_starts(result.chapters, result.frames)
        ch.write_marks(temp, fmt, marks, TAGS, result.sample_rate)

    return mixdown(parts, tmp_path / f"mix.{fmt}", MixOptions(fmt, RATE), finish)


def test_mp3_has_chap_frames_under_an_ordered_ctoc(tmp_path: Path) -> None:
    """mutagen reads the CTOC, one CHAP per chapter with its times and title, and the tags."""
    result = _mix(tmp_path, "mp3")
    tags = mutagen.File(result.path).tags
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == ["chp0", "chp1"]
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    assert (chaps["chp0"].start_time, chaps["chp0"].end_time) == (0, 3000)
    assert (chaps["chp1"].start_time, chaps["chp1"].end_time) == (3000, 6000)
    assert chaps["chp1"].sub_frames["TIT2"].text == ["Chapter Ünïcode"]
    assert tags["TIT2"].text == ["The Lighthouse"]
    assert tags["TPE1"].text == ["Alice & Bob"]
    assert tags["TALB"].text == ["Stories"]
    assert tags["TRCK"].text == ["3"]
    assert soundfile.info(result.path).duration == pytest.approx(6.0, abs=0.1)


@pytest.mark.parametrize("fmt", ["flac", "ogg"])
def test_vorbis_comment_chapters_and_tags(tmp_path: Path, fmt: str) -> None:
    """CHAPTERnnn / CHAPTERnnnNAME comments and the tags read back through mutagen."""
    result = _mix(tmp_path, fmt)
    tags = mutagen.File(result.path)
    assert tags["CHAPTER001"] == ["00:00:00.000"]
    assert tags["CHAPTER001NAME"] == ["Intro"]
    assert tags["CHAPTER002"] == ["00:00:03.000"]
    assert tags["CHAPTER002NAME"] == ["Chapter Ünïcode"]
    assert tags["TITLE"] == ["The Lighthouse"]
    assert tags["TRACKNUMBER"] == ["3"]


@pytest.mark.parametrize("fmt", ["wav", "wav_float"])
def test_wav_cue_points_labels_and_info_parse_back(tmp_path: Path, fmt: str) -> None:
    """The cue, LIST/adtl and LIST/INFO chunks parse back, and the audio is untouched."""
    result = _mix(tmp_path, fmt)
    marks = read_marks(result.path)
    assert marks.cues == ((0, "Intro"), (3 * RATE, "Chapter Ünïcode"))
    assert marks.info == {"INAM": "The Lighthouse", "IART": "Alice & Bob", "IPRD": "Stories",
                          "ITRK": "3"}  # fmt: skip
    x, sr = soundfile.read(result.path, dtype="float32")
    assert (len(x), sr) == (result.frames, RATE)
    assert int.from_bytes(result.path.read_bytes()[4:8], "little") == result.path.stat().st_size - 8


def test_raw_formats_are_left_alone(tmp_path: Path) -> None:
    """Headerless PCM has nowhere for marks: the bytes are only the samples."""
    result = _mix(tmp_path, "pcm")
    assert result.path.stat().st_size == 2 * result.frames


def test_add_marks_tags_a_finished_file_atomically(tmp_path: Path) -> None:
    """add_marks on a saved WAV leaves one complete file and no temp beside it."""
    result = mixdown([Part(np.zeros(RATE, np.float32), RATE)], tmp_path / "m.wav", MixOptions())
    ch.add_marks(result.path, "wav", [ch.Chapter("Only", 0, result.frames)], TAGS, 44100)
    assert read_marks(result.path).cues == ((0, "Only"),)
    assert [p.name for p in tmp_path.iterdir()] == ["m.wav"]


def test_youtube_chapter_list() -> None:
    """First chapter at 00:00 whatever its real start; hours appear only past one hour."""
    marks = ch.chapters_from_starts([("Intro", 480), ("The  Storm", 95 * RATE)], 200 * RATE)
    assert ch.youtube_chapters(marks, RATE) == "00:00 Intro\n01:35 The Storm\n"
    long = [ch.Chapter("A", 0, 1), ch.Chapter("B", 3725 * RATE, 1)]
    assert ch.youtube_chapters(long, RATE) == "0:00:00 A\n1:02:05 B\n"


def test_a_file_that_cannot_be_tagged_gives_an_export_error(tmp_path: Path) -> None:
    """Garbage where a FLAC should be is reported as an ExportError naming the file."""
    from studio.core.errors import ExportError

    bad = tmp_path / "broken.flac"
    bad.write_bytes(b"not flac at all")
    with pytest.raises(ExportError, match=r"broken\.flac"):
        ch.write_marks(bad, "flac", [ch.Chapter("A", 0, 10)], TAGS, RATE)
