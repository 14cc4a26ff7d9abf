"""What the frozen build leaves out: unused Qt plugins, Qt translations, system-only libraries."""

from __future__ import annotations

import pytest

from tests.packaging.conftest import load_module

qt_trim = load_module("packaging/pyinstaller/qt_trim.py")


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "PySide6\\plugins\\platforms\\qwindows.dll",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "libportaudio.so.2",
        "studio/assets/icons/app.svg",
    ],
)
def test_kept(dest: str) -> None:
    """The plugins the app uses on each OS, Qt's libraries and everything else stay in."""
    assert qt_trim.keep(dest)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",  # would pull in all of GTK 3
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/plugins/qmltooling/libqmldbg_server.so",
        "PySide6/Qt/translations/qtbase_de.qm",
        "libasound.so.2",
        "libjack.so.0",
        "libdb-5.3.so",
    ],
)
def test_dropped(dest: str) -> None:
    """Unused plugins, translations and libraries that must match the user's system go."""
    assert not qt_trim.keep(dest)


def test_trim_reads_hook_pairs_and_toc_entries() -> None:
    """trim() judges hook (source, folder) pairs and TOC (dest, source, kind) entries alike."""
    hook_pairs = [
        ("/venv/PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms"),
        ("/venv/PySide6/Qt/plugins/platforms/libqvnc.so", "PySide6/Qt/plugins/platforms"),
    ]
    toc = [
        ("libjack.so.0", "/usr/lib/libjack.so.0", "BINARY"),
        ("libQt6Gui.so.6", "/venv/PySide6/Qt/lib/libQt6Gui.so.6", "BINARY"),
    ]
    assert qt_trim.trim(hook_pairs) == hook_pairs[:1]
    assert qt_trim.trim(toc) == toc[1:]
