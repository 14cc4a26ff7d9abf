"""Settings of one waves-local server: address, engine, key, data folder and test knobs."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.errors import ValidationError

ENGINES: tuple[str, ...] = ("auto", "piper", "espeak", "tone")
DEFAULT_PORT = 8787
APP_DIR_NAME = "waves-local"
TONE_SLOTS = 64


def default_data_dir() -> Path:
    """The default profile's offline-voice data (e.g. ~/.local/share/Waves Studio/waves-local).

    The same folder the app and `waves-studio render --local` use, so dictionaries and clones
    made in one are found by the others.
    """
    from studio.profile import Profile

    return Profile.default().local_data_dir


def earlier_data_dir() -> Path | None:
    """The folder waves-local used before it shared the app's (`.../waves-local`), if it holds
    data and the shared folder holds none: its dictionaries and clones are not lost, only no
    longer the default, and `waves-local` says where they are."""
    import platformdirs

    earlier = platformdirs.user_data_path(APP_DIR_NAME, appauthor=False)
    current = default_data_dir()
    has_data = earlier.is_dir() and any(earlier.iterdir())
    return earlier if has_data and not (current.is_dir() and any(current.iterdir())) else None


def is_loopback(host: str) -> bool:
    """Tell whether `host` names this machine only (127.0.0.0/8, ::1 or "localhost")."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerConfig:
    """How to run one waves-local server.

    Attributes:
        host: Interface to listen on; loopback unless `allow_remote`.
        port: TCP port; 0 picks a free one (the real port is in `LocalServer.base_url`).
        engine: "auto" (Piper for English, espeak-ng for other languages), "piper",
            "espeak" or "tone" (deterministic synthetic audio for tests).
        api_key: The only Bearer token accepted; None accepts any non-empty token.
        data_dir: Where dictionaries and voice clones persist; None = the platform data folder.
        max_concurrency: Simultaneous syntheses (HTTP, SSE and WebSocket share them); None =
            sized from the engine (`slots()`).
        latency_ms: Extra delay before the first byte of every synthesis (simulates a network).
        faults: Fault-injection spec (grammar in `studio.local.faults`); "" = none.
        allow_remote: Permit a non-loopback `host`.
        engine_threads: CPU threads for the Piper (onnxruntime) session; None = its default.
        read_timeout_s: A client must send each whole request (headers and body) within this
            many seconds of starting it, or the connection is dropped.
    """

    host: str = "127.0.0.1"
    port: int = 0
    engine: str = "auto"
    api_key: str | None = field(default=None, repr=False)
    data_dir: Path | None = None
    max_concurrency: int | None = None
    latency_ms: int = 0
    faults: str = ""
    allow_remote: bool = False
    engine_threads: int | None = None
    read_timeout_s: float = 15.0

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValidationError(
                f"Unknown engine '{self.engine}'. Choose one of: {', '.join(ENGINES)}.", "engine"
            )
        if not 0 <= self.port <= 65535:
            raise ValidationError(f"Port {self.port} is not between 0 and 65535.", "port")
        if self.max_concurrency is not None and self.max_concurrency < 1:
            raise ValidationError("max_concurrency must be at least 1.", "max_concurrency")
        if self.latency_ms < 0:
            raise ValidationError("latency_ms cannot be negative.", "latency_ms")
        if not self.read_timeout_s > 0:
            raise ValidationError("read_timeout_s must be positive.", "read_timeout_s")
        if self.engine_threads is not None and self.engine_threads < 1:
            raise ValidationError("engine_threads must be at least 1.", "engine_threads")
        from studio.local.faults import FaultPlan

        FaultPlan(self.faults)  # raises ValidationError for a spec that does not parse
        if not self.allow_remote and not is_loopback(self.host):
            raise ValidationError(
                f"Refusing to listen on {self.host}: waves-local serves this machine only. "
                "Use 127.0.0.1, or pass --allow-remote if you really mean to expose it.",
                "host",
            )

    def slots(self) -> int:
        """`max_concurrency`, or the engine's default when it is None.

        The tone engine makes a request's audio in well under a millisecond, so it takes
        TONE_SLOTS at once (8 polite clients never see a 429); Piper and espeak-ng use a CPU
        core per synthesis, so more at once than cores only makes every request slower.
        """
        if self.max_concurrency is not None:
            return self.max_concurrency
        if self.engine == "tone":
            return TONE_SLOTS
        return max(2, os.cpu_count() or 2)

    def resolved_data_dir(self) -> Path:
        """`data_dir`, or the platform default when it is None."""
        return Path(self.data_dir) if self.data_dir is not None else default_data_dir()
