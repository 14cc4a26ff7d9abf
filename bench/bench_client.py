"""Our Waves client against the official smallestai SDK, on one waves-local with 150 ms latency.

    .venv/bin/python bench/bench_client.py [--requests 50]

Prints p50/p95 of time to the first audio chunk (ours over SSE and WebSocket vs the SDK's
WebSocket client) and of total time (ours over HTTP vs the SDK's synthesize_tts), as ratios,
plus open sockets after the run. Goals (issue "studio.api"): our p50 time-to-first-audio is at
most the SDK's and within 20 ms of the injected latency; no sockets leak (what stays open is
only the keep-alive pools: up to 4 HTTP and 4 idle WebSocket connections).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["SMALLESTAI_TELEMETRY"] = "0"
warnings.filterwarnings("ignore", category=DeprecationWarning)  # the SDK's websockets imports

from studio.api.client import WavesClient  # noqa: E402
from studio.core.models import SynthesisRequest  # noqa: E402
from studio.local.config import ServerConfig  # noqa: E402
from studio.local.server import LocalServer  # noqa: E402

KEY = "sk_bench_key"
LATENCY_MS = 150
TEXT = "The quick brown fox jumps over the lazy dog, then naps in the warm afternoon sun."
VOICE = "tone-alto"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def measure(n: int, run: Callable[[], tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Run `n` times; each run returns (seconds to first chunk, seconds in total)."""
    firsts, totals = [], []
    for _ in range(n):
        first, total = run()
        firsts.append(first * 1000)
        totals.append(total * 1000)
    return firsts, totals


def ours(client: WavesClient, mode: str) -> Callable[[], tuple[float, float]]:
    """One render with our client; timings of the first chunk and of the end."""

    def run() -> tuple[float, float]:
        request = SynthesisRequest(TEXT, VOICE, sample_rate=24000)
        start = time.perf_counter()
        first = 0.0
        for chunk in client.stream(request, mode, fallback=False):
            if chunk.index == 0:
                first = time.perf_counter() - start
        return first, time.perf_counter() - start

    return run


def sdk_runs(server: LocalServer) -> tuple[Callable[[], tuple[float, float]], ...]:
    """The SDK's synthesize_tts and its typed WebSocket client."""
    import base64

    import httpx
    from smallestai import SmallestAI, SmallestAIEnvironment
    from smallestai.waves.tts.types import TtsRequestMessage

    environment = SmallestAIEnvironment(
        waves=server.base_url,
        waves_ws=server.ws_url,
        atoms=f"{server.base_url}/atoms/v1",
        payment=server.base_url,
    )
    http = httpx.Client(timeout=30)
    sdk = SmallestAI(api_key=KEY, environment=environment, httpx_client=http)

    def http_run() -> tuple[float, float]:
        start = time.perf_counter()
        first = 0.0
        for chunk in sdk.waves.synthesize_tts(
            text=TEXT, voice_id=VOICE, sample_rate=24000, output_format="pcm"
        ):
            if not first and chunk:
                first = time.perf_counter() - start
        return first, time.perf_counter() - start

    def ws_run() -> tuple[float, float]:
        start = time.perf_counter()
        first = 0.0
        with sdk.waves.tts.connect() as sock:
            sock.synthesize_streaming_tts(
                TtsRequestMessage(text=TEXT, voice_id=VOICE, sample_rate=24000)
            )
            while True:
                message = sock.recv()
                if message.status != "chunk":
                    break
                if not first and base64.b64decode(message.data.audio):
                    first = time.perf_counter() - start
        return first, time.perf_counter() - start

    return http_run, ws_run


def open_sockets() -> int:
    """TCP sockets this process holds open (Linux /proc)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            continue
    return count


def row(name: str, figure: float, goal: str, ok: bool, ratio: str = "") -> None:
    """One line of the report."""
    print(f"{name:<46} {figure:>9.1f} ms   goal {goal:<26} {ratio:<14} {'PASS' if ok else 'MISS'}")


def main() -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    n = parser.parse_args().requests
    config = ServerConfig(
        engine="tone",
        api_key=KEY,
        data_dir=Path(tempfile.mkdtemp()),
        latency_ms=LATENCY_MS,
        max_concurrency=8,
    )
    with LocalServer(config) as server:
        client = WavesClient(server.base_url, KEY)
        ours(client, "none")()  # warm the pool, as a running app has
        sockets_before = open_sockets()
        results = {
            "ours SSE": measure(n, ours(client, "sse")),
            "ours WebSocket": measure(n, ours(client, "ws")),
            "ours HTTP": measure(n, ours(client, "none")),
        }
        sockets_after = open_sockets()
        sdk_http, sdk_ws = sdk_runs(server)
        results["SDK synthesize_tts"] = measure(n, sdk_http)
        results["SDK tts.connect() WebSocket"] = measure(n, sdk_ws)
        client.close()
    print(
        f"{n} requests each, waves-local tone engine, {LATENCY_MS} ms injected first-byte latency"
    )
    print(f"{'':<46} {'p50':>9}      {'p95':>9}")
    for name, (firsts, totals) in results.items():
        for label, values in (("first chunk", firsts), ("total", totals)):
            p50, p95 = percentile(values, 50), percentile(values, 95)
            print(f"{name + ' ' + label:<46} {p50:>9.1f} ms {p95:>9.1f} ms")
    print()
    sdk_first = percentile(results["SDK tts.connect() WebSocket"][0], 50)
    for name in ("ours SSE", "ours WebSocket"):
        p50 = percentile(results[name][0], 50)
        row(
            f"{name} p50 first chunk vs SDK WebSocket",
            p50,
            "<= SDK (ratio <= 1.00)",
            p50 <= sdk_first,
            f"ratio {p50 / sdk_first:.2f}",
        )
        row(
            f"{name} p50 first chunk vs injected latency",
            p50,
            f"<= {LATENCY_MS + 20} ms",
            p50 <= LATENCY_MS + 20,
            f"+{p50 - LATENCY_MS:.1f} ms",
        )
    ours_total = percentile(results["ours HTTP"][1], 50)
    sdk_total = percentile(results["SDK synthesize_tts"][1], 50)
    print(
        f"{'ours HTTP p50 total vs SDK synthesize_tts':<46} {ours_total:>9.1f} ms   "
        f"ratio {ours_total / sdk_total:.2f} (reported; the issue sets no goal)"
    )
    kept = sockets_after - sockets_before
    print(
        f"{'sockets still open after ' + str(3 * n) + ' renders':<46} {kept:>9d}      "
        f"goal <= pooled (4 HTTP + 4 WS)    {'PASS' if kept <= 8 else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
