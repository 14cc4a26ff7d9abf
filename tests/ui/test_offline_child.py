"""The window with its offline voices in a child process: start, crash, restart, retry, quit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studio.app import Profile, build_services, shutdown
from studio.local.child import ChildServer
from studio.local.config import ServerConfig
from studio.secrets import MemorySecretStore
from studio.services.backend import CRASHED
from studio.services.messages import Action
from studio.ui.main_window import MainWindow
from tests.fakes import FakeAudioPlayer
from tests.local.helpers import assert_child_dies_with, gone_within

pytestmark = [
    pytest.mark.gui,
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open (Linux)"),
]

LINE = "A line cut short by a crash of the offline voices, then spoken again."


@pytest.fixture
def child_studio(qtbot, tmp_path: Path):
    """The real window whose backend runs a tone-engine waves-local child (1.5 s first byte)."""
    servers: list[ChildServer] = []

    def factory() -> ChildServer:
        server = ChildServer(ServerConfig(engine="tone", latency_ms=1500, data_dir=tmp_path / "wl"))
        servers.append(server)
        return server

    services = build_services(
        Profile.from_folder(tmp_path / "profile"),
        secrets=MemorySecretStore(),
        player=FakeAudioPlayer(),
        local_factory=factory,
        environ={},
    )
    services.settings.set("app/first_run_done", True)
    services.settings.set("synthesis/voice_id", "tone-alto")
    window = MainWindow(services)
    qtbot.add_widget(window)
    window.show()
    with qtbot.wait_signal(services.backend.backend_changed, timeout=30000):
        services.backend.start(force_local=True)
    yield window, services, servers
    window.close()
    shutdown(services)


def test_crash_mid_render_banner_restart_and_retry(qtbot, child_studio) -> None:
    """kill -9 of the child mid-render: a banner, a restart, the render runs again and ends;
    the banner's Retry renders once more on the new server; the window never goes down."""
    window, services, servers = child_studio
    synthesis, backend = services.synthesis, services.backend
    window.editor_panel.set_text(LINE)
    with qtbot.wait_signal(synthesis.busy_changed, timeout=5000):
        window.flows.synthesize()
    first_url = backend.info.base_url
    with qtbot.wait_signal(backend.backend_failed, timeout=10000) as failed:
        servers[0].kill()  # the first byte is 1.5 s away: the render is in flight
    assert failed.args == [CRASHED]
    assert window.banner.isVisible() and window.banner.action is Action.RETRY
    with qtbot.wait_signal(synthesis.synthesis_finished, timeout=30000) as done:
        pass  # the backend restarts the child; the cut render runs again by itself
    result = done.args[1]
    assert result.job.retry_of != 0 and result.rendered.duration_s > 1.0
    assert backend.info.base_url != first_url and len(servers) == 2
    with qtbot.wait_signal(synthesis.synthesis_finished, timeout=30000) as again:
        window.banner.action_button.click()
    assert again.args[1].rendered.spec.voice_id == "tone-alto"
    assert window.isVisible()


def test_quit_stops_the_child(qtbot, child_studio) -> None:
    """Closing the app (shutdown on aboutToQuit) stops the child process at once."""
    _window, services, servers = child_studio
    pid = servers[0].pid
    assert pid is not None and not gone_within(pid, 0.1)
    shutdown(services)
    assert gone_within(pid, 3.0)


# The real app (`studio.app.main --local`), told only to print its child's pid once it is up.
REAL_APP = """
import sys
import studio.app as app_module
real = app_module.make_local_server

def make_local_server(profile):
    server = real(profile)
    start = server.start

    def start_and_tell():
        start()
        print(server.pid, flush=True)

    server.start = start_and_tell
    return server

app_module.make_local_server = make_local_server
from studio.cli import build_parser
app_module.main(build_parser().parse_args(["--local", "--profile", sys.argv[1]]))
"""


def test_kill_9_of_the_app_leaves_no_server(tmp_path: Path) -> None:
    """kill -9 of the running studio (with its offline voices up): the child is gone in 2 s."""
    import subprocess
    import sys

    app = subprocess.Popen(
        [sys.executable, "-c", REAL_APP, str(tmp_path / "profile")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDIO_NO_ERROR_WINDOWS": "1"},
    )
    try:
        assert_child_dies_with(app)
    finally:
        app.kill()
        app.wait()
        if app.stdout is not None:
            app.stdout.close()
