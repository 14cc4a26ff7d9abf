"""Every Indic script the app offers renders with real glyphs, even with no such system font."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QTextLayout

from studio.ui.fonts import (
    SCRIPT_SAMPLES,
    SYSTEM_SCRIPT_SAMPLES,
    font_files,
    register_bundled_fonts,
)

ROOT = Path(__file__).resolve().parents[2]

# Runs in a child process whose fontconfig sees only DejaVu: a fresh machine with a Latin font.
# Coverage is asked of the font database (QFontMetrics.inFontUcs4 per family): laying out text
# no font covers makes Qt use a nameless "box" engine that crashes when inspected.
CHILD = """
import json
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication
app = QApplication([])
from studio.ui.fonts import SCRIPT_SAMPLES, register_bundled_fonts

def uncovered(text):
    metrics = [QFontMetrics(QFont(family)) for family in QFontDatabase.families()]
    letters = {c for c in text if c.isalpha() or ord(c) > 0x2FF}
    return sorted(c for c in letters if not any(m.inFontUcs4(ord(c)) for m in metrics))

before = {s: len(uncovered(t)) for s, t in SCRIPT_SAMPLES.items()}
families = register_bundled_fonts()
after = {s: len(uncovered(t)) for s, t in SCRIPT_SAMPLES.items()}
print(json.dumps({"before": before, "after": after, "families": list(families)}))
"""


def drawn_badly(layout: QTextLayout, text: str) -> list[str]:
    """Characters of `text` that no font of the layout's glyph runs has (drawn as boxes)."""
    runs = layout.glyphRuns()
    fonts = [run.rawFont() for run in runs]
    bad = [f"box engine for {len(run.glyphIndexes())} glyphs" for run in runs
           if not run.rawFont().familyName()]  # fmt: skip
    bad += [f"glyph 0 in {run.rawFont().familyName()}" for run in runs
            if 0 in list(run.glyphIndexes())]  # fmt: skip
    letters = {c for c in text if not c.isspace() and ord(c) > 0x2FF}
    bad += [c for c in letters if not any(f.supportsCharacter(ord(c)) for f in fonts)]
    return bad


@pytest.mark.gui
def test_window_shows_every_indic_script(make_studio) -> None:
    """Each script's sample, typed into the real editor, is drawn with no missing glyph."""
    families = register_bundled_fonts()
    assert len(families) == len(SCRIPT_SAMPLES)
    window = make_studio().window
    editor = window.editor_panel.editor
    for script, sample in SCRIPT_SAMPLES.items():
        editor.setPlainText(sample)
        editor.grab()  # paints the text as the user would see it
        for font in (editor.font(), window.font()):  # the editor's and every label's font
            layout = QTextLayout(sample, font)
            layout.beginLayout()
            layout.createLine()
            layout.endLayout()
            assert drawn_badly(layout, sample) == [], script


@pytest.mark.gui
def test_other_offered_scripts_show_with_the_setup_fonts(make_studio) -> None:
    """Greek, Cyrillic, Arabic, Chinese, Japanese, Korean: the fonts scripts/setup installs."""
    window = make_studio().window
    for script, sample in SYSTEM_SCRIPT_SAMPLES.items():
        layout = QTextLayout(sample, window.editor_panel.editor.font())
        layout.beginLayout()
        layout.createLine()
        layout.endLayout()
        assert drawn_badly(layout, sample) == [], script


def test_bundled_fonts_cover_a_machine_without_them(tmp_path: Path) -> None:
    """With only DejaVu installed, the samples show boxes until the bundled fonts register."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("fonts-dejavu-core (an app package in scripts/setup) is not installed")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        f"<dir>{dejavu}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(result["before"][script] > 0 for script in SCRIPT_SAMPLES), result["before"]
    assert result["after"] == {script: 0 for script in SCRIPT_SAMPLES}


def test_fonts_travel_with_every_build() -> None:
    """The wheel (hence the Flatpak), the PyInstaller spec and the licence file carry them."""
    folder = ROOT / "studio" / "assets" / "fonts"
    assert sorted(font_files()) == sorted(p.name for p in folder.glob("*.ttf"))
    assert "SIL Open Font License" in (folder / "OFL.txt").read_text("utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '"fonts/*.ttf", "fonts/OFL.txt"' in pyproject
    spec = (ROOT / "packaging" / "pyinstaller" / "waves-studio.spec").read_text("utf-8")
    assert '"studio" / "assets" / "fonts"), "studio/assets/fonts"' in spec
    setup = (ROOT / "scripts" / "setup").read_text("utf-8")
    assert "fonts-noto-core" in setup and "fonts-noto-cjk" in setup
