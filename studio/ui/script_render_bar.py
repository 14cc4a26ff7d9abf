"""The Script view's render progress: a bar, done/total, ETA, concurrency, and Pause."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from studio.services.project_render import ProjectRenderer

if TYPE_CHECKING:  # the batch engine loads with the first render, not before the first frame
    from studio.batch.runner import Progress

PAUSE_LABELS = ("Pause re&ndering", "Resume re&ndering")


def describe(p: Progress) -> str:
    """ "12 of 40 segments · 2 failed · 850 characters/s · about 35 s left · 3 at once"."""
    c = p.counts
    parts = [f"{c.finished} of {c.total} segments"]
    if c.failed:
        parts.append(f"{c.failed} failed")
    if p.paused:
        parts.append(f"paused: {p.message}" if p.message else "paused")
    else:
        if p.chars_per_s:
            parts.append(f"{p.chars_per_s:,.0f} characters/s")
        if p.eta_s is not None and c.finished < c.total:
            parts.append(f"about {_duration(p.eta_s)} left")
        parts.append(f"{p.concurrency} at once")
    return " · ".join(parts)


def _duration(seconds: float) -> str:
    s = max(1, round(seconds))
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


class RenderProgress(QWidget):
    """Shows the running render job of the project; hidden while nothing renders.

    Attributes:
        bar: Items finished of the job.
        label: The line of `describe` (also its accessible description).
        pause_button: Pause / Resume the job.
    """

    def __init__(self, renderer: ProjectRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("Render progress")
        self.bar.setFixedWidth(160)
        self.label = QLabel("", self)
        self.label.setAccessibleName("Render status")
        self.pause_button = QPushButton(PAUSE_LABELS[0], self)
        self.pause_button.setToolTip("Requests in flight go back to the queue; nothing is lost")
        self.pause_button.clicked.connect(self._on_pause_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.pause_button)
        renderer.render_progressed.connect(self._on_render_progressed)
        renderer.progress_changed.connect(self._on_progress_changed)
        renderer.render_finished.connect(self._on_render_finished)
        self.hide()

    @Slot(int, int)
    def _on_render_progressed(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(f"{done}/{total}")
        self.setVisible(self._renderer.busy)

    @Slot(object)
    def _on_progress_changed(self, progress: Progress) -> None:
        text = describe(progress)
        self.label.setText(text)
        self.bar.setAccessibleDescription(text)
        self.pause_button.setText(PAUSE_LABELS[1 if progress.paused else 0])

    @Slot(int, int)
    def _on_render_finished(self, _rendered: int, _failed: int) -> None:
        self.hide()
        self.label.setText("")
        self.pause_button.setText(PAUSE_LABELS[0])

    @Slot()
    def _on_pause_clicked(self) -> None:
        paused = self.pause_button.text() == PAUSE_LABELS[0]
        self.pause_button.setText(PAUSE_LABELS[1 if paused else 0])  # at once; progress confirms
        self._renderer.set_paused(paused)
