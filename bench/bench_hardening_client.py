"""Client memory against a server that never stops sending: the render command's peak RSS.

    .venv/bin/python bench/bench_hardening_client.py [--runs 3]

Each run is a fresh `waves-studio render` process (the path a user runs) against a raw-socket
server whose reply never ends (HTTP body, SSE frames, WebSocket messages), next to a baseline
run against a server that refuses at once (same imports, no body). Runs are interleaved.
Goal (issue 18, item 7): peak RSS stays under baseline + the reply cap + 100 MB, and the
command fails with "the server sent more than N MB".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.core.contract import RESPONSE_MAX_BYTES  # noqa: E402
from tests.api import hostile as h  # noqa: E402

MB = 1024 * 1024
# The child renders, then reports its own peak RSS (ru_maxrss is in KiB on Linux).
CHILD = """
import resource, sys
from studio.cli import main
code = main(sys.argv[1:])
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "EXIT", code)
"""


def run_once(base_url: str, mode: str, folder: Path) -> tuple[float, str]:
    """Peak RSS (MB) of one render process, and what it printed to stderr."""
    env = {**os.environ, "SMALLEST_API_KEY": "sk_bench_hostile", "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = str(ROOT)
    args = ["--profile", str(folder / "p"), "render", "--base-url", base_url, "--voice", "v"]
    args += ["--text", "Hi.", "--stream", mode, "--out", str(folder / "x.pcm")]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("PEAK_KB"))
    return int(line.split()[1]) / 1024, done.stderr.strip()


def main() -> None:
    """Interleave baseline and endless runs per transport; print peaks against the goal."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    refuse = h.HostileServer(h.error_json(400, {"message": "no"}))
    endless = h.HostileServer(h.endless_by_route)
    results: dict[str, list[float]] = {}
    messages: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(runs):
                for mode in ("none", "sse", "ws"):
                    base, _ = run_once(refuse.base_url, mode, Path(tmp))
                    peak, err = run_once(endless.base_url, mode, Path(tmp))
                    results.setdefault(f"baseline {mode}", []).append(base)
                    results.setdefault(f"endless {mode}", []).append(peak)
                    messages[mode] = err
    finally:
        refuse.close()
        endless.close()
    cap_mb = RESPONSE_MAX_BYTES / MB
    print(f"reply cap {cap_mb:.0f} MB; machine shared with other engineers (figures are noisy)")
    print(f"{'run':<14} {'min':>7} {'median':>7} {'max':>7}   goal")
    for mode in ("none", "sse", "ws"):
        base = statistics.median(results[f"baseline {mode}"])
        goal = base + cap_mb + 100
        for name in (f"baseline {mode}", f"endless {mode}"):
            v = results[name]
            ok = (
                ""
                if name.startswith("baseline")
                else (
                    f"<= {goal:.0f} MB (baseline + cap + 100): {max(v) / goal:.2f}x of goal, "
                    + ("OK" if max(v) <= goal else "OVER")
                )
            )
            print(
                f"{name:<14} {min(v):>6.0f}M {statistics.median(v):>6.0f}M {max(v):>6.0f}M   {ok}"
            )
        print(f"  message: {json.dumps(messages[mode])[:160]}")


if __name__ == "__main__":
    main()
