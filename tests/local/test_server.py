"""LocalServer as the app and the tests use it: lifecycle, ports, stats, config checks."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from studio.core.errors import NetworkError, ValidationError
from studio.local.config import ServerConfig, default_data_dir
from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, tts, ws_connect, ws_turn


def test_start_stop_frees_the_port(tmp_path: Path) -> None:
    """Port 0 gives a real port; after stop() (twice) the port can be bound again."""
    server = LocalServer(ServerConfig(engine="tone", data_dir=tmp_path))
    server.start()
    port = server.port
    assert port > 0
    assert server.base_url == f"http://127.0.0.1:{port}"
    assert server.ws_url == f"ws://127.0.0.1:{port}"
    assert requests.get(f"{server.base_url}/waves/v1/health", timeout=TIMEOUT).ok
    server.stop()
    server.stop()
    assert not server.running
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/waves/v1/health", timeout=TIMEOUT)


def test_a_taken_port_is_a_clear_error(waves_local: LocalServer, tmp_path: Path) -> None:
    """Starting on a port in use raises NetworkError that suggests another port."""
    with pytest.raises(NetworkError) as caught:
        LocalServer(ServerConfig(engine="tone", port=waves_local.port, data_dir=tmp_path)).start()
    assert "Pick another port" in caught.value.user_message


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])  # noqa: S104
def test_non_loopback_hosts_are_refused(host: str) -> None:
    """Only loopback addresses unless allow_remote (nothing is started here)."""
    with pytest.raises(ValidationError) as caught:
        ServerConfig(host=host)
    assert "--allow-remote" in caught.value.user_message
    assert ServerConfig(host=host, allow_remote=True).host == host


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    """127.0.0.0/8, ::1 and localhost count as loopback."""
    assert ServerConfig(host=host).host == host


@pytest.mark.parametrize(
    ("field", "value"),
    [("engine", "festival"), ("port", 70000), ("max_concurrency", 0), ("faults", "boom")],
)
def test_bad_config_values_are_refused(field: str, value: object) -> None:
    """Bad settings raise ValidationError naming the setting."""
    with pytest.raises(ValidationError) as caught:
        ServerConfig(**{field: value})
    assert caught.value.field == field


def test_the_key_never_shows_in_a_repr(waves_local: LocalServer) -> None:
    """ServerConfig and LocalServer reprs leave the API key out."""
    assert "sk_local_test_key" not in repr(waves_local.config)
    assert "sk_local_test_key" not in repr(waves_local)


def test_stats_count_requests_on_arrival(make_waves_local: Callable[..., LocalServer]) -> None:
    """Every request counts, refused ones too; reset() starts again from zero."""
    server = make_waves_local()
    tts(server, text="Hi.")
    tts(server, headers={}, text="Hi.")  # refused: still seen
    requests.post(f"{server.base_url}/waves/v1/tts/live", json={}, headers=AUTH, timeout=TIMEOUT)
    requests.get(f"{server.base_url}/waves/v1/health", timeout=TIMEOUT)
    assert server.stats.requests(path_prefix="/waves/v1/tts") == 3
    assert server.stats.requests(path_prefix="/waves/v1/tts/live") == 1
    assert server.stats.requests() == 4
    server.stats.reset()
    assert server.stats.requests() == 0


def test_starting_the_tone_engine_loads_no_piper() -> None:
    """A tone (or auto) server starts without importing Piper or onnxruntime."""
    code = (
        "import sys, tempfile, pathlib\n"
        "from studio.local.server import LocalServer, ServerConfig\n"
        "for engine in ('tone', 'auto'):\n"
        "    d = pathlib.Path(tempfile.mkdtemp())\n"
        "    with LocalServer(ServerConfig(engine=engine, data_dir=d)) as s:\n"
        "        assert s.voices\n"
        "assert 'piper' not in sys.modules and 'onnxruntime' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr.decode()


def test_latency_ms_delays_every_synthesis(make_waves_local: Callable[..., LocalServer]) -> None:
    """--latency-ms holds back the first byte of HTTP, SSE and WebSocket syntheses."""
    server = make_waves_local(latency_ms=300)
    for call in (
        lambda: tts(server, text="Hi."),
        lambda: requests.post(
            f"{server.base_url}/waves/v1/tts/live",
            json={"text": "Hi.", "voice_id": "tone-alto"},
            headers=AUTH,
            timeout=TIMEOUT,
        ),
    ):
        started = time.monotonic()
        assert call().status_code == 200
        assert time.monotonic() - started >= 0.29
    with ws_connect(server) as ws:
        started = time.monotonic()
        ws.send(json.dumps({"text": "Hi.", "voice_id": "tone-alto"}))
        assert ws_turn(ws)[-1]["status"] == "complete"
        assert time.monotonic() - started >= 0.29


def test_the_default_data_folder_is_the_platform_one() -> None:
    """Without data_dir, dictionaries and clones go to the per-user waves-local folder."""
    folder = ServerConfig().resolved_data_dir()
    assert folder.name == "waves-local"
    assert folder == default_data_dir()
