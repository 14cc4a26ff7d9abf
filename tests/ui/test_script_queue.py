"""Render changed through the render queue: progress, pause/resume, jobs in the queue, the resume
offered after a crash, and the WAL folded into the project file off the GUI thread."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import Qt

from studio.core.batch import CANCELLED, FINISHED
from studio.core.project import Project
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project
from studio.core.project_state import SegmentState, states
from studio.store.project_file import ProjectFile, ProjectFileError
from studio.ui import dialogs
from tests.conftest import WAVES_LOCAL_TEST_KEY

ROOT = Path(__file__).resolve().parents[2]
TTS = "/waves/v1/tts"
SCRIPT = (
    "Alice: One small step. Two steps more. Three to go.\n\n"
    "Bob: Four is here. Five is there. Six at last."
)


def _open_new(qtbot, studio, path: Path):
    projects = studio.services.projects.projects
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.new(path, studio.services.voices.voices[0].voice_id)
    studio.window.modes.setCurrentWidget(studio.window.script.view)
    return projects


def _assert_no_mnemonic_clash(window) -> None:
    from tests.ui.test_mnemonics import clashes, mnemonic, widget_mnemonics

    found = widget_mnemonics(window)
    for action in window.menuBar().actions():
        letter = mnemonic(action.text())
        if letter:
            found[letter].append(f"menu {action.text()}")
    assert clashes(found) == {}, "".join(sorted(found))


def _project_jobs(profile: Path) -> list[tuple[int, str, int]]:
    """(job id, state, items) of the profile's project jobs, oldest first."""
    path = profile / "data" / "queue.sqlite3"
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # never creates the queue
    try:
        return conn.execute(
            "SELECT id, state, total FROM jobs WHERE json_extract(options, '$.kind') = 'project'"
            " ORDER BY id"
        ).fetchall()
    except sqlite3.OperationalError:  # created, not migrated yet
        return []
    finally:
        conn.close()


def test_render_changed_runs_as_a_queue_job_with_eta_pause_and_resume(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local, waves_local_faults
) -> None:
    """The confirm names characters and requests; the job shows done/total, ETA and
    concurrency; Pause holds it, Resume finishes it; each segment gets one take, saved."""
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **k: asked.append(text) or True)
    studio = make_studio()
    view = studio.window.script.view
    path = tmp_path / "Queue.wavesproj"
    projects = _open_new(qtbot, studio, path)
    view.paste_script(SCRIPT)
    chars = sum(len(s.text) for s in projects.project.segments())
    renderer = studio.services.projects.renderer
    waves_local.stats.reset()
    waves_local_faults(f"latency=150@path={TTS}")
    view.render_changed()
    assert asked[-1] == f"Render 6 segment(s): {chars} characters in 6 request(s)?"
    bar = view.render_progress
    qtbot.wait_until(lambda: "at once" in bar.label.text(), timeout=5000)
    assert bar.isVisible() and " of 6 segments" in bar.label.text()
    qtbot.wait_until(lambda: "left" in bar.label.text(), timeout=5000)  # the ETA
    _assert_no_mnemonic_clash(studio.window)  # with Stop and Pause rendering showing
    qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: "paused" in bar.label.text(), timeout=5000)
    assert renderer.busy and renderer.paused
    waves_local_faults("")
    with qtbot.wait_signal(renderer.render_finished, timeout=20000) as finished:
        qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
    assert finished.args == [6, 0]
    assert not bar.isVisible()
    # Items interrupted by the pause went back to the queue: never a second take.
    assert waves_local.stats.requests(TTS) <= 6 + 3
    segments = projects.project.segments()
    assert [len(s.takes) for s in segments] == [1] * 6
    assert set(states(projects.project).values()) == {SegmentState.RENDERED}
    assert [(state, total) for _, state, total in _project_jobs(studio.profile)] == [(FINISHED, 6)]
    projects.close()
    qtbot.wait_until(lambda: projects.files.pool.activeThreadCount() == 0, timeout=5000)
    with ProjectFile.open(path) as reopened:
        for segment in reopened.project.segments():
            samples, _rate = reopened.read_audio(segment.chosen_take)
            assert samples.size > 0


def test_stop_cancels_the_job_and_it_is_not_offered_again(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """Stop rendering cancels the queue job: reopening the project offers nothing."""
    offered: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **k: offered.append(text) or True)
    studio = make_studio()
    view = studio.window.script.view
    path = tmp_path / "Stop.wavesproj"
    projects = _open_new(qtbot, studio, path)
    view.paste_script("Alice: Hold on. Wait a moment.")
    renderer = studio.services.projects.renderer
    waves_local_faults(f"stall=3000@path={TTS}")
    view.render_changed()
    # Generous waits: a stalled request may answer its cancel only when the stall ends (3 s).
    with qtbot.wait_signal(renderer.render_finished, timeout=15000):
        view.render_changed()  # the button reads Stop rendering now
    # The requests in flight end in the background (a stalled one when its stall ends, longer
    # on a loaded machine); once the renderer is idle the job must read cancelled.
    qtbot.wait_until(lambda: renderer.jobs_running == 0, timeout=60000)
    assert [s for _, s, _ in _project_jobs(studio.profile)] == [CANCELLED]
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.close()
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.open(path)
    with qtbot.assert_not_emitted(renderer.resume_offered, wait=300):
        pass
    assert len(offered) == 1  # only the Render changed confirm


def test_after_a_kill_mid_render_reopening_offers_to_resume(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local, waves_local_faults
) -> None:
    """A headless render killed with SIGKILL mid-job: opening the project offers to resume;
    resuming renders only what is missing, each segment ends with exactly one take."""
    profile = tmp_path / "profile"
    path = tmp_path / "Crash.wavesproj"
    editor = ProjectEditor(new_project("Crash", "tone-alto"))
    editor.paste(editor.project.chapters[0].chapter_id, 0, SCRIPT)
    ProjectFile.create(path, editor.project).close()
    waves_local_faults(f"latency=250@path={TTS}")
    waves_local.stats.reset()
    env = {**os.environ, "SMALLEST_API_KEY": WAVES_LOCAL_TEST_KEY, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "studio", "--profile", str(profile), "project", "render",
               str(path), "--base-url", waves_local.base_url, "--concurrency", "2"]  # fmt: skip
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        while line and ": done" not in line:  # one segment finished, others in flight
            line = child.stdout.readline()
        assert line, "the child finished nothing"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)
    waves_local_faults("")
    before = waves_local.stats.requests(TTS)
    offers: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **k: offers.append(text) or True)
    studio = make_studio(profile=profile)
    projects = studio.services.projects.projects
    renderer = studio.services.projects.renderer
    with qtbot.wait_signal(renderer.render_finished, timeout=20000):
        projects.open(path)
    assert len(offers) == 1 and "Resume it now?" in offers[0]
    segments = projects.project.segments()
    assert [len(s.takes) for s in segments] == [1] * 6
    assert set(states(projects.project).values()) == {SegmentState.RENDERED}
    # The resume renders what was not finished; what the child rendered before the kill (in
    # the project, or in the render cache) costs nothing again.
    assert waves_local.stats.requests(TTS) - before <= 6 - 1
    assert [s for _, s, _ in _project_jobs(profile)] == [FINISHED]


def _wal_bytes(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def _file_alone(path: Path) -> Project | None:
    """The project in a copy of the database file alone (without its WAL); None while the file
    alone is not a whole project yet."""
    copy = path.with_name("Copy.wavesproj")
    copy.unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    try:
        with ProjectFile.open(copy) as copied:
            return copied.project
    except ProjectFileError:
        return None


def _takes_alone(path: Path) -> list[int]:
    project = _file_alone(path)
    return [] if project is None else [len(s.takes) for s in project.segments()]


def _first_text_alone(path: Path) -> str:
    project = _file_alone(path)
    return "" if project is None else project.blocks[0].text


def test_the_wal_is_folded_in_after_a_render_and_when_edits_pause(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """After a render job, and once edits pause, the project's WAL is checkpointed into the
    file (off the GUI thread): the file alone holds everything, the WAL is empty again."""
    import studio.services.project as project_service

    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    monkeypatch.setattr(project_service, "IDLE_CHECKPOINT_MS", 300)
    studio = make_studio()
    path = tmp_path / "Wal.wavesproj"
    projects = _open_new(qtbot, studio, path)
    view = studio.window.script.view
    view.paste_script(SCRIPT)
    renderer = studio.services.projects.renderer
    with qtbot.wait_signal(renderer.render_finished, timeout=20000):
        view.render_changed()
    qtbot.wait_until(lambda: _takes_alone(path) == [1] * 6, timeout=10000)
    qtbot.wait_until(lambda: _wal_bytes(path) == 0, timeout=10000)
    block = projects.project.blocks[0]
    projects.edit(lambda e: e.set_block_text(block.block_id, "One small step, edited."))
    qtbot.wait_until(lambda: _first_text_alone(path) == "One small step, edited.", timeout=10000)
    qtbot.wait_until(lambda: _wal_bytes(path) == 0, timeout=10000)


def test_closing_the_project_mid_render_pauses_the_job_for_the_next_open(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """Close mid-render: the job stops writing before the file closes and waits, paused; the
    next open offers it, and declining cancels it (not offered again)."""
    answers = iter([True, False])
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: next(answers))
    studio = make_studio()
    view = studio.window.script.view
    path = tmp_path / "Closed.wavesproj"
    projects = _open_new(qtbot, studio, path)
    view.paste_script(SCRIPT)
    renderer = studio.services.projects.renderer
    waves_local_faults(f"latency=300@path={TTS}")
    view.render_changed()
    qtbot.wait_until(lambda: "at once" in view.render_progress.label.text(), timeout=5000)
    with qtbot.wait_signal(renderer.render_finished, timeout=5000):
        projects.close()
    qtbot.wait_until(lambda: projects.files.pool.activeThreadCount() == 0, timeout=15000)
    assert [s for _, s, _ in _project_jobs(studio.profile)] == ["paused"]
    with ProjectFile.open(path) as closed:  # closed cleanly: every saved take has its audio
        for segment in closed.project.segments():
            if segment.chosen_take:
                assert closed.read_audio(segment.chosen_take)[0].size > 0
    with qtbot.wait_signal(renderer.resume_offered, timeout=5000) as offered:
        projects.open(path)
    assert offered.args[1] >= 1
    qtbot.wait_until(lambda: [s for _, s, _ in _project_jobs(studio.profile)] == [CANCELLED])


def test_quitting_mid_render_keeps_finished_takes_and_pauses_the_job(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """Quit while rendering: every take the queue counts as done is saved in the project, and
    the job waits, paused, for the next start."""
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    studio = make_studio()
    view = studio.window.script.view
    path = tmp_path / "Quit.wavesproj"
    projects = _open_new(qtbot, studio, path)
    view.paste_script(SCRIPT)
    waves_local_faults(f"latency=300@path={TTS}")
    view.render_changed()
    qtbot.wait_until(lambda: view.progress.value() >= 1, timeout=10000)
    studio.services.projects.shutdown()
    assert projects.file is None
    conn = sqlite3.connect(studio.profile / "data" / "queue.sqlite3")
    try:
        state, message = conn.execute("SELECT state, message FROM jobs").fetchone()
        done = conn.execute("SELECT count(*) FROM items WHERE state = 'done'").fetchone()[0]
    finally:
        conn.close()
    assert (state, message) == ("paused", "Waves Studio was closed.")
    with ProjectFile.open(path) as saved:
        takes = [s for s in saved.project.segments() if s.takes]
        assert len(takes) == done >= 1
        for segment in takes:
            assert saved.read_audio(segment.chosen_take)[0].size > 0


def test_save_as_mid_render_stops_it_cleanly(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """Save As while rendering: the render stops before the old file closes (no item fails for
    writing into a closed file; the job waits, paused) and every take of the copy has its
    audio."""
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    studio = make_studio()
    view = studio.window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Before.wavesproj")
    view.paste_script(SCRIPT)
    renderer = studio.services.projects.renderer
    waves_local_faults(f"latency=300@path={TTS}")
    view.render_changed()
    qtbot.wait_until(lambda: view.progress.value() >= 1, timeout=10000)
    copy = tmp_path / "After.wavesproj"
    with qtbot.wait_signal(renderer.render_finished, timeout=15000):
        projects.save_as(copy)
    qtbot.wait_until(lambda: projects.path == copy, timeout=15000)
    qtbot.wait_until(lambda: projects.files.pool.activeThreadCount() == 0, timeout=15000)
    qtbot.wait_until(lambda: renderer.jobs_running == 0, timeout=15000)  # its events drained
    assert SegmentState.FAILED not in states(projects.project).values()
    # Stopped, not failed: the old file's job waits, paused, for that file to open again.
    assert [s for _, s, _ in _project_jobs(studio.profile)] == ["paused"]
    for segment in projects.project.segments():
        if segment.chosen_take:
            assert projects.file.read_audio(segment.chosen_take)[0].size > 0


def test_a_render_started_right_after_opening_is_never_offered_as_interrupted(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """The look for interrupted jobs runs off the GUI thread; a render the user starts before it
    answers is not mistaken for one (no resume offer while it runs)."""
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **k: asked.append(text) or True)
    studio = make_studio()
    renderer = studio.services.projects.renderer
    gate = threading.Event()
    renderer._small.submit(lambda _ctx: gate.wait(10))  # the look waits behind this
    try:
        _open_new(qtbot, studio, tmp_path / "Quick.wavesproj")
        studio.window.script.view.paste_script(SCRIPT)
        # Slow answers: the render is sure to be running still when the look answers.
        waves_local_faults(f"latency=300@path={TTS}")
        studio.window.script.view.render_changed()
        qtbot.wait_until(lambda: len(_project_jobs(studio.profile)) == 1, timeout=5000)
    finally:
        gate.set()
    answered: list[bool] = []  # queued behind the look: its answer has come once this has
    renderer._small.submit(lambda _ctx: None, lambda _r: answered.append(True))
    qtbot.wait_until(lambda: bool(answered), timeout=5000)
    assert renderer.busy  # the look answered while the render ran
    assert [t for t in asked if "Resume" in t] == []
    qtbot.wait_until(lambda: not renderer.busy, timeout=20000)


def test_three_edits_of_a_500_segment_script_send_three_requests(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local
) -> None:
    """In the window: a rendered 500-sentence script, 3 sentences edited, Render changed sends
    exactly 3 synthesis requests (the server counts) and asked about 3 requests first."""
    from studio.core.project import SegmentTake
    from studio.core.project_state import segment_key

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **k: asked.append(text) or True)
    studio = make_studio()
    projects = _open_new(qtbot, studio, tmp_path / "Long.wavesproj")
    paragraphs = [
        f"{'Alice' if p % 2 else 'Bob'}: "
        + " ".join(f"Paragraph {p} says sentence {s}." for s in range(5))
        for p in range(100)
    ]
    studio.window.script.view.paste_script("\n\n".join(paragraphs))
    project = projects.project
    assert len(project.segments()) == 500

    def render_all(editor: ProjectEditor) -> None:  # as if rendered (no audio needed here)
        for block in project.blocks:
            for segment in block.segments:
                key = segment_key(project, block, segment)
                take = SegmentTake(f"t-{segment.segment_id}", key, segment.text, 1.0, 24000)
                editor.add_take(segment.segment_id, take)

    projects.edit(render_all)
    for n in (7, 50, 93):
        block = projects.project.blocks[n]
        text = block.text.replace("sentence 3.", "sentence three.")
        projects.edit(lambda e, b=block.block_id, t=text: e.set_block_text(b, t))
    waves_local.stats.reset()
    renderer = studio.services.projects.renderer
    with qtbot.wait_signal(renderer.render_finished, timeout=20000) as finished:
        studio.window.script.view.render_changed()
    assert finished.args == [3, 0]
    assert "3 request(s)" in asked[-1]
    assert waves_local.stats.requests(TTS) == 3


def test_a_stopped_render_seen_unfinished_by_a_slow_look_is_not_offered(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """The look for interrupted jobs reads the queue while a new render runs, and answers only
    after the user has stopped it and it has ended: that job is not offered for resuming (it
    was, and a "Yes" rendered to the end what the user had stopped)."""
    from studio.batch import project_queue as pq

    offered: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **k: offered.append(text) or True)
    job_exists, run_ended, looked = threading.Event(), threading.Event(), threading.Event()
    real_unfinished_for = pq.unfinished_for

    def slow_look(store, path):  # type: ignore[no-untyped-def]
        job_exists.wait(10)  # reads while the new job is active ...
        result = real_unfinished_for(store, path)
        looked.set()
        run_ended.wait(10)  # ... and answers after it has been stopped and has ended
        return result

    monkeypatch.setattr(pq, "unfinished_for", slow_look)
    studio = make_studio()
    view = studio.window.script.view
    renderer = studio.services.projects.renderer
    try:
        _open_new(qtbot, studio, tmp_path / "Slow.wavesproj")
        view.paste_script("Alice: Hold on. Wait a moment.")
        waves_local_faults(f"latency=300@path={TTS}")
        view.render_changed()
        qtbot.wait_until(lambda: len(_project_jobs(studio.profile)) == 1, timeout=5000)
        job_exists.set()
        assert looked.wait(10)
        with qtbot.wait_signal(renderer.render_finished, timeout=15000):
            view.render_changed()  # Stop rendering
        qtbot.wait_until(lambda: renderer.jobs_running == 0, timeout=30000)
        assert [s for _, s, _ in _project_jobs(studio.profile)] == [CANCELLED]
    finally:
        job_exists.set()
        run_ended.set()
    answered: list[bool] = []  # queued behind the look: its answer has come once this has
    with qtbot.assert_not_emitted(renderer.resume_offered):
        renderer._small.submit(lambda _ctx: None, lambda _r: answered.append(True))
        qtbot.wait_until(lambda: bool(answered), timeout=5000)
    assert [t for t in offered if "Resume" in t] == []
    assert [s for _, s, _ in _project_jobs(studio.profile)] == [CANCELLED]
