"""BackendService at start-up: the key is read after the window shows, off the GUI thread."""

from __future__ import annotations

import threading

from studio.secrets import MemorySecretStore
from studio.services.backend import BackendService
from studio.services.tasks import TaskRunner


def test_the_key_is_read_later_and_off_the_gui_thread(qtbot, settings, bus) -> None:
    """With read_key=False nothing touches the store until load_key, which runs on a worker."""
    threads: list[threading.Thread] = []

    class Recording(MemorySecretStore):
        def get(self) -> str | None:
            threads.append(threading.current_thread())
            return super().get()

    runner = TaskRunner(max_threads=1)
    backend = BackendService(
        settings,
        Recording("sk_stored_key_1234"),
        runner,
        bus,
        local_server_factory=lambda: None,  # type: ignore[arg-type, return-value]
        environ={},
        read_key=False,
    )
    assert threads == [] and not backend.has_key
    loaded = threading.Event()
    backend.load_key(loaded.set)
    qtbot.wait_until(loaded.is_set, timeout=5000)
    assert backend.has_key and backend.key_source == "session"
    assert threads and threads[0] is not threading.main_thread()
    assert runner.shutdown(2000)
