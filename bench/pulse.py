"""A private PulseAudio null sink for benchmarks that play sound (like scripts/test starts)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def private_pulse() -> Iterator[None]:
    """A PulseAudio daemon with a null sink, in a throwaway runtime folder (like scripts/test)."""
    runtime = Path(tempfile.mkdtemp(prefix="bench-audio-"))
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), PULSE_RUNTIME_PATH=str(runtime / "pulse"))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # another daemon may own org.PulseAudio1 there
    daemon = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n",
         "--load=module-native-protocol-unix auth-anonymous=1",
         "--load=module-null-sink sink_name=studio_null", "--load=module-always-sink"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.environ.update(
        XDG_RUNTIME_DIR=env["XDG_RUNTIME_DIR"], PULSE_RUNTIME_PATH=env["PULSE_RUNTIME_PATH"]
    )
    os.environ["PULSE_SINK"] = "studio_null"
    deadline = time.monotonic() + 10
    while subprocess.run(["pactl", "info"], capture_output=True, check=False).returncode:
        if time.monotonic() > deadline:
            raise SystemExit("pulseaudio did not start")
        time.sleep(0.1)
    try:
        yield
    finally:
        daemon.terminate()
        daemon.wait(10)
        shutil.rmtree(runtime, ignore_errors=True)
