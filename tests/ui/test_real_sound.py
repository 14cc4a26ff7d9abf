"""One flow with real sound: the window speaks a line and the null sink hears it."""

import os

import numpy as np
import pytest

from studio.app import Profile, build_services, shutdown
from studio.secrets import MemorySecretStore
from studio.ui.main_window import MainWindow
from tests.fakes import AlreadyRunning

pytestmark = [
    pytest.mark.gui,
    pytest.mark.audio_device,
    pytest.mark.skipif(
        os.environ.get("STUDIO_TEST_PULSE") != "1",
        reason="no private PulseAudio null sink (run through scripts/test, which starts one)",
    ),
]


def test_spoken_line_comes_out_of_the_speakers(qtbot, tmp_path, waves_local) -> None:
    """Speak streams to the real player; the monitor records audio as long as the clip."""
    from tests.audio.recorder import RATE, Recorder

    services = build_services(
        Profile.from_folder(tmp_path),
        secrets=MemorySecretStore(),
        local_factory=lambda: AlreadyRunning(waves_local),
        environ={},
    )
    services.settings.set("app/first_run_done", True)
    services.settings.set("synthesis/voice_id", "tone-alto")
    window = MainWindow(services)
    qtbot.add_widget(window)
    with qtbot.wait_signal(services.backend.backend_changed, timeout=5000):
        services.backend.start(force_local=True)
    recorder = Recorder()
    try:
        window.editor_panel.set_text("A real sound test. It plays through the null sink.")
        with qtbot.wait_signal(services.synthesis.synthesis_finished, timeout=10000) as done:
            window.flows.synthesize()
        duration = done.args[1].rendered.duration_s
        qtbot.wait_until(
            lambda: services.playback.state == "finished", timeout=int(duration * 1000) + 5000
        )
    finally:
        heard = recorder.stop()
        window.close()
        shutdown(services)
    loud = np.flatnonzero(np.abs(heard) > 0.02)
    assert loud.size, "nothing was heard"
    heard_s = (loud[-1] - loud[0]) / RATE
    assert heard_s == pytest.approx(duration, rel=0.15)
