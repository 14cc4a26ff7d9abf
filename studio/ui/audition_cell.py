"""One cell of the audition grid: name, settings, status, mini waveform, stars, 'Use this one'."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.services.audition import Cell
from studio.services.clipview import waveform_signal
from studio.ui.theme import status_colour
from studio.ui.waveform import WaveformView

STATUS_TEXT = {
    "queued": "Queued",
    "rendering": "Rendering…",
    "waiting": "Server busy, retrying…",
    "ready": "Ready",
    "failed": "Failed",
}


class CellWidget(QFrame):
    """One grid cell: name, settings, status, length, mini waveform, stars, 'Use this one'.

    Signals:
        play_requested(int cell index)
        use_requested(int cell index)
        stars_changed(int cell index, int stars)
    """

    play_requested = Signal(int)
    use_requested = Signal(int)
    stars_changed = Signal(int, int)

    def __init__(
        self, slot: int, parent: QWidget | None = None, voice_name: Callable[[str], str] = str
    ) -> None:
        super().__init__(parent)
        self.slot = slot
        self._voice_name = voice_name
        self.index = -1
        self._drawn: tuple[int, int] | None = None  # (cell index, render) on the waveform
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("auditionCell")
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.settings = QLabel(self)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # may quote the server
        self.status.setWordWrap(True)
        self.wave = WaveformView(self)
        self.wave.setMinimumHeight(36)
        self.wave.setToolTip("")
        self.wave.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.wave.placeholder = ""
        self.wave.show_readout = False  # the status line below gives the length
        self.stars = QComboBox(self)
        self.stars.setAccessibleName(f"Stars for cell {slot + 1}")
        for n in range(6):
            self.stars.addItem("☆" if n == 0 else "★" * n, n)
        self.use_button = QPushButton("Use this one", self)
        self.use_button.setToolTip("Copy this cell's voice and settings into the main controls")
        bottom = QHBoxLayout()
        bottom.addWidget(self.stars)
        bottom.addStretch(1)
        bottom.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.settings)
        layout.addWidget(self.wave, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.use_button.clicked.connect(self._on_use_clicked)
        self.stars.activated.connect(self._on_stars_activated)
        self.wave.seek_requested.connect(self._on_wave_clicked)
        self.show_cell(None, "", False)

    def show_cell(self, cell: Cell | None, badge: str, reveal: bool, playing: bool = False) -> None:
        """Display a cell (None = empty slot)."""
        self.index = cell.index if cell else -1
        key = f"<b>{self.slot + 1}</b>"
        if cell is None:
            self.wave.clear()
            self._drawn = None
            self.hide()  # the grid shows as many cells as there are candidates
            return
        self.show()
        name = (
            html.escape(self._voice_name(cell.candidate.voice_id))
            if reveal
            else f"Voice {self.slot + 1}"
        )
        warn = status_colour("warning")
        badge_text = f"  <span style='color:{warn}'><b>[{badge}]</b></span>" if badge else ""
        marker = " ▶" if playing else ""
        self.title.setText(f"{key}  {name}{badge_text}{marker}")
        self.settings.setText(cell.candidate.settings_text if reveal else "settings hidden")
        status = STATUS_TEXT.get(cell.status, cell.status)
        if cell.status == "ready" and cell.rendered is not None:
            status = f"{cell.rendered.duration_s:.1f} s" + (
                "  ·  from cache" if cell.from_cache else ""
            )
        elif cell.message:
            status = f"{status}: {cell.message}"
        self.status.setText(status)
        self.stars.setCurrentIndex(cell.stars)
        self.use_button.setEnabled(cell.status == "ready")
        shown = (cell.index, id(cell.rendered))
        if cell.rendered is not None and shown != self._drawn:
            self.wave.set_clip(*waveform_signal(cell.rendered))  # a long clip: its peaks
        elif cell.rendered is None:
            self.wave.clear()
        self._drawn = shown if cell.rendered is not None else None
        self.setStyleSheet(
            "#auditionCell { border: 2px solid palette(highlight); }" if playing else ""
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.index >= 0:
            self.play_requested.emit(self.index)
        super().mouseReleaseEvent(event)

    @Slot(float)
    def _on_wave_clicked(self, _seconds: float) -> None:
        if self.index >= 0:
            self.play_requested.emit(self.index)

    @Slot()
    def _on_use_clicked(self) -> None:
        self.use_requested.emit(self.index)

    @Slot(int)
    def _on_stars_activated(self, stars: int) -> None:
        self.stars_changed.emit(self.index, stars)
