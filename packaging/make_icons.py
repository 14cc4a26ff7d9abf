"""Render the app icon's PNG sizes, Windows .ico and macOS .icns from its SVG.

    .venv/bin/python packaging/make_icons.py

The SVG `resources/icons/APP_ID.svg` is the only source. The output sits beside it and is
committed, so builds need no image tools: `hicolor/NxN/apps/APP_ID.png` (the freedesktop icon
theme layout the Linux archive and the Flatpak install as they are), `APP_ID.ico` and
`APP_ID.icns` (for the PyInstaller spec on those systems). Rerun it after editing the SVG;
tests/packaging/test_icons.py fails while the PNGs differ from it.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (512@2x is 1024 px).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
)


def app_id() -> str:
    """The application id, read from the package without importing Qt."""
    sys.path.insert(0, str(ROOT))
    from studio import APP_ID

    return APP_ID


def png_path(size: int, icons: Path = ICONS) -> Path:
    """Where the PNG of one size lives (freedesktop hicolor layout)."""
    return icons / "hicolor" / f"{size}x{size}" / "apps" / f"{app_id()}.png"


def render_png(svg: bytes, size: int) -> bytes:
    """The SVG drawn at `size` x `size` pixels as PNG bytes (transparent background)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise SystemExit("the icon SVG does not parse")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG-compressed images (supported since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, data = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG elements (supported since OS X 10.7)."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def wanted_files(svg: bytes) -> dict[Path, bytes]:
    """Every output file and its bytes."""
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _kind, size in ICNS_TYPES)})
    pngs = {size: render_png(svg, size) for size in sizes}
    files = {png_path(size): pngs[size] for size in PNG_SIZES}
    files[ICONS / f"{app_id()}.ico"] = ico_bytes({s: pngs[s] for s in ICO_SIZES})
    files[ICONS / f"{app_id()}.icns"] = icns_bytes({s: pngs[s] for _k, s in ICNS_TYPES})
    return files


def main(argv: list[str] | None = None) -> int:
    """Write the icon files that changed; returns the exit status."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # QPainter wants an application
    svg = (ICONS / f"{app_id()}.svg").read_bytes()
    for path, data in wanted_files(svg).items():
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
