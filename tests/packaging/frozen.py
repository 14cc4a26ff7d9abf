"""Helpers for the frozen-build tests: run a frozen program, read its output, hide libraries."""

from __future__ import annotations

import os
import re
import selectors
import shlex
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.packaging.conftest import FrozenApp

RUN_TIMEOUT_S = 60


def run(
    app: Path, *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a frozen program to completion; returns the CompletedProcess (text)."""
    return subprocess.run(
        [str(app), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def soxi(path: Path, flag: str) -> str:
    """One property of an audio file, as `soxi -FLAG` prints it."""
    return subprocess.run(
        ["soxi", flag, str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()


def wait_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    """True as soon as `condition()` holds, False once `timeout_s` has passed."""
    deadline = time.monotonic() + timeout_s
    pause = threading.Event()  # never set: an interruptible pause between checks
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.05)
    return condition()


def read_until(process: subprocess.Popen[bytes], pattern: str, timeout_s: float) -> str:
    """Read the process's stdout until `pattern` matches; returns the text read."""
    assert process.stdout is not None
    text = ""
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not re.search(pattern, text):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                raise AssertionError(f"no {pattern!r} within {timeout_s} s; got {text!r}")
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                raise AssertionError(f"stdout closed before {pattern!r}; got {text!r}")
            text += chunk.decode()
    return text


def start_gui(
    app: FrozenApp, env: dict[str, str], profile: Path, prefix: list[str]
) -> subprocess.Popen[str]:
    """Start the frozen GUI with offline voices and its own profile, behind a command prefix."""
    return subprocess.Popen(
        [*prefix, str(app.exe), "--local", "--profile", str(profile)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def gui_comes_up(app: FrozenApp, env: dict[str, str], profile: Path, prefix: list[str]) -> str:
    """Start the GUI, wait for its window to reach the backend, stop it; returns its stderr."""
    log = profile / "logs" / "waves-studio.log"
    with start_gui(app, env, profile, prefix) as gui:
        try:
            # The backend starts from the window's first event-loop turn, after show().
            came_up = wait_until(lambda: log.is_file() and "Backend: " in log.read_text(), 60)
        finally:
            gui.terminate()
            _out, err = gui.communicate(timeout=20)
    text = log.read_text() if log.is_file() else ""
    assert came_up, f"the window never reached its backend:\n{text}\n{err}"
    assert "Traceback" not in text + err, text + err
    return err


def hide_files_command(paths: list[str]) -> list[str] | None:
    """A command prefix that runs a program with `paths` replaced by empty files, or None.

    A private mount namespace (needs root): nothing outside the command sees the change.
    """
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        return None
    mounts = "".join(f"mount --bind /dev/null {shlex.quote(p)}; " for p in paths)
    script = f'set -e; {mounts}exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"]


def portaudio_copies(app: FrozenApp) -> list[str]:
    """The bundled PortAudio and any system copy the loader could fall back to."""
    found = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False)
    system = re.findall(r"libportaudio\.so\.2 .*=> (\S+)", found.stdout)
    bundled = app.exe.parent / "_internal" / "libportaudio.so.2"
    return [str(bundled), *(os.path.realpath(p) for p in system)]
