"""Peak RSS of the GUI's playback of a long clip: from its file, and live as it renders.

    .venv/bin/python bench/bench_play_window.py --own-pulse               # 54 min at 24 kHz
    .venv/bin/python bench/bench_play_window.py --own-pulse --rate 48000 --runs 3
    .venv/bin/python bench/bench_play_window.py --own-pulse --live-chars 0   # file only

The app's own path (PlaybackService -> file feeder -> AudioPlayer window -> PortAudio -> a
PulseAudio null sink), in a child process per run: open the stored FLAC clip (as a take or
render is opened), build the service, measure the idle RSS, reset the peak (clear_refs), then
play 3 s from the start, seek to 46 % and 93 % of it and back to 1 min (each outside the
window, so read again from the file), playing 2 s at each. The feeder reads far faster than
real time, so a player holding the whole clip would reach it within these seconds. Goal
(issue 19 part 1): peak <= idle + 30 MB whatever the clip's length; the whole-clip int16
buffer it replaces is printed beside it.

Live (the second figure): a render of `--live-chars` characters (55,000: an hour of audio)
from a waves-local started out of process (tone engine), played as it arrives: the render's
worker feeds a live StreamSink as the app's does (PlaybackService.open_sink(live=True) ->
spool on disk -> live feeder -> the player's window). After a short warm render (imports,
connection, device) the idle RSS is taken and the peak reset; then the hour renders (far
faster than real time, so a player holding the clip would hold all of it), and playback seeks
to 50 % and 90 % of it, playing 2 s at each. Goal: peak <= idle + 30 MB, as for a file; the
runs interleave with the file runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from child_rss import idle_mb, spin_until, status_mb

ROOT = Path(__file__).resolve().parents[1]
GOAL_MB = 30.0
LIVE_TIMEOUT_S = 120.0  # an hour's render arrives within this


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
    spin_until(app, lambda: True)
    idle = idle_mb()
    started = time.monotonic()
    service.play_rendered(rendered)
    spin_until(app, lambda: player.position_s > 3.0)
    for at in (0.46 * audio.duration_s, 0.93 * audio.duration_s, 60.0):
        service.seek(at)
        spin_until(app, lambda at=at: at + 2.0 < player.position_s < at + 10)
    elapsed = time.monotonic() - started
    peak = status_mb("VmHWM")
    underruns = player.underruns
    service.shutdown()
    print(f"{idle:.1f} {peak:.1f} {elapsed:.2f} {underruns}")


def child_live(url: str, rate: int, chars: int, spool: str, held: bool = False) -> None:
    """One live run: print idle MB, peak MB, wall seconds, under-runs, seconds of audio."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_render_memory import script
    from PySide6.QtCore import QCoreApplication

    from studio.api.client import WavesClient
    from studio.audio.player import AudioPlayer
    from studio.pipeline import RenderSpec, render_text
    from studio.services.messages import MessageBus
    from studio.services.playback import PlaybackService

    app = QCoreApplication([])
    client = WavesClient(url, "sk_bench_key")
    spec = RenderSpec("tone-alto", sample_rate=rate, output_format="pcm")
    player = AudioPlayer()
    service = PlaybackService(player, MessageBus(), spool_dir=Path(spool))

    def render_live(text: str) -> float:
        """Render `text` and play it as it arrives, as SynthesisService's worker does."""
        sink = service.open_sink(live=not held)  # held: the path before (the whole clip)
        rendered = []

        def work() -> None:
            try:
                rendered.append(
                    render_text(client, text, spec, "sse", None, sink.feed, Path(spool))
                )
            finally:
                sink.end()

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        spin_until(app, lambda: not worker.is_alive(), LIVE_TIMEOUT_S)
        if not rendered:
            raise SystemExit("the live render failed")
        rendered[0].audio.path.unlink()
        return rendered[0].duration_s

    render_live("A short warm-up. It opens the device and the connection.")
    spin_until(app, lambda: service.state == "finished", 20.0)
    idle = idle_mb()
    started = time.monotonic()
    audio_s = render_live(script(chars))
    for at in (0.5 * audio_s, 0.9 * audio_s):  # within what arrived, outside the window
        service.seek(at)
        spin_until(app, lambda at=at: at + 2.0 < player.position_s < at + 10, LIVE_TIMEOUT_S)
    elapsed = time.monotonic() - started
    peak = status_mb("VmHWM")
    underruns = player.underruns
    service.shutdown()
    client.close()
    print(f"{idle:.1f} {peak:.1f} {elapsed:.2f} {underruns} {audio_s:.1f}")


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
    parser.add_argument("--live-chars", type=int, default=55_000, help="0: no live runs")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-live", help=argparse.SUPPRESS)
    parser.add_argument("--spool", help=argparse.SUPPRESS)
    parser.add_argument(
        "--before", action="store_true", help="also measure a live render held whole (as before)"
    )
    parser.add_argument("--held", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rate)
        return 0
    if args.child_live:
        child_live(args.child_live, args.rate, args.live_chars, args.spool, args.held)
        return 0
    sys.path.insert(0, str(Path(__file__).parent))
    from waves_local import waves_local

    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-play-")))
        path = make_clip(folder, args.minutes, args.rate)
        if args.own_pulse:
            from pulse import private_pulse

            stack.enter_context(private_pulse())
        server = None
        if args.live_chars:
            server = stack.enter_context(
                waves_local("--engine", "tone", "--api-key", "sk_bench_key")
            )
        results, live, before = runs(path, args, server.base_url if server else "", folder)
    idle = [r[0] for r in results]
    growth = [r[1] - r[0] for r in results]
    whole = args.minutes * 60 * args.rate * 2 / 2**20
    print(f"# play a {args.minutes:g}-min clip at {args.rate} Hz, 3 seeks; {len(results)} runs")
    print("# the machine is shared by 7 engineers running tests and benches: figures are noisy")
    print(f"GUI idle RSS                      {spread(idle)} MB")
    ok = statistics.median(growth) <= GOAL_MB
    print(
        f"GUI peak RSS over idle, playing    {spread(growth)} MB   goal <= {GOAL_MB:.0f} MB  "
        f"ratio {statistics.median(growth) / GOAL_MB:.2f}  {'OK' if ok else 'MISSED'}"
    )
    print(f"  (a whole-clip int16 buffer, as before: {whole:.0f} MB)")
    underruns = [int(r[3]) for r in results]
    print(f"  wall time per run {spread([r[2] for r in results])} s; under-runs {underruns}")
    if live:
        ok = report_live(live, args.rate) and ok
    if before:
        growth = [r[1] - r[0] for r in before]
        print(f"  measured the old way (the player held the whole render): {spread(growth)} MB")
    return 0 if ok else 1


def report_live(live: list[tuple[float, ...]], rate: int) -> bool:
    """Print the live figure beside its goal; True when it meets it."""
    growth = [r[1] - r[0] for r in live]
    minutes = live[0][4] / 60
    ok = statistics.median(growth) <= GOAL_MB
    print(f"# live: a {minutes:.0f}-min render at {rate} Hz played as it arrives, 2 seeks")
    print(
        f"GUI peak RSS over idle, live       {spread(growth)} MB   goal <= {GOAL_MB:.0f} MB  "
        f"ratio {statistics.median(growth) / GOAL_MB:.2f}  {'OK' if ok else 'MISSED'}"
    )
    whole = minutes * 60 * rate * 2 / 2**20
    print(f"  (the whole render as int16, as the player held it before: {whole:.0f} MB)")
    walls, underruns = spread([r[2] for r in live]), [int(r[3]) for r in live]
    print(f"  wall time per run {walls} s; under-runs {underruns}")
    return ok


Runs = list[tuple[float, ...]]


def runs(path: Path, args: argparse.Namespace, url: str, folder: Path) -> tuple[Runs, Runs, Runs]:
    """Interleaved: a file run, then a live run (when asked) and one held whole (--before),
    `args.runs` times."""
    out: Runs = []
    live: Runs = []
    before: Runs = []
    for _ in range(args.runs):
        out.append(run_child(["--child", str(path), "--rate", str(args.rate)], 4))
        if url:
            options = [
                "--child-live", url, "--rate", str(args.rate), "--live-chars",
                str(args.live_chars), "--spool", str(folder),
            ]  # fmt: skip
            live.append(run_child(options, 5))
            if args.before:
                before.append(run_child([*options, "--held"], 5))
    return out, live, before


def run_child(options: list[str], fields: int) -> tuple[float, ...]:
    done = subprocess.run(
        [sys.executable, __file__, *options],
        check=False, capture_output=True, text=True, timeout=600, env=dict(os.environ),
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return tuple(float(x) for x in done.stdout.split()[-fields:])


if __name__ == "__main__":
    raise SystemExit(main())
