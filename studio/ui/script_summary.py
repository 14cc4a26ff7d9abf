"""The Script view's one-line summary of a project."""

from __future__ import annotations

from studio.core.project import Project
from studio.core.project_state import SegmentState, estimated_duration, state_counts


def summary(project: Project) -> str:
    """The toolbar's one-line state of the project: "12 sentences · 3 to render · 1:05"."""
    counts = state_counts(project)
    waiting = sum(
        counts[s] for s in (SegmentState.NOT_RENDERED, SegmentState.STALE, SegmentState.FAILED)
    )
    seconds = round(estimated_duration(project))
    parts = [f"{sum(counts.values())} sentences"]
    if waiting:
        parts.append(f"{waiting} to render")
    parts.append(f"{seconds // 60}:{seconds % 60:02d}")
    return " · ".join(parts)
