"""No layout jumps: the readout keeps off the waveform; Play/Pause never reflows the toolbar."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QToolBar

from studio.ui.audition_cell import CellWidget
from studio.ui.waveform import WaveformView

pytestmark = pytest.mark.gui
LOUD = np.tile(np.array([1.0, -1.0], dtype=np.float32), 24000)  # a full-scale 2 s clip


def near(image: QImage, x: int, y: int, colour: QColor, tolerance: int = 40) -> bool:
    """Whether the pixel is within `tolerance` of `colour` on every channel."""
    pixel = image.pixelColor(x, y)
    return all(
        abs(a - b) <= tolerance
        for a, b in zip(
            (pixel.red(), pixel.green(), pixel.blue()),
            (colour.red(), colour.green(), colour.blue()),
            strict=True,
        )
    )


def count(image: QImage, xs: range, ys: range, colour: QColor) -> int:
    """Pixels of `colour` in a region."""
    return sum(near(image, x, y, colour) for x in xs for y in ys)


def accent_pixels(image: QImage, xs: range, ys: range) -> int:
    """Pixels tinted by the (blue) highlight the waveform is drawn in, blended or not."""
    return sum(
        image.pixelColor(x, y).blue() - image.pixelColor(x, y).red() > 30 for x in xs for y in ys
    )


def test_readout_has_its_own_strip_above_the_waveform(qtbot) -> None:
    """A full-scale clip fills the waveform area, yet the readout strip holds no waveform."""
    view = WaveformView()
    qtbot.add_widget(view)
    view.resize(400, 120)
    view.set_clip(LOUD, 24000)
    view.set_position(1.0)
    band = view.readout_band()
    assert band > 0
    image = view.grab().toImage()
    assert accent_pixels(image, range(2, 398), range(band + 4, 116)) > 1000  # the waveform
    assert accent_pixels(image, range(2, 398), range(2, band)) == 0  # but not under the text
    text = view.palette().color(QPalette.ColorRole.Text)
    assert count(image, range(300, 398), range(2, band), text) > 0  # the readout is drawn


def test_grid_cell_draws_no_readout_over_its_waveform(qtbot) -> None:
    """A grid cell's mini waveform shows only the waveform (its length is in the status)."""
    cell = CellWidget(0)
    qtbot.add_widget(cell)
    cell.wave.set_clip(LOUD, 24000)
    image = cell.wave.grab().toImage()
    w, h = image.width(), image.height()
    assert accent_pixels(image, range(2, w - 2), range(2, h - 2)) > (w - 4) * (h - 4) // 2
    text = cell.wave.palette().color(QPalette.ColorRole.Text)
    # The right half holds no text-coloured pixels (the play head sits at the left edge).
    assert count(image, range(w // 2, w - 2), range(2, h - 2), text) == 0


def test_toolbar_does_not_reflow_when_play_becomes_pause(make_studio) -> None:
    """Every toolbar button keeps its place when Play/Pause changes its label."""
    studio = make_studio()
    window = studio.window
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert toolbar is not None

    def places() -> list[tuple[int, int]]:
        toolbar.layout().activate()
        return [
            (w.x(), w.width())
            for w in (toolbar.widgetForAction(a) for a in toolbar.actions())
            if w is not None and w.isVisible()
        ]

    before = places()
    for state in ("playing", "paused", "stopped"):
        studio.services.playback.playback_state_changed.emit(state)
        assert places() == before, state
    assert window.commands.play_pause.text() == "&Play"
