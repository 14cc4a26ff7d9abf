"""A script project's renders as render-queue jobs (headless): only what changed is sent, a job
is squared with the project before it resumes, and batch never sees a project's jobs."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np

from studio.batch.project_queue import (
    ProjectJobOptions,
    create_project_job,
    reconcile,
    segment_of,
    unfinished_for,
)
from studio.batch.project_run import ProjectSession
from studio.batch.render_adapter import client_factory, make_backend, open_library
from studio.core.batch import DONE, QUEUED, RUNNING, SKIPPED
from studio.core.project import Project, SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project, replace_segment
from studio.core.project_render import render_jobs
from studio.core.project_state import segment_key
from studio.store.project_file import ProjectFile
from studio.store.queue import QueueStore
from tests.conftest import WAVES_LOCAL_TEST_KEY

TTS = "/waves/v1/tts"
RATE = 8000


def _script(paragraphs: int) -> str:
    """`paragraphs` paragraphs of 5 distinct sentences, two speakers alternating."""
    lines = []
    for p in range(paragraphs):
        who = "Narrator" if p % 2 == 0 else "Alice"
        sentences = " ".join(f"Paragraph {p} has sentence number {s} here." for s in range(5))
        lines.append(f"{who}: {sentences}")
    return "\n\n".join(lines)


def _project(paragraphs: int) -> Project:
    counter = itertools.count()
    editor = ProjectEditor(new_project("Long", "tone-alto"), lambda: f"i{next(counter)}")
    editor.paste(editor.project.chapters[0].chapter_id, 0, _script(paragraphs))
    return editor.project


def _rendered(project: Project) -> Project:
    """Every segment with a current take (as after a full render; no audio needed here)."""
    for block in project.blocks:
        for segment in block.segments:
            key = segment_key(project, block, segment)
            take = SegmentTake(f"t-{segment.segment_id}", key, segment.text, 1.0, RATE)
            project = replace_segment(
                project, replace(segment, takes=(take,), chosen_take=take.take_id)
            )
    return project


def _session(path: Path, profile: Path, store: QueueStore, url: str) -> ProjectSession:
    library = open_library(profile, 50 * 1024 * 1024)
    return ProjectSession(
        path, store, library, make_backend("local", url, "tone"),
        client_factory(url, WAVES_LOCAL_TEST_KEY), concurrency=3,
    )  # fmt: skip


def test_three_edits_of_a_500_segment_project_send_three_requests(tmp_path, waves_local) -> None:
    """Edit 3 sentences of a rendered 500-segment project: Render changed sends exactly 3
    synthesis requests (the server counts), and each of those 3 gets a new, chosen take."""
    project = _rendered(_project(100))
    assert len(project.segments()) == 500
    editor = ProjectEditor(project)
    edited = []
    for n in (3, 41, 97):
        block = project.blocks[n]
        editor.set_block_text(block.block_id, block.text.replace("number 2 here", "two, edited"))
        edited.append(editor.project.blocks[n].segments[2].segment_id)
    path = tmp_path / "Long.wavesproj"
    ProjectFile.create(path, editor.project).close()
    waves_local.stats.reset()
    with QueueStore(tmp_path / "queue.sqlite3") as store:
        with _session(path, tmp_path, store, waves_local.base_url) as session:
            result = session.render()
            assert (result.done, result.failed) == (3, {})
            after = session.project
        assert waves_local.stats.requests(TTS) == 3
        assert unfinished_for(store, path) == ([], 0)
    for segment_id in edited:
        segment = after.segment(segment_id)
        assert len(segment.takes) == 2  # the stale take is kept; the new one is chosen
        assert segment.chosen_take == segment.takes[1].take_id
    with ProjectFile.open(path) as reopened:
        assert render_jobs(reopened.project) == []
        for segment_id in edited:
            samples, rate = reopened.read_audio(reopened.project.segment(segment_id).chosen_take)
            assert rate == 24000 and samples.size > 0


def test_reconcile_squares_a_job_with_the_saved_project(tmp_path) -> None:
    """Before a resume: a take already saved marks its item done; a done item whose take was
    lost is queued again; an item whose sentence changed or was rendered since is skipped."""
    project = _project(1)
    jobs = render_jobs(project)
    path = tmp_path / "p.wavesproj"
    with QueueStore(tmp_path / "queue.sqlite3") as store:
        job_id = create_project_job(store, ProjectJobOptions(str(path.resolve())), jobs)
        items = store.items(job_id)
        saved, lost, changed, waiting, since = items
        for _ in (saved, lost):
            assert store.claim(job_id) is not None  # both running
        store.finish(lost.id, DONE)  # saved: still running, as a kill left it
        take = SegmentTake(saved.spec.out_name, segment_of(saved)[1], saved.spec.text, 1.0, RATE)
        project = replace_segment(project, replace(project.segments()[0], takes=(take,)))
        other = SegmentTake("by-another-job", segment_of(since)[1], since.spec.text, 1.0, RATE)
        fifth = project.segments()[4]
        project = replace_segment(
            project, replace(fifth, takes=(other,), chosen_take="by-another-job")
        )
        block = project.blocks[0]
        editor = ProjectEditor(project)
        editor.set_block_text(block.block_id, block.text.replace("number 2 here", "two, changed"))
        left = reconcile(store, job_id, editor.project)
        states = {i.id: i.state for i in store.items(job_id)}
        assert states[saved.id] == DONE
        assert states[lost.id] == QUEUED
        assert states[changed.id] == SKIPPED
        assert states[waiting.id] == QUEUED and RUNNING not in states.values()
        assert states[since.id] == SKIPPED  # rendered by another job meanwhile
        assert left == [segment_of(lost)[0], segment_of(waiting)[0]]


def test_batch_never_offers_a_projects_job(tmp_path) -> None:
    """Unfinished project jobs are listed for their project, never among batch jobs."""
    path = tmp_path / "p.wavesproj"
    with QueueStore(tmp_path / "queue.sqlite3") as store:
        job_id = create_project_job(
            store, ProjectJobOptions(str(path.resolve())), render_jobs(_project(1))
        )
        batch_id = store.create_job("in.csv", tmp_path, "{}", [])
        assert [j.id for j in store.unfinished_jobs()] == [batch_id]
        assert [j.id for j in store.unfinished_jobs("project")] == [job_id]
        assert unfinished_for(store, path) == ([job_id], 5)
        assert unfinished_for(store, tmp_path / "other.wavesproj") == ([], 0)


def test_a_take_is_added_once_even_when_its_item_renders_twice(tmp_path, waves_local) -> None:
    """An item rendered again after a crash (same take id) never adds a second take."""
    project = _project(1)
    path = tmp_path / "once.wavesproj"
    ProjectFile.create(path, project).close()
    with QueueStore(tmp_path / "queue.sqlite3") as store:
        with _session(path, tmp_path, store, waves_local.base_url) as session:
            session.render()
            first = session.project
            segment = first.segments()[0]
            take = segment.takes[0]
            session._on_take(segment.segment_id, take)  # the same item's take again
            assert session.project == first
    with ProjectFile.open(path) as reopened:
        assert [len(s.takes) for s in reopened.project.segments()] == [1] * 5
        audio = reopened.read_audio(take.take_id)[0]
        assert np.abs(audio).max() > 0
