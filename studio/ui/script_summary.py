"""The Script view's summary line: sentences, to render, length, words and characters."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QWidget

from studio.core.project import Project
from studio.core.project_stats import ProjectFigures, ProjectTally

# The summary is recounted at most this often (renders and typing can be many per second).
INTERVAL_MS = 150


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)  # half up (round() would make 2.5 s read 0:02)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def summary_text(figures: ProjectFigures) -> str:
    """ "12 sentences · 3 to render · 1:05 · 180 words · 1,020 characters"."""
    parts = [f"{figures.sentences} sentences"]
    if figures.waiting:
        parts.append(f"{figures.waiting} to render")
    parts += [
        _clock(figures.seconds),
        f"{figures.words:,} words",
        f"{figures.characters:,} characters",
    ]
    return " · ".join(parts)


def summary_tip(figures: ProjectFigures) -> str:
    """Where the length comes from."""
    return (
        f"About {_clock(figures.seconds)} in all, pauses included: {_clock(figures.rendered_s)}"
        " of rendered takes, the rest estimated from each voice's measured speaking rate."
    )


def summary(project: Project) -> str:
    """The summary of a project counted from scratch (for scripts and benchmarks)."""
    return summary_text(ProjectTally().update(project))


class ScriptSummary(QLabel):
    """The summary line. Recounted at most every INTERVAL_MS (not restarted, so a stream of
    renders still updates it), each time only for the blocks that changed; while a paragraph
    is typed in, its uncommitted text counts too (O(that paragraph) per update).

    Attributes:
        tally: The per-block figures.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setAccessibleName("Project summary")
        self.tally = ProjectTally()
        self._project: Project | None = None
        self._typing: tuple[str, Callable[[], str]] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.recount)

    def show_project(self, project: Project | None) -> None:
        """The project changed (a render, an edit, another project)."""
        if project is None:
            self._typing = None  # (a paragraph typed in stays counted until its row goes)
        self._project = project
        self._soon()

    def typed(self, block_id: str, text: Callable[[], str]) -> None:
        """A paragraph's field changed; `text` reads it when the summary is next counted."""
        self._typing = (block_id, text)
        self._soon()

    def _soon(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def recount(self) -> None:
        """Count now (the timer does this)."""
        project = self._project
        if project is None:
            self.setText("")
            self.setToolTip("")
            return
        figures = self.tally.update(project)
        if self._typing is not None:
            block_id, text = self._typing
            try:
                typed = text()
            except RuntimeError:  # its row was deleted (the paragraph went)
                self._typing = None
            else:
                figures = self.tally.preview(block_id, typed) or figures
        self.setText(summary_text(figures))
        self.setToolTip(summary_tip(figures))
