"""BackendService: cloud or local, and the API key's life: test, save, fall back, forget."""

import threading

import pytest

from studio.core.errors import SecretStoreError
from studio.secrets import MemorySecretStore
from studio.services.backend import BackendService
from tests.conftest import WAVES_LOCAL_TEST_KEY
from tests.fakes import AlreadyRunning


class BrokenKeyring(MemorySecretStore):
    """A keyring that cannot store anything (like a locked or missing Secret Service)."""

    def set(self, value: str) -> None:
        raise SecretStoreError("No working system keyring was found.")


def _backend(settings, bus, runner, server, secrets=None, environ=None) -> BackendService:
    settings.set("backend/base_url", server.base_url)
    return BackendService(
        settings,
        secrets or MemorySecretStore(),
        runner,
        bus,
        local_server_factory=lambda: AlreadyRunning(server),
        environ=environ or {},
    )


def test_no_key_means_offline_voices(settings, bus, sync_runner, waves_local, qtbot) -> None:
    """Without a key, auto mode starts the local server and says so."""
    backend = _backend(settings, bus, sync_runner, waves_local)
    with qtbot.wait_signal(backend.backend_changed, timeout=2000) as changed:
        backend.start()
    assert changed.args[0].kind == "local" and "Offline" in changed.args[0].label


def test_environment_key_selects_the_cloud(settings, bus, sync_runner, waves_local) -> None:
    """SMALLEST_API_KEY makes auto mode use the configured server with that key."""
    backend = _backend(
        settings, bus, sync_runner, waves_local, environ={"SMALLEST_API_KEY": WAVES_LOCAL_TEST_KEY}
    )
    backend.start()
    assert backend.info.kind == "cloud" and backend.key_source == "environment"
    assert backend.client.voices()


def test_good_key_is_tested_saved_and_used(settings, bus, sync_runner, waves_local, qtbot) -> None:
    """A key that works is saved to the store and the cloud backend starts with it."""
    store = MemorySecretStore()
    backend = _backend(settings, bus, sync_runner, waves_local, store)
    backend.start()
    with qtbot.wait_signal(backend.key_verified, timeout=3000) as verified:
        backend.set_api_key(f"  {WAVES_LOCAL_TEST_KEY}  ")
    assert verified.args == [True]
    assert store.get() == WAVES_LOCAL_TEST_KEY
    assert backend.info.kind == "cloud" and backend.key_source == "keyring"


def test_refused_key_is_not_saved(settings, bus, sync_runner, waves_local, qtbot) -> None:
    """A wrong key is reported, not stored, and the backend stays as it was."""
    store = MemorySecretStore()
    backend = _backend(settings, bus, sync_runner, waves_local, store)
    backend.start()
    with qtbot.wait_signal(backend.key_failed, timeout=3000) as failed:
        backend.set_api_key("sk_definitely_wrong")
    assert "refused this key" in failed.args[0] and "API key…" not in failed.args[0]
    assert store.get() is None and backend.info.kind == "local"


def test_broken_keyring_keeps_the_key_for_the_session(
    settings, bus, sync_runner, waves_local, qtbot
) -> None:
    """If the keyring cannot save, the key still works for this session, with a warning."""
    backend = _backend(settings, bus, sync_runner, waves_local, BrokenKeyring())
    backend.start()
    with qtbot.wait_signal(backend.key_verified, timeout=3000) as verified:
        backend.set_api_key(WAVES_LOCAL_TEST_KEY)
    assert verified.args == [False] and backend.key_source == "session"
    assert any("this session only" in m.text for m in bus.seen)


def test_forget_key_goes_back_to_offline(settings, bus, sync_runner, waves_local) -> None:
    """Forgetting deletes the stored key and switches to the offline voices."""
    store = MemorySecretStore(WAVES_LOCAL_TEST_KEY)
    backend = _backend(settings, bus, sync_runner, waves_local, store)
    backend.start()
    assert backend.info.kind == "cloud"
    backend.forget_api_key()
    assert store.get() is None and backend.info.kind == "local" and not backend.has_key


def test_plain_http_cloud_address_is_refused(settings, bus, sync_runner, waves_local) -> None:
    """A non-loopback http address is refused with a message, never sent the key."""
    backend = _backend(
        settings, bus, sync_runner, waves_local, environ={"SMALLEST_API_KEY": "sk_abc_123456"}
    )
    settings.set("backend/base_url", "http://example.com")
    backend.start()
    assert backend.client is None
    assert "plain http" in bus.seen[-1].text


@pytest.mark.parametrize("mode", ["local", "cloud"])
def test_mode_preference_wins(settings, bus, sync_runner, waves_local, mode) -> None:
    """An explicit backend preference is honoured whatever the key situation."""
    backend = _backend(
        settings, bus, sync_runner, waves_local, environ={"SMALLEST_API_KEY": WAVES_LOCAL_TEST_KEY}
    )
    backend.switch(mode)
    assert backend.info.kind == mode


def test_a_late_local_start_does_not_override_the_cloud(settings, bus, waves_local, qtbot) -> None:
    """If the user picks the cloud while the offline voices load, the cloud stays."""
    from studio.services.tasks import TaskRunner

    runner = TaskRunner(max_threads=2)
    release = threading.Event()

    class SlowServer(AlreadyRunning):
        def start(self) -> None:
            release.wait(5)

    backend = _backend(settings, bus, runner, waves_local, environ={})
    backend._local_factory = lambda: SlowServer(waves_local)
    backend.start(force_local=True)
    backend.switch("cloud")
    release.set()
    qtbot.wait_until(lambda: backend._local is not None, timeout=5000)
    assert backend.info.kind == "cloud"
    assert runner.shutdown(2000)


def test_closing_the_key_dialog_cancels_the_test(settings, bus, waves_local, qtbot) -> None:
    """A key test cancelled (dialog closed) saves nothing and changes nothing."""
    store = MemorySecretStore()
    backend = _backend(settings, bus, sync_runner_never_runs(), waves_local, store)
    backend.set_api_key(WAVES_LOCAL_TEST_KEY)
    backend.cancel_key_test()
    backend._tasks.run_all()
    assert store.get() is None and not backend.has_key


def sync_runner_never_runs():
    """A runner that holds tasks until run_all(), to cancel one before it runs."""
    from studio.services.tasks import SyncTaskRunner, TaskContext

    class Held(SyncTaskRunner):
        def __init__(self) -> None:
            super().__init__()
            self.held: list[tuple] = []

        def _start(self, fn, context: TaskContext) -> None:
            self.held.append((fn, context))

        def run_all(self) -> None:
            for fn, context in self.held:
                SyncTaskRunner._start(self, fn, context)

    return Held()
