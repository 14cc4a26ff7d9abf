"""Without any sound output the player fails with a clear message and the app can still save."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
    import sys
    import numpy as np
    from studio.audio.export import export_audio
    from studio.audio.player import AudioPlayer, PlaybackState
    from studio.core.errors import AudioDeviceError

    player = AudioPlayer()
    print("devices:", player.list_devices())
    for attempt in ("play", "stream"):
        try:
            if attempt == "play":
                player.play(np.zeros(800, np.float32), 8000)
            else:
                player.begin_stream(24000)
        except AudioDeviceError as exc:
            print(f"{attempt}: {exc.user_message}")
    print("state:", player.state.name)
    saved = export_audio(np.zeros(800, np.float32), 8000, sys.argv[1], "wav")
    print("saved:", saved.stat().st_size)
"""


def _sound_cards() -> bool:
    cards = Path("/proc/asound/cards")
    return cards.exists() and "no soundcards" not in cards.read_text()


@pytest.mark.skipif(_sound_cards(), reason="ALSA hardware present: the no-device path can't happen")
def test_a_dead_sound_server_gives_a_clear_error_and_saving_still_works(tmp_path: Path) -> None:
    """PULSE_SERVER pointing at a dead socket: AudioDeviceError with advice, no crash, export OK."""
    env = dict(os.environ, PULSE_SERVER=f"unix:{tmp_path}/no-such-socket")
    env.pop("PULSE_SINK", None)
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(tmp_path / "take.wav")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    lines = child.stdout.splitlines()
    message = (
        "No sound output is available: no output device was found. Check that speakers or "
        "headphones are connected and that no other program holds the device. You can still "
        "save clips."
    )
    assert lines == [
        "devices: []",
        f"play: {message}",
        f"stream: {message}",
        "state: STOPPED",
        "saved: 1644",
    ]
