"""Palette-aware SVG icons from studio/assets/icons, rendered sharp at every device pixel ratio."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
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
    """An icon whose strokes take the palette's text colour (or `color`), disabled state dimmed."""
    palette = QGuiApplication.palette()
    normal = color or palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    return _tinted_icon(name, normal.name(), disabled.name())


@cache
def _tinted_icon(name: str, normal: str, disabled: str) -> QIcon:
    """Rendered once per name and colours: Play/Pause swap their icon on every state change."""
    result = QIcon()
    template = _svg_text(name)
    for size in _SIZES:
        result.addPixmap(_render(template.replace("@COLOR@", normal), size))
        result.addPixmap(_render(template.replace("@COLOR@", disabled), size), QIcon.Mode.Disabled)
    return result


def app_icon() -> QIcon:
    """The application icon (full colour)."""
    result = QIcon()
    for size in (*_SIZES, 128, 256):
        result.addPixmap(_render(_svg_text("app"), size))
    return result
