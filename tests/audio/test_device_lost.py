"""A sound server dying mid-play is reported through last_error; nothing crashes or hangs."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.audio_device,
    pytest.mark.skipif(shutil.which("pulseaudio") is None, reason="pulseaudio is not installed"),
]

CHILD = """
    import sys, threading, time
    import numpy as np
    from studio.audio.player import AudioPlayer, PlaybackState

    player = AudioPlayer()
    player.play((0.3 * np.sin(np.arange(24000 * 5) * 0.1)).astype(np.float32), 24000)
    deadline = time.monotonic() + 10
    while player.state is not PlaybackState.PLAYING and time.monotonic() < deadline:
        threading.Event().wait(0.02)
    print("PLAYING", player.state.name, flush=True)
    sys.stdin.readline()  # the parent kills the sound server now
    deadline = time.monotonic() + 10
    while player.last_error is None and time.monotonic() < deadline:
        threading.Event().wait(0.02)
    print("state:", player.state.name, flush=True)
    print("error:", player.last_error.user_message if player.last_error else None, flush=True)
    player.close()
    print("closed", flush=True)
"""


def test_the_sound_server_dying_mid_play(tmp_path: Path) -> None:
    """Kill the private PulseAudio under a playing clip: STOPPED, a clear error, a clean close."""
    runtime = tmp_path / "runtime"
    (runtime / "pulse").mkdir(parents=True)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), PULSE_RUNTIME_PATH=str(runtime / "pulse"))
    env.pop("PULSE_SERVER", None)
    env.pop("PULSE_SINK", None)
    # Off the session bus: a second daemon on it would fail ("org.PulseAudio1 already taken").
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    daemon = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n",
         "--load=module-native-protocol-unix auth-anonymous=1", "--load=module-null-sink"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    child = None
    try:
        deadline = time.monotonic() + 10
        while not (runtime / "pulse" / "native").exists():
            assert time.monotonic() < deadline, "pulseaudio did not start"
            threading.Event().wait(0.05)  # another process's socket: nothing to subscribe to
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(CHILD)], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "PLAYING PLAYING"
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(10)
        child.stdin.write("go\n")
        child.stdin.flush()
        out, _ = child.communicate(timeout=30)
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.communicate()
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait(10)
    assert child.returncode == 0
    assert out.splitlines() == [
        "state: STOPPED",
        "error: The sound output stopped working while playing (the device was unplugged or "
        "the sound server stopped). Playback has stopped; you can still save clips.",
        "closed",
    ]
