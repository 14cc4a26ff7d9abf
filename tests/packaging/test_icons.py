"""The app icon: one SVG, rendered to the PNG sizes, .ico and .icns the packages install."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from studio import APP_ID
from tests.packaging.conftest import ROOT, load_module

make_icons = load_module("packaging/make_icons.py")
ICONS = ROOT / "resources" / "icons"


def test_window_and_launcher_show_the_same_icon() -> None:
    """The icon the window loads at run time is the launcher icon's SVG, byte for byte."""
    runtime = ROOT / "studio" / "assets" / "icons" / "app.svg"
    assert runtime.read_bytes() == (ICONS / f"{APP_ID}.svg").read_bytes()


@pytest.mark.parametrize("size", make_icons.PNG_SIZES)
def test_png_size_is_square_rgba_with_clear_corners(size: int) -> None:
    """Every hicolor PNG has its nominal size, an alpha channel and transparent corners."""
    image = QImage(str(make_icons.png_path(size)))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(size // 2, size // 2).alpha() == 255


def test_pngs_match_the_svg(qapp) -> None:
    """The stored PNGs are the SVG as it is now (rerun packaging/make_icons.py after editing it)."""
    svg = (ICONS / f"{APP_ID}.svg").read_bytes()
    for size in (16, 64, 256):
        fresh = QImage.fromData(make_icons.render_png(svg, size))
        stored = QImage(str(make_icons.png_path(size)))
        worst = max(
            abs(a - b)
            for x in range(size)
            for y in range(size)
            for a, b in zip(
                fresh.pixelColor(x, y).getRgb(), stored.pixelColor(x, y).getRgb(), strict=True
            )
        )
        assert worst <= 8, f"{size} px icon differs from the SVG by up to {worst}/255"


def _ico_sizes(path: Path) -> list[int]:
    data = path.read_bytes()
    _reserved, kind, count = struct.unpack_from("<HHH", data)
    assert kind == 1
    return [data[6 + 16 * i] or 256 for i in range(count)]


def _icns_types(path: Path) -> list[bytes]:
    data = path.read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack_from(">I", data, 4)[0] == len(data)
    kinds, offset = [], 8
    while offset < len(data):
        kinds.append(data[offset : offset + 4])
        offset += struct.unpack_from(">I", data, offset + 4)[0]
    return kinds


def test_windows_and_macos_icons_hold_every_size() -> None:
    """The .ico holds 16 to 256 px and the .icns 16 px to 1024 px (512@2x)."""
    assert _ico_sizes(ICONS / f"{APP_ID}.ico") == list(make_icons.ICO_SIZES)
    assert _icns_types(ICONS / f"{APP_ID}.icns") == [kind for kind, _s in make_icons.ICNS_TYPES]
