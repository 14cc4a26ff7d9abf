"""Palette-aware SVG icons from studio/assets/icons, rendered sharp at every device pixel ratio."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

_SIZES = (16, 20, 24, 32, 48, 64)


@cache
def _svg_text(name: str) -> str:
    return (resources.files("studio.assets") / "icons" / f"{name}.svg").read_text("utf-8")


def _render(svg: str, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return QPixmap.fromImage(image)


def icon(name: str, color: QColor | None = None) -> QIcon:
    """An icon whose strokes take the palette's text colour (or `color`), disabled state dimmed.

    Without `color` the colour is read when the icon is painted, so a theme switched at run
    time re-tints every icon already on screen.
    """
    return QIcon(_TintEngine(name, color.name() if color else None))


@cache
def _tinted_pixmap(name: str, colour: str, size: int) -> QPixmap:
    """Rendered once per name, colour and size: Play/Pause swap their icon on every state change."""
    return _render(_svg_text(name).replace("@COLOR@", colour), size)


class _TintEngine(QIconEngine):
    """Renders an SVG template in the current palette's button text colour at the size asked."""

    def __init__(self, name: str, colour: str | None) -> None:
        super().__init__()
        self._name = name
        self._colour = colour

    def _colour_for(self, mode: QIcon.Mode) -> str:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            group = QPalette.ColorGroup.Disabled
            return palette.color(group, QPalette.ColorRole.ButtonText).name()
        if self._colour:
            return self._colour
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText).name()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        side = max(1, min(size.width(), size.height()))
        return _tinted_pixmap(self._name, self._colour_for(mode), side)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        side = round(min(rect.width(), rect.height()) * ratio)
        pixmap = QPixmap(_tinted_pixmap(self._name, self._colour_for(mode), max(1, side)))
        pixmap.setDevicePixelRatio(ratio)
        painter.drawPixmap(rect.topLeft(), pixmap)

    def availableSizes(
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        return [QSize(s, s) for s in _SIZES]

    def clone(self) -> QIconEngine:
        # Qt clones only when a shared icon is modified (addPixmap on a copy), which the app
        # never does. PySide does not hand the returned engine's ownership to C++, so the
        # Python wrapper is kept here; otherwise it would be collected under the new QIcon.
        engine = _TintEngine(self._name, self._colour)
        _CLONES.append(engine)
        return engine


_CLONES: list[_TintEngine] = []


def app_icon() -> QIcon:
    """The application icon (full colour)."""
    result = QIcon()
    for size in (*_SIZES, 128, 256):
        result.addPixmap(_render(_svg_text("app"), size))
    return result
