"""WaveformView: min/max peaks drawn as audio arrives, a play head, click to seek, drag out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np

    from studio.audio.peaks import PeakBuilder


def format_time(seconds: float) -> str:
    """ "1:02.3" style time."""
    seconds = max(0.0, seconds)
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


class WaveformView(QWidget):
    """Draws a clip's waveform incrementally and the play head; emits seek and drag intents.

    Peaks come from a PeakBuilder, so a repaint costs O(width) whatever the clip length.

    Signals:
        seek_requested(float seconds): the user clicked a position.
        drag_requested(): the user started dragging the clip out of the window.
    """

    seek_requested = Signal(float)
    drag_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Waveform")
        self.setToolTip("Click to jump; drag the clip out to save it elsewhere")
        self._builder: PeakBuilder | None = None
        self._position = 0.0
        self._expected_s = 0.0
        self._press: QPoint | None = None
        self.draggable = False
        self.placeholder = "The waveform appears here as the audio arrives."
        self.show_readout = True  # grid cells show the length elsewhere and turn it off

    def sizeHint(self) -> QSize:
        return QSize(600, 120)

    @property
    def duration_s(self) -> float:
        """Seconds of audio drawn so far."""
        return self._builder.duration_s if self._builder else 0.0

    def clear(self) -> None:
        """Forget the clip."""
        self._builder = None
        self._position = 0.0
        self.draggable = False
        self.update()

    def begin(self, sample_rate: int, expected_s: float = 0.0) -> None:
        """Start drawing a new clip that streams in (x-axis spans at least `expected_s`)."""
        from studio.audio.peaks import PeakBuilder

        self._builder = PeakBuilder(sample_rate)
        self._position = 0.0
        self._expected_s = expected_s
        self.draggable = False
        self.update()

    def append(self, samples: np.ndarray, sample_rate: int) -> None:
        """Add streamed samples."""
        if self._builder is None or self._builder.sample_rate != sample_rate:
            self.begin(sample_rate, self._expected_s)
        assert self._builder is not None
        self._builder.add(samples)
        self.update()

    def set_clip(self, samples: np.ndarray, sample_rate: int) -> None:
        """Show a whole clip at once."""
        self.begin(sample_rate)
        self.append(samples, sample_rate)

    def set_position(self, seconds: float) -> None:
        """Move the play head."""
        if abs(seconds - self._position) > 1e-3:
            self._position = seconds
            self.update()

    def _span_s(self) -> float:
        return max(self.duration_s, self._expected_s, 1e-6)

    def readout_band(self) -> int:
        """Height of the strip above the waveform that holds the time readout (0 if none)."""
        return self.fontMetrics().height() + 4 if self.show_readout else 0

    def paintEvent(self, event: QPaintEvent) -> None:
        import numpy as np

        painter = QPainter(self)
        palette = self.palette()
        rect = self.rect().adjusted(1, 1, -1, -1)
        painter.fillRect(rect, palette.color(QPalette.ColorRole.Base))
        band = self.readout_band()
        if self._builder is not None and self.duration_s > 0 and band:
            # The readout gets its own strip: it never sits on top of the waveform.
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(
                QRectF(rect.left() + 6, rect.top(), rect.width() - 12, band),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{format_time(self._position)} / {format_time(self.duration_s)}",
            )
            rect = rect.adjusted(0, band, 0, 0)
        mid_y = rect.center().y()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(rect.left(), mid_y, rect.right(), mid_y)
        if self._builder is None or self.duration_s <= 0:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        span = self._span_s()
        width = max(1, int(rect.width() * min(1.0, self.duration_s / span)))
        mins, maxs = self._builder.peaks(width)
        half = rect.height() / 2 - 2
        xs = np.arange(len(mins), dtype=np.float64) + rect.left()
        top = mid_y - np.clip(maxs, -1, 1) * half
        bottom = mid_y - np.clip(mins, -1, 1) * half
        outline = QPolygonF(
            [QPointF(x, y) for x, y in zip(xs, top, strict=True)]
            + [QPointF(x, y) for x, y in zip(xs[::-1], bottom[::-1], strict=True)]
        )
        accent = palette.color(QPalette.ColorRole.Highlight)
        fill = QColor(accent)
        fill.setAlpha(170)
        painter.setPen(QPen(accent, 1))
        painter.setBrush(fill)
        painter.drawPolygon(outline)
        x = rect.left() + rect.width() * min(self._position / span, 1.0)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 2))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and self.draggable:
            distance = (event.position().toPoint() - self._press).manhattanLength()
            if distance >= 12:
                self._press = None
                self.drag_requested.emit()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and self.duration_s > 0:
            fraction = (event.position().x() - 1) / max(1, self.width() - 2)
            self.seek_requested.emit(max(0.0, min(fraction, 1.0)) * self._span_s())
        self._press = None
        super().mouseReleaseEvent(event)
