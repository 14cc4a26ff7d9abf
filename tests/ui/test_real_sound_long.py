"""A long render played as it arrives, through the real player and the null sink: the player
holds a bounded window, memory stays far below the clip, and a seek into what arrived plays."""

import numpy as np
import pytest

from studio.audio.player import KEEP_S, WINDOW_S
from tests.audio.recorder import NEEDS_NULL_SINK, RATE, Recorder
from tests.peak_memory import peak_rise

pytestmark = [
    pytest.mark.gui,
    pytest.mark.audio_device,
    pytest.mark.slow,
    NEEDS_NULL_SINK,
]
SENTENCE = "The harbour was quiet before the boats came back, and the fog was thick. "


def test_a_long_render_plays_live_from_a_bounded_window(qtbot, sound_studio) -> None:
    """12,000 characters (13 min, 38 MB as 24 kHz int16) render and play as they arrive;
    Python's allocations peak far below the clip; a seek to 10 min is heard from there."""
    services, window = sound_studio
    player = services.playback.player
    recorder = Recorder()
    try:
        # A short render first: what every render loads once (codecs, pools) is not the clip.
        window.editor_panel.set_text(SENTENCE * 30)
        with qtbot.wait_signal(services.synthesis.synthesis_finished, timeout=60_000):
            window.flows.synthesize()
        window.editor_panel.set_text((SENTENCE * 200)[:12_000])
        with peak_rise() as rise:
            with qtbot.wait_signal(services.synthesis.synthesis_finished, timeout=120_000) as done:
                window.flows.synthesize()
        peak = rise.rise
        print(f"peak rise {peak / 1e6:.1f} MB")
        rendered = done.args[1].rendered
        clip = player._clip
        assert clip is not None and clip.ring  # a window, not the whole clip
        assert len(clip.data) == int((WINDOW_S + KEEP_S) * player._rate)
        whole = rendered.audio.frames * 2 * player._rate / rendered.sample_rate
        assert whole > 30e6 and peak < whole / 3, f"peak {peak / 1e6:.0f} MB"
        assert player.duration_s == pytest.approx(rendered.duration_s, abs=0.1)
        qtbot.wait_until(lambda: services.playback.state == "playing", timeout=5000)
        heard_before = len(recorder.samples())
        services.playback.seek(600.0)
        qtbot.wait_until(lambda: 600.5 < services.playback.position < 700, timeout=10_000)
    finally:
        heard = recorder.stop()
    after = heard[heard_before:]
    assert np.abs(after).max(initial=0) > 0.05, "nothing was heard after the seek"
    assert len(after) > RATE // 4
