"""studio.project_export called as the window's File → Export… calls it (a project as edited, a
name, a folder chosen in the dialog): which takes go in, split files in a ZIP with chapter
frames, subtitles at the takes' real places, leaving out unrendered segments, and
all-or-nothing output."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile
import srt

from studio.core import project_ops as ops
from studio.core.errors import CancelledError, ExportError
from studio.core.project import SegmentTake
from studio.core.project_build import import_command, project_from_script, script_content
from studio.core.project_edit import ProjectEditor
from studio.core.project_mix import NotReadyError, unready
from studio.core.project_state import SegmentState, segment_key
from studio.core.script_import import import_text
from studio.project_export import TAKES_SHARE, ExportRequest, export_project, output_names
from studio.project_takes import ProjectSnapshot
from tests.audio.signals import sine

RATE = 24000
SCRIPT = (
    b"# One\n\nAlice: First line here.\n\nBob: Second line.\n\n# Two\n\nThird line, the last.\n"
)


def _project(leave_out: int | None = None) -> ProjectSnapshot:
    """Three segments in two chapters; each take a 1 s tone (segment `leave_out` unrendered)."""
    script = import_text(SCRIPT, "markdown", "demo.md")
    project = project_from_script(script, "Demo", voice_id="v1")
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
    return ProjectSnapshot(project, Path("demo.wavesproj"), audio.__getitem__)


def _request(folder: Path, **changes) -> ExportRequest:
    """What the dialog asks for: its name, its (existing) folder, chapters on by default."""
    fields = {"name": "Demo", "sample_rate": RATE, "crossfade_ms": 0.0, "chapters": True}
    fields.update(changes)
    return ExportRequest(folder, make_folder=False, **fields)


def test_mix_subtitles_and_chapters_follow_the_real_timeline(tmp_path: Path) -> None:
    """One WAV of the takes and pauses; each SRT cue starts where its take's sound does."""
    source = _project()
    report = export_project(source, _request(tmp_path, subtitles=("srt",)))
    assert [p.name for p in report.files] == ["Demo.wav", "Demo.srt", "Demo.chapters.txt"]
    samples, rate = soundfile.read(tmp_path / "Demo.wav", dtype="float32")
    pause = source.project.export.paragraph_pause_s
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

    source = _project()
    request = _request(
        tmp_path, export_format="mp3", sample_rate=44100, crossfade_ms=10.0, split="chapter",
        zip=True, subtitles=("vtt",),
    )  # fmt: skip
    assert output_names(source.project, request) == ["Demo.zip"]
    export_project(source, request)
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
    """A segment without a take is reported and refused; with `leave_out` (the window's
    "Export without them") its text never reaches the subtitles."""
    source = _project(leave_out=1)
    missing = unready(source.project)
    assert [(m.text, m.state) for m in missing] == [("Second line.", SegmentState.NOT_RENDERED)]
    with pytest.raises(NotReadyError):
        export_project(source, _request(tmp_path, subtitles=("srt",)))
    export_project(source, _request(tmp_path, subtitles=("srt",), leave_out=True))
    cues = list(srt.parse((tmp_path / "Demo.srt").read_text(encoding="utf-8")))
    assert [c.content for c in cues] == ["First line here.", "Third line, the last."]


def test_cancel_after_a_finished_piece_leaves_nothing(tmp_path: Path) -> None:
    """Cancelled once the first chapter file is complete: no file and no work folder remain."""
    source = _project()
    cancel = threading.Event()
    seen: list[float] = []

    def progress(fraction: float, name: str) -> None:
        seen.append(fraction)
        if name == "02 Two.wav":  # the first chapter's file is finished
            assert fraction >= TAKES_SHARE + (1 - TAKES_SHARE) / 2
            cancel.set()

    with pytest.raises(CancelledError):
        export_project(source, _request(tmp_path, split="chapter"), progress, cancel)
    assert seen and list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_said_in_words(tmp_path: Path) -> None:
    """An output folder that is gone gives an ExportError that says so, not an OSError."""
    with pytest.raises(ExportError, match="does not exist"):
        export_project(_project(), _request(tmp_path / "gone"))


def test_subtitles_imported_in_the_window_export_at_their_cue_times(tmp_path: Path) -> None:
    """An SRT imported into a fresh project the window's way (script_content + one undoable
    import_command) is a timed project: each take's speech lands on its cue, not after the
    one before, and the subtitles say so."""
    cues_in = (
        b"1\n00:00:02,000 --> 00:00:03,500\nFirst cue.\n\n"
        b"2\n00:00:06,000 --> 00:00:07,000\nSecond.\n"
    )
    editor = ProjectEditor(ops.new_project("Dub", "v1"))
    content = script_content(editor.project, import_text(cues_in, "srt", "dub.srt"))
    editor.do(import_command(editor.project, content, "Import dub.srt"))
    project = editor.project
    assert project.timed
    audio = {}
    for n, segment in enumerate(project.segments()):
        block = project.block_of(segment.segment_id)
        audio[f"t{n}"] = (sine(440, 1.0, RATE, 0.3), RATE)
        take = SegmentTake(f"t{n}", segment_key(project, block, segment), segment.text, 1.0, RATE)
        project = ops.add_take(project, segment.segment_id, take, True)
    source = ProjectSnapshot(project, Path("dub.wavesproj"), audio.__getitem__)
    export_project(source, _request(tmp_path, subtitles=("srt",), chapters=False))
    cues = list(srt.parse((tmp_path / "Demo.srt").read_text(encoding="utf-8")))
    assert [round(c.start.total_seconds(), 2) for c in cues] == [2.0, 6.0]
    samples, rate = soundfile.read(tmp_path / "Demo.wav", dtype="float32")
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    assert loud[0] / rate == pytest.approx(2.0, abs=0.01)
    assert np.abs(samples[round(3.5 * rate) : round(5.9 * rate)]).max() < 0.01  # the gap
