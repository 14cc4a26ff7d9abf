"""Peak memory and time of `waves-studio render --local --file` as the text grows.

    .venv/bin/python bench/bench_render_memory.py               # 1k, 10k, 50k, 200k characters
    .venv/bin/python bench/bench_render_memory.py --sizes 1000,50000 --engine piper
    .venv/bin/python bench/bench_render_memory.py --huge-mb 0            # without the 67 MB file

Each render runs in its own child process (the real command line, tone engine by default for
speed), with a fresh profile, writing WAV. The peak RSS is the child's ru_maxrss (from
wait4), the time its wall time. Sizes run interleaved, `--rounds` times; each line prints
min/median/max. Goal (issue 19): peak RSS <= 300 MB at 50k characters and flat in length;
time linear in length (the per-character time is printed beside it).

A `--huge-mb` file (67 MB of prose by default, ~70 million characters: far over the
1,000,000 a render takes) runs interleaved with the sizes: the command must refuse it with
its sentence (exit 1) after reading at most the limit, so its peak RSS is held to the same
goal and printed against the smallest size's (reading it whole and splitting it took ~600 MB).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RSS_GOAL_MB = 300.0
SENTENCES = (
    "The harbour was quiet before the boats came back.",
    "Fog rolled over the market and the bread was still warm.",
    "She counted the lights along the shore, one by one, until the rain began.",
    "Nobody remembered who had built the lighthouse, or why it was painted blue.",
)


def script(chars: int) -> str:
    """About `chars` characters of prose, in paragraphs, like a long script."""
    out: list[str] = []
    total, i = 0, 0
    while total < chars:
        sentence = SENTENCES[i % len(SENTENCES)]
        out.append(sentence + ("\n\n" if i % 6 == 5 else " "))
        total += len(out[-1])
        i += 1
    return "".join(out)[:chars]


def huge_file(work: Path, megabytes: int) -> Path:
    """`megabytes` of prose, written in blocks (never held whole here)."""
    path = work / f"huge-{megabytes}mb.txt"
    if not path.exists():
        block = script(1 << 20)
        with path.open("w", encoding="utf-8") as handle:
            for _ in range(megabytes):
                handle.write(block)
    return path


def run_once(chars: int, engine: str, work: Path, huge_mb: int = 0) -> tuple[float, float, float]:
    """Render `chars` characters in a child; (peak RSS MB, seconds, seconds of audio).

    With `huge_mb`, render that many MB of text instead, which must be refused (audio 0).
    """
    text_file = huge_file(work, huge_mb) if huge_mb else work / f"text-{chars}.txt"
    if not text_file.exists():
        text_file.write_text(script(chars), encoding="utf-8")
    profile = Path(tempfile.mkdtemp(dir=work))
    out = profile / "out.wav"
    voice = ["--voice", "tone-alto"] if engine == "tone" else []
    command = [
        sys.executable, "-m", "studio", "--profile", str(profile), "render", "--local",
        "--engine", engine, *voice, "--file", str(text_file), "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    stdout = child.stdout.read().decode() if child.stdout else ""
    stderr = child.stderr.read().decode() if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if huge_mb:
        subprocess.run(["rm", "-rf", str(profile)], check=True)
        if child.returncode != 1 or "the most one render takes" not in stderr:
            raise SystemExit(f"the {huge_mb} MB file was not refused: {stderr.strip()[-500:]}")
        return usage.ru_maxrss / 1024.0, seconds, 0.0
    if child.returncode != 0:
        raise SystemExit(f"render of {chars} characters failed: {stderr.strip()}")
    audio_s = float(stdout.split("(", 1)[1].split(" s,", 1)[0])
    subprocess.run(["rm", "-rf", str(profile)], check=True)
    return usage.ru_maxrss / 1024.0, seconds, audio_s


def main() -> None:
    """Run the sizes interleaved and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000,200000")
    parser.add_argument("--engine", default="tone", choices=("tone", "piper", "auto"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--huge-mb", type=int, default=67, help="0: no over-limit file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, list[tuple[float, float, float]]] = {n: [] for n in sizes}
    huge: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.rounds):
            for n in sizes:  # interleaved: a loaded moment hits every size alike
                results[n].append(run_once(n, args.engine, Path(folder)))
            if args.huge_mb:
                huge.append(run_once(0, args.engine, Path(folder), args.huge_mb))
    print(
        f"render --local --engine {args.engine} --file, WAV out; the machine is shared by 7 "
        "engineers running tests and benches: figures are noisy"
    )
    print(f"{'chars':>8} {'audio':>9} {'peak RSS MB min/med/max':>26} {'goal':>8} "
          f"{'time s min/med/max':>22} {'us/extra char':>13}")  # fmt: skip
    base_rss = statistics.median(sorted(r[0] for r in results[sizes[0]]))
    base_time = statistics.median(r[1] for r in results[sizes[0]])
    for n in sizes:
        rss = sorted(r[0] for r in results[n])
        secs = sorted(r[1] for r in results[n])
        audio = results[n][0][2]
        mid = statistics.median(secs)
        # The cost of each extra character over the smallest text (start-up excluded): level
        # across sizes means linear time.
        marginal = (mid - base_time) / (n - sizes[0]) * 1e6 if n != sizes[0] else float("nan")
        ok = rss[-1] <= RSS_GOAL_MB
        print(
            f"{n:>8} {audio / 60:>7.1f}m {rss[0]:>8.0f} {statistics.median(rss):>7.0f} "
            f"{rss[-1]:>7.0f}  <= {RSS_GOAL_MB:.0f} {secs[0]:>7.2f} {mid:>6.2f} {secs[-1]:>6.2f} "
            f"{marginal:>8.1f}  ratio {rss[-1] / RSS_GOAL_MB:.2f}, "
            f"x{statistics.median(rss) / base_rss:.2f} of smallest {'PASS' if ok else 'MISS'}"
        )
    if huge:
        rss = sorted(r[0] for r in huge)
        secs = sorted(r[1] for r in huge)
        mid = statistics.median(secs)
        ok = rss[-1] <= RSS_GOAL_MB
        label = f"{args.huge_mb}MB"
        print(
            f"{label:>8} {'refused':>9} {rss[0]:>8.0f} {statistics.median(rss):>7.0f} "
            f"{rss[-1]:>7.0f}  <= {RSS_GOAL_MB:.0f} {secs[0]:>7.2f} {mid:>6.2f} "
            f"{secs[-1]:>6.2f} {'':>8}  ratio {rss[-1] / RSS_GOAL_MB:.2f}, "
            f"x{statistics.median(rss) / base_rss:.2f} of smallest {'PASS' if ok else 'MISS'}"
        )
        print(f"  ({args.huge_mb} MB of text is over the 1,000,000 characters one render takes: "
              "refused with a sentence, exit 1, after reading at most that much)")  # fmt: skip
    print("flat memory: 'x of smallest' is each size's median RSS over the smallest size's;")
    print("linear time: us per character beyond the smallest text stays level as it grows.")


if __name__ == "__main__":
    main()
