"""The Script view's bar for the selected sentence: Play, Regenerate, Takes ▾, Lock."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from studio.core.project import Project, Segment
from studio.core.project_state import segment_state


class SegmentBar(QWidget):
    """Shows the selected segment and offers its actions.

    Signals:
        play_requested(str take_id): the chosen take.
        regenerate_requested(str segment_id)
        take_chosen(str segment_id, str take_id)
        lock_toggled(str segment_id, bool locked)
    """

    play_requested = Signal(str)
    regenerate_requested = Signal(str)
    take_chosen = Signal(str, str)
    lock_toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segment: Segment | None = None
        self.label = QLabel("Select a sentence", self)
        self.play_button = QPushButton("Play", self)
        self.play_button.setToolTip("Play this sentence's chosen take")
        self.play_button.clicked.connect(self._on_play_clicked)
        self.regenerate_button = QPushButton("Regenerate", self)
        self.regenerate_button.setToolTip("Render a new take of this sentence")
        self.regenerate_button.clicked.connect(self._on_regenerate_clicked)
        # A push button, not an instant-popup tool button: Fusion draws a tool button's menu
        # arrow over the end of its text ("Takes (1)" lost its bracket) and its size hint
        # leaves no room for the arrow.
        self.takes_button = QPushButton("Takes", self)
        self.takes_menu = QMenu(self.takes_button)
        self.takes_button.setMenu(self.takes_menu)
        self.lock_button = QPushButton("Lock", self)
        self.lock_button.setCheckable(True)
        self.lock_button.setToolTip("Render changed leaves a locked sentence alone")
        self.lock_button.clicked.connect(self._on_lock_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        for widget in (self.play_button, self.regenerate_button, self.takes_button):
            layout.addWidget(widget)
        layout.addWidget(self.lock_button)
        self.show_segment(None, "")

    def show_segment(self, project: Project | None, segment_id: str) -> None:
        """Show a segment of `project` ("" or a missing id: nothing selected)."""
        has = project is not None and bool(segment_id) and project.has(segment_id)
        segment = project.segment(segment_id) if has and project is not None else None
        self.segment = segment
        for widget in (self.play_button, self.regenerate_button, self.takes_button):
            widget.setEnabled(segment is not None)
        self.lock_button.setEnabled(segment is not None)
        self.takes_menu.clear()
        if segment is None or project is None:
            self.label.setText("Select a sentence")
            self.lock_button.setChecked(False)
            self.takes_button.setText("Takes")
            return
        state = segment_state(project, project.block_of(segment.segment_id), segment)
        self.label.setText(f"“{segment.text[:70]}” — {state.value}")
        self.play_button.setEnabled(segment.take() is not None)
        # A locked sentence keeps its take: unlock it to render another.
        self.regenerate_button.setEnabled(not segment.locked and bool(segment.text))
        self.lock_button.setChecked(segment.locked)
        self.lock_button.setText("Unlock" if segment.locked else "Lock")
        self.takes_button.setText(f"Takes ({len(segment.takes)})")
        self.takes_button.setEnabled(bool(segment.takes))
        for n, take in enumerate(segment.takes, 1):
            mark = "✓ " if take.take_id == segment.chosen_take else ""
            action = QAction(f"{mark}Take {n} — {take.duration_s:.1f} s, {take.voice_id}", self)
            action.triggered.connect(
                lambda _=False, t=take.take_id, s=segment.segment_id: self.take_chosen.emit(s, t)
            )
            self.takes_menu.addAction(action)

    @Slot()
    def _on_play_clicked(self) -> None:
        take = self.segment.take() if self.segment is not None else None
        if take is not None:
            self.play_requested.emit(take.take_id)

    @Slot()
    def _on_regenerate_clicked(self) -> None:
        if self.segment is not None:
            self.regenerate_requested.emit(self.segment.segment_id)

    @Slot(bool)
    def _on_lock_clicked(self, locked: bool) -> None:
        if self.segment is not None:
            self.lock_toggled.emit(self.segment.segment_id, locked)
