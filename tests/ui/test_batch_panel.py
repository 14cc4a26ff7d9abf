"""The Batch window: shortcut, dry run with per-cell errors, run, play, retry, resume offer."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.batch.inputs import read_input
from studio.batch.jobs import JobOptions, create_job
from studio.batch.plan import BatchDefaults, plan_batch
from studio.store.queue import open_queue
from studio.ui import dialogs
from tests.batch.helpers import EXAMPLES, write_lines_csv

pytestmark = pytest.mark.gui


def _panel(studio):
    studio.services.settings.set("synthesis/voice_id", "tone-alto")
    studio.window.commands.batch.trigger()
    panel = studio.window.batch_panel
    assert panel is not None and panel.isVisible()
    return panel


def test_shortcut_and_menu_open_the_batch_window(make_studio) -> None:
    """Ctrl+Shift+B is the Batch command's shortcut and it opens the window."""
    studio = make_studio()
    keys = [k.toString() for k in studio.window.commands.batch.shortcuts()]
    assert "Ctrl+Shift+B" in keys
    _panel(studio)


def test_dry_run_highlights_bad_cells_then_runs_plays_and_retries(
    make_studio, qtbot, tmp_path: Path
) -> None:
    """Invalid cells marked; Start renders valid rows (never over a file); Play; Retry."""
    studio = make_studio()
    panel = _panel(studio)
    source = tmp_path / "in.csv"
    source.write_text("id,text,speed\na,First line.,1\nb,,1\nc,Third line.,7\n", encoding="utf-8")
    panel.out_edit.setText(str(tmp_path / "out"))
    batch = studio.services.batch
    with qtbot.wait_signal(batch.plan_ready, timeout=10000):
        panel.open_input(source)
    assert panel.model.rowCount() == 3
    assert panel.model.has_error(1, "text") and panel.model.has_error(2, "speed")
    assert not panel.model.has_error(0, "text") and panel.start_button.isEnabled()
    assert "1 to render, 2 invalid" in panel.summary_label.text()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.wav").write_bytes(b"keep me")  # appeared after the dry run
    with qtbot.wait_signal(batch.job_finished, timeout=30000) as finished:
        panel.start_button.click()
    assert finished.args[1].done == 1
    qtbot.wait_until(lambda: panel.model.item_at(0) is not None, timeout=5000)
    assert (tmp_path / "out" / "a.wav").read_bytes() == b"keep me"
    assert (tmp_path / "out" / "a-2.wav").stat().st_size > 1000
    panel.table.selectRow(0)
    with qtbot.wait_signal(panel.play_requested, timeout=5000) as played:
        panel.play_button.click()
    assert played.args[0].sample_rate == 24000 and played.args[0].audio.frames > 1000
    with qtbot.wait_signal(batch.job_finished, timeout=30000) as again:
        panel.retry_button.click()
    assert again.args[1].done == 1
    assert not panel.pause_button.isEnabled()


def test_unfinished_job_is_offered_at_start_and_resumes(
    make_studio, qtbot, tmp_path: Path, monkeypatch
) -> None:
    """A job a crash left running is offered on the next start; yes resumes it to the end."""
    profile = tmp_path / "profile"
    out = tmp_path / "out"
    out.mkdir()
    with open_queue(profile / "data") as store:
        plan = plan_batch(read_input(write_lines_csv(tmp_path / "in.csv", 4)),
                          BatchDefaults(voice_id="tone-alto"), out)  # fmt: skip
        job_id = create_job(store, plan, out, JobOptions())
        store.claim(job_id)  # the crash: one item left running
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **_k: asked.append(text) or True)
    studio = make_studio(profile=profile, start=False)
    batch = studio.services.batch
    with qtbot.wait_signal(batch.job_finished, timeout=30000) as finished:
        from studio.services.batch import check_unfinished_when_ready

        check_unfinished_when_ready(studio.services.backend, batch)
        studio.services.backend.start(force_local=True)
    assert asked and f"Batch job {job_id}" in asked[0]
    assert finished.args[1].done == 4
    assert len(list(out.glob("*.wav"))) == 4
    assert studio.window.batch_panel is not None and studio.window.batch_panel.isVisible()


def test_example_csv_in_the_window(make_studio, qtbot) -> None:
    """The shipped example plans cleanly in the window."""
    studio = make_studio()
    panel = _panel(studio)
    with qtbot.wait_signal(studio.services.batch.plan_ready, timeout=10000):
        panel.open_input(EXAMPLES / "prompts.csv")
    assert panel.model.rowCount() == 8 and "8 to render, 0 invalid" in panel.summary_label.text()


def test_every_column_fits_at_the_default_size(make_studio, qtbot) -> None:
    """At its default size the table shows every column (State too) without scrolling sideways,
    and the Text column gets the spare room instead of the Problem column."""
    studio = make_studio()
    panel = _panel(studio)
    with qtbot.wait_signal(studio.services.batch.plan_ready, timeout=10000):
        panel.open_input(EXAMPLES / "prompts.csv")
    qtbot.wait_until(lambda: panel.table.viewport().width() > 0)
    header = panel.table.horizontalHeader()
    assert header.length() <= panel.table.viewport().width()
    widths = {panel.model.headerData(c, Qt.Orientation.Horizontal, 0): header.sectionSize(c)
              for c in range(header.count())}  # fmt: skip
    assert widths["Text"] == max(widths.values())
    metrics = panel.table.fontMetrics()
    for title, sample in (("State", "skipped"), ("Rate", "24000"), ("ID", "game_warning")):
        assert widths[title] > metrics.horizontalAdvance(sample), title
