"""Light and dark palettes (System / Light / Dark), readable colours and visible frames in dark."""

from __future__ import annotations

import os

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionComplex,
    QWidget,
)

from studio.services.settings import THEMES
from studio.ui.fonts import register_bundled_fonts

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}

# Every text colour below meets WCAG AA (4.5:1) on Window, Base and Button of its palette;
# tests/ui/test_theme.py computes the ratios. Mid is the frame colour (3:1, non-text).
_DARK = {
    QPalette.ColorRole.Window: "#1f2329",
    QPalette.ColorRole.WindowText: "#e6e9ef",
    QPalette.ColorRole.Base: "#16191e",
    QPalette.ColorRole.AlternateBase: "#22262d",
    QPalette.ColorRole.Text: "#e6e9ef",
    QPalette.ColorRole.Button: "#2a2f37",
    QPalette.ColorRole.ButtonText: "#e6e9ef",
    QPalette.ColorRole.Highlight: "#4657e8",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2a2f37",
    QPalette.ColorRole.ToolTipText: "#e6e9ef",
    QPalette.ColorRole.PlaceholderText: "#a0a8b6",
    QPalette.ColorRole.Mid: "#7c8594",
    QPalette.ColorRole.Link: "#8ea2ff",
    QPalette.ColorRole.LinkVisited: "#c4a7ff",
}
_LIGHT = {
    QPalette.ColorRole.Highlight: "#4c5bd4",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#5c6370",
    QPalette.ColorRole.Link: "#2b44c7",
    QPalette.ColorRole.LinkVisited: "#6a3fc0",
}
# Status colours for text (badges, verdicts, the backend dot, inline errors), per theme.
_STATUS = {
    False: {
        "success": "#2b7a3b",
        "warning": "#b34700",
        "error": "#b02525",
        "muted": "#5c6370",
        "info": "#2b44c7",
    },
    True: {
        "success": "#69db7c",
        "warning": "#ffa94d",
        "error": "#ff8787",
        "muted": "#a0a8b6",
        "info": "#8ea2ff",
    },
}
# Text roles and the backgrounds they are drawn on (what the contrast test checks).
TEXT_PAIRS = (
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
)


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1.0 to 21.0)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b_ = colour.redF(), colour.greenF(), colour.blueF()
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b_)

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def wants_dark(choice: str = "system") -> bool:
    """STUDIO_THEME=dark/light (scripts) wins, then the choice; "system" asks the platform."""
    forced = os.environ.get("STUDIO_THEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    if choice in ("dark", "light"):
        return choice == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether `palette` (default: the application's) is a dark one."""
    window = (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def status_colour(kind: str) -> str:
    """A readable text colour for "success", "warning", "error" or "muted" in the current theme."""
    return _STATUS[is_dark()][kind]


def mark_as_hint(widget: QWidget) -> None:
    """Draw a label's text in the palette's hint colour (readable in both themes, live)."""
    widget.setForegroundRole(QPalette.ColorRole.PlaceholderText)


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
    """Fusion's light palette with the studio accent and readable hint text."""
    fusion = QStyleFactory.create("Fusion")
    palette = fusion.standardPalette()
    for role, colour in _LIGHT.items():
        palette.setColor(role, QColor(colour))
    return palette


class StudioStyle(QProxyStyle):
    """Fusion, plus frames a dark palette can see.

    Fusion draws check boxes, radio buttons, spin boxes, line edits and panels with an outline made
    by darkening the window colour: on a dark window that outline vanishes. In a dark
    palette this style strokes them again with the palette's Mid colour (3:1 or better).
    """

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        kinds = QStyle.PrimitiveElement
        if is_dark(option.palette) and element in (
            kinds.PE_IndicatorCheckBox,
            kinds.PE_IndicatorRadioButton,
            kinds.PE_FrameLineEdit,
            kinds.PE_Frame,  # text editors and lists (QFrame.StyledPanel)
        ):
            _stroke(painter, option, round_=element == kinds.PE_IndicatorRadioButton)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control == QStyle.ComplexControl.CC_SpinBox and is_dark(option.palette):
            _stroke(painter, option, round_=False)


def _stroke(painter: QPainter, option: QStyleOption, round_: bool) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(option.palette.color(QPalette.ColorRole.Mid), 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
    if round_:
        painter.drawEllipse(rect)
    else:
        painter.drawRoundedRect(rect, 2, 2)
    painter.restore()


class _Follower:
    """What apply_theme last chose, so a platform colour-scheme change can re-apply "system"."""

    choice = "system"
    connected = False


def _on_color_scheme_changed(_scheme: Qt.ColorScheme) -> None:
    app = QApplication.instance()
    if _Follower.choice == "system" and isinstance(app, QApplication):
        apply_theme(app, "system")


def apply_theme(app: QApplication, choice: str = "system") -> None:
    """Use the studio style with a light or dark palette now (also live), and the bundled fonts."""
    if not isinstance(app.style(), StudioStyle):
        app.setStyle(StudioStyle())
    register_bundled_fonts()
    _Follower.choice = choice if choice in THEMES else "system"
    app.setPalette(dark_palette() if wants_dark(_Follower.choice) else light_palette())
    if not _Follower.connected:
        _Follower.connected = True
        QGuiApplication.styleHints().colorSchemeChanged.connect(_on_color_scheme_changed)
