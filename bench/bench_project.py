"""Script project benchmark: a 500-segment, 2-speaker project (~60,000 characters).

Run: .venv/bin/python bench/bench_project.py [--runs N] [--take-seconds S]

- Builds the project through ProjectEditor.paste (100 paragraphs of 5 sentences, Narrator and
  Alice alternating), gives every segment a take of speech-like 16-bit noise (FLAC cannot
  squeeze it much, as with real speech) and saves it to a temp .wavesproj with the real
  settings (WAL, synchronous=FULL, one transaction per save).
- Open: ProjectFile.open (read every row, build the project, drop orphan audio), cold
  process cache aside; the whole window's goal is 1.0 s, this is the file's share.
- Mark stale: one sentence edited (ProjectEditor.set_block_text) plus the states of that block
  (what the view repaints). Save one edit: ProjectFile.save after that edit (incremental).
  Runs are interleaved (edit, save, edit, save…); min / median / max.
- Size: the file after close against the FLAC bytes of the takes it holds.
- Paste: ProjectEditor.paste of the whole script into an empty project (speakers, blocks,
  segments, one undo step); the goal is ours, the issue sets none.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from studio.core.project import SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project
from studio.core.project_state import block_states, segment_key, states
from studio.store.project_file import ProjectFile

RATE = 24000
OPEN_GOAL_MS = 1000.0
STALE_GOAL_MS = 5.0
SAVE_GOAL_MS = 10.0
STATES_GOAL_MS = 16.0
PASTE_GOAL_MS = 100.0  # ours: pasting a whole 60,000-character script is one GUI-thread step
SIZE_GOAL_PCT = 5.0  # file size <= FLAC audio + 5 %
WORDS = (
    "harbour",
    "lighthouse",
    "morning",
    "bread",
    "fog",
    "boats",
    "market",
    "rain",
    "keeper",
    "lamp",
    "tide",
    "gulls",
    "quiet",
    "stone",
    "window",
    "evening",
    "ropes",
    "nets",
    "village",
)


def _sentence(rng: random.Random, n: int) -> str:
    words: list[str] = []
    while len(" ".join(words)) < 112:
        words.append(rng.choice(WORDS))
    return f"{' '.join(words).capitalize()} number {n}."


def _script(rng: random.Random) -> str:
    paragraphs = []
    for p in range(100):
        who = "Narrator" if p % 2 == 0 else "Alice"
        body = " ".join(_sentence(rng, p * 5 + s) for s in range(5))
        paragraphs.append(f"{who}: {body}")
    return "\n\n".join(paragraphs)


def _audio(rng: np.random.Generator, seconds: float) -> np.ndarray:
    n = int(seconds * RATE)
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * np.arange(n) / RATE)
    noise = np.convolve(rng.standard_normal(n), np.ones(8) / 8, mode="same")
    return (np.clip(np.round(noise * envelope * 3000), -32768, 32767) / 32768).astype(np.float32)


def _build(folder: Path, take_seconds: float) -> tuple[Path, ProjectEditor]:
    rng = random.Random(7)
    editor = ProjectEditor(new_project("Bench", "emily"))
    editor.paste(editor.project.chapters[0].chapter_id, 0, _script(rng))
    path = folder / "bench.wavesproj"
    file = ProjectFile.create(path, editor.project)
    noise = np.random.default_rng(7)
    for block in editor.project.blocks:
        for segment in block.segments:
            key = segment_key(editor.project, block, segment)
            seconds = take_seconds or len(segment.text) / 14.0
            take = SegmentTake(f"t-{segment.segment_id}", key, segment.text, seconds, RATE)
            file.put_audio(take.take_id, _audio(noise, seconds), RATE)
            editor.add_take(segment.segment_id, take)
    file.save(editor.project)
    file.close()
    return path, editor


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _line(name: str, values: list[float], goal: float) -> None:
    lo, med, hi = min(values), statistics.median(values), max(values)
    print(
        f"{name:<28} min {lo:8.2f}  median {med:8.2f}  max {hi:8.2f} ms   goal <= {goal:g} ms"
        f"   median/goal {med / goal:5.2f}"
    )


def main() -> None:
    """Build, then measure open, mark-stale, save and size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--take-seconds",
        type=float,
        default=0.0,
        help="length of every take (default: the text at 14 characters/s)",
    )
    # /tmp is often tmpfs, where fsync costs nothing: default to a folder on the real disk.
    parser.add_argument("--folder", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(dir=args.folder, prefix="bench-project-") as tmp:
        path, editor = _build(Path(tmp), args.take_seconds)
        project = editor.project
        chars = sum(len(s.text) for s in project.segments())
        print(
            f"project: {len(project.segments())} segments, {chars:,} characters, "
            f"{len(project.cast.speakers)} speakers, {len(project.blocks)} blocks; folder "
            f"{args.folder}.\nThe machine is shared with other engineers: figures are noisy."
        )
        script = _script(random.Random(7))
        pastes: list[float] = []
        for _ in range(5):
            fresh = ProjectEditor(new_project("Paste", "emily"))
            chapter = fresh.project.chapters[0].chapter_id
            start = time.perf_counter()
            fresh.paste(chapter, 0, script)
            pastes.append((time.perf_counter() - start) * 1000)
        opens: list[float] = []
        for _ in range(5):
            start = time.perf_counter()
            opened = ProjectFile.open(path)
            opens.append((time.perf_counter() - start) * 1000)
            opened.close()
        file = ProjectFile.open(path)
        editor = ProjectEditor(file.project)
        stale: list[float] = []
        saves: list[float] = []
        full: list[float] = []
        for n in range(args.runs):
            block = rng.choice(editor.project.blocks)
            first, rest = block.text.split(". ", 1)
            text = f"{first}, edited {n}. {rest}"

            def edit(block_id: str = block.block_id, new: str = text) -> None:
                editor.set_block_text(block_id, new)
                block_states(editor.project, block_id)

            stale.append(_ms(edit))
            saves.append(_ms(lambda: file.save(editor.project)))
            full.append(_ms(lambda: states(editor.project)))
        audio = file.audio_bytes()
        file.close()
        size = path.stat().st_size
        _line("paste the whole script", pastes, PASTE_GOAL_MS)
        _line("open file", opens, OPEN_GOAL_MS)
        _line("mark stale after an edit", stale, STALE_GOAL_MS)
        _line("save one edit", saves, SAVE_GOAL_MS)
        _line("all 500 states (repaint)", full, STATES_GOAL_MS)
        ratio = size / audio
        overhead = (ratio - 1) * 100
        print(
            f"{'file size vs take audio':<28} {size / 1e6:.2f} MB / {audio / 1e6:.2f} MB FLAC"
            f" = {ratio:.3f}: overhead {overhead:.1f} % (goal <= {SIZE_GOAL_PCT:g} %), "
            f"overhead/goal {overhead / SIZE_GOAL_PCT:4.2f}"
        )


if __name__ == "__main__":
    main()
