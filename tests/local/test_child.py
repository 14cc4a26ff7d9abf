"""ChildServer: waves-local in a child process that reports its port and never outlives the app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import requests

from studio.local.child import ChildServer, server_command
from studio.local.config import ServerConfig
from tests.local.helpers import assert_child_dies_with, gone_within

pytestmark = pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open (Linux)")


def _voices(server: ChildServer) -> int:
    reply = requests.get(
        f"{server.base_url}/waves/v1/lightning-v3.1/get_voices",
        headers={"Authorization": f"Bearer {server.config.api_key}"},
        timeout=10,
    )
    reply.raise_for_status()
    return len(reply.json()["voices"])


def test_starts_on_a_free_port_with_its_own_token(tmp_path: Path) -> None:
    """The child reports its port; it serves with a random token and refuses any other."""
    server = ChildServer(ServerConfig(engine="tone", data_dir=tmp_path / "data"))
    try:
        server.start()
        assert server.base_url.startswith("http://127.0.0.1:") and server.pid != os.getpid()
        assert _voices(server) > 0
        assert str(server.config.api_key).startswith("sk_child_")
        assert str(server.config.api_key) not in " ".join(server.arguments())  # not in `ps`
        wrong = requests.get(
            f"{server.base_url}/waves/v1/lightning-v3.1/get_voices",
            headers={"Authorization": "Bearer sk_someone_else"},
            timeout=10,
        )
        assert wrong.status_code == 401
    finally:
        server.stop()
    assert not server.running


def test_a_crash_is_reported_and_a_stop_is_not(tmp_path: Path) -> None:
    """kill -9 of the child calls the exit callback with the status; stop() does not call it."""
    server = ChildServer(ServerConfig(engine="tone", data_dir=tmp_path / "data"))
    exits: list[int] = []
    crashed = threading.Event()

    def exited(_server: object, code: int) -> None:
        exits.append(code)
        crashed.set()

    server.watch_exit(exited)
    server.start()
    server.kill()
    assert crashed.wait(10) and exits == [-signal.SIGKILL]
    server.start()  # starts again, on a new port
    assert _voices(server) > 0
    pid = server.pid
    assert pid is not None
    server.stop()
    assert gone_within(pid, 5) and exits == [-signal.SIGKILL]


def test_outlives_the_thread_that_started_it(tmp_path: Path) -> None:
    """PR_SET_PDEATHSIG follows the forking thread: a pool thread's end must not kill it."""
    server = ChildServer(ServerConfig(engine="tone", data_dir=tmp_path / "data"))
    starter = threading.Thread(target=server.start)
    starter.start()
    starter.join()
    try:
        assert server.pid is not None and not gone_within(server.pid, 0.5)
        assert _voices(server) > 0
    finally:
        server.stop()


def test_stdin_eof_stops_a_watching_server(tmp_path: Path) -> None:
    """`waves-local --parent-watch` exits within about a second once stdin closes."""
    process = subprocess.Popen(
        [*server_command(frozen=False), "--port", "0", "--engine", "tone",
         "--data-dir", str(tmp_path), "--parent-watch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline().startswith(b"listening on ")
        process.stdin.close()
        assert process.wait(timeout=3) == 0
    finally:
        process.kill()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()


APP = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from studio.local.child import ChildServer
    from studio.local.config import ServerConfig
    server = ChildServer(ServerConfig(engine="tone", data_dir=Path(sys.argv[1])))
    server.start()
    print(server.pid, flush=True)
    threading.Event().wait()
    """
)


@pytest.mark.slow
def test_no_orphan_after_the_app_is_killed(tmp_path: Path) -> None:
    """kill -9 of the process that started the child: the child is gone within two seconds."""
    app = subprocess.Popen(
        [sys.executable, "-c", APP, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert_child_dies_with(app)
    finally:
        app.kill()
        app.communicate()


def test_the_app_command_runs_it_as_the_frozen_build_does(tmp_path: Path) -> None:
    """`<app> local-server ...` (the frozen build's own executable) serves the same way."""
    assert server_command(frozen=True) == [sys.executable, "local-server"]
    server = ChildServer(
        ServerConfig(engine="tone", data_dir=tmp_path / "data"),
        command=[sys.executable, "-m", "studio", "local-server"],
        log_file=tmp_path / "logs" / "waves-local.log",
    )
    try:
        server.start()
        assert _voices(server) > 0
    finally:
        server.stop()
    assert (tmp_path / "logs" / "waves-local.log").exists()


def test_its_log_is_rotated_not_grown_forever(tmp_path: Path) -> None:
    """A log past LOG_LIMIT_BYTES is moved to .1 (one copy kept) when the child starts."""
    from studio.local.child import LOG_LIMIT_BYTES

    log = tmp_path / "waves-local.log"
    log.write_bytes(b"x" * (LOG_LIMIT_BYTES + 1))
    server = ChildServer(ServerConfig(engine="tone", data_dir=tmp_path / "data"), log_file=log)
    try:
        server.start()
    finally:
        server.stop()
    assert (tmp_path / "waves-local.log.1").stat().st_size == LOG_LIMIT_BYTES + 1
    assert log.stat().st_size < LOG_LIMIT_BYTES
