"""`LocalServer`: waves-local running in a background thread, for the app, tests and the CLI."""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType
from typing import Any

from studio.core.errors import NetworkError
from studio.core.models import Voice
from studio.local.allocator import keep_heap_padding
from studio.local.config import ServerConfig
from studio.local.faults import FaultPlan
from studio.local.monitor import RequestStats
from studio.local.state import ServerState, build_state

__all__ = ["LocalServer", "ServerConfig"]

log = logging.getLogger(__name__)
_START_TIMEOUT_S = 20.0
_STOP_TIMEOUT_S = 10.0
# An idle keep-alive connection is closed after this long (uvicorn's own timer).
KEEP_ALIVE_S = 5
WS_MAX_MESSAGE_BYTES = 1024 * 1024  # the contract's incoming message limit (§4.6)
# uvicorn logs these when an app ends a response early, which waves-local does on purpose to
# cut a body (fault injection), and after a refused WebSocket upgrade (a denial response).
_DELIBERATE = (
    "ASGI callable returned without completing response.",
    "ASGI callable returned without completing handshake.",
)


class _DropDeliberateCuts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in _DELIBERATE


_CUT_FILTER = _DropDeliberateCuts()


class LocalServer:
    """A Waves-compatible server on loopback, run by uvicorn in a daemon thread.

    Use as a context manager, or call `start()` and `stop()`.

    Attributes:
        config: What it was started with.
        stats: Requests seen, counted on arrival (`stats.requests(path_prefix)`, `reset()`).
    """

    def __init__(self, config: ServerConfig | None = None) -> None:
        self.config = config or ServerConfig()
        self._state: ServerState | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._port = 0
        self.stats = RequestStats()

    def __repr__(self) -> str:
        running = "running" if self.running else "stopped"
        return f"LocalServer({self.config.engine}, {running}, port={self._port})"

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between a successful `start()` and `stop()`."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def port(self) -> int:
        """The TCP port it listens on (the real one when the config asked for 0)."""
        return self._port

    @property
    def base_url(self) -> str:
        """`http://HOST:PORT`, no trailing slash."""
        return f"http://{self._url_host()}:{self._port}"

    @property
    def ws_url(self) -> str:
        """`ws://HOST:PORT`, no trailing slash."""
        return f"ws://{self._url_host()}:{self._port}"

    @property
    def voices(self) -> list[Voice]:
        """The catalogue voices this server's engines offer (clones not included)."""
        if self._state is None:  # not started: the same list, without loading anything
            from studio.local.catalogue import Catalogue, build_engines

            return list(Catalogue(build_engines(self.config.engine)).voices)
        return list(self._state.catalogue.voices)

    @property
    def state(self) -> ServerState:
        """The shared server state (stores, engines, limiter) for in-process callers."""
        return self._require_state()

    def set_faults(self, spec: str) -> None:
        """Replace the fault-injection spec at run time ("" turns faults off).

        Raises:
            ValidationError: The spec does not parse (the message says why).
        """
        self._require_state().faults = FaultPlan(spec)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no synthesis holds a slot; False if still busy after `timeout` s."""
        return self._require_state().limiter.wait_idle(timeout)

    def start(self) -> None:
        """Bind, start uvicorn in a thread and return once it accepts connections.

        Raises:
            NetworkError: The port is taken or the server did not come up.
        """
        if self.running:
            return
        import uvicorn

        from studio.local.app import create_app
        from studio.local.transport import AbortableWebSocketProtocol, read_deadline_protocol

        keep_heap_padding()
        state = build_state(self.config, self.stats)  # first: a bad data folder binds nothing
        self._socket = self._bind()
        self._port = int(self._socket.getsockname()[1])
        self._state = state
        uv_config = uvicorn.Config(
            create_app(state),
            http=read_deadline_protocol(self.config.read_timeout_s),
            ws=AbortableWebSocketProtocol,
            ws_max_size=WS_MAX_MESSAGE_BYTES,
            timeout_keep_alive=KEEP_ALIVE_S,
            loop="asyncio",
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        logging.getLogger("uvicorn.error").addFilter(_CUT_FILTER)
        server = uvicorn.Server(uv_config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._socket]}, name="waves-local", daemon=True
        )
        self._thread.start()
        self._wait_started(server)

    def _wait_started(self, server: Any) -> None:
        """Return once uvicorn accepts connections; stop and raise if it never does."""
        deadline = time.monotonic() + _START_TIMEOUT_S
        ticker = threading.Event()  # never set: its wait() is a short, interruptible pause
        # uvicorn flips `started` from its own thread and offers no event to wait on.
        while not server.started and self.running and time.monotonic() < deadline:
            ticker.wait(0.01)
        if not server.started:
            self.stop()
            raise NetworkError(
                f"waves-local did not start on {self.config.host}:{self._port}. "
                "See the log for the reason."
            )

    def stop(self) -> None:
        """Stop serving and free the port; safe to call more than once."""
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(_STOP_TIMEOUT_S)
        if self._socket is not None:
            self._socket.close()
        if self._state is not None:
            self._state.executor.shutdown(wait=False, cancel_futures=True)
        self._server = self._thread = self._socket = None

    def _host(self) -> str:
        """The configured host as an address: `localhost` is 127.0.0.1, IPv6 without brackets."""
        return "127.0.0.1" if self.config.host == "localhost" else self.config.host.strip("[]")

    def _bind(self) -> socket.socket:
        host = self._host()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP, not 0: asyncio turns on TCP_NODELAY only for sockets that say they are
        # TCP, and without it every reply waits ~40 ms for a delayed ACK (Nagle).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, self.config.port))
        except OSError as exc:
            sock.close()
            raise NetworkError(
                f"waves-local cannot listen on {self.config.host}:{self.config.port} "
                f"({exc.strerror}). Pick another port, or 0 for any free one."
            ) from exc
        sock.listen(128)
        sock.set_inheritable(True)
        return sock

    def _url_host(self) -> str:
        host = self._host()
        return f"[{host}]" if ":" in host else host

    def _require_state(self) -> ServerState:
        if self._state is None:
            raise RuntimeError("Start the LocalServer first.")
        return self._state
