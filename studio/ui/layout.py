"""Window sizing that follows the screen the window opens on."""

from __future__ import annotations

from PySide6.QtCore import QSize

SCREEN_SHARE = 0.8  # of the available geometry (work area without panels and docks)
SIDE_SHARE = 0.3  # of the window's width for the voice and dictionary side panel


def default_size(available: QSize, minimum: QSize) -> QSize:
    """About 80 % of the available screen, never below the window's minimum nor above the screen.

    A fixed 1100x700 was too small on 1920x1080 and crowded a 1366x768 laptop's work area.
    """
    width = max(minimum.width(), round(available.width() * SCREEN_SHARE))
    height = max(minimum.height(), round(available.height() * SCREEN_SHARE))
    return QSize(min(width, available.width()), min(height, available.height()))
