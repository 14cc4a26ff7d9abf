"""Project export (the library behind File → Export…): which takes go in, split files in a
ZIP with chapter frames, subtitles at the takes' real places, and all-or-nothing output."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile
import srt

from studio.audio.mixdown import MixOptions
from studio.audio.project_export import ProjectExport, export_project, output_names
from studio.core import project_ops as ops
from studio.core.errors import CancelledError, ExportError, FileExistsExportError
from studio.core.project import SegmentTake
from studio.core.project_mix import unrendered
from studio.core.project_script import project_from_script
from studio.core.project_state import SegmentState, segment_key
from studio.core.script_import import import_text
from tests.audio.signals import sine

RATE = 24000
SCRIPT = (
    b"# One\n\nAlice: First line here.\n\nBob: Second line.\n\n# Two\n\nThird line, the last.\n"
)


def _project(leave_out: int | None = None):
    """Three segments in two chapters; each take a 1 s tone (segment `leave_out` unrendered)."""
    project = project_from_script("Demo", "v1", import_text(SCRIPT, "markdown", "demo.md"))
    audio = {}
    for n, segment in enumerate(project.segments()):
        if n == leave_out:
            continue
        block = project.block_of(segment.segment_id)
        take_id = f"t{n}"
        audio[take_id] = (sine(300 + 100 * n, 1.0, RATE, 0.3), RATE)
        key = segment_key(project, block, segment)
        take = SegmentTake(take_id, key, segment.text, 1.0, RATE)
        project = ops.add_take(project, segment.segment_id, take, True)
    return project, audio


def _request(folder: Path, **changes) -> ProjectExport:
    options = changes.pop("options", MixOptions("wav", RATE, join_ms=0))
    return ProjectExport(folder, "Demo", options, **changes)


def test_mix_subtitles_and_chapters_follow_the_real_timeline(tmp_path: Path) -> None:
    """One WAV of the takes and pauses; each SRT cue starts where its take's sound does."""
    project, audio = _project()
    files = export_project(project, audio.__getitem__, _request(tmp_path, subtitles=("srt",)))
    assert [p.name for p in files] == ["Demo.wav", "Demo.srt", "Demo.chapters.txt"]
    samples, rate = soundfile.read(tmp_path / "Demo.wav", dtype="float32")
    pause = project.export.paragraph_pause_s
    assert len(samples) == pytest.approx((3 + 3 * pause) * rate, abs=2)
    cues = list(srt.parse((tmp_path / "Demo.srt").read_text(encoding="utf-8")))
    assert [c.content for c in cues] == [
        "First line here.",
        "Second line.",
        "Third line, the last.",
    ]
    for n, cue in enumerate(cues):
        assert cue.start.total_seconds() == pytest.approx(n * (1 + pause), abs=0.05)
    listing = (tmp_path / "Demo.chapters.txt").read_text(encoding="utf-8")
    assert listing == "00:00 One\n00:03 Two\n"


def test_chapters_as_mp3_files_in_a_zip_with_chap_frames(tmp_path: Path) -> None:
    """Split by chapter into MP3s packed in one ZIP, with per-file subtitles."""
    from mutagen.id3 import ID3

    project, audio = _project()
    request = _request(
        tmp_path, options=MixOptions("mp3", 44100), split="chapter", zip=True, subtitles=("vtt",)
    )
    assert output_names(project, request) == ["Demo.zip"]
    export_project(project, audio.__getitem__, request)
    assert [p.name for p in tmp_path.iterdir()] == ["Demo.zip"]
    with zipfile.ZipFile(tmp_path / "Demo.zip") as archive:
        assert sorted(archive.namelist()) == [
            "01 One.mp3",
            "01 One.vtt",
            "02 Two.mp3",
            "02 Two.vtt",
        ]
        data = archive.read("02 Two.mp3")
    tags = ID3(io.BytesIO(data))
    assert [f.sub_frames["TIT2"].text[0] for f in tags.getall("CHAP")] == ["Two"]
    assert soundfile.info(io.BytesIO(data)).duration == pytest.approx(1.0, abs=0.1)


def test_unrendered_segments_are_named_and_left_out(tmp_path: Path) -> None:
    """A segment without a take is reported and its text never reaches the subtitles."""
    project, audio = _project(leave_out=1)
    missing = unrendered(project)
    assert [(m.text, m.state) for m in missing] == [("Second line.", SegmentState.NOT_RENDERED)]
    export_project(project, audio.__getitem__, _request(tmp_path, subtitles=("srt",)))
    cues = list(srt.parse((tmp_path / "Demo.srt").read_text(encoding="utf-8")))
    assert [c.content for c in cues] == ["First line here.", "Third line, the last."]


def test_cancel_after_a_finished_piece_leaves_nothing(tmp_path: Path) -> None:
    """Cancelled once the first chapter file is complete: no file and no work folder remain."""
    project, audio = _project()
    cancel = threading.Event()
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0.5:  # the first chapter's file is finished
            cancel.set()

    with pytest.raises(CancelledError):
        export_project(
            project, audio.__getitem__, _request(tmp_path, split="chapter"),
            progress=progress, cancel=cancel,
        )  # fmt: skip
    assert seen and list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_said_in_words(tmp_path: Path) -> None:
    """An output folder that is gone gives an ExportError that says so, not an OSError."""
    project, audio = _project()
    with pytest.raises(ExportError, match="does not exist"):
        export_project(project, audio.__getitem__, _request(tmp_path / "gone"))


def test_existing_files_are_not_replaced_unless_asked(tmp_path: Path) -> None:
    """An existing output stops the export before anything is made; overwrite replaces it."""
    project, audio = _project()
    (tmp_path / "Demo.wav").write_bytes(b"keep")
    with pytest.raises(FileExistsExportError):
        export_project(project, audio.__getitem__, _request(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["Demo.wav"]
    options = MixOptions("wav", RATE, overwrite=True)
    export_project(project, audio.__getitem__, _request(tmp_path, options=options, chapters=False))
    assert soundfile.info(tmp_path / "Demo.wav").frames > 0
    assert np.isclose(soundfile.info(tmp_path / "Demo.wav").samplerate, RATE)
