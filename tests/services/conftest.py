"""Service fixtures: synchronous task runners, a fake sound card, the shared waves-local."""

from __future__ import annotations

import pytest

from studio.secrets import MemorySecretStore
from studio.services.backend import BackendService
from studio.services.messages import MessageBus
from studio.services.playback import PlaybackService
from studio.services.tasks import SyncTaskRunner
from tests.conftest import WAVES_LOCAL_TEST_KEY
from tests.fakes import AlreadyRunning, FakeAudioPlayer


@pytest.fixture
def bus(qtbot):
    """A MessageBus whose messages are collected in `bus.seen`."""
    bus = MessageBus()
    bus.seen = []
    bus.connect_ui(bus.seen.append)
    return bus


@pytest.fixture
def sync_runner(qtbot):
    """Tasks run inline: results arrive before submit() returns."""
    return SyncTaskRunner()


@pytest.fixture
def player():
    """A fake sound card that records what it is fed."""
    return FakeAudioPlayer()


@pytest.fixture
def playback(player, bus):
    """A PlaybackService on the fake player."""
    service = PlaybackService(player, bus)
    yield service
    service.shutdown()


@pytest.fixture
def local_backend(settings, bus, sync_runner, waves_local):
    """A BackendService running on the shared tone-engine waves-local."""
    backend = BackendService(
        settings,
        MemorySecretStore(),
        sync_runner,
        bus,
        local_server_factory=lambda: AlreadyRunning(waves_local),
        environ={},
    )
    backend.start(force_local=True)
    assert backend.client is not None
    assert backend.client.transport.auth_headers()["Authorization"].endswith(WAVES_LOCAL_TEST_KEY)
    return backend
