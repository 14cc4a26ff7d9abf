"""Client test fixtures: a WavesClient on the shared tone-engine waves-local."""

import pytest

from studio.api.client import WavesClient
from studio.api.transport import RetryPolicy
from tests.api.helpers import KEY


@pytest.fixture
def client(waves_local):
    """A client with fast retries, closed after the test."""
    c = WavesClient(
        waves_local.base_url,
        KEY,
        read_timeout_s=5.0,
        retry=RetryPolicy(max_attempts=3, base_delay_s=0.02),
    )
    yield c
    c.close()


@pytest.fixture
def hostile():
    """A factory of HostileServers (tests/api/hostile.py), all closed after the test."""
    from tests.api.hostile import HostileServer

    servers: list[HostileServer] = []

    def make(behaviour) -> HostileServer:
        server = HostileServer(behaviour)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()
