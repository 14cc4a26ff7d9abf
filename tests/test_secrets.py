"""Secret stores: the real Secret Service (throwaway gnome-keyring), memory, and env override."""

import os
import subprocess
import sys
import uuid

import pytest

from studio.core.errors import SecretStoreError
from studio.secrets import (
    KeyringSecretStore,
    MemorySecretStore,
    mask_key,
    resolve_api_key,
)

needs_keyring = pytest.mark.skipif(
    os.environ.get("STUDIO_TEST_KEYRING") != "1",
    reason="needs the throwaway gnome-keyring that scripts/test starts",
)


@pytest.fixture
def keyring_store():
    """A KeyringSecretStore under a unique service name, removed afterwards."""
    store = KeyringSecretStore(service=f"io.github.wavesstudio.test-{uuid.uuid4().hex[:8]}")
    yield store
    store.delete()


@pytest.mark.keyring
@needs_keyring
def test_real_keyring_set_get_delete(keyring_store: KeyringSecretStore) -> None:
    """A key saved to the Secret Service reads back, and is gone after delete."""
    assert "SecretService" in keyring_store.backend_name
    assert keyring_store.get() is None
    keyring_store.set("sk_test_0123456789abcdef")
    assert keyring_store.get() == "sk_test_0123456789abcdef"
    keyring_store.set("sk_test_replaced_key_value")
    assert keyring_store.get() == "sk_test_replaced_key_value"
    keyring_store.delete()
    assert keyring_store.get() is None
    keyring_store.delete()  # forgetting twice is fine


@pytest.mark.keyring
@needs_keyring
def test_real_keyring_keeps_unicode(keyring_store: KeyringSecretStore) -> None:
    """Non-ASCII secrets survive the D-Bus round trip unchanged."""
    secret = "sk_ключ_鍵_🔑_ü"
    keyring_store.set(secret)
    assert KeyringSecretStore(service=keyring_store.service).get() == secret


@pytest.mark.keyring
def test_keyring_unavailable_gives_secret_store_error(tmp_path) -> None:
    """With no reachable Secret Service, every call raises SecretStoreError with advice."""
    code = (
        "from studio.secrets import KeyringSecretStore\n"
        "from studio.core.errors import SecretStoreError\n"
        "s = KeyringSecretStore(service='io.github.wavesstudio.test-none')\n"
        "for call in (s.get, lambda: s.set('sk_never_stored_1234'), s.delete):\n"
        "    try:\n"
        "        call()\n"
        "    except SecretStoreError as e:\n"
        "        assert 'sk_never' not in e.user_message\n"
        "        print('ERR', e.user_message)\n"
        "    else:\n"
        "        print('NO ERROR')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "GNOME_KEYRING"))}
    env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={tmp_path}/no-such-bus"
    env["PYTHON_KEYRING_BACKEND"] = ""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3, result.stdout + result.stderr
    assert all(line.startswith("ERR ") and "keyring" in line for line in lines)


def test_empty_key_is_refused() -> None:
    """Saving an empty key is an error, not a silent no-op."""
    with pytest.raises(SecretStoreError):
        KeyringSecretStore().set("")


def test_environment_key_wins_and_is_not_written_back() -> None:
    """SMALLEST_API_KEY overrides the stored key for this run and the store is untouched."""
    store = MemorySecretStore("sk_stored_key_0000")
    resolved = resolve_api_key(store, {"SMALLEST_API_KEY": "sk_from_env_1111"})
    assert (resolved.value, resolved.source) == ("sk_from_env_1111", "environment")
    assert store.get() == "sk_stored_key_0000"


def test_stored_key_is_used_without_environment() -> None:
    """Without the variable, the stored key is used; without either, there is no key."""
    assert resolve_api_key(MemorySecretStore("sk_a_b_c_d"), {}).value == "sk_a_b_c_d"
    assert resolve_api_key(MemorySecretStore(), {}).source == "none"


def test_broken_store_is_reported_not_raised() -> None:
    """A keyring failure at start-up yields no key plus the store's message."""

    class Broken(MemorySecretStore):
        def get(self):
            raise SecretStoreError("keyring locked")

    resolved = resolve_api_key(Broken(), {})
    assert resolved.value is None and resolved.warning == "keyring locked"


def test_reprs_never_show_the_key() -> None:
    """Neither the stores nor the resolved key put the secret in their repr."""
    key = "sk_super_secret_value_42"
    assert key not in repr(MemorySecretStore(key))
    assert key not in repr(resolve_api_key(MemorySecretStore(key), {}))
    assert mask_key(key) == "sk_…e_42"
