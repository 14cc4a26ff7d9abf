"""Tests for studio/audio/split_export.py: per-chapter and per-segment files, names, ZIP."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile

from studio.audio import chapters as ch
from studio.audio.mixdown import MixOptions, Part
from studio.audio.split_export import by_chapter, by_segment, export_pieces, piece_names
from studio.core.errors import ExportError

RATE = 24000


def _parts() -> list[Part]:
    t = np.arange(RATE // 2) / RATE
    x = (0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    titles = ["Intro", None, "The Storm", None, None]
    return [Part(x, RATE, 0.25, chapter=title) for title in titles]


def test_one_mp3_per_chapter_with_tags(tmp_path: Path) -> None:
    """Two chapters give two tagged MP3s named by the template, each without a trailing pause."""
    pieces = by_chapter(_parts())
    assert [(p.title, len(p.parts)) for p in pieces] == [("Intro", 2), ("The Storm", 3)]
    options = MixOptions("mp3", RATE, join_ms=0)
    results = export_pieces(pieces, tmp_path, options, project="Tales", tags=ch.Tags(artist="Al"))
    assert sorted(os.listdir(tmp_path)) == ["01 Intro.mp3", "02 The Storm.mp3"]
    assert results[1].frames == int(RATE * (0.5 * 3 + 0.25 * 2))
    tags = mutagen.File(tmp_path / "02 The Storm.mp3").tags
    assert (tags["TIT2"].text, tags["TALB"].text, tags["TRCK"].text) == (
        ["The Storm"],
        ["Tales"],
        ["2"],
    )
    assert [c.element_id for c in tags.getall("CHAP")] == ["chp0"]


def test_segments_in_a_zip(tmp_path: Path) -> None:
    """Per-segment WAVs packed into one ZIP; nothing else is left in the folder."""
    parts = _parts()[:3]
    pieces = by_segment(parts, ["Hello there", "Hello there", "a/b: c?"])
    export_pieces(pieces, tmp_path, MixOptions("wav", RATE), template="{project}-{n}-{title}",
                  project="ep1", zip_name="ep1.zip")  # fmt: skip
    assert os.listdir(tmp_path) == ["ep1.zip"]
    with zipfile.ZipFile(tmp_path / "ep1.zip") as archive:
        names = archive.namelist()
        assert names == ["ep1-1-Hello there.wav", "ep1-2-Hello there.wav", "ep1-3-a-b- c.wav"]
        with archive.open(names[0]) as member:
            assert soundfile.info(member).frames == RATE // 2


def test_names_are_unique_and_templates_checked() -> None:
    """Duplicate titles get -2; an unknown field is refused with the allowed ones named."""
    assert piece_names("{title}", ["A", "a"], "", "wav") == ["A.wav", "a-2.wav"]
    with pytest.raises(ExportError, match=r"\{n\}, \{title\} and \{project\}"):
        piece_names("{voice}", ["A"], "", "wav")
