"""Issue 16's round trip through the command line: Markdown with two chapters and two speakers
-> project -> rendered on waves-local over HTTP -> FLAC + SRT + VTT and per-chapter MP3 with
CHAP frames; every file reads back and its times agree with the audio within 50 ms."""

from __future__ import annotations

import zipfile
from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile
import srt
import webvtt
from mutagen.id3 import ID3

from studio.cli import main
from studio.core.project_mix import mix_items
from studio.store.project_file import ProjectFile
from tests.audio.onsets import onsets
from tests.project.support import EXAMPLES, render_project

TOLERANCE_S = 0.05
JOIN_S = 0.01  # the export's default 10 ms crossfade where two takes touch


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, waves_local) -> Path:
    """The example Markdown imported with a voice per speaker and rendered on waves-local."""
    folder = tmp_path_factory.mktemp("roundtrip")
    path = folder / "lighthouse.wavesproj"
    code = main(["project", "import", str(EXAMPLES / "two-voices.md"), "--out", str(path),
                 "--voice", "tone-alto", "--speaker-voice", "Bob=tone-bass",
                 "--title", "lighthouse"])  # fmt: skip
    assert code == 0
    assert render_project(path, waves_local) == 10
    return path


def _expected_seconds(path: Path, chapter: int | None = None) -> float:
    """Takes plus pauses less crossfade overlaps, from the project (what the mix must last)."""
    with ProjectFile.open(path) as file:
        project = file.project
        durations = {t.take_id: t.duration_s for s in project.segments() for t in s.takes}
    items = mix_items(project)
    if chapter is not None:
        starts = [n for n, it in enumerate(items) if it.chapter is not None] + [len(items)]
        items = items[starts[chapter] : starts[chapter + 1]]
        items[-1:] = [items[-1].__class__(**{**items[-1].__dict__, "pause_after_s": 0.0})]
    total = sum(durations[it.take_id] + it.pause_after_s for it in items)
    touching = sum(1 for it in items[:-1] if it.pause_after_s == 0)
    return total - touching * JOIN_S


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_flac_srt_vtt_and_chapters_agree_with_the_audio(rendered, tmp_path, capsys) -> None:
    """The FLAC's length is the project's; SRT and VTT parse, hold the same cues, and every cue
    starts within 50 ms of a speech onset measured independently in the FLAC."""
    out = tmp_path / "mix"
    code = main(["project", "export", str(rendered), "--out", str(out), "--format", "flac",
                 "--subtitles", "srt,vtt", "--chapters"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    x, rate = soundfile.read(out / "lighthouse.flac", dtype="float32")
    assert abs(len(x) / rate - _expected_seconds(rendered)) <= TOLERANCE_S
    tags = mutagen.File(out / "lighthouse.flac")
    assert tags["CHAPTER001NAME"] == ["The Lighthouse"] and tags["CHAPTER002NAME"] == ["The Storm"]

    subs = list(srt.parse((out / "lighthouse.srt").read_text(encoding="utf-8")))
    vtt = webvtt.read(str(out / "lighthouse.vtt"))
    assert len(subs) == len(vtt.captions) >= 6
    heard = np.array(onsets(x, rate))
    for sub, caption in zip(subs, vtt.captions, strict=True):
        start, end = sub.start.total_seconds(), sub.end.total_seconds()
        assert (
            abs(caption.start_in_seconds + caption.start_time.milliseconds / 1000 - start) < 0.002
        )
        assert float(np.min(np.abs(heard - start))) <= TOLERANCE_S, (sub.content, start)
        assert end - start >= 1.0 - 1e-3 or end == subs[-1].end.total_seconds()
        assert all(len(line) <= 42 for line in sub.content.split("\n"))
    assert subs[-1].end.total_seconds() <= len(x) / rate + TOLERANCE_S
    assert "Have you ever been to the" in subs[0].content
    chapters = (out / "lighthouse.chapters.txt").read_text(encoding="utf-8").splitlines()
    assert chapters[0] == "00:00 The Lighthouse" and chapters[1].endswith(" The Storm")


def test_per_chapter_mp3_with_chap_frames(rendered, tmp_path, capsys) -> None:
    """--split chapter --format mp3 --chapters: one MP3 per chapter, each with its CHAP frame,
    title and track tags, lasting what its chapter lasts (within 50 ms)."""
    out = tmp_path / "chapters"
    code = main(["project", "export", str(rendered), "--out", str(out), "--format", "mp3",
                 "--split", "chapter", "--chapters", "--bitrate", "96"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["01 The Lighthouse.mp3", "02 The Storm.mp3"]
    for n, (path, title) in enumerate(zip(files, ["The Lighthouse", "The Storm"], strict=True)):
        audio = mutagen.File(path)
        assert abs(audio.info.length - _expected_seconds(rendered, n)) <= TOLERANCE_S
        id3 = ID3(path)
        (chap,) = id3.getall("CHAP")
        assert chap.sub_frames.getall("TIT2")[0].text == [title]
        assert chap.start_time == 0 and abs(chap.end_time / 1000 - audio.info.length) <= 0.05
        assert id3.getall("CTOC")[0].child_element_ids == [chap.element_id]
        assert str(id3["TRCK"]) == str(n + 1) and str(id3["TALB"]) == "lighthouse"


def test_zip_holds_the_audio_and_subtitles(rendered, tmp_path, capsys) -> None:
    """--zip packs the mix and its subtitles into one archive and leaves nothing else."""
    out = tmp_path / "zipped"
    code = main(["project", "export", str(rendered), "--out", str(out), "--zip",
                 "--subtitles", "vtt", "--loudness", "podcast"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["lighthouse.zip"]
    with zipfile.ZipFile(out / "lighthouse.zip") as archive:
        assert sorted(archive.namelist()) == ["lighthouse.vtt", "lighthouse.wav"]
        assert archive.read("lighthouse.vtt").startswith(b"WEBVTT")


def test_existing_outputs_are_kept_unless_forced(rendered, tmp_path, capsys) -> None:
    """A second export into the same folder refuses (exit 2) and changes nothing; --force
    replaces the files."""
    out = tmp_path / "again"
    argv = ["project", "export", str(rendered), "--out", str(out), "--subtitles", "srt"]
    assert main(argv) == 0
    (out / "lighthouse.srt").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert main(argv) == 2
    assert "lighthouse.wav already exists. Add --force" in capsys.readouterr().err
    assert (out / "lighthouse.srt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["lighthouse.srt", "lighthouse.wav"]
    assert main([*argv, "--force"]) == 0
    assert (out / "lighthouse.srt").read_text(encoding="utf-8").startswith("1\n")


def test_a_file_appearing_mid_export_takes_back_the_others(
    rendered, tmp_path, capsys, monkeypatch
) -> None:
    """If another program creates one of the outputs while the export runs, the export stops
    (exit 2), keeps that file, and removes the ones it had already put in place."""
    import os

    from studio import project_export

    out = tmp_path / "race"
    real_link = os.link

    def link(source, target):
        if str(target).endswith(".vtt"):  # someone saves this name first
            Path(target).write_text("theirs", encoding="utf-8")
        real_link(source, target)

    monkeypatch.setattr(project_export.os, "link", link)
    argv = ["project", "export", str(rendered), "--out", str(out), "--subtitles", "srt,vtt"]
    assert main(argv) == 2
    assert "lighthouse.vtt already exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["lighthouse.vtt"]
    assert (out / "lighthouse.vtt").read_text(encoding="utf-8") == "theirs"


def test_left_out_options_take_the_projects_export_settings(rendered, tmp_path, capsys) -> None:
    """A project saved with FLAC, split by chapter and -20 LUFS exports that way by default;
    options given on the command line win."""
    import shutil
    from dataclasses import replace

    from studio.core.project import ExportSettings

    copy = tmp_path / "copy.wavesproj"
    shutil.copyfile(rendered, copy)
    with ProjectFile.open(copy) as file:
        settings = ExportSettings("flac", 24000, -20.0, split_chapters=True)
        file.save(replace(file.project, export=settings))
    assert main(["project", "export", str(copy), "--out", str(tmp_path / "a")]) == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["01 The Lighthouse.flac", "02 The Storm.flac"]
    x, rate = soundfile.read(tmp_path / "a" / names[0], dtype="float32")
    from studio.audio.loudstream import LoudnessMeter

    meter = LoudnessMeter(rate)
    meter.feed(x)
    assert meter.integrated() == pytest.approx(-20.0, abs=1.0)
    argv = ["--format", "ogg", "--split", "none"]
    assert main(["project", "export", str(copy), "--out", str(tmp_path / "b"), *argv]) == 0
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["lighthouse.ogg"]
