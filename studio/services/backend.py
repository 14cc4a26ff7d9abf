"""Which Waves server the studio talks to (cloud or embedded waves-local), and the API key."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal, Slot

from studio.core.errors import AuthError, CancelledError, SecretStoreError, ValidationError
from studio.library import Backend
from studio.logs import redactor
from studio.secrets import MemorySecretStore, SecretStore, resolve_api_key
from studio.services.messages import Action, BackendContext, MessageBus, user_message
from studio.services.settings import DEFAULT_BASE_URL, Settings
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # imported on first use: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient
    from studio.secrets import ResolvedKey

log = logging.getLogger(__name__)

# waves-local accepts any bearer token when it has no key of its own; it still wants one.
LOCAL_TOKEN = "sk_waves_local"  # noqa: S105 - not a secret: waves-local takes any token
# Shown inside the key dialog, so it never says "open the key dialog".
KEY_REFUSED = (
    "The Waves API refused this key. Check that you copied the whole key from your Waves "
    "dashboard, and that it has not been revoked."
)


class LocalServerLike(Protocol):
    """What the backend needs of studio.local.server.LocalServer."""

    @property
    def base_url(self) -> str: ...

    @property
    def config(self) -> Any: ...

    def start(self) -> Any: ...
    def stop(self) -> Any: ...


@dataclass(frozen=True)
class BackendInfo:
    """The active backend, for the status bar and for takes' provenance.

    Attributes:
        kind: "cloud" or "local".
        label: What the status bar shows.
        base_url: The server origin.
        engine: The local server's engines ("auto", "tone"…); "" for the cloud.
    """

    kind: str
    label: str
    base_url: str
    engine: str = ""

    @property
    def backend(self) -> Backend:
        """Who renders, as the render cache and the takes record it."""
        return Backend(self.kind, self.base_url, self.engine)


# A server that keeps dying is not restarted forever: at most this many times a window.
MAX_RESTARTS, RESTART_WINDOW_S = 3, 60.0
CRASHED = "The offline voices stopped unexpectedly; they are starting again."
CRASHED_AGAIN = (
    "The offline voices keep stopping (see the log: waves-local.log). Start them again, or "
    "check Preferences."
)


class BackendService(QObject):
    """Owns the WavesClient and switches between the Waves cloud and the embedded server.

    The embedded server starts on the task runner (never on the GUI thread); the client is
    None until a backend is ready.

    A server that reports its exit (`watch_exit`, as the child-process server does) and dies
    unasked is started again, with a banner; after MAX_RESTARTS in RESTART_WINDOW_S it is left
    stopped, with "Start again".

    Signals:
        backend_changed(object BackendInfo): a new client is ready.
        backend_failed(str message): the offline voices failed to start or stopped
            unexpectedly (also posted as an error); the client is None until a restart.
        key_verified(bool saved_to_keyring): a new key passed its test and is in use.
        key_failed(str message): a new key was refused (or could not be tested).
    """

    backend_changed = Signal(object)
    backend_failed = Signal(str)
    key_verified = Signal(bool)
    key_failed = Signal(str)
    # Emitted from the child server's watcher thread; queued to the GUI thread's slot.
    _local_exited = Signal(object, int)

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        tasks: TaskRunner,
        messages: MessageBus,
        local_server_factory: Callable[[], LocalServerLike],
        client_factory: Callable[[str, str | None], WavesClient] | None = None,
        environ: dict[str, str] | None = None,
        parent: QObject | None = None,
        read_key: bool = True,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._secrets = secrets
        self._tasks = tasks
        self._messages = messages
        self._local_factory = local_server_factory
        self._client_factory = client_factory or _waves_client
        self._local: LocalServerLike | None = None
        self._client: WavesClient | None = None
        self._info: BackendInfo | None = None
        self._environ = environ
        self._api_key: str | None = None
        self.key_source = "none"
        if read_key:  # the app reads it later, off the GUI thread (`load_key`)
            self._use_key(resolve_api_key(secrets, environ))
        self._force_local = False
        self._key_test: int | None = None
        self._starting = False
        self._crashes: list[float] = []
        self._local_exited.connect(self._on_local_exited)

    def _use_key(self, resolved: ResolvedKey) -> None:
        self._api_key = resolved.value
        self.key_source = resolved.source
        redactor().add_secret(self._api_key)
        if resolved.warning:
            self._messages.warning(resolved.warning, Action.PREFERENCES)

    def load_key(self, then: Callable[[], None]) -> None:
        """Read the key on the task runner (a keyring lookup is D-Bus IPC), then call `then`."""
        secrets, environ = self._secrets, self._environ

        def done(resolved: ResolvedKey) -> None:
            self._use_key(resolved)
            then()

        def failed(exc: BaseException) -> None:
            log.warning("Reading the API key failed: %s", type(exc).__name__)
            then()

        self._tasks.submit(lambda ctx: resolve_api_key(secrets, environ), done, failed)

    @property
    def client(self) -> WavesClient | None:
        """The ready client, or None while a backend starts."""
        return self._client

    @property
    def info(self) -> BackendInfo | None:
        """The active backend, or None while starting."""
        return self._info

    @property
    def settings(self) -> Settings:
        """The settings the backend is chosen from (the key dialog words itself by them)."""
        return self._settings

    @property
    def has_key(self) -> bool:
        """Whether an API key is known this run."""
        return bool(self._api_key)

    def wanted_kind(self) -> str:
        """ "cloud" or "local", from --local, the preference and whether there is a key."""
        mode = self._settings.get("backend/mode")
        if self._force_local or mode == "local":
            return "local"
        if mode == "cloud":
            return "cloud"
        return "cloud" if self._api_key else "local"

    def start(self, force_local: bool = False) -> None:
        """Bring up the wanted backend (asynchronously for waves-local)."""
        self._force_local = self._force_local or force_local
        self._crashes.clear()  # a start asked for (or a key change) gets fresh restarts
        if self.wanted_kind() == "cloud":
            self._use_cloud()
        else:
            self._use_local()

    def _use_cloud(self) -> None:
        base_url = str(self._settings.get("backend/base_url") or DEFAULT_BASE_URL)
        try:
            client = self._client_factory(base_url, self._api_key)
        except ValidationError as exc:
            self._messages.error(exc.user_message, Action.PREFERENCES, (Action.USE_LOCAL,))
            return
        label = "Waves cloud" if base_url == DEFAULT_BASE_URL else f"Waves at {base_url}"
        if not self._api_key:
            label += " (no API key)"
        self._install(client, BackendInfo("cloud", label, client.base_url))
        if not self._api_key:  # say so now, not as "refused the key" after the first request
            self._messages.error(
                self._messages.backend.no_key_text, Action.SET_KEY, (Action.USE_LOCAL,)
            )

    def _use_local(self) -> None:
        if self._local is not None:
            self._install_local(self._local)
            return
        if self._starting:
            return  # one start at a time; it installs itself when ready
        self._starting = True

        def start_server(ctx: TaskContext) -> LocalServerLike:
            server = self._local_factory()
            server.start()
            return server

        self._tasks.submit(start_server, self._on_local_started, self._on_local_failed)

    def lost_server(self, info: BackendInfo) -> bool:
        """Whether the offline server behind `info` has died or been replaced since.

        A render that failed with a network error on such a server is worth one retry once
        the server is back (`backend_changed`).
        """
        if info.kind != "local":
            return False
        if self._local is not None and not getattr(self._local, "running", True):
            return True  # dead, and its exit is still on its way to _on_local_exited
        return self._info is None or self._info.base_url != info.base_url

    def may_be_crash(self, info: BackendInfo, exc: BaseException) -> bool:
        """Whether a render that failed with `exc` on `info` may have been cut by a crash."""
        from studio.core.errors import NetworkError

        return info.kind == "local" and isinstance(exc, NetworkError)

    def _on_local_started(self, server: LocalServerLike) -> None:
        self._starting = False
        self._local = server
        watch = getattr(server, "watch_exit", None)
        if callable(watch):
            watch(self._local_exited.emit)
        # The user may have chosen the cloud while the offline voices were loading.
        if self.wanted_kind() == "local":
            self._install_local(server)
            if self._crashes:
                self._messages.info("The offline voices are running again.")

    def _on_local_failed(self, exc: BaseException) -> None:
        self._starting = False
        message = user_message(
            exc,
            "waves-local failed to start",
            "The offline voices could not start; details are in the log.",
        )
        self._messages.error(message, Action.RESTART_BACKEND)
        self.backend_failed.emit(message)

    @Slot(object, int)
    def _on_local_exited(self, server: object, code: int) -> None:
        if server is not self._local:
            return  # an old server, or one stopped on purpose
        log.error("waves-local stopped unexpectedly (exit status %s)", code)
        self._local = None
        if self._info is None or self._info.kind != "local":
            return  # not in use (the cloud is): it starts again when it is wanted
        dropped, self._client, self._info = self._client, None, None
        if dropped is not None:
            self._tasks.submit(lambda ctx: dropped.close(), on_failure=log_close_failure)
        now = time.monotonic()
        self._crashes = [t for t in self._crashes if now - t < RESTART_WINDOW_S] + [now]
        if len(self._crashes) > MAX_RESTARTS:
            self._messages.error(CRASHED_AGAIN, Action.RESTART_BACKEND)
            self.backend_failed.emit(CRASHED_AGAIN)
            return
        self._messages.error(CRASHED, Action.RETRY)
        self.backend_failed.emit(CRASHED)
        self._use_local()

    def _install_local(self, server: LocalServerLike) -> None:
        # A server started with its own key (a shared test server) wants that key.
        token = getattr(server.config, "api_key", None) or LOCAL_TOKEN
        client = self._client_factory(server.base_url, token)
        engine = str(getattr(server.config, "engine", "auto"))
        label = "Offline voices (waves-local)"
        self._install(client, BackendInfo("local", label, server.base_url, engine))

    def _install(self, client: WavesClient, info: BackendInfo) -> None:
        old, self._client, self._info = self._client, client, info
        if old is not None and old is not client:
            # Closing idle WebSockets can wait for close frames: not on the GUI thread.
            self._tasks.submit(lambda ctx: old.close(), on_failure=log_close_failure)
        log.info("Backend: %s (%s)", info.label, info.base_url)
        self._messages.backend = BackendContext(info.kind, self.has_key, info.label)
        self.backend_changed.emit(info)

    def switch(self, kind: str) -> None:
        """Use "cloud", "local" or "auto" from now on (saved as the preference)."""
        self._settings.set("backend/mode", kind)
        self._force_local = False
        self.start()

    def set_api_key(self, key: str, remember: bool = True) -> None:
        """Test a new key against the cloud; if it works, use it (and save it to the keyring)."""
        key = key.strip()
        if not key:
            self.key_failed.emit("Paste your Waves API key first.")
            return
        redactor().add_secret(key)
        base_url = str(self._settings.get("backend/base_url") or DEFAULT_BASE_URL)
        secrets = self._secrets

        def test_key(ctx: TaskContext) -> str:
            """Test the key, then save it (D-Bus may prompt): all off the GUI thread."""
            client = self._client_factory(base_url, key)
            try:
                client.check_key(cancel=ctx.cancelled)
            finally:
                client.close()
            if ctx.cancelled.is_set():
                raise CancelledError()
            if not remember:
                return "session"
            try:
                secrets.set(key)
            except SecretStoreError as exc:
                return exc.user_message
            return "keyring"

        def on_ok(outcome: str) -> None:
            saved = outcome == "keyring"
            if outcome not in ("keyring", "session"):
                self._messages.warning(outcome + " The key is kept for this session only.")
                self._secrets = MemorySecretStore(key)
            self._api_key = key
            self.key_source = "keyring" if saved else "session"
            self.key_verified.emit(saved)
            if self._settings.get("backend/mode") == "local":
                self._settings.set("backend/mode", "auto")
            self._force_local = False
            self.start()

        def on_fail(exc: BaseException) -> None:
            if isinstance(exc, CancelledError):
                return
            if isinstance(exc, AuthError):
                # The error's own text sends the user to the key dialog: they are in it.
                self.key_failed.emit(KEY_REFUSED)
                return
            self.key_failed.emit(
                user_message(
                    exc,
                    "Testing the API key failed",
                    "The key could not be tested; details are in the log.",
                )
            )

        self._key_test = self._tasks.submit(test_key, on_ok, on_fail)

    def cancel_key_test(self) -> None:
        """Drop a key test still running (its dialog was closed): nothing is saved or used."""
        if self._key_test is not None:
            self._tasks.cancel(self._key_test)
            self._key_test = None

    def forget_api_key(self) -> None:
        """Delete the key from the keyring (off the GUI thread) and memory; go offline."""
        secrets = self._secrets
        self._api_key = None
        self.key_source = "none"

        def forget(ctx: TaskContext) -> None:
            secrets.delete()

        self._tasks.submit(
            forget, lambda _r: self._messages.info("API key forgotten."), self._messages.report
        )
        self.start()

    def shutdown(self) -> None:
        """Close the client and stop the embedded server."""
        if self._client is not None:
            self._client.close()
        server, self._local = self._local, None  # None first: its exit is not a crash
        if server is not None:
            server.stop()


def _waves_client(base_url: str, api_key: str | None) -> WavesClient:
    from studio.api.client import WavesClient

    return WavesClient(base_url, api_key)


def log_close_failure(exc: BaseException) -> None:
    """Closing an old client is best effort: a failure is only worth a log line."""
    log.warning("Closing the previous connection failed: %s", exc)
