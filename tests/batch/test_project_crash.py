"""`kill -9` of a process editing a project while it renders through the queue (10 trials).

The child (`python -m tests.batch.test_project_crash PATH PROFILE URL SEED`) opens the project
in a ProjectSession (the headless services of `waves-studio project render`), renders changed
segments against waves-local on a thread, and makes seeded random edits (text, paste, voice,
lock, take choice, delete, undo, redo) on the main thread, printing after each edit its number,
CLOCK_MONOTONIC time and a digest of the edited model (takes aside: renders land at their own
pace). The parent kills it at a random moment, then checks that the file opens, holds every
edit older than one second, that every chosen take plays, and that resuming renders the rest
with no take twice.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import sys
import threading
import time
from pathlib import Path

import pytest

from studio.batch.project_run import ProjectSession
from studio.batch.render_adapter import client_factory, make_backend, open_library
from studio.core.project import Project
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project
from studio.core.project_render import render_jobs
from studio.store.project_file import ProjectFile
from studio.store.queue import QueueStore
from tests.conftest import WAVES_LOCAL_TEST_KEY
from tests.crash_child import kill_9_mid_run

TRIALS = 10
LOSS_LIMIT_S = 1.0
AUTOSAVE_S = 0.2
VOICES = ("tone-alto", "tone-bass")


def digest(project: Project) -> str:
    """The edits' part of a project: texts, speakers and their voices, locks (not takes)."""
    parts = [f"{s.speaker_id}={s.voice_id}" for s in project.cast.speakers]
    for block in project.blocks:
        parts.append(f"{block.speaker_id}:{block.text}")
        parts.extend("L" if s.locked else "-" for s in block.segments)
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


def step(editor: ProjectEditor, rng: random.Random, n: int) -> None:
    """Edit number `n` (the take choice depends on renders, so it is not replayed)."""
    p = editor.project
    blocks = p.blocks
    roll = rng.random()
    if roll < 0.4 and blocks:
        block = rng.choice(blocks)
        editor.set_block_text(block.block_id, f"{block.text.split('.')[0]}. Line {n}.")
    elif roll < 0.5:
        editor.paste(p.chapters[0].chapter_id, rng.randrange(len(blocks) + 1), f"Bob: Said {n}.")
    elif roll < 0.55:
        speaker = rng.choice(p.cast.speakers)
        editor.update_speaker(speaker.speaker_id, voice_id=rng.choice(VOICES))
    elif roll < 0.65 and p.segments():
        segment = rng.choice(p.segments())
        editor.set_locked(segment.segment_id, not segment.locked)
    elif roll < 0.75:
        multi = [s for s in p.segments() if len(s.takes) > 1]
        if multi:
            segment = rng.choice(multi)
            editor.choose_take(segment.segment_id, rng.choice(segment.takes).take_id)
    elif roll < 0.8 and len(blocks) > 3:
        editor.delete_blocks([rng.choice(blocks).block_id])
    elif roll < 0.9:
        editor.undo()
    else:
        editor.redo()


def start_project() -> Project:
    """The project every trial starts from."""
    editor = ProjectEditor(new_project("Crash", VOICES[0]))
    editor.paste(editor.project.chapters[0].chapter_id, 0,
                 "Alice: One. Two.\nBob: Three. Four.\nAlice: Five.")  # fmt: skip
    return editor.project


def session(path: Path, profile: Path, store: QueueStore, url: str) -> ProjectSession:
    """The headless services, against waves-local's tone engine."""
    return ProjectSession(
        path, store, open_library(profile, 50 * 1024 * 1024), make_backend("local", url, "tone"),
        client_factory(url, WAVES_LOCAL_TEST_KEY), concurrency=3, autosave_s=AUTOSAVE_S,
    )  # fmt: skip


def child(path: Path, profile: Path, url: str, seed: int) -> None:
    """Edit and render until killed."""
    rng = random.Random(seed)
    with QueueStore(profile / "queue.sqlite3") as store, session(path, profile, store, url) as s:

        def render() -> None:
            while True:
                if s.render_changed() is None:
                    time.sleep(0.02)  # nothing changed yet (the child only)

        threading.Thread(target=render, daemon=True).start()
        print("ready", digest(s.project), flush=True)

        def edit(editor: ProjectEditor, n: int) -> None:
            step(editor, rng, n)
            # Reported under the session's lock, before any save can hold this state.
            print(n, time.monotonic(), digest(editor.project), flush=True)

        for n in itertools.count():
            s.edit(lambda e, n=n: edit(e, n))
            time.sleep(0.004)  # typing speed, in the child process only


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS))
def test_kill_9_while_editing_and_rendering(tmp_path: Path, trial: int, waves_local) -> None:
    """SIGKILL mid-render: the file opens with every edit older than 1 s, every chosen take
    plays, and resuming renders what is left without a second take of any item."""
    path, profile = tmp_path / "crash.wavesproj", tmp_path / "profile"
    profile.mkdir()
    ProjectFile.create(path, start_project()).close()
    seed = 1500 + trial
    args = [str(path), str(profile), waves_local.base_url, str(seed)]
    ready, lines, killed_at = kill_9_mid_run("tests.batch.test_project_crash", args, seed)
    edits = [line.split() for line in lines]
    assert edits, "the child made no edit"
    states = [(-1, 0.0, ready.split()[1])] + [(int(n), float(t), d) for n, t, d in edits]
    must_have = max((n for n, t, _ in states if t < killed_at - LOSS_LIMIT_S), default=-1)
    with ProjectFile.open(path) as reopened:
        saved = digest(reopened.project)
        assert any(d == saved for n, _, d in states if n >= must_have), "edits were lost"
        for segment in reopened.project.segments():
            if segment.chosen_take:
                samples, rate = reopened.read_audio(segment.chosen_take)
                assert rate == 24000 and samples.size > 0
    with QueueStore(profile / "queue.sqlite3") as store:
        with session(path, profile, store, waves_local.base_url) as resumed:
            result = resumed.render()
            project = resumed.project
    assert result.failed == {}
    assert render_jobs(project) == []
    take_ids = [t.take_id for s in project.segments() for t in s.takes]
    assert len(take_ids) == len(set(take_ids))


if __name__ == "__main__":
    child(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
