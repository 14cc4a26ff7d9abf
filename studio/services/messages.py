"""MessageBus: how services tell the user something without knowing about widgets."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from studio.core.errors import (
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
        action: The next step the presenter offers.
    """

    level: Level
    text: str
    action: Action = Action.NONE


class MessageBus(QObject):
    """Carries messages from services to the presenter; caches them until the UI connects.

    Signals:
        message_posted(object Message)
    """

    message_posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[Message] | None = []

    def post(self, level: Level, text: str, action: Action = Action.NONE) -> None:
        """Send a message now, or keep it until `connect_ui` if no UI is listening yet."""
        message = Message(level, text, action)
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

    def error(self, text: str, action: Action = Action.NONE) -> None:
        """Post an ERROR message."""
        self.post(Level.ERROR, text, action)

    def report(
        self, exc: BaseException, action: Action | None = None, context: str = "Unexpected error"
    ) -> None:
        """Post an exception the way STYLE §5 says: StudioErrors speak, others go to the log."""
        if isinstance(exc, CancelledError):
            self.info(exc.user_message)
            return
        if isinstance(exc, StudioError):
            self.error(exc.user_message, action if action is not None else action_for(exc))
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


def action_for(exc: StudioError) -> Action:
    """The natural next step for an error class."""
    if isinstance(exc, AuthError):
        return Action.SET_KEY
    if isinstance(exc, NetworkError | RateLimitedError):
        return Action.RELOAD  # callers whose retry is a render pass Action.RETRY themselves
    if isinstance(exc, AudioDeviceError | SecretStoreError):
        return Action.PREFERENCES
    return Action.NONE
