"""The clip on screen is the clip Play plays, Save writes and Copy copies (issue 13, item 1)."""

import threading

import numpy as np
import pytest
import soundfile
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from studio.audio import clipfile
from studio.ui import dialogs

pytestmark = pytest.mark.gui

FIRST = "Hello from the studio. This is the first take."
SECOND = "A second, longer line that the user stops part way through, on purpose."


def _speak(qtbot, studio, text: str):
    studio.window.editor_panel.set_text(text)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_finished, timeout=10000) as done:
        studio.window.flows.synthesize()
    return done.args[1].rendered


def _last_play(studio) -> int:
    """Samples in the player's last whole-clip play."""
    plays = [c for c in studio.player.calls if c[0] == "play"]
    return int(plays[-1][1]) if plays else -1


def test_a_stopped_render_leaves_a_labelled_partial_clip(
    qtbot, make_studio, waves_local_faults, tmp_path, monkeypatch
) -> None:
    """Esc mid-render: the waveform, Play, Copy and Save all use the partial clip; Save asks."""
    studio = make_studio()
    window, services = studio.window, studio.services
    first = _speak(qtbot, studio, FIRST)
    waves_local_faults("stall=5000@path=/waves/v1/tts")
    window.editor_panel.set_text(SECOND)
    with qtbot.wait_signal(services.synthesis.synthesis_progressed, timeout=5000):
        window.commands.synthesize.trigger()
    assert not window.commands.save.isEnabled()  # nothing finished to save while it draws
    writers: list[str] = []
    real_writer = clipfile.clip_from_samples
    monkeypatch.setattr(
        clipfile,
        "clip_from_samples",
        lambda *a, **k: writers.append(threading.current_thread().name) or real_writer(*a, **k),
    )
    qtbot.keyClick(window.editor_panel.editor, Qt.Key.Key_Escape)
    assert services.current.state.label.startswith("partial (cancelled at 0:0")
    qtbot.wait_until(lambda: services.current.rendered is not None, timeout=5000)
    # Encoding the partial clip to a file is disk work: never on the GUI thread.
    assert writers and writers[0] != threading.main_thread().name

    state = services.current.state
    partial = state.rendered
    assert partial is not None and state.partial_at_s == pytest.approx(partial.duration_s)
    assert len(partial.samples) != len(first.samples)
    assert window.waveform.duration_s == pytest.approx(partial.duration_s, abs=1e-3)
    assert state.label.startswith("partial (cancelled at 0:0")
    assert state.label in window.bottom_tabs.tabText(0)
    assert any("cancelled at" in m.text for m in window.presenter.history)

    qtbot.wait_until(lambda: services.playback.state == "stopped", timeout=2000)
    window.commands.play_pause.trigger()
    qtbot.wait_until(lambda: _last_play(studio) == len(partial.samples), timeout=2000)

    target = tmp_path / "partial.wav"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: (str(target), "WAV 16-bit (*.wav)"))
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: asked.append(a[2]) or False)
    window.commands.save.trigger()
    assert asked and "partial" in asked[0] and not target.exists()
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    with qtbot.wait_signal(services.exports.export_finished, timeout=5000):
        window.commands.save.trigger()
    assert len(soundfile.read(target)[0]) == len(partial.samples)

    qtbot.wait_until(lambda: window.flows._drag_file is not None, timeout=5000)
    window.commands.copy_clip.trigger()
    clipboard = QGuiApplication.clipboard()
    copied = clipboard.mimeData().urls()[0].toLocalFile()
    clipboard.clear()  # a clipboard still holding our data at exit crashes offscreen Qt
    assert len(soundfile.read(copied)[0]) == len(partial.samples)


def test_a_failed_render_puts_the_previous_clip_back(qtbot, make_studio, make_waves_local) -> None:
    """The server going away mid-session: the last good clip stays on screen and usable."""
    server = make_waves_local()
    studio = make_studio(server=server)
    window = studio.window
    first = _speak(qtbot, studio, FIRST)
    server.stop()
    window.editor_panel.set_text(SECOND)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_failed, timeout=15000):
        window.flows.synthesize()
    assert window.waveform.duration_s == pytest.approx(first.duration_s, abs=1e-3)
    assert window.commands.save.isEnabled() and window.commands.copy_clip.isEnabled()
    assert window.flows.current is first
    studio.services.playback.stop()
    qtbot.wait_until(lambda: studio.services.playback.state == "stopped", timeout=2000)
    window.commands.play_pause.trigger()
    qtbot.wait_until(lambda: _last_play(studio) == len(first.samples), timeout=2000)


def test_stop_before_any_audio_keeps_the_previous_clip(
    qtbot, make_studio, waves_local_faults
) -> None:
    """Esc before the first chunk: the previous clip is back, and the status bar says so."""
    studio = make_studio()
    window, services = studio.window, studio.services
    first = _speak(qtbot, studio, FIRST)
    waves_local_faults("latency=5000@path=/waves/v1/tts")
    window.editor_panel.set_text(SECOND)
    with qtbot.wait_signal(services.synthesis.synthesis_started, timeout=5000):
        window.flows.synthesize()
    window.flows.stop()
    assert window.flows.current is first and services.current.state.label == ""
    assert window.waveform.duration_s == pytest.approx(first.duration_s, abs=1e-3)
    assert window.presenter.history[-1].text == "Render cancelled."


def test_playing_a_history_take_shows_it(qtbot, make_studio) -> None:
    """History → Play puts the take on screen, so Save and Copy then act on what plays."""
    studio = make_studio()
    window = studio.window
    first = _speak(qtbot, studio, FIRST)
    second = _speak(qtbot, studio, SECOND)
    assert window.flows.current is second
    history = studio.services.history
    history.search()
    panel = window.history_panel
    qtbot.wait_until(lambda: len(panel.model.takes) == 2, timeout=5000)
    older = panel.model.takes[1]
    with qtbot.wait_signal(history.take_loaded, timeout=5000):
        window.take_flows.play_take(older)
    shown = window.flows.current
    assert shown is not None and shown.text == FIRST and len(shown.samples) == len(first.samples)
    assert studio.services.current.state.take_id == older.take_id
    assert window.waveform.duration_s == pytest.approx(first.duration_s, abs=1e-3)
    qtbot.wait_until(lambda: _last_play(studio) == len(first.samples), timeout=2000)


def test_deleting_the_take_on_screen_takes_it_off_screen(qtbot, make_studio, monkeypatch) -> None:
    """History → Delete of the clip on screen: Save and Copy no longer offer a file that is gone."""
    studio = make_studio()
    window, services = studio.window, studio.services
    _speak(qtbot, studio, FIRST)
    take_id = services.current.state.take_id
    assert take_id is not None and window.commands.save.isEnabled()
    services.history.search()
    panel = window.history_panel
    qtbot.wait_until(lambda: len(panel.model.takes) == 1, timeout=5000)
    panel.table.selectRow(0)
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    with qtbot.wait_signal(services.history.take_deleted, timeout=5000):
        panel.delete_button.click()
    assert services.current.rendered is None and services.current.state.take_id is None
    assert not window.commands.save.isEnabled() and not window.commands.copy_clip.isEnabled()
    assert window.waveform.duration_s == 0
    saved: list[str] = []
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: saved.append("asked") or ("", ""))
    window.flows.save()
    assert not saved  # "nothing to save", not a save that fails on a missing file


@pytest.mark.slow
def test_clicking_a_stopped_long_clip_plays_from_the_click(qtbot, make_studio, tmp_path) -> None:
    """A long clip plays from its file: a click at 5:00 opens the player's window there and
    the file is read from there on."""
    from tests.services.test_long_clips import RATE, _long_rendered

    studio = make_studio()
    rendered, samples = _long_rendered(tmp_path)
    studio.services.current.show(rendered)
    studio.window.waveform.seek_requested.emit(300.0)
    player = studio.player
    rest = samples[300 * RATE :]
    qtbot.wait_until(lambda: sum(len(x) for x in player.fed) == len(rest), timeout=20000)
    np.testing.assert_allclose(np.concatenate(player.fed), rest, atol=1.0 / 32768)
    assert player.position_s == pytest.approx(300.0, abs=0.01)


def test_a_partial_clip_comes_back_after_a_render_stopped_before_audio(
    qtbot, make_studio, waves_local_faults
) -> None:
    """Esc, Speak again at once, Esc before any audio: the partial clip is back (whether or
    not its file was written before the second render started)."""
    studio = make_studio()
    window, services = studio.window, studio.services
    waves_local_faults("stall=5000@path=/waves/v1/tts")
    window.editor_panel.set_text(SECOND)
    with qtbot.wait_signal(services.synthesis.synthesis_progressed, timeout=5000):
        window.flows.synthesize()
    window.flows.stop()
    at_s = services.current.state.partial_at_s
    assert at_s is not None
    waves_local_faults("latency=5000@path=/waves/v1/tts")
    with qtbot.wait_signal(services.synthesis.synthesis_started, timeout=5000):
        window.flows.synthesize()
    window.flows.stop()
    qtbot.wait_until(lambda: services.current.rendered is not None, timeout=5000)
    state = services.current.state
    assert state.partial_at_s == pytest.approx(at_s) and not state.rendering
    assert state.rendered is not None and state.rendered.duration_s == pytest.approx(at_s)
    assert window.commands.save.isEnabled()


def test_the_waveform_belongs_to_the_clip_on_screen_not_a_voice_preview(qtbot, make_studio) -> None:
    """A voice preview playing: the cursor stays off the preview's position, and a click on
    the waveform plays the clip on screen from there instead of seeking in the preview."""
    studio = make_studio()
    window, services = studio.window, studio.services
    first = _speak(qtbot, studio, FIRST)
    services.playback.stop()
    qtbot.wait_until(lambda: services.playback.state == "stopped", timeout=2000)
    voice = services.voices.find(services.settings.voice_id)
    assert voice is not None
    plays = len([c for c in studio.player.calls if c[0] == "play"])
    window.flows.preview_voice(voice.voice_id)
    qtbot.wait_until(
        lambda: len([c for c in studio.player.calls if c[0] == "play"]) > plays, timeout=10000
    )
    qtbot.wait_until(lambda: services.playback.state == "playing", timeout=2000)
    assert _last_play(studio) != len(first.samples)
    studio.player.advance(0.5)
    qtbot.wait_until(lambda: services.playback.position > 0.4, timeout=2000)
    assert window.waveform._position == 0.0
    window.waveform.seek_requested.emit(1.0)
    qtbot.wait_until(lambda: _last_play(studio) == len(first.samples), timeout=2000)
    qtbot.wait_until(lambda: studio.player.calls[-1] == ("seek", 1.0), timeout=2000)
    qtbot.wait_until(lambda: window.waveform._position == 1.0, timeout=2000)
