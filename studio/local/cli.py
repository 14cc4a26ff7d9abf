"""`waves-local`: run the Waves-compatible server from a terminal until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from studio.core.errors import StudioError
from studio.local.config import DEFAULT_PORT, ENGINES, ServerConfig, default_data_dir

KEY_ENV = "WAVES_LOCAL_API_KEY"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `waves-local`."""
    parser = argparse.ArgumentParser(
        prog="waves-local",
        description="A Waves-compatible text-to-speech server on this machine, with offline "
        "voices. Point a Waves client at the URL it prints.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TCP port; 0 picks a free one (8787)"
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="auto = Piper for English, espeak-ng for other languages; tone = test beeps",
    )
    parser.add_argument(
        "--api-key",
        help=f"the only Bearer token to accept (also ${KEY_ENV}); without one any token works",
    )
    parser.add_argument(
        "--data-dir", type=Path, help=f"where dictionaries and clones live ({default_data_dir()})"
    )
    parser.add_argument(
        "--max-concurrency",
        type=int,
        help="parallel syntheses (default: 64 for tone, one per CPU core for Piper/espeak-ng)",
    )
    parser.add_argument(
        "--latency-ms", type=int, default=0, help="extra delay before each first byte (0)"
    )
    parser.add_argument(
        "--fault", default="", help="fault injection, e.g. 'status=429@nth=2' (see faults.py)"
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (unsafe: no Host/Origin checks; set --api-key)",
    )
    parser.add_argument(
        "--parent-watch",
        action="store_true",
        help="stop when the parent process goes (stdin reaches EOF); used by the app",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; return the exit status (0 after SIGINT/SIGTERM, 2 for bad options)."""
    args = build_parser().parse_args(argv)
    # Watch the parent first, before the heavy imports below: an app killed while its child
    # starts must not leave the child behind.
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    if args.parent_watch:
        from studio.local.child import watch_parent

        watch_parent(stop)
    api_key = args.api_key or os.environ.get(KEY_ENV) or None
    from studio.local.server import LocalServer

    try:
        config = ServerConfig(
            host=args.host,
            port=args.port,
            engine=args.engine,
            api_key=api_key,
            data_dir=args.data_dir,
            max_concurrency=args.max_concurrency,
            latency_ms=args.latency_ms,
            faults=args.fault,
            allow_remote=args.allow_remote,
        )
        server = LocalServer(config)
    except StudioError as exc:
        print(f"waves-local: {exc.user_message}", file=sys.stderr)
        return 2

    if stop.is_set():  # the parent went while we were starting
        return 0
    try:
        server.start()
    except StudioError as exc:
        print(f"waves-local: {exc.user_message}", file=sys.stderr)
        return 1
    if api_key is None:
        print(
            f"waves-local: no API key set (--api-key or ${KEY_ENV}); any Bearer token is accepted.",
            file=sys.stderr,
        )
    from studio.local.config import earlier_data_dir

    earlier = earlier_data_dir() if args.data_dir is None else None
    if earlier is not None:
        print(
            f"waves-local: data from an earlier version is in {earlier}; the default is now "
            f"{default_data_dir()} (shared with Waves Studio). Use --data-dir to pick.",
            file=sys.stderr,
        )
    print(f"listening on {server.base_url}", flush=True)
    try:
        while not stop.wait(0.1):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
