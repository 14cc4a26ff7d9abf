"""Where the API key lives: the OS keyring, or memory for one session; the environment wins."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from studio import APP_ID
from studio.core.errors import SecretStoreError

ENV_API_KEY = "SMALLEST_API_KEY"
KEY_USERNAME = "api-key"

T = TypeVar("T")


class SecretStore(Protocol):
    """Somewhere to keep one secret. Every method raises SecretStoreError, never anything else."""

    @property
    def backend_name(self) -> str:
        """A short description of the storage, for the self-test and preferences."""
        ...

    def get(self) -> str | None:
        """Return the stored secret, or None when there is none."""
        ...

    def set(self, value: str) -> None:
        """Store the secret, replacing any earlier one."""
        ...

    def delete(self) -> None:
        """Forget the secret; forgetting a missing secret is not an error."""
        ...


class MemorySecretStore:
    """A secret held in memory only: the session-only fallback when there is no keyring."""

    def __init__(self, value: str | None = None) -> None:
        self._value = value

    @property
    def backend_name(self) -> str:
        """Always "memory (this session only)"."""
        return "memory (this session only)"

    def get(self) -> str | None:
        """Return the secret or None."""
        return self._value

    def set(self, value: str) -> None:
        """Keep the secret until the app quits."""
        self._value = value

    def delete(self) -> None:
        """Forget the secret."""
        self._value = None

    def __repr__(self) -> str:
        return f"MemorySecretStore(set={self._value is not None})"


class KeyringSecretStore:
    """The API key in the OS keyring (Secret Service, macOS Keychain, Windows Credential Locker).

    Every keyring failure (no backend, locked, D-Bus gone, backend bug) becomes a
    SecretStoreError whose message says what to do; the secret never appears in it.

    Attributes:
        service: Keyring service name (APP_ID).
        username: Keyring user name ("api-key").
    """

    def __init__(self, service: str = APP_ID, username: str = KEY_USERNAME) -> None:
        self.service = service
        self.username = username

    @property
    def backend_name(self) -> str:
        """The keyring backend keyring picked, e.g. "SecretService Keyring"."""
        try:
            import keyring

            backend = keyring.get_keyring()
            return str(getattr(backend, "name", type(backend).__name__))
        except Exception:  # keyring's own import-time failures: describe, don't crash
            return "unavailable"

    def get(self) -> str | None:
        """Read the key; None when none is stored."""
        value = self._call("read", lambda kr: kr.get_password(self.service, self.username))
        return str(value) if value is not None else None

    def set(self, value: str) -> None:
        """Store the key."""
        if not value:
            raise SecretStoreError("An empty API key cannot be saved.")
        self._call("save", lambda kr: kr.set_password(self.service, self.username, value))

    def delete(self) -> None:
        """Remove the key; no error when none is stored."""
        import keyring.errors

        def _delete(kr: Any) -> None:
            # Nothing stored means already forgotten.
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                kr.delete_password(self.service, self.username)

        self._call("delete", _delete)

    def _call(self, verb: str, action: Callable[[Any], T]) -> T:
        try:
            import keyring
            import keyring.errors
        except Exception as exc:  # pragma: no cover - keyring is a dependency
            raise SecretStoreError(_unavailable(verb)) from exc
        try:
            return action(keyring)
        except keyring.errors.KeyringLocked as exc:
            raise SecretStoreError(
                f"Could not {verb} the API key: the system keyring is locked. Unlock it (log in "
                "again or open your keyring app) and retry, or use a key for this session only."
            ) from exc
        except Exception as exc:
            # NoKeyringError, InitError, D-Bus and backend errors all land here. The message
            # is ours; the exception text could echo arguments, so it is chained, not shown.
            raise SecretStoreError(_unavailable(verb)) from exc

    def __repr__(self) -> str:
        return f"KeyringSecretStore(service={self.service!r}, username={self.username!r})"


def _unavailable(verb: str) -> str:
    return (
        f"Could not {verb} the API key: no working system keyring was found (on Linux, "
        "install and start gnome-keyring or KWallet). You can still use a key for this "
        "session only, or the offline voices."
    )


@dataclass(frozen=True)
class ResolvedKey:
    """The API key the app will use this run, and where it came from.

    Attributes:
        value: The key, or None when there is none.
        source: "environment", "keyring", "session" or "none".
        warning: A user message when the keyring could not be read.
    """

    value: str | None
    source: str
    warning: str = ""

    def __repr__(self) -> str:
        return f"ResolvedKey(set={self.value is not None}, source={self.source!r})"


def resolve_api_key(store: SecretStore, environ: Mapping[str, str] | None = None) -> ResolvedKey:
    """Pick this run's key: SMALLEST_API_KEY wins (never written back), else the store's key.

    A broken keyring is not fatal: the result has no key and carries the keyring's message.
    """
    env = os.environ if environ is None else environ
    from_env = env.get(ENV_API_KEY, "").strip()
    if from_env:
        return ResolvedKey(from_env, "environment")
    try:
        stored = store.get()
    except SecretStoreError as exc:
        return ResolvedKey(None, "none", exc.user_message)
    if stored:
        source = "session" if isinstance(store, MemorySecretStore) else "keyring"
        return ResolvedKey(stored, source)
    return ResolvedKey(None, "none")


def mask_key(key: str | None) -> str:
    """A safe way to show a key exists: "sk_…1a2b" (the last four characters only)."""
    if not key:
        return "(none)"
    return f"{key[:3]}…{key[-4:]}" if len(key) >= 12 else "…"
