"""The `waves-local` command: start, announce the URL, serve, stop cleanly on a signal."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.local.helpers import TIMEOUT

LISTENING = re.compile(r"^listening on (http://127\.0\.0\.1:(\d+))$")


def _start(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "studio.local.cli", "--port", "0", "--engine", "tone",
         "--data-dir", str(tmp_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serves_until_a_signal_then_exits_0(tmp_path: Path, stop_signal: signal.Signals) -> None:
    """One `listening on` line, a working /waves/v1/tts, exit status 0 after the signal."""
    process = _start(tmp_path, "--api-key", "sk_cli")
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()  # printed once it accepts connections
        match = LISTENING.match(line)
        assert match, line
        reply = requests.post(
            f"{match.group(1)}/waves/v1/tts",
            json={"text": "Hello.", "voice_id": "tone-alto", "output_format": "wav"},
            headers={"Authorization": "Bearer sk_cli", "Accept": "audio/wav"},
            timeout=TIMEOUT,
        )
        assert reply.status_code == 200
        assert reply.content[:4] == b"RIFF"
        process.send_signal(stop_signal)
        assert process.wait(timeout=20) == 0
        assert process.stdout.read() == ""  # exactly one line on stdout
    finally:
        process.kill()
        process.communicate()


def test_without_a_key_any_token_works_and_it_says_so(tmp_path: Path) -> None:
    """No --api-key and no WAVES_LOCAL_API_KEY: a note on stderr; the env var is honoured."""
    process = _start(tmp_path, env={"WAVES_LOCAL_API_KEY": ""})
    try:
        assert process.stdout is not None and process.stderr is not None
        base = LISTENING.match(process.stdout.readline().strip())
        assert base
        url = f"{base.group(1)}/waves/v1/lightning-v3.1/get_voices"
        assert requests.get(url, headers={"Authorization": "Bearer anything"}, timeout=TIMEOUT).ok
        assert requests.get(url, timeout=TIMEOUT).status_code == 401
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert "any Bearer token is accepted" in process.stderr.read()
    finally:
        process.kill()
        process.communicate()


def test_the_env_key_is_enforced(tmp_path: Path) -> None:
    """WAVES_LOCAL_API_KEY sets the key when --api-key is absent."""
    process = _start(tmp_path, env={"WAVES_LOCAL_API_KEY": "sk_env"})
    try:
        assert process.stdout is not None
        base = LISTENING.match(process.stdout.readline().strip())
        assert base
        url = f"{base.group(1)}/waves/v1/voice-cloning"
        assert requests.get(url, headers={"Authorization": "Bearer sk_env"}, timeout=TIMEOUT).ok
        assert (
            requests.get(url, headers={"Authorization": "Bearer x"}, timeout=TIMEOUT).status_code
            == 401
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--host", "0.0.0.0"], "--allow-remote"),  # noqa: S104
        (["--fault", "explode"], "unknown kind 'explode'"),
        (["--max-concurrency", "0"], "at least 1"),
    ],
)
def test_bad_options_exit_2_with_a_reason(tmp_path: Path, args: list[str], fragment: str) -> None:
    """A non-loopback host (without --allow-remote) or a bad option never starts a server."""
    process = _start(tmp_path, *args)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stdout == ""
    assert fragment in stderr
