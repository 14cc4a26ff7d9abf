"""BackendService + SynthesisService when the offline server dies: restart, retry once, give up."""

from __future__ import annotations

import socket
from typing import Any

from studio.secrets import MemorySecretStore
from studio.services.backend import CRASHED, CRASHED_AGAIN, MAX_RESTARTS, BackendService
from studio.services.messages import Action, Level
from studio.services.synthesis import SynthesisService


class Watched:
    """A LocalServerLike that reports its exit like ChildServer (the test fires the exit)."""

    def __init__(self, base_url: str, config: Any) -> None:
        self.base_url = base_url
        self.config = config
        self.running = True
        self.exit_callback: Any = None

    def watch_exit(self, callback: Any) -> None:
        self.exit_callback = callback

    def die(self) -> None:
        self.running = False
        self.exit_callback(self, -9)

    def start(self) -> None:
        """Already serving (or already dead: the closed-port server)."""

    def stop(self) -> None:
        """Nothing to stop."""


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _services(settings, bus, sync_runner, servers):
    settings.set("synthesis/voice_id", "tone-alto")
    made: list[Watched] = []

    def factory() -> Watched:
        server = servers[len(made)]
        made.append(server)
        return server

    backend = BackendService(
        settings, MemorySecretStore(), sync_runner, bus, local_server_factory=factory, environ={}
    )
    synthesis = SynthesisService(backend, sync_runner, None, bus)
    return backend, synthesis, made


def test_a_render_cut_before_the_exit_is_known_is_retried_once(
    qtbot, settings, bus, sync_runner, waves_local
) -> None:
    """The render fails first and the server's exit arrives after: still one retry, on the new
    server, once it is up; a banner says the voices stopped."""
    dead = Watched(_closed_port_url(), waves_local.config)
    alive = Watched(waves_local.base_url, waves_local.config)
    backend, synthesis, made = _services(settings, bus, sync_runner, [dead, alive])
    backend.start(force_local=True)
    with qtbot.wait_signal(synthesis.synthesis_failed, timeout=10000):
        synthesis.synthesize("Cut short by a crash.", settings.render_spec(), "sse", play=False)
    with qtbot.wait_signal(synthesis.synthesis_finished, timeout=10000) as done:
        dead.die()
    assert done.args[1].job.retry_of != 0 and done.args[1].job.backend.base_url == alive.base_url
    assert made == [dead, alive]
    crash = [m for m in bus.seen if m.text == CRASHED]
    assert crash and crash[0].level is Level.ERROR and crash[0].action is Action.RETRY
    assert any(m.text == "The offline voices are running again." for m in bus.seen)


def test_a_server_that_keeps_dying_is_left_stopped(qtbot, settings, bus, sync_runner) -> None:
    """After MAX_RESTARTS restarts within the window, no more: a banner with Start again."""
    servers = [Watched(_closed_port_url(), None) for _ in range(MAX_RESTARTS + 2)]
    backend, _synthesis, made = _services(settings, bus, sync_runner, servers)
    backend.start(force_local=True)
    for _ in range(MAX_RESTARTS + 1):
        made[-1].die()
    assert len(made) == MAX_RESTARTS + 1 and backend.client is None
    assert bus.seen[-1].text == CRASHED_AGAIN and bus.seen[-1].action is Action.RESTART_BACKEND
    backend.start()  # the banner's Start again: a fresh allowance
    assert len(made) == MAX_RESTARTS + 2 and backend.client is not None
