"""The audition grid and the takes history, through the real window against waves-local."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from studio.services.audition import Candidate

pytestmark = pytest.mark.gui

LINE = "Which voice reads this line best?"
NINE = [
    Candidate(v, "lightning_v3.1", "en", s)
    for v in ("tone-bass", "tone-alto", "tone-soprano")
    for s in (0.9, 1.0, 1.1)
]


def _grid(qtbot, studio, candidates=NINE, timeout=30000):
    """Run the grid on LINE and wait until every cell is ready or failed."""
    audition = studio.services.audition
    studio.window.editor_panel.set_text(LINE)
    with qtbot.wait_signal(audition.grid_finished, timeout=timeout):
        audition.run(LINE, studio.services.settings.render_spec(), candidates)
    return audition


def test_nine_cells_finish_despite_a_busy_server(qtbot, make_studio, make_waves_local) -> None:
    """With 2 concurrency slots and latency, all 9 cells render; 429s were retried, none failed."""
    server = make_waves_local(max_concurrency=2, latency_ms=300)
    studio = make_studio(server=server)
    server.stats.reset()
    audition = _grid(qtbot, studio, timeout=60000)
    assert [c.status for c in audition.cells] == ["ready"] * 9
    assert server.stats.requests("/waves/v1/tts") > 9  # some were refused with 429 and retried
    durations = [c.rendered.duration_s for c in audition.cells]
    assert durations[0] > durations[2]  # 0.9× is longer than 1.1× for the same voice


def test_keys_play_the_right_cells(qtbot, make_studio) -> None:
    """1–9 play that cell, Tab the next one, A/B switch between the last two at the same point."""
    studio = make_studio()
    audition = _grid(qtbot, studio)
    panel = studio.window.audition_panel
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_3)
    assert audition.playing == audition.order[2]
    expected = audition.cells[audition.order[2]].rendered.samples
    qtbot.wait_until(lambda: np.array_equal(studio.player.samples, expected), timeout=2000)
    qtbot.keyClick(panel, Qt.Key.Key_Tab)
    assert audition.playing == audition.order[3]
    qtbot.keyClick(panel, Qt.Key.Key_A)
    assert audition.playing == audition.order[2]
    qtbot.keyClick(panel, Qt.Key.Key_B)
    assert audition.playing == audition.order[3]
    qtbot.keyClick(panel, Qt.Key.Key_L)
    assert panel.loop.isChecked() and audition.loop


def test_ab_keeps_the_position_in_the_line(qtbot, make_studio) -> None:
    """Switching from a slow cell to a fast one jumps to the same fraction of the line."""
    studio = make_studio()
    audition = _grid(qtbot, studio, NINE[:3])  # tone-bass at 0.9, 1.0, 1.1
    panel = studio.window.audition_panel
    panel.play_slot(audition.order.index(0))
    panel.play_slot(audition.order.index(2))
    panel.play_slot(audition.order.index(0))
    # Plays reach the sound card through the device thread; let all three arrive first.
    qtbot.wait_until(lambda: sum(c[0] == "play" for c in studio.player.calls) == 3, timeout=2000)
    studio.player.advance(audition.cells[0].rendered.duration_s / 2)
    qtbot.wait_until(lambda: studio.services.playback.position > 0, timeout=2000)
    assert panel.ab == [2, 0]  # A is the earlier of the last two cells played, B the later
    assert panel.play_ab("A")
    qtbot.wait_until(lambda: any(c[0] == "seek" for c in studio.player.calls), timeout=2000)
    seek = [c for c in studio.player.calls if c[0] == "seek"][-1][1]
    assert seek == pytest.approx(audition.cells[2].rendered.duration_s / 2, rel=0.1)


def test_blind_mode_hides_and_reveals(qtbot, make_studio) -> None:
    """Blind mode shows 'Voice N' instead of names until Reveal."""
    studio = make_studio()
    panel = studio.window.audition_panel
    panel.blind.setChecked(True)
    audition = _grid(qtbot, studio, NINE[:3])
    titles = [w.title.text() for w in panel.cells[:3]]
    assert all("tone-" not in t for t in titles) and all("Voice" in t for t in titles)
    assert sorted(audition.order) == [0, 1, 2]
    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    # Revealed under the names the voice menu uses ("Tone Alto"), not their ids ("tone-alto").
    assert all("Tone " in w.title.text() and "tone-" not in w.title.text() for w in panel.cells[:3])


def test_use_this_one_updates_the_controls(qtbot, make_studio) -> None:
    """'Use this one' copies the cell's voice and speed into the main controls."""
    studio = make_studio()
    audition = _grid(qtbot, studio, NINE[6:])  # tone-soprano at 0.9/1.0/1.1
    panel = studio.window.audition_panel
    widget = panel.cells[audition.order.index(2)]
    qtbot.mouseClick(widget.use_button, Qt.MouseButton.LeftButton)
    voice_panel = studio.window.voice_panel
    assert voice_panel.voice_combo.currentData() == "tone-soprano"
    assert voice_panel.speed_spin.value() == pytest.approx(1.1)


def test_grid_stars_reach_the_history(qtbot, make_studio) -> None:
    """A star given in the grid is saved on that cell's take."""
    studio = make_studio()
    audition = _grid(qtbot, studio, NINE[:1])
    audition.set_stars(0, 4)
    takes = studio.services.library.takes
    qtbot.wait_until(lambda: takes.get(audition.cells[0].take_id).stars == 4, timeout=3000)


def test_repeat_render_comes_from_the_cache(qtbot, make_studio, waves_local) -> None:
    """Rendering the same line with the same settings twice calls the API once."""
    from tests.ui.test_main_window import _speak

    studio = make_studio()
    waves_local.stats.reset()
    first = _speak(qtbot, studio, "Cache me if you can.")
    assert not first.from_cache
    calls = waves_local.stats.requests("/waves/v1/tts")
    second = _speak(qtbot, studio, "Cache me if you can.")
    assert second.from_cache
    assert waves_local.stats.requests("/waves/v1/tts") == calls
    assert np.array_equal(second.rendered.samples, first.rendered.samples)
    assert any("no credits used" in m.text for m in studio.window.presenter.history)
    studio.window.voice_panel.speed_spin.setValue(1.25)
    third = _speak(qtbot, studio, "Cache me if you can.")
    assert not third.from_cache and waves_local.stats.requests("/waves/v1/tts") > calls


def test_history_survives_restart_and_searches(qtbot, make_studio) -> None:
    """Takes are still there after a restart, searchable, and replay from their own audio."""
    from tests.ui.test_main_window import _speak

    studio = make_studio()
    _speak(qtbot, studio, "The lighthouse keeper waved.")
    _speak(qtbot, studio, "A completely different line.")
    studio.window.close()
    again = make_studio(profile=studio.profile)
    panel = again.window.history_panel
    with qtbot.wait_signal(again.services.history.page_ready, timeout=3000):
        panel.search.setText("lighthouse")
        panel.run_search()
    assert [t.text for t in panel.model.takes] == ["The lighthouse keeper waved."]
    panel.table.selectRow(0)
    with qtbot.wait_signal(again.services.history.take_loaded, timeout=3000):
        qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: any(c[0] == "play" for c in again.player.calls), timeout=3000)


def test_restore_puts_text_and_settings_back(qtbot, make_studio) -> None:
    """'Use settings' on a take restores its text, voice and speed."""
    from tests.ui.test_main_window import _speak

    studio = make_studio()
    studio.window.voice_panel.speed_spin.setValue(0.75)
    _speak(qtbot, studio, "Restore me later.")
    studio.window.voice_panel.speed_spin.setValue(1.5)
    studio.window.editor_panel.set_text("something else")
    panel = studio.window.history_panel
    with qtbot.wait_signal(studio.services.history.page_ready, timeout=3000):
        panel.run_search()
    panel.table.selectRow(0)
    with qtbot.wait_signal(studio.services.history.take_loaded, timeout=3000):
        qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert studio.window.editor_panel.text() == "Restore me later."
    assert studio.window.voice_panel.speed_spin.value() == pytest.approx(0.75)


def test_corrupt_history_is_moved_aside(qtbot, make_studio) -> None:
    """A damaged history file is set aside with a message; a fresh one keeps new takes."""
    from tests.ui.test_main_window import _speak

    studio = make_studio()
    _speak(qtbot, studio, "Before the damage.")
    studio.window.close()
    from studio.app import shutdown

    shutdown(studio.services)
    history = studio.profile / "data" / "history.sqlite3"
    history.write_bytes(b"this is not a database" * 100)
    again = make_studio(profile=studio.profile)
    assert any("moved" in m.text for m in again.window.presenter.history)
    assert list(history.parent.glob("history.sqlite3.corrupt-*"))
    _speak(qtbot, again, "After the damage.")
    assert [t.text for t in again.services.library.takes.search()] == ["After the damage."]


def test_two_instances_share_the_history(qtbot, make_studio, tmp_path) -> None:
    """Two studios on one profile both record their takes without corrupting the store."""
    first = make_studio()
    second = make_studio(profile=first.profile)
    for studio, text in ((first, "From the first window."), (second, "From the second window.")):
        studio.window.editor_panel.set_text(text)
        with qtbot.wait_signal(studio.services.synthesis.synthesis_finished, timeout=10000):
            studio.window.flows.synthesize()
    texts = {t.text for t in first.services.library.takes.search()}
    assert texts == {"From the first window.", "From the second window."}
    assert first.services.library.takes.integrity_check() == "ok"


def test_restored_take_is_what_save_writes(qtbot, make_studio, tmp_path, monkeypatch) -> None:
    """After 'Use settings' on an older take, Save writes that take, not the newest render."""
    from studio.audio.decode import decode
    from studio.ui import dialogs
    from tests.ui.test_main_window import _speak

    studio = make_studio()
    older = _speak(qtbot, studio, "The older and much longer take, with a second clause.")
    _speak(qtbot, studio, "Newer.")
    panel = studio.window.history_panel
    with qtbot.wait_signal(studio.services.history.page_ready, timeout=3000):
        panel.run_search()
    row = next(r for r, t in enumerate(panel.model.takes) if t.text.startswith("The older"))
    panel.table.selectRow(row)
    with qtbot.wait_signal(studio.services.history.take_loaded, timeout=3000):
        qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "restored.wav"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: (str(target), "WAV 16-bit (*.wav)"))
    with qtbot.wait_signal(studio.services.exports.export_finished, timeout=5000):
        studio.window.commands.save.trigger()
    saved = decode(target.read_bytes(), "wav", 24000)
    assert saved.duration_s == pytest.approx(older.rendered.duration_s, rel=0.02)


def test_loop_does_not_replay_a_cell_after_another_clip(qtbot, make_studio) -> None:
    """With Loop on, a clip played from elsewhere finishing does not restart the grid cell."""
    studio = make_studio()
    audition = _grid(qtbot, studio, NINE[:1])
    audition.loop = True
    audition.play(0)
    qtbot.wait_until(lambda: sum(c[0] == "play" for c in studio.player.calls) == 1, timeout=2000)
    other = np.zeros(2400, np.float32)
    studio.services.playback.play(other, 24000)
    qtbot.wait_until(lambda: sum(c[0] == "play" for c in studio.player.calls) == 2, timeout=2000)
    studio.player.advance(1.0)
    qtbot.wait_until(lambda: studio.services.playback.state == "finished", timeout=2000)
    qtbot.wait(200)
    assert sum(c[0] == "play" for c in studio.player.calls) == 2


def test_loop_replays_the_cell(qtbot, make_studio) -> None:
    """With Loop on, a grid cell that finishes playing starts again."""
    studio = make_studio()
    audition = _grid(qtbot, studio, NINE[:1])
    audition.loop = True
    audition.play(0)
    qtbot.wait_until(lambda: sum(c[0] == "play" for c in studio.player.calls) == 1, timeout=2000)
    studio.player.advance(audition.cells[0].rendered.duration_s + 0.1)
    qtbot.wait_until(lambda: sum(c[0] == "play" for c in studio.player.calls) == 2, timeout=3000)


@pytest.mark.slow
def test_a_long_grid_cell_is_drawn_from_its_peaks(qtbot, tmp_path) -> None:
    """A grid cell of a long line draws its peaks: the GUI never decodes an hour of audio."""
    from studio.services.audition import Cell
    from studio.ui.audition_cell import CellWidget
    from tests.services.test_long_clips import _long_rendered

    rendered, _samples = _long_rendered(tmp_path)
    widget = CellWidget(0)
    qtbot.add_widget(widget)
    candidate = Candidate("tone-alto", "lightning_v3.1", "en", 1.0)
    widget.show_cell(Cell(0, candidate, "ready", rendered=rendered), "", True)
    assert widget.wave.duration_s == pytest.approx(rendered.duration_s, rel=0.01)
    assert "samples" not in vars(rendered)


def test_restore_keeps_a_language_the_voice_does_not_speak(qtbot, make_studio) -> None:
    """A take rendered on purpose in another language (Finnish with a voice that does not
    speak it) comes back in that language: picking its voice must not switch it away."""
    from tests.ui.test_main_window import _speak

    studio = make_studio()
    settings = studio.services.settings
    settings.set("synthesis/model", "lightning_v3.1_pro")
    settings.set("synthesis/voice_id", "tone-alto")
    settings.set("synthesis/language", "fi")
    _speak(qtbot, studio, "Hyvaa huomenta.")
    settings.set("synthesis/voice_id", "tone-bass")  # switches to a language it speaks
    assert settings.get("synthesis/language") != "fi"
    panel = studio.window.history_panel
    with qtbot.wait_signal(studio.services.history.page_ready, timeout=3000):
        panel.run_search()
    panel.table.selectRow(0)
    with qtbot.wait_signal(studio.services.history.take_loaded, timeout=3000):
        qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert settings.voice_id == "tone-alto"
    assert settings.get("synthesis/language") == "fi"
    assert studio.window.voice_panel.language_combo.currentData() == "fi"
