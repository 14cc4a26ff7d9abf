"""`waves-studio project render FILE.wavesproj`: renders the changed segments through the queue
against waves-local; exit 0 all done, 2 some failed or cannot render (named), 1 usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.cli import main
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project
from studio.core.project_state import SegmentState, states
from studio.store.project_file import ProjectFile
from tests.conftest import WAVES_LOCAL_TEST_KEY

TTS = "/waves/v1/tts"
DIALOGUE = "Alice: Hello there. How are you?\n\nBob: Fine, thanks. And you?"


def _project(path: Path, voice: str = "tone-alto", text: str = DIALOGUE) -> Path:
    editor = ProjectEditor(new_project(path.stem, voice))
    editor.paste(editor.project.chapters[0].chapter_id, 0, text)
    ProjectFile.create(path, editor.project).close()
    return path


def _render(profile: Path, path: Path, url: str, *rest: str) -> int:
    return main(["--profile", str(profile), "project", "render", str(path), "--base-url", url,
                 *rest])  # fmt: skip


@pytest.fixture
def cloud_key(monkeypatch) -> None:
    """The key the command reads from the environment (waves-local stands in for the cloud)."""
    monkeypatch.setenv("SMALLEST_API_KEY", WAVES_LOCAL_TEST_KEY)


def test_renders_changed_segments_then_nothing(
    tmp_path, capsys, monkeypatch, waves_local, cloud_key
) -> None:
    """First run: 4 requests, every chosen take plays from the file, exit 0; second run sends
    nothing and exits 0; after one edit, one request."""
    path = _project(tmp_path / "Talk.wavesproj")
    waves_local.stats.reset()
    assert _render(tmp_path, path, waves_local.base_url) == 0
    out = capsys.readouterr().out
    assert "4 to render (45 characters in 4 request(s))" in out
    assert "rendered 4 segment(s); 0 failed; 0 not rendered" in out
    assert waves_local.stats.requests(TTS) == 4
    with ProjectFile.open(path) as file:
        assert set(states(file.project).values()) == {SegmentState.RENDERED}
        for segment in file.project.segments():
            assert file.read_audio(segment.chosen_take)[0].size > 0
        editor = ProjectEditor(file.project)
        block = file.project.blocks[1]
        editor.set_block_text(block.block_id, "Fine, thanks. And you, Alice?")
        file.save(editor.project)
    assert _render(tmp_path, path, waves_local.base_url) == 0
    assert "1 to render" in capsys.readouterr().out
    assert waves_local.stats.requests(TTS) == 5
    monkeypatch.delenv("SMALLEST_API_KEY")  # nothing to send: no server, no key needed
    assert _render(tmp_path, path, waves_local.base_url) == 0
    assert "Everything is rendered: nothing to send." in capsys.readouterr().out
    assert waves_local.stats.requests(TTS) == 5


def test_failed_segments_are_named_and_exit_2(
    tmp_path, capsys, waves_local, waves_local_faults, cloud_key
) -> None:
    """Segments the server refuses: each is named with its error; exit status 2."""
    path = _project(tmp_path / "Refused.wavesproj", text="Alice: Only one line here.")
    waves_local_faults(f"status=422@path={TTS}")
    assert _render(tmp_path, path, waves_local.base_url) == 2
    err = capsys.readouterr().err
    assert 'failed: paragraph 1, sentence 1 ("Only one line here.")' in err
    with ProjectFile.open(path) as file:
        assert set(states(file.project).values()) == {SegmentState.FAILED}


def test_voiceless_speakers_are_named_and_exit_2(tmp_path, capsys, waves_local, cloud_key):
    """Nothing renderable (no voice for the narrator): says which segments and exits 2."""
    path = _project(tmp_path / "Mute.wavesproj", voice="", text="Nobody has a voice yet.")
    waves_local.stats.reset()
    assert _render(tmp_path, path, waves_local.base_url) == 2
    err = capsys.readouterr().err
    assert "no voice for Narrator" in err
    assert 'not rendered: paragraph 1, sentence 1 ("Nobody has a voice yet.")' in err
    assert waves_local.stats.requests(TTS) == 0


def test_usage_errors_exit_1(tmp_path, capsys, waves_local, cloud_key) -> None:
    """No subcommand, no file, a missing or foreign file, a file open elsewhere: exit 1."""
    assert main(["--profile", str(tmp_path), "project"]) == 1
    assert main(["--profile", str(tmp_path), "project", "render"]) == 1
    url = waves_local.base_url
    assert _render(tmp_path, tmp_path / "missing.wavesproj", url) == 1
    assert "does not exist" in capsys.readouterr().err
    foreign = tmp_path / "notes.wavesproj"
    foreign.write_text("not a project", encoding="utf-8")
    assert _render(tmp_path, foreign, url) == 1
    assert "is not a Waves Studio project" in capsys.readouterr().err
    path = _project(tmp_path / "Busy.wavesproj")
    assert _render(tmp_path, path, url, "--concurrency", "0") == 1
    with ProjectFile.open(path):
        assert _render(tmp_path, path, url) == 1
    assert "is open in another Waves Studio window or a render" in capsys.readouterr().err


def test_local_renders_with_an_embedded_waves_local(tmp_path, capsys) -> None:
    """--local: an embedded tone-engine server renders every segment; exit 0."""
    path = _project(tmp_path / "Offline.wavesproj", text="Alice: Offline words. Still offline.")
    code = main(["--profile", str(tmp_path), "project", "render", str(path), "--local",
                 "--engine", "tone"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    with ProjectFile.open(path) as file:
        assert set(states(file.project).values()) == {SegmentState.RENDERED}
        assert {t.backend for s in file.project.segments() for t in s.takes} == {"local"}


def test_batch_resume_refuses_a_projects_job(tmp_path, capsys) -> None:
    """`waves-studio batch --resume N` of a project's job says to use `project render`."""
    from studio.batch.project_queue import ProjectJobOptions, create_project_job
    from studio.core.project_render import render_jobs
    from studio.store.queue import open_queue

    path = _project(tmp_path / "Owned.wavesproj")
    with ProjectFile.open(path) as file, open_queue(tmp_path / "data") as store:
        options = ProjectJobOptions(str(path.resolve()))
        job_id = create_project_job(store, options, render_jobs(file.project))
    assert main(["--profile", str(tmp_path), "batch", "--resume", str(job_id)]) == 1
    assert f"resume it with `waves-studio project render {path.resolve()}`" in (
        capsys.readouterr().err
    )
