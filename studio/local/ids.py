"""Identifiers and timestamps in the shapes the Waves API uses."""

from __future__ import annotations

import os
import random
import secrets
import string
import uuid
from datetime import UTC, datetime

_CLONE_ALPHABET = string.ascii_letters + string.digits
# Request and session ids only need to be unique, not secret: a PRNG seeded once from the OS
# costs ~1 µs where uuid4() reads os.urandom on every call (~90 µs under load, twice per
# request). getrandbits is atomic under the GIL, so threads can share it.
_IDS = random.Random(os.urandom(32))  # noqa: S311 - unique, not secret (see above)


def new_uuid() -> str:
    """A fresh random (version 4) UUID string for request and session ids."""
    return str(uuid.UUID(int=_IDS.getrandbits(128), version=4))


def iso_z(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and Z (`2026-01-01T00:00:00.000Z`)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_from_unix(seconds: float) -> str:
    """A Unix time as `iso_z`."""
    return iso_z(datetime.fromtimestamp(seconds, UTC))


def iso_now() -> str:
    """The current time as `iso_z`."""
    return iso_z(datetime.now(UTC))


def new_object_id() -> str:
    """A fresh 24-hex id in the shape of a MongoDB ObjectId (dictionary ids)."""
    return secrets.token_hex(12)


def new_clone_id() -> str:
    """A fresh voice-clone id: `voice_` and 10 letters or digits (§2.1)."""
    return "voice_" + "".join(secrets.choice(_CLONE_ALPHABET) for _ in range(10))
