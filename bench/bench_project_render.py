"""Script project rendering through the render queue: what a re-render after an edit costs.

Run: .venv/bin/python bench/bench_project_render.py [--rounds N] [--edits 3]

- Builds a 500-segment, 2-speaker project (~60,000 characters; bench_project.py's script) in a
  .wavesproj on the real disk and renders it all once through ProjectSession (the headless
  services of `waves-studio project render`: one render-queue job, BatchRunner with the
  adaptive concurrency, render cache, takes saved as FLAC in the file) against an in-process
  waves-local (tone engine) over real HTTP; the server counts the synthesis requests.
- Then, each round: edit `--edits` sentences in different paragraphs and render changed again.
  The figure is the server's count of synthesis requests per round (goal: exactly `--edits`)
  and the round's wall time (queue job + requests + takes saved), min/median/max.
- Plan: computing what Render changed would send for the 500 segments (the click's cost
  before its confirm), min/median/max over 30 runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_project import _script
from machine import load

from studio.batch.project_run import ProjectSession
from studio.batch.render_adapter import client_factory, make_backend, open_library
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project
from studio.core.project_render import plan_render
from studio.local.server import LocalServer, ServerConfig
from studio.store.project_file import ProjectFile
from studio.store.queue import QueueStore

TTS = "/waves/v1/tts"
KEY = "sk_bench_key"
PLAN_GOAL_MS = 16.0  # ours: the plan runs on the GUI thread before the confirm


def _spread(values: list[float]) -> str:
    return (
        f"min {min(values):8.2f}  median {statistics.median(values):8.2f}  max {max(values):8.2f}"
    )


def main() -> None:
    """Render all, then measure re-renders after a few edits."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    rng = random.Random(5)
    print(f"load average before: {load()} (2 cores shared with other jobs)")
    with tempfile.TemporaryDirectory(dir=args.folder, prefix="bench-project-render-") as tmp:
        folder = Path(tmp)
        editor = ProjectEditor(new_project("Bench", "tone-alto"))
        editor.paste(editor.project.chapters[0].chapter_id, 0, _script(random.Random(7)))
        path = folder / "bench.wavesproj"
        ProjectFile.create(path, editor.project).close()
        config = ServerConfig(engine="tone", api_key=KEY, data_dir=folder / "server")
        with LocalServer(config) as server, QueueStore(folder / "queue.sqlite3") as store:
            library = open_library(folder / "profile", 200 * 1024 * 1024)
            session = ProjectSession(
                path, store, library, make_backend("local", server.base_url, "tone"),
                client_factory(server.base_url, KEY), concurrency=3,
            )  # fmt: skip
            try:
                segments = len(session.project.segments())
                chars = sum(len(s.text) for s in session.project.segments())
                start = time.perf_counter()
                first = session.render()
                took = time.perf_counter() - start
                print(
                    f"first render: {segments} segments, {chars:,} characters, "
                    f"{server.stats.requests(TTS)} requests, {first.done} takes in {took:.1f} s "
                    f"({chars / took:,.0f} characters/s)"
                )
                counts: list[int] = []
                times: list[float] = []
                for round_ in range(args.rounds):
                    blocks = rng.sample(range(len(session.project.blocks)), args.edits)
                    for n in blocks:

                        def edit(e: ProjectEditor, n: int = n, r: int = round_) -> None:
                            block = e.project.blocks[n]
                            # The paragraph's last sentence, reworded (not a new one).
                            text = f"{block.text[:-1]}, edited {r}."
                            e.set_block_text(block.block_id, text)

                        session.edit(edit)
                    before = server.stats.requests(TTS)
                    start = time.perf_counter()
                    session.render()
                    times.append((time.perf_counter() - start) * 1000)
                    counts.append(server.stats.requests(TTS) - before)
                plans: list[float] = []
                project = session.project
                for _ in range(30):
                    start = time.perf_counter()
                    plan_render(project)
                    plans.append((time.perf_counter() - start) * 1000)
            finally:
                session.close()
                library.close()
    exact = all(c == args.edits for c in counts)
    print(f"synthesis requests per round after {args.edits} edits (server-counted): {counts}")
    per_edit = max(counts) / args.edits
    print(
        f"requests per edited sentence (worst of {len(counts)})   {per_edit:.2f}   goal <= 1 "
        f"(exactly {args.edits} a round)   ratio {per_edit:.2f}   {'PASS' if exact else 'MISS'}"
    )
    print(f"re-render wall time           {_spread(times)} ms   (no goal; one queue job)")
    print(
        f"plan of 500 segments          {_spread(plans)} ms   goal <= {PLAN_GOAL_MS:g} ms   "
        f"median/goal {statistics.median(plans) / PLAN_GOAL_MS:5.2f}"
    )
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
