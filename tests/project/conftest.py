"""The `project` command tests never write to the user's profile (its log goes to tmp)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_profile(tmp_path_factory, monkeypatch) -> None:
    """Point the platform's user folders (settings, data, log) at a throwaway folder."""
    home = tmp_path_factory.mktemp("profile")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
