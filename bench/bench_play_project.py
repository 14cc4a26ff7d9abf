"""Peak RSS and jump latency of read-along playback of a long script project.

    .venv/bin/python bench/bench_play_project.py                  # a 20-min project, 24 kHz
    .venv/bin/python bench/bench_play_project.py --minutes 60 --runs 1

The app's own path, in a child process per run: ProjectService opens a .wavesproj of
`--minutes` of takes (12 s sentences, one paragraph each, FLAC inside as the app stores them);
ProjectPlayer.play_from lays out the programme from the stored lengths and PlaybackService
plays it through the AudioPlayer's bounded window, fed by a ProgrammeReader that decodes the
chosen takes in blocks (-> PortAudio -> a private PulseAudio null sink). After the project is
open, the idle RSS is taken and the peak reset; then 3 s play from the start and three clicks
jump to the sentences at 46 %, 93 % and 1 min (each outside the window), playing 2 s at each.
Goal: peak <= idle + 30 MB whatever the project's length (issues 15 and 19); the jump latency
(click to the player's position passing the sentence's start, i.e. audio being played) is
reported against 0.5 s.

Interleaved with each run, the floor it replaces: a child that decodes every chosen take into
one programme, as build_programme did before (without its 10-minute cap), measured the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from child_rss import idle_mb, spin_until, status_mb

ROOT = Path(__file__).resolve().parents[1]
GOAL_MB = 30.0
GOAL_JUMP_S = 0.5
SENTENCE_S = 12.0
RATE = 24000
STEP_S = 0.005  # how often the child looks at the player: the jump latency's resolution


def child(path: str, whole: bool) -> None:
    """One run: print idle MB, peak MB, wall seconds, under-runs, then the jump latencies."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QCoreApplication, QSettings

    from studio.audio.player import AudioPlayer
    from studio.services.messages import MessageBus
    from studio.services.playback import PlaybackService
    from studio.services.project import ProjectService
    from studio.services.project_playback import ProjectPlayer
    from studio.services.settings import Settings

    app = QCoreApplication([])
    messages = MessageBus()
    settings = Settings(QSettings(path + ".ini", QSettings.Format.IniFormat))
    projects = ProjectService(settings, messages)
    player = AudioPlayer()
    playback = PlaybackService(player, messages)
    reader = ProjectPlayer(projects, playback, messages)
    projects.open(Path(path))
    spin_until(app, lambda: projects.file is not None, step_s=STEP_S)
    project, file = projects.project, projects.file
    assert project is not None
    assert file is not None
    segments = project.segments()
    idle = idle_mb()
    started = time.monotonic()
    jumps: list[float] = []
    if whole:  # the floor: every take decoded into one programme, as before
        import numpy as np

        pieces = [file.read_audio(s.chosen_take)[0] for s in segments]
        joined = np.concatenate(pieces)
        del pieces
        playback.play(joined, RATE)
        spin_until(app, lambda: player.position_s > 3.0, step_s=STEP_S)
    else:
        reader.play_from(segments[0].segment_id)
        spin_until(app, lambda: player.position_s > 3.0, step_s=STEP_S)
        for fraction in (0.46, 0.93, 60 / (len(segments) * (SENTENCE_S + 0.5))):
            k = int(fraction * len(segments))
            target = k * (SENTENCE_S + 0.5)
            clicked = time.monotonic()
            reader.play_from(segments[k].segment_id)
            spin_until(app, lambda t=target: t < player.position_s < t + 10, step_s=STEP_S)
            jumps.append(time.monotonic() - clicked)
            spin_until(app, lambda t=target: t + 2.0 < player.position_s < t + 10, step_s=STEP_S)
    elapsed = time.monotonic() - started
    peak = status_mb("VmHWM")
    underruns = player.underruns
    playback.shutdown()
    projects.shutdown()
    print(f"{idle:.1f} {peak:.1f} {elapsed:.2f} {underruns}", *(f"{j:.3f}" for j in jumps))


def make_project(path: Path, minutes: float) -> int:
    """A project of `minutes` of 12 s sentences with speech-band takes; returns the count."""
    sys.path.insert(0, str(ROOT))
    from dataclasses import replace

    import numpy as np

    from studio.core.project import ExportSettings, SegmentTake
    from studio.core.project_edit import ProjectEditor
    from studio.core.project_ops import add_take, new_project
    from studio.core.project_state import segment_key
    from studio.store.project_file import ProjectFile

    count = max(1, round(minutes * 60 / (SENTENCE_S + 0.5)))
    editor = ProjectEditor(new_project("Chapter", "tone-alto"))
    text = "\n\n".join(f"Sentence number {k}." for k in range(count))
    editor.paste(editor.project.chapters[0].chapter_id, 0, text)
    project = replace(editor.project, export=ExportSettings(sample_rate=RATE))
    n = np.arange(int(SENTENCE_S * RATE))
    with ProjectFile.create(path, project) as file:
        for k, block in enumerate(project.blocks):
            segment = block.segments[0]
            wobble = 1 + 0.5 * np.sin(2 * np.pi * 0.3 * n / RATE + k)
            audio = (0.3 * np.sin(2 * np.pi * (150 + k % 50) * wobble * n / RATE)).astype("f4")
            file.put_audio(f"take{k}", audio, RATE)
            take = SegmentTake(f"take{k}", segment_key(project, block, segment), segment.text,
                               SENTENCE_S, RATE, "tone-alto")  # fmt: skip
            project = add_take(project, segment.segment_id, take)
        file.save(project)
    return count


@contextlib.contextmanager
def listening() -> Iterator[None]:
    """Record the null sink's monitor at a low latency, as a listener's sound card would
    pull: left alone, a null sink takes audio in 2 s bursts and every start looks 2 s late."""
    monitor = os.environ.get("PULSE_SINK", "studio_null") + ".monitor"
    with subprocess.Popen(
        ["parec", f"--device={monitor}", "--latency-msec=10"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) as recorder:  # fmt: skip
        try:
            yield
        finally:
            recorder.terminate()


def spread(xs: list[float]) -> str:
    return f"min {min(xs):.2f} / median {statistics.median(xs):.2f} / max {max(xs):.2f}"


def run_child(options: list[str]) -> list[float]:
    done = subprocess.run(
        [sys.executable, __file__, *options],
        check=False, capture_output=True, text=True, timeout=600, env=dict(os.environ),
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return [float(x) for x in done.stdout.split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--system-audio", action="store_true", help="no private PulseAudio")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--whole", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.whole)
        return 0
    sys.path.insert(0, str(Path(__file__).parent))
    from report import report

    new: list[list[float]] = []
    old: list[list[float]] = []
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-proj-")))
        path = folder / "Chapter.wavesproj"
        count = make_project(path, args.minutes)
        if not args.system_audio:
            from pulse import private_pulse

            stack.enter_context(private_pulse())
            stack.enter_context(listening())
        for _ in range(args.runs):  # interleaved: the window, then the whole programme
            new.append(run_child(["--child", str(path)]))
            old.append(run_child(["--child", str(path), "--whole"]))
    minutes = count * (SENTENCE_S + 0.5) / 60
    print(f"# read-along of a {minutes:.0f}-min project ({count} takes) at {RATE} Hz, 3 jumps;"
          f" {args.runs} runs")  # fmt: skip
    print("# the machine is shared by 7 engineers running tests and benches: figures are noisy")
    print(f"GUI idle RSS with the project open    {spread([r[0] for r in new])} MB")
    growth = [r[1] - r[0] for r in new]
    floor = [r[1] - r[0] for r in old]
    ok = report("project playback: peak RSS over idle", statistics.median(growth), "MB",
                GOAL_MB, floor=statistics.median(floor), runs=growth,
                note="floor = the whole programme decoded, as before")  # fmt: skip
    jumps = [j for r in new for j in r[4:]]
    ok = bool(report("project playback: click to audio after a jump", statistics.median(jumps),
                     "s", GOAL_JUMP_S, runs=jumps)) and bool(ok)  # fmt: skip
    print(f"  wall time per run {spread([r[2] for r in new])} s; "
          f"under-runs {[int(r[3]) for r in new]}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
