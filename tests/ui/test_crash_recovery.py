"""The draft survives kill -9: a studio process is killed mid-edit and a new one restores it."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from PySide6.QtTest import QTest
    from studio.app import Profile, build_services
    from studio.secrets import MemorySecretStore
    from studio.ui.main_window import MainWindow
    from tests.fakes import FakeAudioPlayer

    app = QApplication([])
    services = build_services(Profile.from_folder(Path(sys.argv[1])), secrets=MemorySecretStore(),
                              player=FakeAudioPlayer(), environ={})
    window = MainWindow(services)
    window.show()
    saved = []
    services.drafts.draft_saved.connect(saved.append)
    QTest.keyClicks(window.editor_panel.editor, "Typed: ")  # real key events (ASCII only)
    window.editor_panel.editor.insertPlainText(sys.argv[2])  # as a paste: any Unicode
    while not saved:
        app.processEvents()
        time.sleep(0.01)
    QTest.keyClicks(window.editor_panel.editor, " and more typing")
    print("EDITING", flush=True)
    while True:
        app.processEvents()
        time.sleep(0.005)
    """
)


def test_draft_comes_back_after_sigkill(make_studio, tmp_path) -> None:
    """Text typed before a SIGKILL is in the editor of the next start; no half file is left."""
    profile = tmp_path / "profile"
    typed = "A line I must not lose — ünïcode included."
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(profile), typed],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == "EDITING", child.stderr.read()
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        child.stdout.close()
        child.stderr.close()
    studio = make_studio(profile=profile, start=False)
    restored = studio.window.editor_panel.text()
    assert restored in ("Typed: " + typed, "Typed: " + typed + " and more typing")
    assert not list((profile / "data").glob(".*partial*"))
