"""Window sizing that follows the screen the window opens on."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

SCREEN_SHARE = 0.8  # of the available geometry (work area without panels and docks)
SIDE_SHARE = 0.3  # of the window's width for the voice and dictionary side panel
TITLE_BAR = 40  # room a window manager's title bar and frame take above a dialog


def default_size(available: QSize, minimum: QSize) -> QSize:
    """About 80 % of the available screen, never below the window's minimum nor above the screen.

    A fixed 1100x700 was too small on 1920x1080 and crowded a 1366x768 laptop's work area.
    """
    width = max(minimum.width(), round(available.width() * SCREEN_SHARE))
    height = max(minimum.height(), round(available.height() * SCREEN_SHARE))
    return QSize(min(width, available.width()), min(height, available.height()))


def dialog_size(preferred: QSize, available: QSize, minimum: QSize) -> QSize:
    """A dialog's first size: `preferred`, shrunk so it and its title bar fit the work area,
    but never below what its contents need (`minimum`)."""
    width = min(preferred.width(), available.width())
    height = min(preferred.height(), available.height() - TITLE_BAR)
    return QSize(max(width, minimum.width()), max(height, minimum.height()))


def fit_dialog(dialog: QWidget, preferred: QSize) -> None:
    """Give `dialog` its first size on the screen it opens on (its parent's)."""
    anchor = dialog.parentWidget() or dialog
    available = anchor.screen().availableGeometry().size()
    dialog.resize(dialog_size(preferred, available, dialog.minimumSizeHint()))
