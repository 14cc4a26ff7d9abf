"""Start-up: the first frame loads no network or audio library, reads no key, builds no tab."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

# The app's real start (`studio.app.main`), stopped on the first event-loop turn after show.
FIRST_FRAME = """
import json, os, sys
from studio.cli import build_parser
from studio.app import main
import studio.secrets as secrets

reads = []
class Watching(secrets.KeyringSecretStore):
    def get(self):
        reads.append("get")
        return None
secrets.KeyringSecretStore = Watching
import studio.app as app_module
app_module.KeyringSecretStore = Watching

def shown():
    from PySide6.QtWidgets import QApplication
    from studio.ui.main_window import MainWindow
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    names = ("requests", "websockets", "urllib3", "sounddevice", "keyring",
             "studio.ui.audition_panel", "studio.ui.history_panel", "studio.ui.export_dialog",
             "studio.project_export", "studio.core.project_build", "markdown_it", "srt")
    print(json.dumps({"loaded": [n for n in names if n in sys.modules], "key_reads": len(reads),
                      "title": window.windowTitle()}), flush=True)
    os._exit(0)

main(build_parser().parse_args(["--profile", sys.argv[1]]), on_shown=shown)
"""


def test_first_frame_needs_no_network_audio_keyring_or_hidden_panels(tmp_path: Path) -> None:
    """When the window first shows, requests/websockets/sounddevice/keyring are not imported,
    the key has not been read yet, and the grid and history modules are not loaded."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(tmp_path / "profile")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["loaded"] == [] and report["key_reads"] == 0
    assert report["title"].startswith("Waves Studio")


def test_grid_and_history_are_built_when_first_used(qtbot, make_studio) -> None:
    """The grid and history tabs hold placeholders until shown; then the real panels."""
    from studio.ui.audition_panel import AuditionPanel
    from studio.ui.history_panel import HistoryPanel

    studio = make_studio(start=False)
    window = studio.window
    assert not window.findChildren(AuditionPanel) and not window.findChildren(HistoryPanel)
    tabs = window.bottom_tabs
    history_index = next(
        i for i in range(tabs.count()) if "History" in tabs.tabText(i).replace("&", "")
    )
    label, count = tabs.tabText(history_index), tabs.count()
    tabs.setCurrentIndex(history_index)
    assert isinstance(tabs.currentWidget(), HistoryPanel)
    assert tabs.currentIndex() == history_index and tabs.tabText(history_index) == label
    assert tabs.count() == count
    assert not window.findChildren(AuditionPanel)
    grid = window.audition_panel  # a command that needs the panel builds it
    assert isinstance(grid, AuditionPanel) and tabs.indexOf(grid) >= 0
    assert window.audition_panel is grid and tabs.currentWidget() is window.history_panel
