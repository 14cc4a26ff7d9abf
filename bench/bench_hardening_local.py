"""waves-local under hostile bodies: server RSS after 300 MB body attempts vs its idle RSS.

Run: .venv/bin/python bench/bench_hardening_local.py

The server runs out of process (`python -m studio.local.cli --engine tone`), as the app's
child and a user's own waves-local do, so its RSS is its own (read from /proc). Each round,
interleaved: one 300 MB body with a Content-Length (refused from the header) and one sent
chunked (refused once it passes 1 MB), then a normal request; the figure is the server's RSS
after the round minus its RSS after a warm-up request. Goal (issue 18): within 50 MB.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk_bench"
BODY_MB = 300
ROUNDS = 3
GOAL_MB = 50.0
PIECE = b" " * (1024 * 1024)


def rss_mb(pid: int) -> float:
    """Resident set size of `pid` in MB (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) / 1024


def send_declared(port: int) -> str:
    """Headers announce 300 MB, then the body is pushed until the server stops reading."""
    head = (
        f"POST /waves/v1/tts HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {BODY_MB * len(PIECE)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for _ in range(BODY_MB):
                sock.sendall(PIECE)
        except OSError:
            pass  # refused and closed while we were still sending
        try:
            return sock.recv(64).split(b"\r\n")[0].decode()
        except OSError:
            return "closed"


def send_chunked(base_url: str) -> str:
    """300 MB with chunked transfer encoding (no length to refuse up front)."""
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    try:
        reply = requests.post(
            f"{base_url}/waves/v1/tts",
            data=(PIECE for _ in range(BODY_MB)),
            headers={**headers, "Accept": "audio/wav"},
            timeout=60,
        )
    except requests.ConnectionError:
        return "closed while sending"
    return str(reply.status_code)


def normal(base_url: str) -> None:
    body = {"text": "Hello.", "voice_id": "tone-alto", "sample_rate": 8000}
    headers = {"Authorization": f"Bearer {KEY}", "Accept": "audio/wav"}
    requests.post(
        f"{base_url}/waves/v1/tts", json=body, headers=headers, timeout=30
    ).raise_for_status()


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        command = [sys.executable, "-m", "studio.local.cli", "--engine", "tone", "--port", "0"]
        process = subprocess.Popen(
            [*command, "--api-key", KEY, "--data-dir", data_dir],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            base_url = line.removeprefix("listening on ")
            port = int(base_url.rsplit(":", 1)[1])
            normal(base_url)
            idle = rss_mb(process.pid)
            deltas = []
            for round_number in range(ROUNDS):
                declared = send_declared(port)
                chunked = send_chunked(base_url)
                normal(base_url)
                deltas.append(rss_mb(process.pid) - idle)
                print(f"round {round_number + 1}: declared -> {declared!r}, chunked -> {chunked}")
        finally:
            process.terminate()
            process.wait(10)
    print("machine: 2 cores shared with other engineers' jobs (figures are noisy)")
    print(
        f"server RSS growth after {BODY_MB} MB body attempts: min {min(deltas):.1f} / median "
        f"{statistics.median(deltas):.1f} / max {max(deltas):.1f} MB (idle {idle:.0f} MB); "
        f"goal <= {GOAL_MB:.0f} MB, ratio {max(deltas) / GOAL_MB:.2f}x of the goal"
    )


if __name__ == "__main__":
    main()
