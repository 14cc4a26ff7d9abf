"""Audio benchmarks: decode speed per format, waveform peaks, and the player's callback time.

    .venv/bin/python bench/bench_audio.py             # uses the sound server it finds
    .venv/bin/python bench/bench_audio.py --own-pulse # starts a private PulseAudio null sink

Each line prints the figure, its goal, the ratio figure/goal (>= 1 is good for speeds,
<= 1 for times) and PASS or MISS. Decoding runs pinned to one CPU core. The callback line
streams a clip through AudioPlayer while parec records the sink's monitor (which also keeps
a null sink running in small steps) and reports the slowest of all PortAudio callbacks,
measured inside the callback into a preallocated array.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pulse import private_pulse  # bench/pulse.py (this folder is on sys.path)

from studio.audio import codecs
from studio.audio.decode import StreamDecoder, decode
from studio.audio.peaks import PeakBuilder

RATE = 24000
CLIP_S = 60.0
DECODE_GOALS = {"pcm": 2000.0, "wav": 2000.0, "ulaw": 2000.0, "alaw": 2000.0, "mp3": 200.0}


def report(name: str, figure: str, goal: str, ratio: float, ok: bool) -> None:
    """One result line."""
    print(
        f"{name:<34} {figure:>22}   goal {goal:<12} ratio {ratio:7.2f}   {'PASS' if ok else 'MISS'}"
    )


def best_time(action: object, repeats: int = 5) -> float:
    """The fastest of `repeats` runs of `action()`, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def bench_decode() -> None:
    """Decode a minute of speech-like audio in each format, whole and in 4 KiB chunks."""
    rng = np.random.default_rng(0)
    clip = 0.3 * np.convolve(rng.standard_normal(int(CLIP_S * RATE)), np.ones(8) / 8, "same")
    clip = clip.astype(np.float32)
    for fmt, goal in DECODE_GOALS.items():
        data = codecs.encode(clip, fmt, RATE)
        speed = CLIP_S / best_time(lambda data=data, fmt=fmt: decode(data, fmt, RATE))
        report(
            f"decode {fmt} (one-shot)",
            f"{speed:,.0f}x real time",
            f">= {goal:,.0f}x",
            speed / goal,
            speed >= goal,
        )

        def streamed(data: bytes = data, fmt: str = fmt) -> None:
            decoder = StreamDecoder(fmt, RATE)
            for at in range(0, len(data), 4096):
                decoder.feed(data[at : at + 4096])
            decoder.finish()

        speed = CLIP_S / best_time(streamed, 3)
        report(
            f"decode {fmt} (4 KiB chunks)",
            f"{speed:,.0f}x real time",
            f">= {goal:,.0f}x",
            speed / goal,
            speed >= goal,
        )


MP3_STREAM_GOAL = 1500.0  # issue 19 part 5: the app's incremental MP3 path at 44.1 kHz


def bench_mp3_stream(runs: int = 7) -> None:
    """The app's streaming MP3 path at 44.1 kHz, fed 4 KiB chunks; min/median/max of runs.

    StreamDecoder is what the render pipeline feeds with each network chunk. Each run decodes
    the same minute; the figure is real time divided by the run's wall time, on one core.
    """
    rate = 44100
    rng = np.random.default_rng(0)
    clip = 0.3 * np.convolve(rng.standard_normal(int(CLIP_S * rate)), np.ones(8) / 8, "same")
    data = codecs.mp3_bytes(clip.astype(np.float32), rate)

    def streamed() -> None:
        decoder = StreamDecoder("mp3", rate)
        for at in range(0, len(data), 4096):
            decoder.feed(data[at : at + 4096])
        decoder.finish()

    speeds = []
    for _ in range(runs):
        start = time.perf_counter()
        streamed()
        speeds.append(CLIP_S / (time.perf_counter() - start))
    speeds.sort()
    low, mid, high = speeds[0], speeds[len(speeds) // 2], speeds[-1]
    report(
        "decode mp3 44.1k stream 4 KiB",
        f"{mid:,.0f}x (min {low:,.0f}, max {high:,.0f})",
        f">= {MP3_STREAM_GOAL:,.0f}x",
        mid / MP3_STREAM_GOAL,
        mid >= MP3_STREAM_GOAL,
    )


def bench_peaks() -> None:
    """An hour of audio: adding it in 100 ms pieces, then drawing 1000 columns."""
    builder = PeakBuilder(RATE)
    piece = np.random.default_rng(1).uniform(-1, 1, RATE // 10).astype(np.float32)
    start = time.perf_counter()
    for _ in range(36000):
        builder.add(piece)
    per_add_ms = (time.perf_counter() - start) / 36000 * 1000
    report(
        "peaks add 100 ms (1 h clip)",
        f"{per_add_ms:.3f} ms",
        "< 1 ms",
        per_add_ms / 1,
        per_add_ms < 1,
    )
    query_ms = best_time(lambda: builder.peaks(1000), 20) * 1000
    report("peaks 1000 columns of 1 h", f"{query_ms:.3f} ms", "< 5 ms", query_ms / 5, query_ms < 5)
    zoom_ms = best_time(lambda: builder.peaks(1000, 1800.0, 1801.0), 20) * 1000
    report("peaks 1000 columns of 1 s", f"{zoom_ms:.3f} ms", "< 5 ms", zoom_ms / 5, zoom_ms < 5)


def bench_callback() -> None:
    """Stream 5 s in 100 ms chunks from a thread; report the slowest callback."""
    from studio.audio.player import AudioPlayer, PlaybackState

    if not AudioPlayer.list_devices():
        print("callback timing                    SKIP: no sound output (try --own-pulse)")
        return
    monitor = os.environ.get("PULSE_SINK", "studio_null") + ".monitor"
    recorder = subprocess.Popen(
        ["parec", f"--device={monitor}", "--latency-msec=10"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    player = AudioPlayer()
    player.begin_stream(RATE)
    player.output.timings = np.zeros(100_000)
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(5 * RATE) / RATE)).astype(np.float32)

    def network() -> None:
        for part in np.array_split(tone, 50):
            player.feed(part)
            time.sleep(0.06)
        player.end_stream()

    started = time.perf_counter()
    worker = threading.Thread(target=network)
    worker.start()
    while player.state is not PlaybackState.FINISHED and time.perf_counter() - started < 20:
        time.sleep(0.05)
    worker.join()
    count = player.output.timing_count
    timings = player.output.timings[:count] * 1000
    period_ms = player.output.timing_frames / player.output.rate * 1000
    underruns = player.underruns
    player.close()
    recorder.terminate()
    recorder.wait(10)
    worst, p99 = float(timings.max()), float(np.percentile(timings, 99))
    report("callback worst (streaming)", f"{worst:.3f} ms", "< 1 ms", worst, worst < 1)
    print(
        f"{'':<34} p99 {p99:.3f} ms over {count} callbacks; callback period {period_ms:.1f} ms; "
        f"underruns {underruns}"
    )


def main() -> None:
    """Run every benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--own-pulse", action="store_true", help="start a private PulseAudio")
    args = parser.parse_args()
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})  # decoding figures are for one core
    bench_decode()
    bench_mp3_stream()
    bench_peaks()
    os.sched_setaffinity(0, cores)
    with private_pulse() if args.own_pulse else contextlib.nullcontext():
        bench_callback()


if __name__ == "__main__":
    main()
