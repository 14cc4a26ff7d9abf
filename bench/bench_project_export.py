"""Project export benchmark: File → Export… of a long project to WAV + SRT, on the path the
window takes (studio.audio.project_export with the project file's takes).

Run: .venv/bin/python bench/bench_project_export.py [--minutes M] [--runs N]

A project of 6-second takes (speech-like noise bursts at 24 kHz, FLAC in the project file) is
built once; each run exports it in a fresh child process (mixed WAV at 44.1 kHz, SRT, chapters
list) and reports the wall time and the child's peak RSS. min / median / max over the runs.
The issue's goals for a 1-hour project: ≤ 20 s for WAV, RSS under 300 MB. The machine may be
shared: compare medians, and say so beside any figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_GOAL_S = 20.0
RSS_GOAL_MB = 300.0
TAKE_S = 6.0
RATE = 24000

CHILD = """
import json, resource, sys, time
from pathlib import Path
from studio.audio.mixdown import MixOptions
from studio.audio.project_export import ProjectExport, export_project
from studio.store.project_file import ProjectFile
path, out = Path(sys.argv[1]), Path(sys.argv[2])
file = ProjectFile.open(path)
request = ProjectExport(out, "Bench", MixOptions("wav", 44100), subtitles=("srt",))
start = time.perf_counter()
export_project(file.project, file.read_audio, request)
seconds = time.perf_counter() - start
file.close()
import soundfile
audio_s = soundfile.info(out / "Bench.wav").duration
import soundfile
assert soundfile.info(out / "Bench.wav").duration > 0.99 * len(file.project.segments()) * 0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"s": seconds, "rss_mb": peak, "audio_s": audio_s}))
"""


def build(path: Path, minutes: float) -> int:
    """A project file with `minutes` of takes; returns the number of segments."""
    import numpy as np

    from studio.core import project_ops as ops
    from studio.core.project import SegmentTake
    from studio.core.project_script import project_from_script
    from studio.core.project_state import segment_key
    from studio.core.script_import import import_text
    from studio.store.project_file import ProjectFile

    count = round(minutes * 60 / TAKE_S)
    chapters = "".join(
        f"# Part {c + 1}\n\n" + "".join(f"Sentence {c}-{i} of the bench.\n\n" for i in range(50))
        for c in range(-(-count // 50))
    )
    project = project_from_script("Bench", "emily", import_text(chapters, "markdown"))
    rng = np.random.default_rng(1)
    envelope = (np.sin(2 * np.pi * 3 * np.arange(int(TAKE_S * RATE)) / RATE) > -0.3).astype(
        np.float32
    )
    file = ProjectFile.create(path, project)
    for n, segment in enumerate(project.segments()[:count]):
        samples = (0.2 * rng.standard_normal(len(envelope)) * envelope).astype(np.float32)
        take_id = f"take{n}"
        file.put_audio(take_id, samples, RATE)
        block = project.block_of(segment.segment_id)
        key = segment_key(project, block, segment)
        take = SegmentTake(take_id, key, segment.text, TAKE_S, RATE)
        project = ops.add_take(project, segment.segment_id, take, True)
    file.save(project)
    file.close()
    return count


def main() -> None:
    """Build the project once, then export it in a child process per run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-project-export-"))
    project = folder / "bench.wavesproj"
    count = build(project, args.minutes)
    times, rss = [], []
    for run in range(args.runs):
        out = folder / f"out{run}"
        out.mkdir()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(project), str(out)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        times.append(figures["s"])
        rss.append(figures["rss_mb"])
        audio_s = figures["audio_s"]
    scale = 60.0 / args.minutes  # the goals are for one hour
    print(
        f"{count} takes; exported {audio_s / 60:.1f} min (takes and pauses) as WAV 44.1 kHz + SRT"
    )
    median_t, median_r = statistics.median(times), statistics.median(rss)
    print(
        f"time  min {min(times):.1f} s  median {median_t:.1f} s  max {max(times):.1f} s   "
        f"goal ≤ {TIME_GOAL_S / scale:.1f} s  (median/goal {median_t * scale / TIME_GOAL_S:.2f})"
    )
    print(
        f"RSS   min {min(rss):.0f} MB  median {median_r:.0f} MB  max {max(rss):.0f} MB   "
        f"goal < {RSS_GOAL_MB:.0f} MB  (median/goal {median_r / RSS_GOAL_MB:.2f})"
    )


if __name__ == "__main__":
    main()
