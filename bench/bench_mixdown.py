"""Mixdown benchmark: a one-hour project mixed to WAV (and FLAC, and WAV at -16 LUFS), and a 1 MB
script import.

    .venv/bin/python bench/bench_mixdown.py [--runs 3] [--minutes 60]

The mix is what export does: 450 takes (8 s WAV files at 24 kHz, as the app keeps them, 12
distinct ones cycled) with 0.5 s pauses, resampled to 44.1 kHz, 10 ms equal-power joins.
Each run is a fresh subprocess, so its peak RSS (ru_maxrss) is its own; the variants are
interleaved run by run. Prints min/median/max beside the goals (RSS < 300 MB; WAV <= 20 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import print_variants

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.audio import codecs  # noqa: E402

TAKE_S, PAUSE_S, RATE = 8.0, 0.5, 24000
GOALS = {"wav": 20.0}
RSS_GOAL_MB = 300.0


def make_takes(folder: Path, count: int = 12) -> list[Path]:
    """Speech-like takes: voiced harmonics under a syllable envelope, some silence at the ends."""
    rng = np.random.default_rng(0)
    t = np.arange(int(TAKE_S * RATE)) / RATE
    paths = []
    for i in range(count):
        env = np.maximum(0.0, np.sin(2 * np.pi * 3.5 * t + i)) ** 2
        voice = sum(
            np.sin(2 * np.pi * (110 + 10 * i) * k * t + rng.uniform(0, 6)) / k for k in range(1, 8)
        )
        path = folder / f"take{i}.wav"
        path.write_bytes(codecs.wav_bytes((0.1 * env * voice).astype(np.float32), RATE))
        paths.append(path)
    return paths


def child(args: argparse.Namespace) -> None:
    """One mix in this process; prints JSON with seconds and peak RSS."""
    from studio.audio.mixdown import MixOptions, Part, mixdown

    takes = sorted(Path(args.folder).glob("take*.wav"))
    count = round(args.minutes * 60 / (TAKE_S + PAUSE_S))
    parts = [Part(takes[i % len(takes)], pause_after_s=PAUSE_S) for i in range(count)]
    target = -16.0 if args.variant == "wav_lufs" else None
    fmt = "flac" if args.variant == "flac" else "wav"
    out = Path(args.folder) / f"mix-{args.variant}.{fmt}"
    start = time.perf_counter()
    result = mixdown(parts, out, MixOptions(fmt, 44100, target_lufs=target, overwrite=True))
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.unlink()
    print(json.dumps({"s": seconds, "rss": rss_mb, "audio_s": result.frames / 44100}))


def bench_import() -> None:
    """Import 1 MB of Markdown, text and SubRip (best of 3 each); goal <= 2 s."""
    from studio.core.script_import import import_text

    samples = {"markdown": "two-voices.md", "text": "two-voices.md", "srt": "harbour-tour.srt"}
    for kind, name in samples.items():
        sample = (ROOT / "examples" / "scripts" / name).read_text(encoding="utf-8")
        repeats = 1_000_000 // len(sample) + 1
        if kind == "srt":  # renumber and shift the cues so the file stays valid
            text = "\n".join(_shifted_srt(sample, k * 60) for k in range(repeats))
        else:
            text = (sample + "\n") * repeats
        data = text.encode()
        times = []
        for _ in range(3):
            start = time.perf_counter()
            script = import_text(data, kind)
            times.append(time.perf_counter() - start)
        best = min(times)
        print(
            f"{'import 1 MB ' + kind:<26} {best:8.2f} s  goal <= 2.0 s  ratio {best / 2.0:5.2f}  "
            f"({len(data) / 1e6:.2f} MB, {len(script.paragraphs)} paragraphs)"
        )


def _shifted_srt(sample: str, offset_s: int) -> str:
    import srt

    subs = list(srt.parse(sample))
    for sub in subs:
        sub.start += dt.timedelta(seconds=offset_s)
        sub.end += dt.timedelta(seconds=offset_s)
    return str(srt.compose(subs, reindex=False))


def main() -> None:
    """Parent: make the takes, run interleaved children, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--folder")
    parser.add_argument("--variant")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    variants = ["wav", "flac", "wav_lufs"]
    results: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as folder:
        make_takes(Path(folder))
        for _ in range(args.runs):
            for variant in variants:
                command = [sys.executable, __file__, "--child", "--folder", folder,
                           "--variant", variant, "--minutes", str(args.minutes)]  # fmt: skip
                out = subprocess.run(command, check=True, capture_output=True, text=True)
                results[variant].append(json.loads(out.stdout))
    print(f"mix of {args.minutes:g} min at 44.1 kHz, {args.runs} interleaved runs (min/median/max)")
    print_variants(results, GOALS, RSS_GOAL_MB, 10)
    bench_import()


if __name__ == "__main__":
    main()
