"""Peak RSS of the GUI's playback while a 54-minute clip plays from its file, with seeks.

    .venv/bin/python bench/bench_play_window.py --own-pulse               # 54 min at 24 kHz
    .venv/bin/python bench/bench_play_window.py --own-pulse --rate 48000 --runs 3

The app's own path (PlaybackService -> file feeder -> AudioPlayer window -> PortAudio -> a
PulseAudio null sink), in a child process per run: open the stored FLAC clip (as a take or
render is opened), build the service, measure the idle RSS, reset the peak (clear_refs), then
play 3 s from the start, seek to 46 % and 93 % of it and back to 1 min (each outside the
window, so read again from the file), playing 2 s at each. The feeder reads far faster than
real time, so a player holding the whole clip would reach it within these seconds. Goal
(issue 19 part 1): peak <= idle + 30 MB whatever the clip's length; the whole-clip int16
buffer it replaces is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_MB = 30.0


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(path: str, rate: int) -> None:
    """One run: print idle MB, peak MB, wall seconds."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QCoreApplication

    from studio.audio.clipfile import open_clip
    from studio.audio.player import AudioPlayer
    from studio.core.models import new_client_id
    from studio.pipeline import Rendered, RenderSpec
    from studio.services.messages import MessageBus
    from studio.services.playback import PlaybackService

    app = QCoreApplication([])
    audio = open_clip(Path(path), "pcm", rate)
    spec = RenderSpec("tone-alto", sample_rate=rate, output_format="pcm")
    rendered = Rendered("long", spec, audio, new_client_id("take"), ("r",), ("s",), "sse")
    player = AudioPlayer()
    service = PlaybackService(player, MessageBus())
    tick = threading.Event()

    def spin_until(condition, timeout_s: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("timed out")
            app.processEvents()
            tick.wait(0.01)

    spin_until(lambda: True)
    idle = status_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    started = time.monotonic()
    service.play_rendered(rendered)
    spin_until(lambda: player.position_s > 3.0)
    for at in (0.46 * audio.duration_s, 0.93 * audio.duration_s, 60.0):
        service.seek(at)
        spin_until(lambda at=at: at + 2.0 < player.position_s < at + 10)
    elapsed = time.monotonic() - started
    peak = status_mb("VmHWM")
    underruns = player.underruns
    service.shutdown()
    print(f"{idle:.1f} {peak:.1f} {elapsed:.2f} {underruns}")


def make_clip(folder: Path, minutes: float, rate: int) -> Path:
    """A speech-band FLAC clip of `minutes`, written in blocks."""
    import numpy as np
    import soundfile

    path = folder / "long.flac"
    frames = int(minutes * 60 * rate)
    with soundfile.SoundFile(path, "w", rate, 1, "PCM_16", format="FLAC") as sound:
        for start in range(0, frames, 1 << 20):
            n = np.arange(start, min(start + (1 << 20), frames))
            wobble = 1 + 0.5 * np.sin(2 * np.pi * 0.3 * n / rate)
            sound.write((0.3 * np.sin(2 * np.pi * 220 * wobble * n / rate)).astype(np.float32))
    return path


def spread(xs: list[float]) -> str:
    return f"min {min(xs):.1f} / median {statistics.median(xs):.1f} / max {max(xs):.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=54.0)
    parser.add_argument("--rate", type=int, default=24000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--own-pulse", action="store_true", help="start a private PulseAudio")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rate)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-play-window-") as folder:
        path = make_clip(Path(folder), args.minutes, args.rate)
        if args.own_pulse:
            sys.path.insert(0, str(Path(__file__).parent))
            from pulse import private_pulse

            with private_pulse():
                results = runs(path, args)
        else:
            results = runs(path, args)
    idle = [r[0] for r in results]
    growth = [r[1] - r[0] for r in results]
    whole = args.minutes * 60 * args.rate * 2 / 2**20
    print(f"# play a {args.minutes:g}-min clip at {args.rate} Hz, 3 seeks; {len(results)} runs")
    print("# machine shared with other engineers' jobs: figures are noisy")
    print(f"GUI idle RSS                      {spread(idle)} MB")
    ok = statistics.median(growth) <= GOAL_MB
    print(
        f"GUI peak RSS over idle, playing    {spread(growth)} MB   goal <= {GOAL_MB:.0f} MB  "
        f"ratio {statistics.median(growth) / GOAL_MB:.2f}  {'OK' if ok else 'MISSED'}"
    )
    print(f"  (a whole-clip int16 buffer, as before: {whole:.0f} MB)")
    underruns = [int(r[3]) for r in results]
    print(f"  wall time per run {spread([r[2] for r in results])} s; under-runs {underruns}")
    return 0 if ok else 1


def runs(path: Path, args: argparse.Namespace) -> list[tuple[float, ...]]:
    out = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--rate", str(args.rate)],
            check=False, capture_output=True, text=True, timeout=600, env=dict(os.environ),
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        out.append(tuple(float(x) for x in done.stdout.split()[-4:]))
    return out


if __name__ == "__main__":
    raise SystemExit(main())
