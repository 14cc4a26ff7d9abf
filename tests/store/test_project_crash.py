"""`kill -9` of a process editing and saving a project: the file opens, losing under a second.

The child (`python -m tests.store.test_project_crash PATH SEED`) makes seeded random edits
(text, paste, renders with audio, voice, lock, take choice, delete, undo, redo), autosaving
through ProjectAutosaver, and prints the number and CLOCK_MONOTONIC time of each edit. The
parent replays the same seeded edits and finds the reopened project among the replayed states.
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from studio.core.project import Project, SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project
from studio.core.project_render import render_jobs
from studio.store.project_autosave import ProjectAutosaver
from studio.store.project_file import ProjectFile
from tests.crash_child import kill_9_mid_run

TRIALS = 10
LOSS_LIMIT_S = 1.0
AUTOSAVE_S = 0.2
RATE = 8000


def start_project() -> Project:
    """The project every trial starts from."""
    counter = itertools.count()

    def ids() -> str:
        return f"p{next(counter)}"

    editor = ProjectEditor(new_project("Crash", "emily", ids), ids)
    editor.paste(editor.project.chapters[0].chapter_id, 0,
                 "Alice: One. Two.\nBob: Three. Four.\nAlice: Five.")  # fmt: skip
    return editor.project


def editor_for(project: Project) -> ProjectEditor:
    """An editor with deterministic ids (the child and the replay must agree)."""
    counter = itertools.count()
    return ProjectEditor(project, lambda: f"e{next(counter)}")


Rendered = tuple[str, SegmentTake, np.ndarray]


def step(editor: ProjectEditor, rng: random.Random, n: int) -> Rendered | None:
    """Edit number `n`; a render returns (segment id, take, audio) for the caller to add."""
    p = editor.project
    blocks = p.blocks
    roll = rng.random()
    if roll < 0.35 and blocks:
        block = rng.choice(blocks)
        editor.set_block_text(block.block_id, f"{block.text.split('.')[0]}. Line {n}.")
    elif roll < 0.45:
        editor.paste(p.chapters[0].chapter_id, rng.randrange(len(blocks) + 1), f"Bob: Said {n}.")
    elif roll < 0.7:
        jobs = render_jobs(p)
        if jobs:
            job = rng.choice(jobs)
            take = SegmentTake(f"t{n}", job.key, job.text, 0.1, RATE, job.spec.voice_id)
            audio = np.full(int(0.1 * RATE), (n % 1000) / 4096, dtype=np.float32)
            return job.segment_id, take, audio
    elif roll < 0.75:
        speaker = rng.choice(p.cast.speakers)
        editor.update_speaker(speaker.speaker_id, voice_id=rng.choice(["emily", "arjun"]))
    elif roll < 0.82 and p.segments():
        segment = rng.choice(p.segments())
        editor.set_locked(segment.segment_id, not segment.locked)
    elif roll < 0.87:
        multi = [s for s in p.segments() if len(s.takes) > 1]
        if multi:
            segment = rng.choice(multi)
            editor.choose_take(segment.segment_id, rng.choice(segment.takes).take_id)
    elif roll < 0.9 and len(blocks) > 3:
        editor.delete_blocks([rng.choice(blocks).block_id])
    elif roll < 0.95:
        editor.undo()
    else:
        editor.redo()
    return None


def child(path: Path, seed: int) -> None:
    """Edit and autosave until killed."""
    rng = random.Random(seed)
    with ProjectFile.open(path) as file:
        editor = editor_for(file.project)
        saver = ProjectAutosaver(file, AUTOSAVE_S)
        print("ready", flush=True)
        for n in itertools.count():
            made = step(editor, rng, n)
            if made is not None:
                segment_id, take, audio = made
                file.put_audio(take.take_id, audio, RATE)  # audio first, then the take
                editor.add_take(segment_id, take)
            saver.changed(editor.project)
            saver.poll()
            print(n, time.monotonic(), flush=True)
            time.sleep(0.004)  # typing speed, in the child process only


def replay(seed: int, edits: int) -> list[Project]:
    """The project after 0, 1, … `edits` edits, as the child made them."""
    rng = random.Random(seed)
    editor = editor_for(start_project())
    states = [editor.project]
    for n in range(edits):
        made = step(editor, rng, n)
        if made is not None:
            editor.add_take(made[0], made[1])
        states.append(editor.project)
    return states


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS))
def test_kill_9_while_editing_loses_under_a_second(tmp_path: Path, trial: int) -> None:
    """SIGKILL at a random moment: the file opens, holds every edit older than 1 s, and every
    chosen take's audio plays."""
    path = tmp_path / "crash.wavesproj"
    ProjectFile.create(path, start_project()).close()
    seed = 1000 + trial
    ready, lines, killed_at = kill_9_mid_run(
        "tests.store.test_project_crash", [str(path), str(seed)], seed
    )
    assert ready.strip() == "ready"
    reported = [line.split() for line in lines]
    times = {int(n): float(t) for n, t in reported}
    assert times, "the child made no edit"
    states = replay(seed, max(times) + 2)
    with ProjectFile.open(path) as reopened:
        saved = max(n for n, state in enumerate(states) if state == reopened.project)
        must_have = [n for n, t in times.items() if t < killed_at - LOSS_LIMIT_S]
        assert saved >= max(must_have, default=-1) + 1
        for segment in reopened.project.segments():
            if segment.chosen_take:
                samples, rate = reopened.read_audio(segment.chosen_take)
                assert rate == RATE and samples.size == int(0.1 * RATE)


if __name__ == "__main__":
    child(Path(sys.argv[1]), int(sys.argv[2]))
