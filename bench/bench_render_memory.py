"""Peak memory and time of `waves-studio render --local --file` as the text grows.

    .venv/bin/python bench/bench_render_memory.py               # 1k, 10k, 50k, 200k characters
    .venv/bin/python bench/bench_render_memory.py --sizes 1000,50000 --engine piper

Each render runs in its own child process (the real command line, tone engine by default for
speed), with a fresh profile, writing WAV. The peak RSS is the child's ru_maxrss (from
wait4), the time its wall time. Sizes run interleaved, `--rounds` times; each line prints
min/median/max. Goal (issue 19): peak RSS <= 300 MB at 50k characters and flat in length;
time linear in length (the per-character time is printed beside it).
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


def run_once(chars: int, engine: str, work: Path) -> tuple[float, float, float]:
    """Render `chars` characters in a child; (peak RSS MB, seconds, seconds of audio)."""
    text_file = work / f"text-{chars}.txt"
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
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, list[tuple[float, float, float]]] = {n: [] for n in sizes}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.rounds):
            for n in sizes:  # interleaved: a loaded moment hits every size alike
                results[n].append(run_once(n, args.engine, Path(folder)))
    print(f"render --local --engine {args.engine} --file, WAV out; machine shared and loaded")
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
    print("flat memory: 'x of smallest' is each size's median RSS over the smallest size's;")
    print("linear time: us per character beyond the smallest text stays level as it grows.")


if __name__ == "__main__":
    main()
