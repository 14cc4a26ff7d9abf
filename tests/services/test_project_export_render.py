"""A project rendered by the window's ProjectRenderer (on waves-local over HTTP) exports through
`waves-studio project export`: the takes it stored are the ones the mix and subtitles use."""

from __future__ import annotations

import soundfile
import srt

from studio.cli import main
from studio.services.project import ProjectService
from studio.services.project_render import ProjectRenderer
from studio.services.tasks import SyncTaskRunner
from tests.project.support import EXAMPLES


def test_project_renderer_takes_export_with_subtitles(
    qtbot, tmp_path, settings, bus, local_backend, monkeypatch
) -> None:
    """Import the example SRT, Render changed with the app's renderer, close, export: 20 cues,
    each starting within 100 ms of its original cue."""
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    path = tmp_path / "tour.wavesproj"
    source = EXAMPLES / "harbour-tour.srt"
    argv = ["project", "import", str(source), "--out", str(path), "--voice", "tone-alto"]
    assert main(argv) == 0
    projects = ProjectService(settings, bus, files=SyncTaskRunner())
    renderer = ProjectRenderer(projects, local_backend, None, bus, tmp_path / "data")
    projects.open(path)
    assert projects.project is not None
    with qtbot.wait_signal(renderer.render_finished, timeout=30000) as finished:
        assert renderer.render_changed() == 20
    assert finished.args == [20, 0]
    renderer.shutdown(5000)
    projects.close()  # writes the pending saves and releases the file
    out = tmp_path / "out"
    assert main(["project", "export", str(path), "--out", str(out), "--subtitles", "srt"]) == 0
    x, rate = soundfile.read(out / "harbour-tour.wav", dtype="float32")
    assert 58.0 < len(x) / rate < 62.0
    written = list(srt.parse((out / "harbour-tour.srt").read_text(encoding="utf-8")))
    original = list(srt.parse(source.read_text(encoding="utf-8")))
    assert len(written) == len(original) == 20
    for mine, cue in zip(written, original, strict=True):
        assert abs((mine.start - cue.start).total_seconds()) <= 0.1
