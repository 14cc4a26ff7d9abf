"""The frozen Linux build: the archive's app runs its commands, GUI and server with no Python."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import requests

from studio import __version__
from tests.packaging.conftest import FrozenApp
from tests.packaging.frozen import gui_comes_up, read_until, run, soxi

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test waits for the build


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
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "(frozen build)" in out
    assert re.search(r"^engine piper\s+ok: voice joe", out, re.M), out
    assert re.search(r"^render\s+OK: .* LUFS", out, re.M), out
    assert "engine piper, voice joe" in out
    if os.environ.get("STUDIO_TEST_KEYRING") == "1":  # scripts/test's throwaway keyring
        # keyring finds its backends through package metadata the spec must bundle.
        assert re.search(r"^keyring\s+SecretService", out, re.M), out
    if os.environ.get("STUDIO_TEST_PULSE") == "1":  # scripts/test's PulseAudio null sink
        # The bundled PortAudio, on the system's ALSA and its pulse plugin, sees the server.
        assert re.search(r"^audio devices\s+.*\bpulse\b", out, re.M), out


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


@pytest.mark.parametrize("fmt", ["mp3", "flac", "ogg"])
def test_render_encodes_with_bundled_libsndfile(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path, fmt: str
) -> None:
    """The compressed formats encode with the bundled libsndfile (LAME, FLAC, Vorbis)."""
    clip = tmp_path / f"clip.{fmt}"
    result = run(
        frozen_app.exe,
        "render",
        "--local",
        "--engine",
        "tone",
        "--text",
        "Short line.",
        "--out",
        str(clip),
        env=frozen_env,
    )
    assert result.returncode == 0, result.stderr
    assert soxi(clip, "-t") == {"ogg": "vorbis"}.get(fmt, fmt)
    assert 0.5 < float(soxi(clip, "-D")) < 10.0


def test_render_over_websocket(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """Streaming over WebSocket works frozen (websockets' lazily imported modules are there)."""
    clip = tmp_path / "ws.wav"
    result = run(
        frozen_app.exe,
        "render",
        "--local",
        "--engine",
        "tone",
        "--stream",
        "ws",
        "--text",
        "Over the socket.",
        "--out",
        str(clip),
        env=frozen_env,
    )
    assert result.returncode == 0, result.stderr
    assert "via ws" in result.stdout
    assert float(soxi(clip, "-D")) > 0.5


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_system_espeak_runs_with_the_users_library_path(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """espeak-ng speaks for the frozen app and sees the user's LD_LIBRARY_PATH, not the bundle's."""
    seen = tmp_path / "seen-library-path"
    wrapper = tmp_path / "bin" / "espeak-ng"  # records its environment, then runs the real one
    wrapper.parent.mkdir()
    wrapper.write_text(
        f'#!/bin/sh\nprintf %s "$LD_LIBRARY_PATH" > {shlex.quote(str(seen))}\n'
        f'exec {shlex.quote(str(shutil.which("espeak-ng")))} "$@"\n'
    )
    wrapper.chmod(0o755)
    env = dict(
        frozen_env,
        PATH=f"{wrapper.parent}{os.pathsep}{frozen_env['PATH']}",
        LD_LIBRARY_PATH="/opt/user-libs",
    )
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
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "voice espeak-hi" in result.stdout
    assert float(soxi(clip, "-D")) > 0.3
    assert seen.read_text() == "/opt/user-libs"


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


def test_gui_starts(frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path) -> None:
    """The GUI opens its window (icons, theme, embedded server) without an error."""
    gui_comes_up(frozen_app, frozen_env, tmp_path / "profile", [])
