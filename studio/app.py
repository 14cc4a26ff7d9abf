"""Composition root: build the QApplication, the services and the window, wire them, run."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import threading
import types
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

import studio.qtboot  # noqa: F401  (first of ours: every later import is scanned by PySide6)
from studio import APP_ID, APP_NAME, ORG_NAME, __version__
from studio.library import WORK_FOLDER, RenderLibrary
from studio.logs import setup_logging
from studio.profile import Profile
from studio.secrets import KeyringSecretStore, SecretStore
from studio.services.audition import AuditionService
from studio.services.backend import BackendService, LocalServerLike
from studio.services.batch import BatchService, check_unfinished_when_ready
from studio.services.bundle import Services
from studio.services.dictionaries import DictionaryService
from studio.services.drafts import DraftService
from studio.services.export import ExportService
from studio.services.history import HistoryService
from studio.services.messages import MessageBus
from studio.services.playback import PlaybackService, PlayerLike
from studio.services.project_bundle import build_project_services
from studio.services.pronunciation import PronunciationBench
from studio.services.settings import Settings
from studio.services.synthesis import SynthesisService
from studio.services.tasks import TaskRunner
from studio.services.voices import VoiceCatalog
from studio.ui.main_window import MainWindow
from studio.ui.theme import apply_theme

log = logging.getLogger(__name__)


def make_player(device_name: str) -> PlayerLike:
    """The real PortAudio player, or one that explains why there is no sound."""
    from studio.audio.player import AudioPlayer

    return AudioPlayer(device_name or None)


def make_local_server(profile: Profile) -> LocalServerLike:
    """waves-local in a child process on a free loopback port, on the profile's shared data.

    Out of process, Piper's ~250 MB and its CPU-bound work stay off the GUI's memory and GIL,
    and a crash of the server never takes the window down (the backend restarts it).
    """
    from studio.local.child import ChildServer
    from studio.local.config import ServerConfig

    return ChildServer(
        ServerConfig(port=0, engine="auto", data_dir=profile.local_data_dir),
        log_file=profile.log_dir / "waves-local.log",
    )


def build_services(
    profile: Profile,
    *,
    secrets: SecretStore | None = None,
    player: PlayerLike | None = None,
    local_factory: Callable[[], LocalServerLike] | None = None,
    synthesis_tasks: TaskRunner | None = None,
    tasks: TaskRunner | None = None,
    environ: dict[str, str] | None = None,
    read_key: bool = True,
    open_library: bool = True,
) -> Services:
    """Create every service for one run (tests inject fakes and synchronous runners).

    `read_key=False` leaves the key to `backend.load_key` (the app reads it after the window
    is shown, off the GUI thread); `open_library=False` likewise leaves the history and the
    render cache closed until `open_library_in_background` (or their first use).
    """
    settings = Settings(QSettings(str(profile.settings_file), QSettings.Format.IniFormat))
    messages = MessageBus()
    settings.write_failed.connect(messages.warning)
    general = tasks or TaskRunner(max_threads=3)
    render_runner = synthesis_tasks or TaskRunner(max_threads=1)
    the_player = player or make_player(str(settings.get("audio/output_device")))
    library = RenderLibrary(
        profile.data_dir,
        int(settings.get("cache/max_mb")) * 1024 * 1024,
        deferred=not open_library,
    )
    if open_library and library.open_warning:
        messages.warning(library.open_warning)
    playback = PlaybackService(the_player, messages, spool_dir=profile.data_dir / WORK_FOLDER)
    playback.set_volume(float(settings.get("audio/volume")))
    backend = BackendService(
        settings,
        secrets or KeyringSecretStore(),
        general,
        messages,
        local_server_factory=local_factory or (lambda: make_local_server(profile)),
        environ=environ,
        read_key=read_key,
    )
    dictionaries = DictionaryService(backend, settings, general, messages)
    return Services(
        settings=settings,
        messages=messages,
        backend=backend,
        synthesis=SynthesisService(backend, render_runner, playback, messages, library),
        playback=playback,
        voices=VoiceCatalog(backend, settings, general, playback, messages),
        dictionaries=dictionaries,
        drafts=DraftService(profile.data_dir / "draft.txt", messages),
        exports=ExportService(settings, messages, profile.data_dir / "clips"),
        runners=(general, render_runner),
        library=library,
        history=HistoryService(library, messages),
        audition=AuditionService(backend, library, playback, messages),
        bench=PronunciationBench(backend, library, dictionaries, settings, playback, messages),
        batch=BatchService(
            backend, profile.data_dir, int(settings.get("cache/max_mb")) * 1024 * 1024, messages
        ),
        projects=build_project_services(
            settings, messages, backend, library, playback, profile.data_dir
        ),
    )


def shutdown(services: Services) -> None:
    """Stop everything in order (on aboutToQuit)."""
    services.synthesis.cancel()
    if services.audition is not None:
        services.audition.cancel()
    if services.bench is not None:
        services.bench.shutdown()
    if services.batch is not None:
        services.batch.shutdown()
    services.drafts.flush()
    if services.projects is not None:
        services.projects.shutdown()  # pending edits written, the file closed
    for runner in services.runners:
        runner.shutdown(5000)
    services.playback.shutdown()
    services.backend.shutdown()
    if services.library is not None:
        services.library.close()


def install_excepthook(show_dialog: bool) -> None:
    """Log every uncaught exception; show a crash dialog unless disabled (tests, CI)."""

    def hook(kind: type[BaseException], exc: BaseException, tb: types.TracebackType | None):  # type: ignore[no-untyped-def]
        log.critical("Uncaught exception", exc_info=(kind, exc, tb))
        if show_dialog and QApplication.instance() is not None:
            from studio.ui import dialogs

            dialogs.inform(
                None,
                "Waves Studio hit a problem",
                "Something went wrong; details are in the log. Your text is saved as a draft.",
            )

    sys.excepthook = hook

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        # Widgets may only be shown from the GUI thread: other threads just log.
        log.critical(
            "Uncaught exception in thread %s",
            args.thread,
            exc_info=(args.exc_type, args.exc_value or Exception(), args.exc_traceback),
        )

    threading.excepthook = thread_hook


def main(args: argparse.Namespace, on_shown: Callable[[], None] | None = None) -> int:
    """Run the studio GUI until the window closes.

    What the first frame does not need waits until the window is shown: the key is read off
    the GUI thread, then the backend starts. The offline voices, when they are sure to be
    wanted (`--local`, or the Local preference), start at once in the background.
    `on_shown` runs on the first event-loop turn after the window is shown (the benchmark).
    """
    profile = Profile.from_folder(Path(args.profile)) if args.profile else Profile.default()
    log_path = setup_logging(profile.log_dir)
    no_dialogs = args.no_error_windows or os.environ.get("STUDIO_NO_ERROR_WINDOWS") == "1"
    install_excepthook(not no_dialogs)
    log.info("%s %s starting; log at %s", APP_NAME, __version__, log_path)
    QApplication.setOrganizationName(ORG_NAME)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_ID)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    services = build_services(profile, read_key=False, open_library=False)
    apply_theme(app, str(services.settings.get("app/theme")))
    if args.local or services.settings.get("backend/mode") == "local":
        services.backend.start(force_local=args.local)  # the child starts while the window builds
    window = MainWindow(services)
    app.aboutToQuit.connect(lambda: shutdown(services))
    window.show()
    if services.batch is not None:
        check_unfinished_when_ready(services.backend, services.batch)
    keep_gc_pauses_short(services)
    if on_shown is not None:
        QTimer.singleShot(0, on_shown)
    QTimer.singleShot(0, lambda: open_library_in_background(services))
    QTimer.singleShot(
        0,
        lambda: services.backend.load_key(
            lambda: start_backend(services, window, force_local=args.local)
        ),
    )
    return int(app.exec())


def open_library_in_background(services: Services) -> None:
    """Open the history and render cache off the GUI thread; post why if they cannot be.

    A render or the History tab that needs them before this finishes waits for the same open.
    """
    library = services.library
    if library is None or not services.runners:
        return

    def opened(warning: object) -> None:
        if warning:
            services.messages.warning(str(warning))

    services.runners[0].submit(lambda _context: library.open(), on_success=opened)


def keep_gc_pauses_short(services: Services) -> None:
    """Exempt what start-up made (modules, widgets, the embedded server) from full GC passes.

    A full collection walks every tracked object; with Qt, numpy and waves-local loaded it
    took ~50 ms on the GUI thread, an audible hitch in the waveform and controls. Objects that
    live for the whole run need not be walked: `gc.freeze()` (O(1)) moves them aside. It is
    done again once a backend is ready, because the embedded server is built then.
    """
    gc.freeze()
    services.backend.backend_changed.connect(lambda _info: gc.freeze())


def start_backend(services: Services, window: QWidget, force_local: bool) -> None:
    """Start the backend; on a first run without a key, ask how the user wants to start."""
    settings, backend = services.settings, services.backend
    first_run = not settings.get("app/first_run_done")
    if first_run and not backend.has_key and not force_local:
        from studio.ui.welcome_dialog import ENTER_KEY, WelcomeDialog

        settings.set("app/first_run_done", True)
        dialog = WelcomeDialog(window)

        def chosen(result: int) -> None:
            backend.start(force_local=True)
            if result == ENTER_KEY and isinstance(window, MainWindow):
                window.flows.open_api_key_dialog()

        dialog.finished.connect(chosen)
        dialog.open()
        return
    settings.set("app/first_run_done", True)
    backend.start(force_local=force_local)
