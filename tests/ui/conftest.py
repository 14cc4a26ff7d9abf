"""Fixtures that build the real studio window against waves-local with a fake sound card (or,
for the null-sink tests, the real player)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio.app import Profile, build_services, shutdown
from studio.secrets import MemorySecretStore
from studio.services.bundle import Services
from studio.ui.main_window import MainWindow
from tests.fakes import AlreadyRunning, FakeAudioPlayer


@dataclass
class Studio:
    """One running studio: its window, services, fake player and profile folder."""

    window: MainWindow
    services: Services
    player: FakeAudioPlayer
    profile: Path


@pytest.fixture
def make_studio(qtbot, tmp_path: Path, waves_local):
    """`make_studio(profile=None, secrets=None, server=waves_local, start=True)` builds a window."""
    built: list[Studio] = []

    def make(
        profile: Path | None = None,
        secrets=None,
        server=None,
        start: bool = True,
        environ: dict[str, str] | None = None,
    ) -> Studio:
        folder = profile or tmp_path / "profile"
        player = FakeAudioPlayer()
        services = build_services(
            Profile.from_folder(folder),
            secrets=secrets or MemorySecretStore(),
            player=player,
            local_factory=lambda: AlreadyRunning(server or waves_local),
            environ=environ or {},
        )
        services.settings.set("app/first_run_done", True)
        window = MainWindow(services)
        qtbot.add_widget(window)
        window.show()
        studio = Studio(window, services, player, folder)
        built.append(studio)
        if start:
            with qtbot.wait_signal(services.backend.backend_changed, timeout=5000):
                services.backend.start(force_local=True)
            qtbot.wait_until(lambda: bool(services.voices.voices), timeout=5000)
        return studio

    yield make
    for studio in built:
        if studio.window.isVisible():
            studio.window.close()
        shutdown(studio.services)


@pytest.fixture
def sound_studio(qtbot, tmp_path: Path, waves_local) -> Iterator[tuple[Services, MainWindow]]:
    """(services, window) on the real player (PortAudio: the private null sink), speaking with
    waves-local's tone-alto; closed and shut down after the test."""
    services = build_services(
        Profile.from_folder(tmp_path),
        secrets=MemorySecretStore(),
        local_factory=lambda: AlreadyRunning(waves_local),
        environ={},
    )
    services.settings.set("app/first_run_done", True)
    services.settings.set("synthesis/voice_id", "tone-alto")
    window = MainWindow(services)
    qtbot.add_widget(window)
    try:
        with qtbot.wait_signal(services.backend.backend_changed, timeout=5000):
            services.backend.start(force_local=True)
        yield services, window
    finally:
        window.close()
        shutdown(services)
