"""What Render changed sends to the render queue: one job per segment that needs audio."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.project import Project
from studio.core.project_state import needs_render, segment_key, voicing

# The one import of RenderSpec in the project code: it moves to studio.core.render.
from studio.core.render import RenderSpec


@dataclass(frozen=True)
class RenderJob:
    """One segment to render.

    Attributes:
        segment_id: Where the take goes (ProjectEditor.add_take).
        key: The segment key now; the take carries it (a later edit makes it stale).
        text: The spoken text (at most 250 characters: one request).
        spec: The request settings.
    """

    segment_id: str
    key: str
    text: str
    spec: RenderSpec


@dataclass(frozen=True)
class RenderPlan:
    """What Render changed would send, shown before it starts.

    Attributes:
        jobs: One per segment.
        characters: Characters sent (what the cloud bills).
        unvoiced: Names of speakers whose segments have no voice yet (nothing can render).
    """

    jobs: tuple[RenderJob, ...]
    characters: int
    unvoiced: tuple[str, ...] = ()

    @property
    def requests(self) -> int:
        """Synthesis requests (one per segment: a segment is at most 250 characters)."""
        return len(self.jobs)


def render_jobs(project: Project, segment_ids: set[str] | None = None) -> list[RenderJob]:
    """Jobs for every unlocked segment that is not rendered, stale or failed, in reading order.

    Args:
        project: The project.
        segment_ids: Only these (Regenerate on a selection renders them even when current).
    """
    jobs: list[RenderJob] = []
    for block in project.blocks:
        for segment in block.segments:
            if not segment.text:
                continue
            if segment_ids is None:
                if not needs_render(project, block, segment):
                    continue
            elif segment.segment_id not in segment_ids:
                continue
            v = voicing(project, block, segment)
            spec = RenderSpec(
                voice_id=v.voice_id,
                model=v.model,
                language=v.language,
                speed=v.speed,
                sample_rate=project.export.sample_rate,
                output_format="pcm",  # lossless on the wire; takes are stored as FLAC
                dictionary_ids=v.dictionaries,
            )
            key = segment_key(project, block, segment)
            jobs.append(RenderJob(segment.segment_id, key, segment.text, spec))
    return jobs


def job_characters(jobs: list[RenderJob]) -> int:
    """Characters the jobs will send (shown before Render changed starts)."""
    return sum(len(job.text) for job in jobs)


def plan_render(project: Project, segment_ids: set[str] | None = None) -> RenderPlan:
    """The jobs of Render changed (or of Regenerate for `segment_ids`), with what they cost."""
    jobs = render_jobs(project, segment_ids)
    unvoiced = {
        project.cast.get(project.block_of(job.segment_id).speaker_id).name
        for job in jobs
        if not job.spec.voice_id
    }
    return RenderPlan(tuple(jobs), job_characters(jobs), tuple(sorted(unvoiced)))
