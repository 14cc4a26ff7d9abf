"""waves-local out of process for benches (`python -m studio.local.cli`), as users run it."""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Running:
    """A waves-local process that is listening.

    Attributes:
        base_url: `http://127.0.0.1:PORT`.
        ws_url: `ws://127.0.0.1:PORT`.
        pid: The server process (for its RSS and CPU time in /proc).
    """

    base_url: str
    ws_url: str
    pid: int


@contextlib.contextmanager
def waves_local(*options: str, timeout_s: float = 60.0) -> Iterator[Running]:
    """Start waves-local on a free loopback port with `options`; stop it (SIGTERM) on exit."""
    with tempfile.TemporaryDirectory(prefix="bench-waves-local-") as data:
        command = [sys.executable, "-m", "studio.local.cli", "--port", "0", "--data-dir", data]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [*command, *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env=env,
        )
        try:
            assert server.stdout is not None
            line = _first_line(server, timeout_s)
            if not line.startswith("listening on "):
                raise SystemExit(f"waves-local did not start: {line!r}")
            base_url = line.split()[-1]
            yield Running(base_url, "ws" + base_url.removeprefix("http"), server.pid)
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _first_line(server: subprocess.Popen[str], timeout_s: float) -> str:
    """The server's first stdout line ("listening on URL"), or why there is none."""
    import selectors

    assert server.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(server.stdout, selectors.EVENT_READ)
        if not selector.select(timeout_s):
            raise SystemExit(f"waves-local printed nothing in {timeout_s:.0f} s")
    return server.stdout.readline().strip()


def post_while(
    port: int,
    body: bytes,
    headers: Mapping[str, str],
    more: Callable[[], bool],
    counts: list[int],
    errors: list[int],
    index: int,
) -> None:
    """One load client: POST /waves/v1/tts on one kept-alive connection while `more()`.

    Counts 200 replies in `counts[index]` and any other status in `errors[index]`.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while more():
        connection.request("POST", "/waves/v1/tts", body=body, headers=dict(headers))
        reply = connection.getresponse()
        reply.read()
        if reply.status == 200:
            counts[index] += 1
        else:
            errors[index] += 1
    connection.close()
