"""Start-up: the first frame loads no network, audio-file or batch library, reads no key, opens
no database, builds no tab."""

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
    names = ("requests", "websockets", "urllib3", "sounddevice", "keyring", "soundfile", "numpy",
             "studio.ui.audition_panel", "studio.ui.history_panel", "studio.ui.export_dialog",
             "studio.project_export", "studio.core.project_build", "markdown_it", "srt",
             "studio.batch.jobs", "studio.batch.runner", "studio.batch.plan", "studio.store.queue",
             "studio.store.project_file", "studio.store.project_autosave")
    data = os.path.join(sys.argv[1], "data")
    opened = [n for n in ("history.sqlite3", "render-cache") if os.path.exists(f"{data}/{n}")]
    print(json.dumps({"loaded": [n for n in names if n in sys.modules], "key_reads": len(reads),
                      "opened": opened, "title": window.windowTitle()}), flush=True)
    os._exit(0)

main(build_parser().parse_args(["--profile", sys.argv[1]]), on_shown=shown)
"""


def test_first_frame_needs_no_network_audio_keyring_or_hidden_panels(tmp_path: Path) -> None:
    """When the window first shows, requests/websockets/sounddevice/keyring/soundfile/numpy,
    the batch engine and the project file format are not imported, the key has not been read,
    the history and render cache are not opened, and the grid and history modules are not
    loaded."""
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
    assert report["loaded"] == [] and report["key_reads"] == 0 and report["opened"] == []
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


def test_history_and_cache_open_off_the_gui_thread_after_the_window(qtbot, tmp_path: Path) -> None:
    """Built as the app builds them, the history and cache stay closed until
    `open_library_in_background`; it opens them on a worker and posts why when it cannot."""
    import threading

    from studio.app import build_services, open_library_in_background, shutdown
    from studio.profile import Profile
    from tests.fakes import FakeAudioPlayer, MemorySecretStore

    profile = Profile.from_folder(tmp_path / "profile")
    (profile.data_dir / "render-cache").parent.mkdir(parents=True)
    (profile.data_dir / "render-cache").write_text("a file where the cache folder goes")
    services = build_services(
        profile, secrets=MemorySecretStore(), player=FakeAudioPlayer(), open_library=False
    )
    library = services.library
    assert library is not None
    opened_on: list[threading.Thread] = []
    real_open = library._open

    def watched_open() -> None:
        opened_on.append(threading.current_thread())
        real_open()

    library._open = watched_open  # type: ignore[method-assign]
    posted: list[str] = []
    services.messages.connect_ui(lambda message: posted.append(message.text))
    try:
        assert not (profile.data_dir / "history.sqlite3").exists()
        open_library_in_background(services)
        qtbot.wait_until(lambda: bool(posted), timeout=5000)
        assert opened_on and opened_on[0] is not threading.main_thread()
        assert (profile.data_dir / "history.sqlite3").exists() and library.takes is not None
        assert library.cache is None and "render cache failed" in posted[0]
    finally:
        shutdown(services)


def test_pyside_import_scan_gives_pysides_answers_from_raw_bytes() -> None:
    """studio.qtboot replaces PySide6's getsource-based scan of each newly imported module
    with a raw read of its .py file, and it answers as PySide's own check does."""
    import json
    import types

    import studio.app
    import studio.core.models
    import studio.qtboot

    feature = sys.modules["shibokensupport.feature"]
    fast = feature._mod_uses_pyside
    assert getattr(fast, "studio_fast", False)
    original = fast.original
    gone = types.ModuleType("gone")
    gone.__file__ = "/nonexistent/gone.py"
    for module in (studio.app, studio.core.models, studio.qtboot, json, sys, os, gone):
        assert fast(module) == original(module), module
    assert fast(studio.app) and not fast(studio.core.models) and not fast(sys)
