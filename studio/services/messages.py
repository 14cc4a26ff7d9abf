"""MessageBus: how services tell the user something without knowing about widgets."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from studio.core.errors import (
    ApiError,
    AudioDeviceError,
    AuthError,
    CancelledError,
    NetworkError,
    RateLimitedError,
    SecretStoreError,
    StudioError,
)

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Something went wrong; details are in the log."


class Level(enum.IntEnum):
    """How loud a message is: info and warnings go to the status bar, errors to the banner."""

    INFO = 0
    WARNING = 1
    ERROR = 2


class Action(enum.StrEnum):
    """What the banner's button offers next to an error."""

    NONE = ""
    SET_KEY = "set_key"
    RETRY = "retry"  # render the last text again: only renders offer it
    RELOAD = "reload"  # load voices and dictionaries again
    RESTART_BACKEND = "restart_backend"  # start the offline voices (or the cloud) again
    PREFERENCES = "preferences"
    USE_LOCAL = "use_local"


@dataclass(frozen=True)
class Message:
    """One user-facing message.

    Attributes:
        level: INFO, WARNING or ERROR.
        text: User-facing text; never a repr or a secret.
        action: The next step the presenter offers first.
        more: Further steps offered beside it (e.g. Use offline voices, Preferences).
    """

    level: Level
    text: str
    action: Action = Action.NONE
    more: tuple[Action, ...] = ()


@dataclass(frozen=True)
class BackendContext:
    """What the bus knows of the active backend, to word failures and pick their actions.

    Attributes:
        kind: "cloud" or "local".
        has_key: Whether an API key is known (the cloud needs one).
        label: The backend as the status bar names it.
    """

    kind: str = "local"
    has_key: bool = True
    label: str = ""

    @property
    def missing_key(self) -> bool:
        """The cloud is chosen but no key is set: every request would be refused."""
        return self.kind == "cloud" and not self.has_key

    @property
    def no_key_text(self) -> str:
        """What to say when the cloud has no key."""
        where = self.label.removesuffix(" (no API key)") or "the Waves cloud"
        return (
            f"No API key is set, so {where} refuses every request. "
            "Enter your key, or use the offline voices."
        )


class MessageBus(QObject):
    """Carries messages from services to the presenter; caches them until the UI connects.

    Signals:
        message_posted(object Message)
    """

    message_posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[Message] | None = []
        self.backend = BackendContext()  # kept current by BackendService

    def post(
        self, level: Level, text: str, action: Action = Action.NONE, more: tuple[Action, ...] = ()
    ) -> None:
        """Send a message now, or keep it until `connect_ui` if no UI is listening yet."""
        message = Message(level, text, action, more)
        if self._pending is not None:
            self._pending.append(message)
        else:
            self.message_posted.emit(message)

    def info(self, text: str) -> None:
        """Post an INFO message."""
        self.post(Level.INFO, text)

    def warning(self, text: str, action: Action = Action.NONE) -> None:
        """Post a WARNING message."""
        self.post(Level.WARNING, text, action)

    def error(self, text: str, action: Action = Action.NONE, more: tuple[Action, ...] = ()) -> None:
        """Post an ERROR message offering `action` first, then `more`."""
        self.post(Level.ERROR, text, action, more)

    def report(
        self,
        exc: BaseException,
        action: Action | None = None,
        context: str = "Unexpected error",
        retry: Action = Action.RELOAD,
    ) -> None:
        """Post an exception the way STYLE §5 says: StudioErrors speak, others go to the log.

        Args:
            exc: The failure.
            action: Offer this first (else the error's own actions, see `actions_for`).
            context: For the log, when `exc` is a bug.
            retry: What "Retry" means for this failure: a render (RETRY) or loading the
                voices and dictionaries again (RELOAD).
        """
        if isinstance(exc, CancelledError):
            self.info(exc.user_message)
            return
        if isinstance(exc, StudioError):
            actions = actions_for(exc, self.backend, retry)
            if action is not None:
                actions = (action, *actions)
            text = exc.user_message
            if isinstance(exc, AuthError) and self.backend.missing_key:
                text = self.backend.no_key_text  # "refused the key" would blame a key never set
            first, *more = actions or (Action.NONE,)
            self.error(text, first, tuple(more))
            return
        self.error(user_message(exc, context))

    def connect_ui(self, slot: Callable[[Message], None]) -> None:
        """Connect the presenter and deliver everything posted before it existed."""
        self.message_posted.connect(slot)
        pending, self._pending = self._pending or [], None
        for message in pending:
            self.message_posted.emit(message)


def user_message(exc: BaseException, context: str, fallback: str = GENERIC_FAILURE) -> str:
    """What to tell the user about a failure: a StudioError's own words; anything else is a bug,
    logged with `context` and its traceback, and the user gets `fallback`."""
    if isinstance(exc, StudioError):
        return exc.user_message
    log.error("%s", context, exc_info=exc)
    return fallback


def is_transient(exc: StudioError) -> bool:
    """A failure that trying again may cure: network, busy server, a 5xx or a timeout (408)."""
    if isinstance(exc, NetworkError | RateLimitedError):
        return True
    return isinstance(exc, ApiError) and (exc.status >= 500 or exc.status == 408)


def actions_for(
    exc: StudioError, backend: BackendContext | None = None, retry: Action = Action.RELOAD
) -> tuple[Action, ...]:
    """The steps that fit a failure, first one first.

    A refused (or missing) key: enter one, or go offline. A failure that may pass: retry, go
    offline (from the cloud) or check the server address in Preferences. A sound card or
    keyring problem: Preferences.
    """
    on_cloud = backend is None or backend.kind == "cloud"
    offline = (Action.USE_LOCAL,) if on_cloud else ()
    if isinstance(exc, AuthError):
        return (Action.SET_KEY, *offline)
    if is_transient(exc):
        return (retry, *offline, Action.PREFERENCES)
    if isinstance(exc, AudioDeviceError | SecretStoreError):
        return (Action.PREFERENCES,)
    return ()
