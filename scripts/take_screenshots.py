"""Take the README and metainfo screenshots of the real window (run under Xvfb or offscreen).

    xvfb-run -a -s "-screen 0 1600x900x24" .venv/bin/python scripts/take_screenshots.py OUTDIR THEME

Drives the real MainWindow against an embedded waves-local (auto engines: Piper + eSpeak NG)
with a throwaway profile; nothing of the user's own profile or keyring is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_NO_ERROR_WINDOWS", "1")
os.environ.pop("SMALLEST_API_KEY", None)

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from studio.app import Profile, build_services
from studio.core.models import PronunciationItem
from studio.secrets import MemorySecretStore
from studio.services.audition import Candidate
from studio.services.bundle import Services
from studio.services.messages import Action
from studio.ui.main_window import MainWindow
from studio.ui.theme import apply_theme

TEXT = (
    "Welcome back to the channel! Today we are testing three voices on the same line, "
    "so you can hear the difference before you record.\n\n"
    "Our database runs on PostgreSQL, and the GUI talks to it through a small api."
)
GRID_LINE = "Welcome back to the channel!"


def wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Spin the event loop until `condition()` holds (or fail loudly)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    deadline = QTimer()
    deadline.setSingleShot(True)
    timer.timeout.connect(lambda: loop.quit() if condition() else None)
    deadline.timeout.connect(loop.quit)
    timer.start()
    deadline.start(int(timeout_s * 1000))
    if not condition():
        loop.exec()
    if not condition():
        raise SystemExit(f"timed out waiting for {condition}")


def settle(ms: int = 300) -> None:
    """Let layouts and repaints finish."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(widget: QWidget, path: Path) -> None:
    """Save a widget (with its children) as PNG."""
    settle()
    widget.grab().save(str(path))
    print(f"wrote {path}")


def offline_studio(prefix: str, show: bool = True) -> tuple[Path, Services, MainWindow]:
    """A throwaway folder (its `profile` inside), the main window and its services on an
    embedded waves-local, the voices loaded: where every screenshot script starts."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    services = build_services(Profile.from_folder(folder / "profile"), secrets=MemorySecretStore())
    services.settings.set("app/first_run_done", True)
    window = MainWindow(services)
    if show:
        window.show()
    services.backend.start(force_local=True)
    wait_for(lambda: services.voices.voices != (), 60)
    return folder, services, window


def english_voices(services: Services) -> list[str]:
    """The voices that speak English (every voice when none does), catalogue order."""
    voices = services.voices.voices
    english = [v.voice_id for v in voices if "english" in v.languages]
    return english or [v.voice_id for v in voices]


def main(out_dir: Path, theme: str) -> None:
    """Drive the window through the flows the screenshots show."""
    os.environ["STUDIO_THEME"] = theme
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    profile = Profile.from_folder(Path(tempfile.mkdtemp(prefix="studio-shots-")))
    services = build_services(profile, secrets=MemorySecretStore())
    services.settings.set("app/first_run_done", True)
    services.settings.set("synthesis/output_format", "wav")
    window = MainWindow(services)
    window.show()  # a fresh profile: the default size, 80 % of the screen (1280x720 on 1600x900)
    services.backend.start(force_local=True)
    wait_for(lambda: services.voices.voices != ())
    services.settings.set("synthesis/voice_id", "joe")
    services.voices.toggle_favourite("joe")
    services.dictionaries.create(
        "Tech words",
        [
            PronunciationItem("PostgreSQL", "post gress Q L"),
            PronunciationItem("GUI", "gooey"),
            PronunciationItem("API", "A P I"),
        ],
    )
    wait_for(lambda: bool(services.dictionaries.dictionaries))
    services.settings.set("synthesis/dictionary_ids", [services.dictionaries.dictionaries[0].id])
    window.editor_panel.set_text(TEXT)
    window.flows.synthesize()
    wait_for(lambda: window.flows.last_result is not None, 60)
    # Playback of the fresh take would race the playhead (light and dark would differ): stop it.
    services.playback.stop()
    wait_for(lambda: services.playback.state == "stopped", 10)
    settle()
    window.waveform.set_position(window.waveform.duration_s * 0.35)
    window.statusBar().clearMessage()  # "Dictionary saved." is from the set-up above
    grab(window, out_dir / f"main-window-{theme}.png")
    if theme != "light":
        return
    window.flows.open_voice_browser()
    grab(window.flows.dialog, out_dir / "voice-browser.png")
    window.flows.dialog.reject()
    window.flows.open_dictionaries()
    grab(window.flows.dialog, out_dir / "dictionaries.png")
    window.flows.dialog.reject()
    services.messages.error(
        "The Waves API refused the API key. Check it in Tools > API key…, or use the "
        "offline voices.",
        Action.SET_KEY,
    )
    grab(window, out_dir / "error-banner.png")
    window.banner.hide()
    grab(window.editor_panel, out_dir / "editor-dictionary-marks.png")

    # The audition grid: the offline English voice at six speeds.
    audition = services.audition
    spec = services.settings.render_spec()
    candidates = [Candidate("joe", spec.model, "en", s) for s in (0.8, 0.9, 1.0, 1.1, 1.25, 1.4)]
    window.bottom_tabs.setCurrentWidget(window.audition_panel)
    window.editor_split.setSizes([220, window.editor_split.height() - 220])
    audition.run(GRID_LINE, spec, candidates)
    wait_for(lambda: all(c.status in ("ready", "failed") for c in audition.cells), 60)
    audition.set_stars(1, 4)
    window.audition_panel.play_slot(1)
    grab(window, out_dir / "audition-grid.png")

    window.take_flows.show_history()
    wait_for(lambda: window.history_panel.model.rowCount() > 0, 10)
    window.history_panel.table.selectRow(1)  # a selected take: its actions enabled, as in use
    grab(window, out_dir / "history.png")

    window.take_flows.open_pronunciation_bench()
    bench_dialog = window.flows.dialog
    bench_dialog.run_button.click()
    wait_for(
        lambda: (
            bool(services.bench.rows)
            and all(r.state in ("done", "failed") for r in services.bench.rows)
        ),
        60,
    )
    bench_dialog.table.selectRow(0)
    grab(bench_dialog, out_dir / "pronunciation-bench.png")
    bench_dialog.reject()
    grab_batch(window, out_dir)
    window.close()


def grab_batch(window: MainWindow, out_dir: Path) -> None:
    """The Batch window after rendering the example CSV with the offline voice."""
    panel = window.show_batch()
    assert panel is not None
    folder = Path(tempfile.mkdtemp(prefix="studio-shots-batch-"))
    source = folder / "prompts.csv"
    source.write_bytes(
        (Path(__file__).resolve().parent.parent / "examples/batch/prompts.csv").read_bytes()
    )
    panel.out_edit.setText(str(folder / "clips"))
    panel.open_input(source)
    wait_for(lambda: panel.plan is not None, 30)
    panel.start()
    wait_for(lambda: not panel.service.running and panel.progress.value() > 0, 120)
    settle(500)
    panel.table.selectRow(3)
    grab(panel, out_dir / "batch-panel.png")
    panel.close()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")
    target.mkdir(parents=True, exist_ok=True)
    main(target, sys.argv[2] if len(sys.argv) > 2 else "light")
