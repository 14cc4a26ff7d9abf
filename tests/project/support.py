"""Helpers for the `project` command tests: render a project file on waves-local headless, the
way `waves-studio project render` does (render_jobs, put_audio, add_take, save per take)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from studio.api.client import WavesClient
from studio.core.project import SegmentTake
from studio.core.project_ops import add_take, new_id
from studio.core.project_render import render_jobs
from studio.pipeline import render_text
from studio.store.project_file import ProjectFile
from tests.conftest import WAVES_LOCAL_TEST_KEY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scripts"


def render_project(path: Path, server) -> int:
    """Render every segment that needs it over real HTTP; returns how many were rendered."""
    client = WavesClient(server.base_url, WAVES_LOCAL_TEST_KEY)
    try:
        with ProjectFile.open(path) as file:
            project = file.project
            jobs = render_jobs(project)
            for job in jobs:
                rendered = render_text(client, job.text, job.spec, "none")
                samples = rendered.samples
                rendered.audio.path.unlink(missing_ok=True)
                take_id = new_id()
                file.put_audio(take_id, samples, rendered.sample_rate)
                take = SegmentTake(
                    take_id, job.key, job.text, len(samples) / rendered.sample_rate,
                    rendered.sample_rate, voice_id=job.spec.voice_id, speed=job.spec.speed,
                    created_at=dt.datetime.now(dt.UTC).isoformat(), backend="local",
                )  # fmt: skip
                project = add_take(project, job.segment_id, take)
                file.save(project)
            return len(jobs)
    finally:
        client.close()
