"""The New clone dialog through the real window against waves-local (tone engine), offscreen."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio.record import Recording
from studio.services.clones import CloneService
from studio.ui import dialogs
from studio.ui.clone_dialog import CONSENT_TEXT, CloneDialog, make_clone_dialog
from studio.ui.voice_browser import VoiceBrowser
from tests.audio.recorder import NEEDS_NULL_SINK

pytestmark = pytest.mark.gui
RATE = 24000


def _buzz(seconds: float, lead_s: float = 0.0) -> np.ndarray:
    """A voiced buzz with syllable-like gaps after `lead_s` of silence: passes every check."""
    t = np.arange(int(seconds * RATE)) / RATE
    buzz = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 6))
    gated = 0.2 * buzz * (np.sin(2 * np.pi * 2.0 * t) > -0.3)
    return np.concatenate([np.zeros(int(lead_s * RATE)), gated]).astype(np.float32)


def _sample_file(tmp_path: Path, seconds: float = 8.0, lead_s: float = 0.0) -> Path:
    path = tmp_path / f"sample-{seconds}-{lead_s}.flac"
    soundfile.write(path, _buzz(seconds, lead_s), RATE)
    return path


def _open_dialog(qtbot, studio) -> CloneDialog:
    studio.window.commands.new_clone.trigger()
    dialog = studio.window.flows.dialog
    assert isinstance(dialog, CloneDialog)
    return dialog


def _load(qtbot, dialog: CloneDialog, path: Path) -> None:
    with qtbot.wait_signal(dialog.service.sample_ready, timeout=10000):
        dialog.load_file(path)


def test_import_check_consent_create_and_use_everywhere(qtbot, make_studio, tmp_path) -> None:
    """Import → checklist → name + consent enable Create → clone listed at once, previewed."""
    studio = make_studio()
    dialog = _open_dialog(qtbot, studio)
    _load(qtbot, dialog, _sample_file(tmp_path, 8.0, lead_s=2.0))
    verdicts = dialog.checklist.verdicts()
    assert verdicts["Length"] == "good" and verdicts["Clipping"] == "good"
    assert dialog.trim_button.isVisible()  # 2 s of silence at the start
    assert dialog.waveform.duration_s == pytest.approx(10.0, abs=0.05)
    with qtbot.wait_signal(dialog.service.sample_ready, timeout=10000):
        dialog.trim_button.click()
    assert dialog.waveform.duration_s < 8.5 and not dialog.trim_button.isVisible()

    assert not dialog.create_button.isEnabled()
    qtbot.keyClicks(dialog.name, "My voice")
    assert not dialog.create_button.isEnabled()  # consent is required
    assert "right to clone" in dialog.create_button.toolTip()
    assert dialog.consent.text() == CONSENT_TEXT
    dialog.consent.setChecked(True)
    assert dialog.create_button.isEnabled()
    dialog.tags.setText("narration, me")
    with qtbot.wait_signal(dialog.service.created, timeout=10000) as made:
        dialog.create_button.click()
    voice = made.args[0]
    assert voice.is_clone and voice.display_name == "My voice"
    assert dialog.progress.value() == 100 and "ready" in dialog.status.text()
    assert not dialog.create_button.isEnabled()  # one clone per sample
    services = studio.services
    assert services.voices.find(voice.voice_id) is not None  # at once, no reload
    panel = studio.window.voice_panel.voice_combo
    qtbot.wait_until(lambda: panel.findData(voice.voice_id) >= 0, timeout=3000)
    # The first preview reads the prompt with the new clone (a rendered clip, not the sample).
    qtbot.wait_until(lambda: any(c[0] == "play" for c in studio.player.calls), timeout=10000)
    dialog.close()


def test_errors_keep_the_sample_and_retry_works(qtbot, make_studio, tmp_path, waves_local) -> None:
    """A voice_clone_timeout is shown in plain words; the same dialog then succeeds."""
    studio = make_studio()
    dialog = _open_dialog(qtbot, studio)
    _load(qtbot, dialog, _sample_file(tmp_path))
    dialog.name.setText("Retry me")
    dialog.consent.setChecked(True)
    waves_local.set_faults("status=500@code=voice_clone_timeout@nth=1@path=/waves/v1/voice-cloning")
    try:
        with qtbot.wait_signal(dialog.service.failed, timeout=10000):
            dialog.create_button.click()
    finally:
        waves_local.set_faults("")
    assert "took too long" in dialog.status.text()
    assert dialog.service.sample is not None and dialog.create_button.isEnabled()
    with qtbot.wait_signal(dialog.service.created, timeout=10000):
        dialog.create_button.click()
    dialog.close()


def test_a_bad_sample_blocks_create(qtbot, make_studio, tmp_path) -> None:
    """A 3 s sample is too short: the checklist says so and Create stays off."""
    studio = make_studio()
    dialog = _open_dialog(qtbot, studio)
    _load(qtbot, dialog, _sample_file(tmp_path, 3.0))
    dialog.name.setText("Short")
    dialog.consent.setChecked(True)
    assert dialog.checklist.verdicts()["Length"] == "bad"
    assert not dialog.create_button.isEnabled()
    assert "another take" in dialog.status.text()
    dialog.close()


class _ScriptedRecorder:
    """Stands in for the microphone (the real one is tested end to end in tests/audio)."""

    def __init__(self, _device: int | None) -> None:
        self.sample_rate = 0
        self.finished = threading.Event()
        self.overflows = 0
        self.polls = 0

    def start(self) -> None:
        self.sample_rate = RATE

    @property
    def level_db(self) -> float:
        self.polls += 1
        if self.polls >= 6:
            self.finished.set()  # like reaching the 15 s limit
        return -50.0 + 10 * (self.polls % 4)

    @property
    def elapsed_s(self) -> float:
        return self.polls * 0.04

    def stop(self) -> Recording:
        return Recording(_buzz(8.0), RATE, 0)


def test_record_counts_in_meters_and_checks(qtbot, make_studio) -> None:
    """Record: 3-2-1 count-in, then the meter moves; at the limit the take is checked; re-take."""
    studio = make_studio()
    service = CloneService(
        studio.services.backend, studio.services.runners[0], studio.services.voices,
        studio.services.playback, studio.services.messages, recorder_factory=_ScriptedRecorder,
    )  # fmt: skip
    dialog = CloneDialog(service)
    qtbot.add_widget(dialog)
    panel = dialog.record_panel
    panel.count_in_ms = 20
    seen: list[str] = []
    panel.status.setText("")
    values: list[int] = []
    panel.meter.valueChanged.connect(values.append)
    with qtbot.wait_signal(service.sample_ready, timeout=10000):
        panel.record_button.click()
        seen.append(panel.status.text())
    assert seen == ["Get ready… 3"]
    assert panel.meter_values >= 5 and len(set(values)) >= 3  # it moved
    assert dialog.checklist.verdicts()["Length"] == "good"
    assert panel.record_button.text() == "&Re-take" and panel.play_button.isEnabled()
    panel.play_button.click()
    qtbot.wait_until(
        lambda: ("play", 8 * RATE, RATE) in studio.player.calls, timeout=5000
    )  # the take itself is played back
    assert dialog.record_panel.prompt.text().startswith("The birch canoe")
    dialog.language.setCurrentIndex(dialog.language.findData("hi"))
    assert "बारिश" in dialog.record_panel.prompt.text()


def test_browser_new_clone_and_local_delete(qtbot, make_studio, tmp_path, monkeypatch) -> None:
    """The browser opens the dialog; on waves-local a clone can be deleted, on the cloud a note
    with the dashboard link explains why not."""
    studio = make_studio()
    services = studio.services
    made = services.backend.client.clones()  # noqa: F841 - warm the client
    dialog = make_clone_dialog(services, studio.window)
    qtbot.add_widget(dialog)
    _load(qtbot, dialog, _sample_file(tmp_path))
    dialog.name.setText("Browser clone")
    dialog.consent.setChecked(True)
    with qtbot.wait_signal(dialog.service.created, timeout=10000) as created:
        dialog.create_button.click()
    voice = created.args[0]

    studio.window.flows.open_voice_browser()
    browser = studio.window.flows.dialog
    assert isinstance(browser, VoiceBrowser) and browser.local_clones
    browser.clones_only.setChecked(True)
    assert browser.select_voice(voice.voice_id)
    row = browser.model.voices.index(next(v for v in browser.model.voices
                                          if v.voice_id == voice.voice_id))  # fmt: skip
    kind = browser.model.index(row, 6).data()
    assert kind.startswith("Your clone") and voice.created_at[:10] in kind
    assert browser.delete_clone_button.isVisible() and not browser.clone_note.isVisible()

    browser.local_clones = False  # as on the Waves cloud
    browser.select_voice(voice.voice_id)
    browser._on_selection_changed()
    assert browser.clone_note.isVisible() and not browser.delete_clone_button.isVisible()
    assert "dashboard" in browser.clone_note.text()
    browser.local_clones = True
    browser._on_selection_changed()

    monkeypatch.setattr(dialogs, "ask", lambda *args, **kwargs: True)
    browser.delete_clone_button.click()
    qtbot.wait_until(lambda: services.voices.find(voice.voice_id) is None, timeout=5000)
    assert voice.voice_id not in {v.voice_id for v in services.backend.client.clones()}

    browser.new_clone_button.click()
    qtbot.wait_until(
        lambda: any(isinstance(w, CloneDialog) and w.isVisible()
                    for w in browser.findChildren(CloneDialog)), timeout=3000,
    )  # fmt: skip
    for child in browser.findChildren(CloneDialog):
        child.close()
    browser.close()


def test_cancel_during_upload_keeps_the_sample(qtbot, make_studio, tmp_path, waves_local) -> None:
    """Cancel while the server is slow: 'Cancelled', no clone made, Create offered again."""
    studio = make_studio()
    dialog = _open_dialog(qtbot, studio)
    _load(qtbot, dialog, _sample_file(tmp_path))
    dialog.name.setText("Never made")
    dialog.consent.setChecked(True)
    before = len(waves_local.state.clones.list_items())
    waves_local.set_faults("latency=3000@path=/waves/v1/voice-cloning")
    try:
        dialog.create_button.click()
        assert dialog.cancel_button.isVisible() and dialog.progress.isVisible()
        with qtbot.wait_signal(dialog.service.failed, timeout=3000) as failed:
            dialog.cancel_button.click()
    finally:
        waves_local.set_faults("")
    assert failed.args[0].startswith("Cancelled")
    assert dialog.create_button.isEnabled() and not dialog.cancel_button.isVisible()
    assert dialog.service.sample is not None
    assert waves_local.wait_idle(5.0)
    assert len(waves_local.state.clones.list_items()) == before
    dialog.close()


def test_a_dropped_file_is_imported(qtbot, make_studio, tmp_path) -> None:
    """Dropping one audio file on the dialog imports and checks it."""
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    studio = make_studio()
    dialog = _open_dialog(qtbot, studio)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(_sample_file(tmp_path)))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    with qtbot.wait_signal(dialog.service.sample_ready, timeout=10000):
        dialog.dropEvent(event)
    assert dialog.sources.currentIndex() == 1
    assert dialog.checklist.verdicts()["Length"] == "good"
    dialog.close()


@pytest.mark.audio_device
@NEEDS_NULL_SINK
def test_recording_through_the_virtual_microphone(qtbot, make_studio, tmp_path) -> None:
    """The dialog records the null sink's monitor: the meter follows the played sound, Stop
    ends the take early, and the take is checked (too short here, as it should be)."""
    sink = os.environ.get("PULSE_SINK", "studio_null")
    before = subprocess.run(["pactl", "get-default-source"], capture_output=True, text=True,
                            check=False).stdout.strip()  # fmt: skip
    subprocess.run(["pactl", "set-default-source", f"{sink}.monitor"], check=True)
    studio = make_studio()
    dialog = _open_dialog(qtbot, studio)
    panel = dialog.record_panel
    panel.count_in_ms = 10
    levels: list[int] = []
    panel.meter.valueChanged.connect(levels.append)
    sound = _sample_file(tmp_path, 4.0)
    player = None
    try:
        with qtbot.wait_signal(dialog.service.recording_started, timeout=10000):
            panel.record_button.click()
        player = subprocess.Popen(["paplay", f"--device={sink}", str(sound)])
        # Until 2 s are recorded (the sound server may deliver input in bursts).
        qtbot.wait_until(lambda: dialog.service.recorder is not None
                         and dialog.service.recorder.elapsed_s >= 2.0, timeout=10000)  # fmt: skip
        assert panel.meter_values >= 40  # ≥ 20 a second
        with qtbot.wait_signal(dialog.service.sample_ready, timeout=10000):
            panel.stop_button.click()
    finally:
        if player is not None:
            player.wait(10)
        if before:
            subprocess.run(["pactl", "set-default-source", before], check=False)
    assert max(levels) > -30  # the played buzz reached the meter
    assert dialog.checklist.verdicts()["Length"] == "bad"
    assert dialog.service.sample is not None
    assert 1.5 < dialog.service.sample.report.duration_s < 8.0  # stopped early, not at 15 s
    dialog.close()
