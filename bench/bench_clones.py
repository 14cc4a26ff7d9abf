"""Voice-clone benchmarks: sample checks, the upload round trip, and the recorder's meter rate.

    .venv/bin/python bench/bench_clones.py             # uses the sound server it finds
    .venv/bin/python bench/bench_clones.py --own-pulse # starts a private PulseAudio null sink

Each line prints min/median/max, the goal and the ratio median/goal (<= 1 is good for times,
>= 1 for rates). Runs of the check and the upload are interleaved so a busy machine hits both.
The check runs on a 15 s waves-local Piper render (what a good sample looks like); the upload
is the app's path: encode to WAV, multipart POST to an embedded waves-local (tone engine).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pulse import private_pulse  # bench/pulse.py (this folder is on sys.path)

from studio.api.client import WavesClient
from studio.api.clones import CloneSpec, create_clone
from studio.audio.record import Recorder
from studio.audio.sample_check import check_sample, encode_for_upload
from studio.local.engines.piper_engine import PiperEngine
from studio.local.server import LocalServer, ServerConfig

RATE = 22050
CHECK_GOAL_S = 1.0  # the checklist should appear within a second of a take
UPLOAD_GOAL_S = 0.5  # encode + upload + create on loopback
METER_GOAL = 20.0  # meter values a second


def line(name: str, values: list[float], goal: float, unit: str, higher_is_better: bool) -> None:
    """One result line: min/median/max, goal, ratio and PASS/MISS."""
    median = statistics.median(values)
    ratio = median / goal
    ok = ratio >= 1 if higher_is_better else ratio <= 1
    figure = f"{min(values):.3f}/{median:.3f}/{max(values):.3f} {unit}"
    print(f"{name:<30} {figure:>28}   goal {goal:g} {unit:<4} ratio {ratio:6.2f}   "
          f"{'PASS' if ok else 'MISS'}")  # fmt: skip


def speech_15s() -> np.ndarray:
    """15 s of Piper speech (a few sentences, repeated as needed)."""
    text = ("The birch canoe slid on the smooth planks. Glue the sheet to the dark blue "
            "background. It's easy to tell the depth of a well.")  # fmt: skip
    samples, rate = PiperEngine().synthesize(text, "joe", 1.0, RATE)
    assert rate == RATE
    return np.tile(samples, int(np.ceil(15 * RATE / len(samples))))[: 15 * RATE]


def meter_rate(seconds: float = 2.0) -> float:
    """Meter values a second from the real recorder on the default input."""
    recorder = Recorder(max_seconds=seconds)
    recorder.start()
    recorder.finished.wait(seconds + 5)
    recording = recorder.stop()
    return len(recorder.meter_values()) / max(recording.duration_s, 1e-9)


def main() -> None:
    """Run the benchmarks (5 interleaved rounds)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--own-pulse", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("Figures on a shared, loaded machine: compare ratios, not absolute times.")
    sample = speech_15s()
    checks: list[float] = []
    uploads: list[float] = []
    with (
        tempfile.TemporaryDirectory() as data_dir,
        LocalServer(
            ServerConfig(engine="tone", api_key="sk_bench", data_dir=Path(data_dir))
        ) as server,
    ):
        client = WavesClient(server.base_url, "sk_bench")
        for _ in range(args.rounds):
            start = time.perf_counter()
            check_sample(sample, RATE)
            checks.append(time.perf_counter() - start)
            start = time.perf_counter()
            data, mime, ext = encode_for_upload(sample, RATE)
            create_clone(client, CloneSpec("Bench"), data, mime, f"bench{ext}")
            uploads.append(time.perf_counter() - start)
        client.close()
    line("check_sample, 15 s speech", checks, CHECK_GOAL_S, "s", False)
    line("encode + upload + create", uploads, UPLOAD_GOAL_S, "s", False)
    pulse = private_pulse() if args.own_pulse else contextlib.nullcontext()
    with pulse:
        if args.own_pulse:
            subprocess.run(["pactl", "set-default-source", "studio_null.monitor"], check=True)
        rates = [meter_rate() for _ in range(3)]
    line("recorder meter values", rates, METER_GOAL, "/s", True)


if __name__ == "__main__":
    main()
