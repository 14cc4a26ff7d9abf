"""One flow with real sound: the window speaks a line and the null sink hears it."""

import numpy as np
import pytest

from tests.audio.recorder import NEEDS_NULL_SINK, RATE, Recorder

pytestmark = [
    pytest.mark.gui,
    pytest.mark.audio_device,
    NEEDS_NULL_SINK,
]


def test_spoken_line_comes_out_of_the_speakers(qtbot, sound_studio) -> None:
    """Speak streams to the real player; the monitor records audio as long as the clip."""
    services, window = sound_studio
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
    loud = np.flatnonzero(np.abs(heard) > 0.02)
    assert loud.size, "nothing was heard"
    heard_s = (loud[-1] - loud[0]) / RATE
    assert heard_s == pytest.approx(duration, rel=0.15)
