"""Script import benchmark: a 1 MB two-speaker Markdown script into a new project file, on the
path both File → Import into project… (off the GUI thread) and `waves-studio project import`
take (studio.core.project_build).

Run: .venv/bin/python bench/bench_project_import.py [--runs N] [--size BYTES]

Each run: parse (studio.core.script_import), build the project (split into segments), write
the project file (studio.store.project_file). Runs are timed whole; min / median / max. The
issue's goal: a 1 MB script imports in ≤ 2 s. The machine may be shared: compare medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.core.project_build import project_from_script
from studio.core.script_import import import_script
from studio.store.project_file import ProjectFile

GOAL_S = 2.0
PARAGRAPHS = (
    "Alice: The keeper climbed the stairs at dusk, as she had done every night for years. "
    "The lamp turned; the boats came home.\n\n"
    "Bob: Did it ever fail? Not once, they say, not even in the storm of sixty-two.\n\n"
)


def _script(size: int) -> str:
    text, n = "", 0
    while len(text) < size:
        n += 1
        text += f"# Chapter {n}\n\n" + PARAGRAPHS * 40
    return text


def main() -> None:
    """Import the script `--runs` times into fresh project files."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-project-import-"))
    source = folder / "script.md"
    source.write_text(_script(args.size), encoding="utf-8")
    phases: dict[str, list[float]] = {"parse": [], "build": [], "write": [], "total": []}
    for run in range(args.runs):
        start = time.perf_counter()
        script = import_script(source)
        parsed = time.perf_counter()
        project = project_from_script(script, "Bench", voice_id="emily")
        built = time.perf_counter()
        ProjectFile.create(folder / f"run{run}.wavesproj", project).close()
        done = time.perf_counter()
        for name, seconds in (("parse", parsed - start), ("build", built - parsed),
                              ("write", done - built), ("total", done - start)):  # fmt: skip
            phases[name].append(seconds)
    size = source.stat().st_size
    print(
        f"{size:,} bytes, {len(project.blocks):,} paragraphs, {len(project.segments()):,} segments"
    )
    for name, values in phases.items():
        median = statistics.median(values)
        line = f"{name:6} min {min(values):.2f} s  median {median:.2f} s  max {max(values):.2f} s"
        if name == "total":
            line += f"   goal ≤ {GOAL_S:.1f} s  (median/goal {median / GOAL_S:.2f})"
        print(line)


if __name__ == "__main__":
    main()
