"""Palette-tinted icons: follow the theme when painted, survive copies and garbage collection."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QPixmap

from studio.ui import icons

pytestmark = pytest.mark.gui


def ink(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    """The most opaque pixel's colour of a 24 px rendering."""
    image = icon.pixmap(QSize(24, 24), mode).toImage()
    pixels = (image.pixelColor(x, y) for x in range(24) for y in range(24))
    return max(pixels, key=lambda c: c.alpha())


def test_icons_survive_copies_and_collection(qapp) -> None:
    """A copied icon that is modified (so Qt clones the engine) still paints after a GC pass."""
    copies = []
    for _ in range(20):
        original = icons.icon("play")
        copy = QIcon(original)
        copy.addPixmap(QPixmap(16, 16))  # detaches: Qt clones our engine
        copies.append(copy)
        del original
    gc.collect()
    assert all(not copy.pixmap(QSize(24, 24)).isNull() for copy in copies)


def test_fixed_colour_and_disabled_state(qapp) -> None:
    """A colour passed in wins over the palette; the disabled state uses the disabled colour."""
    red = icons.icon("stop", QColor("#ff0000"))
    assert ink(red).name() == "#ff0000"
    assert ink(red, QIcon.Mode.Disabled).name() != "#ff0000"


def test_window_never_makes_the_engine_clone(make_studio) -> None:
    """Building and using the window does not clone engines (the keep-alive list stays empty)."""
    before = len(icons._CLONES)
    studio = make_studio()
    studio.window.grab()
    studio.services.playback.playback_state_changed.emit("playing")
    studio.window.grab()
    assert len(icons._CLONES) == before
