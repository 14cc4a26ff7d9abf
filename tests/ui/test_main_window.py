"""A creator's flows through the real window, against waves-local (tone engine), offscreen."""

import numpy as np
import pytest
import soundfile
from PySide6.QtCore import Qt

from studio.audio.decode import decode
from studio.core.models import PronunciationItem
from studio.services.messages import Action
from studio.ui import dialogs

pytestmark = pytest.mark.gui

LINE = "Hello from the studio. This line is spoken by a tone voice."


def _speak(qtbot, studio, text: str = LINE):
    """Type `text`, press Ctrl+Enter, wait for the render to finish; return the result."""
    editor = studio.window.editor_panel.editor
    editor.clear()
    qtbot.keyClicks(editor, text)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_finished, timeout=10000) as done:
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return done.args[1]


def test_type_pick_speak_hear_save_and_reopen(qtbot, make_studio, tmp_path, monkeypatch) -> None:
    """The whole main flow: settings picked in the panel shape the audio, which plays and saves,
    and a restarted studio comes back with the same settings and text."""
    studio = make_studio()
    window, services = studio.window, studio.services
    panel = window.voice_panel
    panel.voice_combo.setCurrentIndex(panel.voice_combo.findData("tone-bass"))
    panel.speed_spin.setValue(1.5)
    panel.rate_combo.setCurrentIndex(panel.rate_combo.findData(16000))
    panel.format_combo.setCurrentIndex(panel.format_combo.findData("wav"))
    created = services.backend.client.create_dictionary([PronunciationItem("studio", "stoodio")])
    services.dictionaries.refresh()
    qtbot.wait_until(lambda: services.dictionaries.find(created.id) is not None, timeout=5000)
    picker = window.dictionary_picker.list
    item = next(
        picker.item(i)
        for i in range(picker.count())
        if picker.item(i).data(Qt.ItemDataRole.UserRole) == created.id
    )
    item.setCheckState(Qt.CheckState.Checked)

    result = _speak(qtbot, studio)
    rendered = result.rendered
    assert rendered.spec.voice_id == "tone-bass" and rendered.spec.speed == 1.5
    assert rendered.spec.dictionary_ids == (created.id,)
    assert rendered.clip.output_format == "wav" and rendered.sample_rate == 16000
    qtbot.wait_until(lambda: len(studio.player.samples) == len(rendered.samples), timeout=5000)
    assert ("begin_stream", 16000) in studio.player.calls
    assert window.waveform.duration_s == pytest.approx(rendered.duration_s, rel=0.01)
    assert window.commands.save.isEnabled()

    target = tmp_path / "out" / "clip.flac"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: (str(target), "FLAC (*.flac)"))
    with qtbot.wait_signal(services.exports.export_finished, timeout=5000):
        window.commands.save.trigger()
    data, rate = soundfile.read(target)
    assert rate == 16000 and len(data) == len(rendered.samples)

    window.close()
    again = make_studio(profile=studio.profile)
    panel = again.window.voice_panel
    assert panel.voice_combo.currentData() == "tone-bass"
    assert panel.speed_spin.value() == 1.5
    assert panel.rate_combo.currentData() == 16000
    assert panel.format_combo.currentData() == "wav"
    assert again.window.editor_panel.text() == LINE
    assert again.services.settings.dictionary_ids == [created.id]


def test_save_asks_before_overwriting(qtbot, make_studio, tmp_path, monkeypatch) -> None:
    """Saving over an existing file asks first; "no" leaves the file untouched."""
    studio = make_studio()
    _speak(qtbot, studio)
    target = tmp_path / "exists.wav"
    target.write_bytes(b"keep me")
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: (str(target), "WAV 16-bit (*.wav)"))
    asked = []
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: asked.append(a[2]) or False)
    with qtbot.wait_signal(studio.services.exports.overwrite_requested, timeout=5000):
        studio.window.commands.save.trigger()
    assert asked and "exists.wav" in asked[0]
    assert target.read_bytes() == b"keep me"
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    with qtbot.wait_signal(studio.services.exports.export_finished, timeout=5000):
        studio.window.commands.save.trigger()
    assert decode(target.read_bytes(), "wav", 24000).duration_s > 1


def test_escape_cancels_a_running_render_at_once(qtbot, make_studio, waves_local_faults) -> None:
    """Esc during a stalled render stops it; no result arrives and the editor stays editable."""
    studio = make_studio()
    waves_local_faults("stall=5000@path=/waves/v1/tts")
    editor = studio.window.editor_panel.editor
    qtbot.keyClicks(editor, LINE)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_progressed, timeout=5000):
        studio.window.commands.synthesize.trigger()
    with qtbot.assert_not_emitted(studio.services.synthesis.synthesis_finished, wait=300):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not studio.services.synthesis.busy
    qtbot.keyClicks(editor, " More.")
    assert editor.toPlainText().endswith("More.")


def test_new_render_cancels_the_running_one(qtbot, make_studio, waves_local_faults) -> None:
    """With the default rule, a second Speak drops the first render's result."""
    studio = make_studio()
    synthesis = studio.services.synthesis
    waves_local_faults("stall=1500@nth=1@path=/waves/v1/tts")
    studio.window.editor_panel.set_text(LINE)
    finished = []
    synthesis.synthesis_finished.connect(lambda job_id, result: finished.append(job_id))
    first = synthesis.synthesize(LINE, studio.services.settings.render_spec(), "sse")
    second = synthesis.synthesize("Second line.", studio.services.settings.render_spec(), "sse")
    qtbot.wait_until(lambda: second in finished, timeout=8000)
    qtbot.wait(200)
    assert first not in finished


def test_space_plays_and_pauses_outside_the_editor(qtbot, make_studio) -> None:
    """Space on the waveform toggles playback; in the editor it types a space."""
    studio = make_studio()
    _speak(qtbot, studio)
    playback = studio.services.playback
    studio.player.advance(0.2)
    qtbot.wait_until(lambda: playback.state == "playing", timeout=2000)
    studio.window.waveform.setFocus()
    qtbot.keyClick(studio.window.waveform, Qt.Key.Key_Space)
    qtbot.wait_until(lambda: playback.state == "paused", timeout=2000)
    editor = studio.window.editor_panel.editor
    editor.setFocus()
    before = editor.toPlainText()
    qtbot.keyClick(editor, Qt.Key.Key_Space)
    assert editor.toPlainText() == before + " "


# --- errors end in a clear message and an intact editor -----------------------------------
def _banner(studio):
    return studio.window.banner


def test_bad_key_shows_banner_with_set_key_action(qtbot, make_studio, waves_local) -> None:
    """A cloud backend with a refused key shows the error banner offering 'Set API key'."""
    studio = make_studio(start=False, environ={"SMALLEST_API_KEY": "sk_bad_key_000000"})
    studio.services.settings.set("backend/mode", "cloud")
    studio.services.settings.set("backend/base_url", waves_local.base_url)
    studio.services.backend.start()
    studio.services.settings.set("synthesis/voice_id", "tone-alto")
    studio.window.editor_panel.set_text(LINE)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_failed, timeout=5000):
        studio.window.flows.synthesize()
    banner = _banner(studio)
    assert banner.isVisible() and "API key" in banner.text_label.text()
    assert banner.action is Action.SET_KEY and banner.action_button.text() == "Enter API key…"
    assert studio.window.editor_panel.text() == LINE


def test_server_down_offers_retry(qtbot, make_studio, make_waves_local) -> None:
    """When the server goes away, the banner says so and Retry is offered; the text stays."""
    server = make_waves_local()
    studio = make_studio(server=server)
    studio.window.editor_panel.set_text(LINE)
    server.stop()
    with qtbot.wait_signal(studio.services.synthesis.synthesis_failed, timeout=15000):
        studio.window.flows.synthesize()
    banner = _banner(studio)
    assert banner.action is Action.RETRY and "not running" in banner.text_label.text()
    assert studio.window.editor_panel.text() == LINE


def test_rate_limited_message(qtbot, make_studio, waves_local_faults) -> None:
    """Persistent 429s end in the rate-limit message with Retry."""
    studio = make_studio()
    waves_local_faults("status=429@retry_after=0@path=/waves/v1/tts")
    studio.window.editor_panel.set_text(LINE)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_failed, timeout=15000):
        studio.window.flows.synthesize()
    assert "busy" in _banner(studio).text_label.text()
    assert _banner(studio).action is Action.RETRY


def test_unknown_dictionary_message(qtbot, make_studio) -> None:
    """A ticked dictionary the server does not know gives a message naming dictionaries."""
    studio = make_studio()
    studio.services.settings.set("synthesis/dictionary_ids", ["a" * 24])
    picker = studio.window.dictionary_picker.list
    assert any("Missing" in picker.item(i).text() for i in range(picker.count()))
    studio.window.editor_panel.set_text(LINE)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_failed, timeout=5000):
        studio.window.flows.synthesize()
    assert "dictionar" in _banner(studio).text_label.text().lower()
    assert studio.window.editor_panel.text() == LINE


def test_empty_text_is_refused_kindly(qtbot, make_studio) -> None:
    """Speaking with no text shows what to do instead of calling the API."""
    studio = make_studio()
    with qtbot.assert_not_emitted(studio.services.synthesis.synthesis_started):
        studio.window.flows.synthesize()
    assert "Type a line" in _banner(studio).text_label.text()


def test_no_audio_device_still_renders_and_saves(qtbot, make_studio, tmp_path, monkeypatch) -> None:
    """If the sound card fails, the error is shown and the clip can still be saved."""
    from studio.core.errors import AudioDeviceError

    studio = make_studio()
    studio.player.fail_next = AudioDeviceError("No sound output is available.")
    _speak(qtbot, studio)
    qtbot.wait_until(lambda: "No sound output" in _banner(studio).text_label.text(), timeout=3000)
    target = tmp_path / "saved.wav"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: (str(target), "WAV 16-bit (*.wav)"))
    with qtbot.wait_signal(studio.services.exports.export_finished, timeout=5000):
        studio.window.commands.save.trigger()
    assert target.stat().st_size > 1000


def test_backend_is_always_visible(qtbot, make_studio) -> None:
    """The status bar names the active backend."""
    studio = make_studio()
    assert "Offline voices" in studio.window.backend_label.text()


def test_long_text_hint_and_count(qtbot, make_studio) -> None:
    """The count line tracks requests; an over-long sentence gets a hint."""
    studio = make_studio()
    panel = studio.window.editor_panel
    panel.set_text("Short one. " * 30)
    assert "requests" in panel.count_label.text()
    panel.set_text("word " * 70)
    assert "250" in panel.hint_label.text()


def test_accessible_names_and_shortcuts(qtbot, make_studio) -> None:
    """Controls have accessible names and every main command shows its shortcut."""
    studio = make_studio()
    window = studio.window
    for widget in (
        window.editor_panel.editor,
        window.voice_panel.voice_combo,
        window.voice_panel.speed_spin,
        window.dictionary_picker.list,
        window.waveform,
    ):
        assert widget.accessibleName()
    for action in (
        window.commands.synthesize,
        window.commands.play_pause,
        window.commands.stop,
        window.commands.save,
    ):
        assert action.shortcut().toString() and "(" in action.toolTip()


def test_dialogs_open_and_close(qtbot, make_studio) -> None:
    """Voices, dictionaries, API key, preferences and about dialogs open without errors."""
    studio = make_studio()
    flows = studio.window.flows
    for opener in (
        flows.open_voice_browser,
        flows.open_dictionaries,
        flows.open_api_key_dialog,
        flows.open_preferences,
        flows.open_about,
    ):
        opener()
        assert flows.dialog is not None and flows.dialog.isVisible()
        flows.dialog.reject()
        qtbot.wait_until(lambda: flows.dialog is None, timeout=2000)


def test_waveform_peaks_cover_the_clip(qtbot, make_studio) -> None:
    """The waveform shows audio where the clip is loud."""
    studio = make_studio()
    result = _speak(qtbot, studio)
    _mins, maxs = studio.window.waveform._builder.peaks(100)
    assert float(np.max(maxs)) > 0.05
    assert studio.window.waveform.duration_s == pytest.approx(result.rendered.duration_s, 0.01)


def test_first_run_without_key_offers_offline_voices(qtbot, make_studio) -> None:
    """A first start with no key asks; choosing offline voices starts waves-local."""
    from studio.app import start_backend
    from studio.ui.welcome_dialog import USE_LOCAL, WelcomeDialog

    studio = make_studio(start=False)
    studio.services.settings.set("app/first_run_done", False)
    start_backend(studio.services, studio.window, force_local=False)
    dialog = studio.window.findChild(WelcomeDialog)
    assert dialog is not None and dialog.isVisible()
    assert studio.services.settings.get("app/first_run_done") is True
    with qtbot.wait_signal(studio.services.backend.backend_changed, timeout=5000) as changed:
        dialog.done(USE_LOCAL)
    assert changed.args[0].kind == "local"


def test_a_fresh_profile_picks_a_voice_for_the_language(
    qtbot, make_studio, make_waves_local
) -> None:
    """With no voice chosen yet, the voice list starts on one that speaks the language (eSpeak NG
    lists Bengali first by name; English must win)."""
    studio = make_studio(server=make_waves_local(engine="espeak"))
    voice_id = studio.services.settings.voice_id
    voice = studio.services.voices.find(voice_id)
    assert voice is not None and "en" in voice.language_codes


def test_preferences_apply_all_or_nothing(qtbot, make_studio) -> None:
    """A refused value in Preferences changes nothing and says which field is wrong."""
    studio = make_studio()
    studio.window.flows.open_preferences()
    prefs = studio.window.flows.dialog
    prefs.volume.setValue(40)
    prefs.template.setText("x" * 300)
    prefs.apply()
    assert "File name" in prefs.error.text() and prefs.isVisible()
    assert studio.services.settings.get("audio/volume") == 1.0
