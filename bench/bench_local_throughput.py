"""waves-local per-request cost against a bare FastAPI app on the same uvicorn (issue 19, 3).

Run: .venv/bin/python bench/bench_local_throughput.py [--seconds 4] [--rounds 3]

Both servers run out of process on 127.0.0.1 with the same uvicorn settings as waves-local
(h11, asyncio loop). waves-local runs as users run it (`python -m studio.local.cli --engine
tone`, default --max-concurrency); the bare app answers the same POST with a precomputed
body of the same size, so the difference is what waves-local adds per request (auth,
validation, synthesis, encoding, bookkeeping). CLIENTS threads each keep one connection
alive and send requests back to back for --seconds; rounds alternate bare / waves-local.
CPU per request is the server process's user+system time (/proc) over its requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from starlette.responses import Response
from waves_local import post_while

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk_bench"
CLIENTS = 8
BODY = {"text": "Hello there, how are you today?", "voice_id": "tone-alto"}
HEADERS = {
    "Authorization": f"Bearer {KEY}",
    "Content-Type": "application/json",
    "Accept": "audio/wav",
}
GOAL_RATIO = 0.5
GOAL_CPU_MS = 2.0


def bare_server(port_file: str, body_size: int) -> None:
    """The floor: FastAPI + the same uvicorn, one route returning `body_size` bytes."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    payload = bytes(body_size)

    @app.post("/waves/v1/tts")
    async def tts(request: Request) -> Response:
        json.loads(await request.body())
        return Response(payload, media_type="audio/wav")

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    Path(port_file).write_text(str(sock.getsockname()[1]))
    config = uvicorn.Config(
        app, http="h11", loop="asyncio", lifespan="off", log_config=None, access_log=False
    )
    uvicorn.Server(config).run(sockets=[sock])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(port: int, pid: int, seconds: float) -> tuple[float, float, int]:
    """(requests/s, server CPU ms per request, non-200 replies) with CLIENTS clients."""
    body = json.dumps(BODY).encode()
    counts = [0] * CLIENTS
    errors = [0] * CLIENTS
    start = threading.Barrier(CLIENTS + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        start.wait()
        post_while(
            port, body, HEADERS, lambda: time.perf_counter() < deadline[0], counts, errors, index
        )

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    cpu_before = cpu_seconds(pid)
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    done = sum(counts) + sum(errors)
    cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000 / max(done, 1)
    return sum(counts) / elapsed, cpu_ms, sum(errors)


def start(command: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)


def wav_size(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/waves/v1/tts", body=json.dumps(BODY).encode(), headers=HEADERS)
    reply = connection.getresponse()
    size = len(reply.read())
    connection.close()
    return size


def summary(values: list[float], digits: int = 1) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"min {low:7.{digits}f} / median {mid:7.{digits}f} / max {high:7.{digits}f}"


def report(
    results: dict[str, list[tuple[float, float, int]]], size: int, rounds: int, seconds: float
) -> None:
    """Print both servers' figures, then the two goals with their ratios."""
    print(
        f"waves-local vs a bare FastAPI app: {CLIENTS} keep-alive clients, {size} B WAV "
        f"replies, {rounds} interleaved rounds of {seconds:g} s"
    )
    print(
        f"machine: {os.cpu_count()} cores shared with other engineers' jobs (load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end); the clients run on it too"
    )
    for name, runs in results.items():
        rates = summary([r[0] for r in runs])
        cpu = summary([r[1] for r in runs], 2)
        errors = sum(r[2] for r in runs)
        print(f"  {name:<6} req/s {rates}   CPU ms/request {cpu}   non-200: {errors}")
    local = statistics.median(r[0] for r in results["local"])
    ratio = local / statistics.median(r[0] for r in results["bare"])
    verdict = "PASS" if ratio >= GOAL_RATIO else "MISS"
    print(f"waves-local / bare req/s (medians): {ratio:.2f}x   goal >= {GOAL_RATIO}x  {verdict}")
    cpu_ms = statistics.median(r[1] for r in results["local"])
    bare_cpu_ms = statistics.median(r[1] for r in results["bare"])
    print(
        f"CPU per request, bare / waves-local (medians): {bare_cpu_ms / cpu_ms:.2f}x   "
        f"({bare_cpu_ms:.2f} / {cpu_ms:.2f} ms; steadier than req/s on a shared machine)"
    )
    verdict = "PASS" if cpu_ms <= GOAL_CPU_MS else "MISS"
    print(
        f"waves-local CPU per tone request: {cpu_ms:.2f} ms   goal <= {GOAL_CPU_MS} ms  "
        f"ratio {cpu_ms / GOAL_CPU_MS:.2f}  {verdict}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bare-server", nargs=2, metavar=("PORT_FILE", "BODY_SIZE"))
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server[0], int(args.bare_server[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        local = start(
            [sys.executable, "-m", "studio.local.cli", "--engine", "tone", "--port", "0",
             "--api-key", KEY, "--data-dir", tmp]
        )  # fmt: skip
        assert local.stdout is not None
        local_port = int(local.stdout.readline().strip().rsplit(":", 1)[1])
        size = wav_size(local_port)
        port_file = Path(tmp) / "bare-port"
        bare = start([sys.executable, __file__, "--bare-server", str(port_file), str(size)])
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            bare_port = int(port_file.read_text())
            time.sleep(0.5)  # uvicorn accepting
            wav_size(bare_port)
            results: dict[str, list[tuple[float, float, int]]] = {"bare": [], "local": []}
            for _ in range(args.rounds):
                results["bare"].append(load(bare_port, bare.pid, args.seconds))
                results["local"].append(load(local_port, local.pid, args.seconds))
        finally:
            for process in (local, bare):
                process.terminate()
                process.wait(10)
    report(results, size, args.rounds, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
