"""`project export` options on a rendered project: pauses, per-segment files, loudness, rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio.loudstream import LoudnessMeter
from studio.cli import main
from tests.project.support import render_project

SCRIPT = "# Start\n\n[pause 1.5s] Hello there. It is a fine day.\n\n# End\n\nGoodbye now."


@pytest.fixture(scope="module")
def project(tmp_path_factory, waves_local) -> Path:
    """A two-chapter project whose first block opens with a pause-only segment, rendered."""
    folder = tmp_path_factory.mktemp("options")
    (folder / "day.md").write_text(SCRIPT, encoding="utf-8")
    path = folder / "day.wavesproj"
    assert main(["project", "import", str(folder / "day.md"), "--out", str(path),
                 "--voice", "tone-soprano", "--title", "Day"]) == 0  # fmt: skip
    assert render_project(path, waves_local) == 3
    return path


def _export(project: Path, out: Path, *argv: str) -> int:
    return main(["project", "export", str(project), "--out", str(out), *argv])


def test_a_pause_only_segment_is_silence_at_its_place(project, tmp_path) -> None:
    """A leading `[pause 1.5s]` makes 1.5 s of silence before the first words."""
    assert _export(project, tmp_path) == 0
    x, rate = soundfile.read(tmp_path / "Day.wav", dtype="float32")
    first = int(np.flatnonzero(np.abs(x) > 0.01)[0]) / rate
    assert 1.5 <= first <= 1.55


def test_split_by_segment_names_each_file_by_its_words(project, tmp_path) -> None:
    """--split segment: one file per spoken sentence, numbered, named by its first words."""
    assert _export(project, tmp_path, "--split", "segment", "--format", "ogg",
                   "--subtitles", "srt") == 0  # fmt: skip
    names = sorted(p.name for p in tmp_path.iterdir())
    stems = ["01 Hello there", "02 It is a fine day", "03 Goodbye now"]
    assert names == sorted(f"{stem}.{ext}" for stem in stems for ext in ("ogg", "srt"))
    x, rate = soundfile.read(tmp_path / "03 Goodbye now.ogg", dtype="float32")
    assert 0.5 < len(x) / rate < 2.0
    assert "Goodbye now." in (tmp_path / "03 Goodbye now.srt").read_text(encoding="utf-8")


def test_loudness_target_rate_and_crossfade_are_applied(project, tmp_path) -> None:
    """--loudness -20 --sample-rate 16000 --crossfade-ms 0: the file is at -20 LUFS (±1),
    at 16 kHz, and its peaks stay under the -1 dBTP ceiling."""
    assert _export(project, tmp_path, "--loudness", "-20", "--sample-rate", "16000",
                   "--crossfade-ms", "0", "--format", "flac") == 0  # fmt: skip
    x, rate = soundfile.read(tmp_path / "Day.flac", dtype="float32")
    assert rate == 16000
    meter = LoudnessMeter(rate)
    meter.feed(x)
    assert meter.integrated() == pytest.approx(-20.0, abs=1.0)
    assert float(np.abs(x).max()) <= 10 ** (-1 / 20) + 0.01


def test_progress_rises_and_cancel_leaves_nothing(project, tmp_path) -> None:
    """export_project reports rising progress per file; a cancel stops it and removes all."""
    import threading

    from studio.core.errors import CancelledError
    from studio.project_export import ExportRequest, export_project
    from studio.store.project_file import ProjectFile

    seen: list[tuple[float, str]] = []
    with ProjectFile.open(project) as file:
        request = ExportRequest(tmp_path / "a", split="chapter")
        export_project(file, request, lambda f, name: seen.append((f, name)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {name for _, name in seen} == {"01 Start.wav", "02 End.wav"}

    cancel = threading.Event()
    with ProjectFile.open(project) as file, pytest.raises(CancelledError):
        export_project(file, ExportRequest(tmp_path / "b"), lambda *_: cancel.set(), cancel)
    assert list((tmp_path / "b").iterdir()) == []


def test_zero_crossing_joins_and_a_dead_exports_leftovers_are_swept(project, tmp_path) -> None:
    """--join zero exports; a staging folder a killed export left over 15 min ago is removed,
    a recent one (an export running now) is not."""
    import os
    import time

    old, recent = tmp_path / ".export-partial-Day-old", tmp_path / ".export-partial-Day-new"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "take.wav").write_bytes(b"x")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert _export(project, tmp_path, "--join", "zero", "--crossfade-ms", "5") == 0
    assert not old.exists() and recent.exists()
    assert (tmp_path / "Day.wav").exists()
