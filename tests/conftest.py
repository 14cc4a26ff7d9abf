"""Shared fixtures. Qt runs offscreen unless QT_QPA_PLATFORM says otherwise."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports PySide6
os.environ.setdefault("STUDIO_NO_ERROR_WINDOWS", "1")
os.environ.pop("SMALLEST_API_KEY", None)  # a developer's own key never reaches a test

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from studio.services.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings backed by a throwaway INI file, never the user's profile."""
    return Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


# --- waves-local -------------------------------------------------------------------------------
# Session-wide tone-engine server for client tests, plus a factory for tests that need their own
# (a concurrency limit, another engine, faults from the start). Imports stay inside the fixtures
# so that test runs which never use the server do not pay for FastAPI and uvicorn.
WAVES_LOCAL_TEST_KEY = "sk_local_test_key"


@pytest.fixture(scope="session")
def waves_local(tmp_path_factory: pytest.TempPathFactory):
    """A running tone-engine waves-local (key `sk_local_test_key`), shared by the session.

    Tests that change its faults must reset them (`waves_local_faults` does it for you).
    """
    from studio.local.server import LocalServer, ServerConfig

    config = ServerConfig(
        engine="tone",
        api_key=WAVES_LOCAL_TEST_KEY,
        data_dir=tmp_path_factory.mktemp("waves-local"),
    )
    with LocalServer(config) as server:
        yield server


@pytest.fixture
def waves_local_faults(waves_local):
    """`waves_local.set_faults`, with faults switched off again after the test."""
    yield waves_local.set_faults
    waves_local.set_faults("")


@pytest.fixture
def make_waves_local(tmp_path: Path):
    """A factory: `make_waves_local(**config)` starts a server that stops after the test.

    Defaults: tone engine, key `sk_local_test_key`, a fresh data folder under tmp_path.
    """
    from studio.local.server import LocalServer, ServerConfig

    servers: list[LocalServer] = []

    def make(**overrides: object) -> LocalServer:
        overrides.setdefault("engine", "tone")
        overrides.setdefault("api_key", WAVES_LOCAL_TEST_KEY)
        overrides.setdefault("data_dir", tmp_path / f"waves-local-{len(servers)}")
        server = LocalServer(ServerConfig(**overrides))
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Never hang at exit on a thread a failed test left behind (see tests/leaked_threads.py)."""
    from tests.leaked_threads import exit_if_leaked

    session = getattr(config, "_studio_session", None)
    exit_if_leaked(int(getattr(session, "exitstatus", 0)))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Keep the session so pytest_unconfigure can pass its exit status on."""
    session.config._studio_session = session  # type: ignore[attr-defined]
