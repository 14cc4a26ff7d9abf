"""The frozen Linux build: the archive's app runs its commands, GUI and server with no Python."""

from __future__ import annotations

import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from studio import __version__
from tests.packaging.conftest import FrozenApp

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test waits for the build
RUN_TIMEOUT_S = 60


def run(app: Path, *args: str, env: dict[str, str], cwd: Path | None = None):
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


def test_version(frozen_app: FrozenApp, frozen_env: dict[str, str]) -> None:
    """`waves-studio --version` prints the package version."""
    result = run(frozen_app.exe, "--version", env=frozen_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"waves-studio {__version__}"


def test_self_test_renders_with_bundled_piper(
    frozen_app: FrozenApp, frozen_env: dict[str, str]
) -> None:
    """`--self-test` passes with the bundled Piper voice, and says it is a frozen build."""
    result = run(frozen_app.exe, "--self-test", env=frozen_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(frozen build)" in result.stdout
    assert re.search(r"^engine piper\s+ok: voice joe", result.stdout, re.M), result.stdout
    assert re.search(r"^render\s+OK: ", result.stdout, re.M), result.stdout
    assert "engine piper, voice joe" in result.stdout


def test_render_writes_a_clip_soxi_reads(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """`render --local --out clip.wav` writes a mono 24 kHz WAV of the spoken line."""
    result = run(
        frozen_app.exe,
        "render",
        "--local",
        "--text",
        "The frozen build speaks.",
        "--out",
        "clip.wav",
        env=frozen_env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    clip = tmp_path / "clip.wav"
    assert soxi(clip, "-t") == "wav"
    assert soxi(clip, "-r") == "24000"
    assert soxi(clip, "-c") == "1"
    assert 0.5 < float(soxi(clip, "-D")) < 10.0


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_render_with_system_espeak(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """The frozen app runs the system's espeak-ng (no bundled libraries leak into it)."""
    clip = tmp_path / "hindi.wav"
    result = run(
        frozen_app.exe,
        "render",
        "--local",
        "--language",
        "hi",
        "--text",
        "नमस्ते दुनिया",
        "--out",
        str(clip),
        env=frozen_env,
    )
    assert result.returncode == 0, result.stderr
    assert "voice espeak-hi" in result.stdout
    assert float(soxi(clip, "-D")) > 0.3


def test_waves_local_serves_voices(frozen_app: FrozenApp, frozen_env: dict[str, str]) -> None:
    """The `waves-local` link runs the server: it lists the Piper voice and stops on SIGTERM."""
    with subprocess.Popen(
        [str(frozen_app.local), "--port", "0", "--api-key", "sk_frozen"],
        env=frozen_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as server:
        try:
            url = re.search(r"http://127\.0\.0\.1:\d+", read_until(server, r"listening on ", 30))
            assert url is not None
            reply = requests.get(
                f"{url.group(0)}/waves/v1/lightning-v3.1/get_voices",
                headers={"Authorization": "Bearer sk_frozen"},
                timeout=10,
            )
            assert reply.status_code == 200
            assert "joe" in [voice["voiceId"] for voice in reply.json()["voices"]]
        finally:
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=20) == 0


def _start_gui(app: FrozenApp, env: dict[str, str], profile: Path, prefix: list[str]):
    return subprocess.Popen(
        [*prefix, str(app.exe), "--local", "--profile", str(profile)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _gui_comes_up(app: FrozenApp, env: dict[str, str], profile: Path, prefix: list[str]) -> str:
    """Start the GUI, wait for its window to reach the backend, stop it; returns its stderr."""
    log = profile / "logs" / "waves-studio.log"
    with _start_gui(app, env, profile, prefix) as gui:
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


def test_gui_starts(frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path) -> None:
    """The GUI opens its window (icons, theme, embedded server) without an error."""
    _gui_comes_up(frozen_app, frozen_env, tmp_path / "profile", [])


def _hide_files_command(paths: list[str]) -> list[str] | None:
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


def _portaudio_copies(app: FrozenApp) -> list[str]:
    """The bundled PortAudio and any system copy the loader could fall back to."""
    found = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False)
    system = re.findall(r"libportaudio\.so\.2 .*=> (\S+)", found.stdout)
    bundled = app.exe.parent / "_internal" / "libportaudio.so.2"
    return [str(bundled), *(os.path.realpath(p) for p in system)]


def test_no_portaudio_still_starts_and_says_so(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """Without a loadable PortAudio the self-test passes and the GUI starts, saying why."""
    prefix = _hide_files_command(_portaudio_copies(frozen_app))
    if prefix is None:
        pytest.skip("hiding PortAudio needs root and mount namespaces (unshare)")
    result = subprocess.run(
        [*prefix, str(frozen_app.exe), "--self-test"],
        env=frozen_env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^audio devices\s+unavailable: No sound output", result.stdout, re.M)
    err = _gui_comes_up(frozen_app, frozen_env, tmp_path / "profile", prefix)
    assert "waves-studio: No sound output: the PortAudio library could not be loaded" in err


def test_install_script_installs_and_uninstalls(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """install.sh puts a working app, entry and icons under a prefix; --uninstall clears it."""
    prefix = tmp_path / "prefix"
    install = [str(frozen_app.root / "install.sh"), "--prefix", str(prefix)]
    done = subprocess.run(install, env=frozen_env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    app_id = "io.github.wavesstudio.WavesStudio"
    desktop = prefix / "share" / "applications" / f"{app_id}.desktop"
    exec_line = next(line for line in desktop.read_text().splitlines() if line.startswith("Exec="))
    installed_exe = Path(exec_line.removeprefix("Exec="))
    assert installed_exe == prefix / "lib" / "waves-studio" / "waves-studio"
    assert subprocess.run(["desktop-file-validate", str(desktop)], check=False).returncode == 0
    assert (prefix / "share" / "metainfo" / f"{app_id}.metainfo.xml").is_file()
    for size in (16, 48, 256, 512):
        assert (prefix / f"share/icons/hicolor/{size}x{size}/apps/{app_id}.png").is_file()
    assert (prefix / f"share/icons/hicolor/scalable/apps/{app_id}.svg").is_file()
    version = run(prefix / "bin" / "waves-studio", "--version", env=frozen_env)
    assert version.stdout.strip() == f"waves-studio {__version__}"
    local_help = run(prefix / "bin" / "waves-local", "--help", env=frozen_env)
    assert local_help.stdout.startswith("usage: waves-local")

    undone = subprocess.run(
        [*install, "--uninstall"], env=frozen_env, capture_output=True, text=True, check=False
    )
    assert undone.returncode == 0, undone.stderr
    left = [p for p in prefix.rglob("*") if p.is_file() or p.is_symlink()]
    assert [p for p in left if p.name != "mimeinfo.cache"] == []  # the shared MIME cache stays
