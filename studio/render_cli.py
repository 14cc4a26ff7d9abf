"""`waves-studio render`: render one clip to disk from the command line, same client as the app."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from studio.core import contract as c
from studio.core.contract import SYNTHESIS_DEADLINE_S
from studio.core.errors import AuthError, FileExistsExportError, StudioError, ValidationError
from studio.core.untrusted import safe_text
from studio.render_text import check_voice, default_out, dict_table, name_template, voice_table

EXPORT_CHOICES = ("pcm", "wav", "mp3", "ulaw", "alaw", "flac", "ogg")
# What to ask the server for when the file format is not a wire format: lossless PCM.
WIRE_FORMAT = {"flac": "pcm", "ogg": "pcm"}
DEFAULT_CLOUD_URL = "https://api.smallest.ai"


def add_render_parser(sub: Any) -> None:
    """Register the `render` subcommand on an argparse subparsers object."""
    p = sub.add_parser(
        "render",
        help="render text to an audio file",
        description="Render text to an audio file with the Waves API (or the offline voices).",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--text", help="the text to speak")
    source.add_argument("--file", type=Path, help="read the text from this UTF-8 file")
    p.add_argument("--voice", help="voice id (default: the first voice for the language)")
    p.add_argument("--model", default=c.DEFAULT_MODEL, choices=c.TTS_MODELS)
    p.add_argument("--language", default=c.DEFAULT_LANGUAGE)
    p.add_argument("--speed", type=float, default=1.0, help="0.5 to 2.0 (default 1.0)")
    p.add_argument("--sample-rate", type=int, default=24000, choices=c.SAMPLE_RATES)
    p.add_argument(
        "--format",
        default=None,
        choices=EXPORT_CHOICES,
        help="file format (default: from the --out extension, else wav)",
    )
    p.add_argument(
        "--dict",
        dest="dicts",
        action="append",
        default=[],
        metavar="ID",
        help="apply a pronunciation dictionary (repeatable)",
    )
    p.add_argument(
        "--stream",
        default="sse",
        choices=("sse", "ws", "none"),
        help="transport (default sse; falls back to plain HTTP)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--base-url", help=f"server address (default {DEFAULT_CLOUD_URL})")
    where.add_argument(
        "--local", action="store_true", help="use an embedded waves-local with offline voices"
    )
    p.add_argument(
        "--engine",
        default="auto",
        choices=("auto", "piper", "espeak", "tone"),
        help="offline engine with --local (default auto)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        help="with --local: where dictionaries and clones live (default: the profile's, "
        "shared with the app and waves-local)",
    )
    p.add_argument(
        "--out",
        type=Path,
        help="where to write the clip (default: a new file in this folder, named as the app "
        "names a save: date, voice, first words)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=SYNTHESIS_DEADLINE_S,
        metavar="SECONDS",
        help="time allowed for each request, retries included "
        f"(default {SYNTHESIS_DEADLINE_S:.0f})",
    )
    p.add_argument("--list-voices", action="store_true", help="print the voices and exit")
    p.add_argument("--list-dicts", action="store_true", help="print the dictionaries and exit")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 1.0 <= value <= 3600.0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds from 1 to 3600")
    return value


def _format_for(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = args.out.suffix.lower().lstrip(".") if args.out else ""
    return (
        {"raw": "pcm", "ul": "ulaw", "al": "alaw"}.get(suffix, suffix)
        if suffix in (*EXPORT_CHOICES, "raw", "ul", "al")
        else "wav"
    )


@contextlib.contextmanager
def server_for(
    local: bool, engine: str, base_url: str, data_dir: Path | None = None
) -> Iterator[tuple[str, str | None, str]]:
    """(base URL, API key, backend kind) for a command: an embedded waves-local, or the cloud.

    Shared by `render`, `clone` and `batch`. The cloud needs a key (environment or keyring);
    it is registered with the log redactor before any request can carry it.
    """
    if local:
        from studio.local.config import ServerConfig
        from studio.local.server import LocalServer

        # In process, not the app's child server: a one-shot command pays the server's imports
        # either way, and a child would add a second interpreter start (~0.2 s) and a pipe.
        with LocalServer(ServerConfig(port=0, engine=engine, data_dir=data_dir)) as server:
            yield server.base_url, "sk_waves_local", "local"
        return
    from studio.logs import redactor
    from studio.secrets import KeyringSecretStore, resolve_api_key

    key = resolve_api_key(KeyringSecretStore())
    if not key.value:
        raise ValidationError(
            "No API key: set SMALLEST_API_KEY or save a key in the app, or use --local for the "
            "offline voices." + (f" ({key.warning})" if key.warning else "")
        )
    redactor().add_secret(key.value)
    yield base_url or DEFAULT_CLOUD_URL, key.value, "cloud"


@contextlib.contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    from studio.api.client import WavesClient

    data_dir = None
    if args.local:
        data_dir = getattr(args, "data_dir", None) or _profile(args).local_data_dir
    with server_for(args.local, args.engine, args.base_url or "", data_dir) as (url, key, _):
        client = WavesClient(url, key, synthesis_timeout_s=_timeout_of(args))
        try:
            yield client
        finally:
            client.close()


def _pick_voice(client: Any, language: str) -> str:
    voices = client.voices()
    for voice in voices:
        if language in voice.language_codes:
            return str(voice.voice_id)
    if voices:
        return str(voices[0].voice_id)
    raise ValidationError("The server lists no voices; pass --voice.")


def _read_text(args: argparse.Namespace) -> str:
    if args.file is not None:
        from studio.core.textfile import read_utf8_text

        # In blocks, and refused past the limit: a huge file never lands in memory whole.
        return read_utf8_text(args.file, c.RENDER_MAX_CHARS)
    text = str(args.text or "")
    if len(text) > c.RENDER_MAX_CHARS:
        from studio.core.text import too_long_for_one_render

        raise ValidationError(too_long_for_one_render("The --text"), "text")
    return text


def _default_out(args: argparse.Namespace, fmt: str, voice: str, text: str) -> Path:
    """A new file in the current folder, named with the app's file-name template."""
    from studio.audio.export import file_extension

    profile = _profile(args)
    template = name_template(profile.settings_file)
    return default_out(Path.cwd(), template, voice, text, file_extension(fmt))


def _profile(args: argparse.Namespace) -> Any:
    """The profile (`--profile DIR` or the user's), as the app would open it."""
    from studio.profile import Profile

    return Profile.from_folder(Path(args.profile)) if args.profile else Profile.default()


def _library(args: argparse.Namespace) -> Any:
    """The history and render cache of the profile (`--profile DIR` or the user's)."""
    from studio.library import RenderLibrary

    profile = _profile(args)
    library = RenderLibrary(profile.data_dir, profile.cache_limit_bytes())
    if library.open_warning:
        print(f"waves-studio render: {library.open_warning}", file=sys.stderr)
    return library


def run_render(args: argparse.Namespace) -> int:
    """Run `waves-studio render`; returns the exit status (errors go to stderr)."""
    from studio.library import Backend
    from studio.library_io import render_to_file
    from studio.pipeline import RenderSpec

    try:
        listing = args.list_voices or args.list_dicts
        # Checked before a server starts or a key is looked up: nothing to say is said at once.
        text = "" if listing else _read_text(args)
        if not listing and not text.strip():
            raise ValidationError(
                'There is no text to speak: pass --text "..." or --file FILE.', "text"
            )
        with _client(args) as client:
            if args.list_voices:
                print(voice_table(client.voices()))
                return 0
            if args.list_dicts:
                print(dict_table(client.dictionaries()))
                return 0
            fmt = _format_for(args)
            if args.voice:
                check_voice(client, args.voice)
            voice = args.voice or _pick_voice(client, args.language)
            if args.out is None:
                args.out = _default_out(args, fmt, voice, text)
            spec = RenderSpec(
                voice,
                args.model,
                args.language,
                args.speed,
                args.sample_rate,
                WIRE_FORMAT.get(fmt, fmt),
                tuple(args.dicts),
            )
            library = _library(args)
            try:
                kind = "local" if args.local else "cloud"
                backend = Backend(kind, client.base_url, args.engine if args.local else "")
                # Streams to disk and saves in blocks: memory stays flat for any length.
                done = render_to_file(
                    client, text, spec, args.out, fmt, library=library, backend=backend,
                    mode=args.stream, overwrite=args.overwrite,
                )  # fmt: skip
            finally:
                library.close()
            rendered = done.rendered
    except FileExistsExportError as exc:
        print(
            f"waves-studio render: {safe_text(exc.path, 500)} already exists. Add --overwrite "
            "to replace it, or choose another --out.",
            file=sys.stderr,
        )
        return 1
    except StudioError as exc:
        print(f"waves-studio render: {command_message(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("waves-studio render: cancelled", file=sys.stderr)
        return 130
    ids = _ids_text([i for i in rendered.server_request_ids if i])
    origin = "from cache: no credits used" if done.from_cache else f"via {rendered.transport}"
    print(
        f"wrote {args.out} ({rendered.duration_s:.2f} s, {fmt}, {rendered.sample_rate} Hz, "
        f"voice {safe_text(voice, 80)}, {origin}); request id: {ids}"
    )
    return 0


def command_message(exc: StudioError) -> str:
    """The error as a command prints it: inert, and with command-line advice for a refused
    key (the app's message points to a menu a terminal does not have)."""
    if isinstance(exc, AuthError) and exc.status == 401:
        return (
            "The server refused the API key. Check SMALLEST_API_KEY (or the key saved in the "
            "app), or use --local for the offline voices."
        )
    from studio.logs import redactor

    # A server may quote the key back in its error text: the terminal never shows it.
    return redactor().redact(safe_text(exc.user_message, 2000))


def _ids_text(ids: list[str], shown: int = 3) -> str:
    """The server's request ids for the summary line: a long text's hundreds are counted."""
    if len(ids) <= shown:
        return ", ".join(ids) or "-"
    return f"{', '.join(ids[:shown])} and {len(ids) - shown} more"


def _timeout_of(args: argparse.Namespace) -> float:
    """The per-request deadline: `--timeout`, or the default for commands without one."""
    return float(getattr(args, "timeout", SYNTHESIS_DEADLINE_S))
