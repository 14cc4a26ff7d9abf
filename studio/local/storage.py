"""Crash-safe JSON and file storage for waves-local's data folder."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from pathlib import Path
from typing import Any

from studio.core.errors import StoreError
from studio.store import atomic as store_atomic

log = logging.getLogger(__name__)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new content, never half.

    Raises:
        StoreError: the data folder is not writable or the disk is full.
    """
    try:
        store_atomic.atomic_write_bytes(path, data)
    except OSError as exc:
        raise StoreError(
            f"waves-local could not save {path.name} in {path.parent} ({exc.strerror}). "
            "Check that the data folder is writable and the disk is not full."
        ) from exc


def atomic_write_json(path: Path, value: Any) -> None:
    """Serialise `value` as UTF-8 JSON and write it atomically."""
    atomic_write_bytes(path, json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"))


def read_json_list(path: Path) -> list[Any]:
    """Read a JSON array; a missing file is empty.

    A corrupt file is moved aside (never deleted) and the store starts empty, so the server
    still starts and the old bytes stay on disk for a person to look at.
    """
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
        log.warning("waves-local: %s is unreadable (%s); moved it to %s", path, exc, aside.name)
        with contextlib.suppress(OSError):
            path.replace(aside)
        return []
    if not isinstance(value, list):
        log.warning("waves-local: %s does not hold a JSON array; ignoring it", path)
        return []
    return value
