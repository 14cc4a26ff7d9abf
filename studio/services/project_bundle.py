"""The script-project services, built together (app.py composes them into Services)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.library import RenderLibrary
from studio.services.backend import BackendService
from studio.services.messages import MessageBus
from studio.services.playback import PlaybackService
from studio.services.project import ProjectService
from studio.services.project_playback import ProjectPlayer
from studio.services.project_render import ProjectRenderer
from studio.services.project_transfer import ProjectTransfer
from studio.services.settings import Settings


@dataclass
class ProjectServices:
    """The open project (files, edits, autosave), its renderer, its read-along player, and
    script import and export."""

    projects: ProjectService
    renderer: ProjectRenderer
    player: ProjectPlayer
    transfer: ProjectTransfer

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Pause renders (resumable at the next start), write pending edits, close the file."""
        self.renderer.shutdown(timeout_ms)
        self.transfer.shutdown(timeout_ms)  # an export stops and cleans up before the file closes
        self.projects.shutdown(timeout_ms)


def build_project_services(
    settings: Settings,
    messages: MessageBus,
    backend: BackendService,
    library: RenderLibrary | None,
    playback: PlaybackService,
    data_dir: Path,
) -> ProjectServices:
    """Create the project services of one run (`data_dir` holds the render queue)."""
    projects = ProjectService(settings, messages)
    renderer = ProjectRenderer(projects, backend, library, messages, data_dir)
    player = ProjectPlayer(projects, playback, messages)
    return ProjectServices(projects, renderer, player, ProjectTransfer(projects))
