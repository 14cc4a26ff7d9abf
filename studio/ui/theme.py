"""Light and dark palettes that follow the system colour scheme (or STUDIO_THEME)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#1f2329",
    QPalette.ColorRole.WindowText: "#e6e9ef",
    QPalette.ColorRole.Base: "#16191e",
    QPalette.ColorRole.AlternateBase: "#22262d",
    QPalette.ColorRole.Text: "#e6e9ef",
    QPalette.ColorRole.Button: "#2a2f37",
    QPalette.ColorRole.ButtonText: "#e6e9ef",
    QPalette.ColorRole.Highlight: "#5b6cff",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2a2f37",
    QPalette.ColorRole.ToolTipText: "#e6e9ef",
    QPalette.ColorRole.PlaceholderText: "#8a93a3",
    QPalette.ColorRole.Mid: "#4a505c",
    QPalette.ColorRole.Link: "#8ea2ff",
}
_LIGHT_ACCENT = "#4c5bd4"


def wants_dark() -> bool:
    """STUDIO_THEME=dark/light wins; otherwise the system's colour scheme decides."""
    forced = os.environ.get("STUDIO_THEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    """The studio's dark palette (disabled text dimmed)."""
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7280"))
    return palette


def light_palette() -> QPalette:
    """Fusion's light palette with the studio accent."""
    palette = QApplication.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor(_LIGHT_ACCENT))
    return palette


def apply_theme(app: QApplication) -> None:
    """Use Fusion (same look everywhere) with a light or dark palette."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if wants_dark() else light_palette())
