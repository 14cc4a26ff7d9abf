"""Project export benchmark: `waves-studio project export` of a one-hour project (the command's
own path, end to end; studio.project_export is also what File → Export… runs). The import of a
1 MB script is measured by bench/bench_project_import.py.

    .venv/bin/python bench/bench_project_export.py [--runs 3] [--minutes 60]

The project holds 450 segments of 8 s speech-like takes at 24 kHz (stored as FLAC in the
.wavesproj, as a render leaves them) with 0.5 s paragraph pauses, in 10 chapters. Each export
is a fresh subprocess running the command (so its peak RSS, ru_maxrss, is its own): the takes
are read out of the file, the mix streamed to disk; the variants are interleaved run by run.
Goals (issue 16): RSS < 300 MB, WAV <= 20 s for one hour.
"""

from __future__ import annotations

import argparse
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

TAKE_S, RATE = 8.0, 24000
GOALS = {"wav": 20.0, "wav+srt+chapters": 20.0}
VARIANTS = {
    "wav": [],
    "wav+srt+chapters": ["--subtitles", "srt,vtt", "--chapters"],
    "mp3 per chapter": ["--format", "mp3", "--split", "chapter"],
}
RSS_GOAL_MB = 300.0


def _takes(count: int = 12) -> list[np.ndarray]:
    """Speech-like takes: voiced harmonics under a syllable envelope, quantised to 16 bits."""
    rng = np.random.default_rng(0)
    t = np.arange(int(TAKE_S * RATE)) / RATE
    out = []
    for i in range(count):
        env = np.maximum(0.0, np.sin(2 * np.pi * 3.5 * t + i)) ** 2
        voice = sum(
            np.sin(2 * np.pi * (110 + 10 * i) * k * t + rng.uniform(0, 6)) / k for k in range(1, 8)
        )
        x = (0.1 * env * voice).astype(np.float32)
        out.append(np.round(x * 32767) / 32768)
    return out


def make_project(path: Path, minutes: float) -> int:
    """A rendered project of `minutes` of takes; returns its segment count."""
    from studio.core.project import SegmentTake
    from studio.core.project_build import project_from_script
    from studio.core.project_ops import add_take
    from studio.core.project_state import segment_key
    from studio.core.script_import import import_text
    from studio.store.project_file import ProjectFile

    count = round(minutes * 60 / (TAKE_S + 0.5))
    chapters = "\n\n".join(
        f"# Chapter {c + 1}\n\n"
        + "\n\n".join(f"Paragraph {c}-{n} of the long book." for n in range(count // 10))
        for c in range(10)
    )
    project = project_from_script(import_text(chapters, "markdown"), "Book", voice_id="v")
    takes = _takes()
    with ProjectFile.create(path, project) as file:
        for n, (block, segment) in enumerate(
            (b, s) for b in project.blocks for s in b.segments if s.text
        ):
            take_id = f"take{n}"
            file.put_audio(take_id, takes[n % len(takes)], RATE)
            key = segment_key(project, block, segment)
            take = SegmentTake(take_id, key, segment.text, TAKE_S, RATE)
            project = add_take(project, segment.segment_id, take)
        file.save(project)
    return len(project.segments())


def child(args: argparse.Namespace) -> None:
    """One export in this process (the command's main); prints JSON with seconds and RSS."""
    from studio.cli import main as cli

    out = Path(args.folder) / f"out-{args.index}"
    argv = ["project", "export", str(Path(args.folder) / "book.wavesproj"), "--out", str(out)]
    start = time.perf_counter()
    code = cli([*argv, *VARIANTS[args.variant]])
    seconds = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"export failed with {code}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"s": seconds, "rss": rss_mb}))


def main() -> None:
    """Parent: make the project, run interleaved children, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--folder")
    parser.add_argument("--variant")
    parser.add_argument("--index", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        segments = make_project(Path(folder) / "book.wavesproj", args.minutes)
        built = time.perf_counter() - start
        index = 0
        for _ in range(args.runs):
            for variant in VARIANTS:
                index += 1
                command = [sys.executable, __file__, "--child", "--folder", folder,
                           "--variant", variant, "--index", str(index)]  # fmt: skip
                out = subprocess.run(command, check=True, capture_output=True, text=True)
                results[variant].append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(
            f"project export of {args.minutes:g} min ({segments} segments, built in {built:.0f} s),"
            f" {args.runs} interleaved runs (min/median/max); machine shared with other jobs"
        )
        print_variants(results, GOALS, RSS_GOAL_MB, 18)


if __name__ == "__main__":
    main()
