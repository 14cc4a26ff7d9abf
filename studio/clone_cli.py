"""`waves-studio clone create SAMPLE --name NAME` and `waves-studio clone list`, for scripts."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from studio.core import contract as c
from studio.core.errors import StudioError, ValidationError
from studio.core.untrusted import safe_text


def add_clone_parser(sub: Any) -> None:
    """Add the `clone` subcommand and its `create` and `list` actions."""
    clone = sub.add_parser("clone", help="create or list voice clones")
    actions = clone.add_subparsers(dest="clone_command", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="check a 5–15 s speech sample and create an instant clone from it",
        description="Checks the sample (length, clipping, loudness, noise), then uploads it. "
        "Only clone a voice you have the right to clone (your own, or with the speaker's "
        "consent).",
    )
    create.add_argument("sample", type=Path, help="WAV, FLAC, Ogg or MP3 (M4A/WebM with PyAV)")
    create.add_argument("--name", required=True, help="display name (1–500 characters)")
    create.add_argument("--language", default=c.DEFAULT_LANGUAGE, choices=c.LANGUAGE_CODES[:20])
    create.add_argument("--accent", default="")
    create.add_argument("--tags", default="", help="comma-separated")
    create.add_argument("--model", default=c.CLONE_MODELS[0], choices=c.CLONE_MODELS)
    create.add_argument("--trim", action="store_true", help="cut silence at the edges first")
    create.add_argument("--force", action="store_true", help="upload even if a check fails")
    listing = actions.add_parser("list", help="list the account's voice clones")
    for parser in (create, listing):
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--base-url", help="server address (default the Waves API)")
        where.add_argument("--local", action="store_true", help="use an embedded waves-local")
        parser.add_argument(
            "--engine", default="auto", choices=("auto", "piper", "espeak", "tone"),
            help="offline engine with --local (default auto)",
        )  # fmt: skip


def run_clone(args: argparse.Namespace) -> int:
    """Run `waves-studio clone …`; returns the exit status (errors go to stderr)."""
    from studio.render_cli import _client, command_message

    try:
        with _client(args) as client:
            if args.clone_command == "list":
                for voice in client.clones():
                    # Every field is the server's: printed inert (no escape sequences).
                    language = ",".join(voice.language_codes) or "-"
                    created = safe_text(voice.created_at[:10], 10) or "-"
                    print(
                        f"{safe_text(voice.voice_id, 80):<18} "
                        f"{safe_text(voice.status, 20) or '-':<11} {created:<10} "
                        f"{language:<4} {safe_text(voice.display_name, 200)}"
                    )
                return 0
            return _create(client, args)
    except StudioError as exc:
        print(f"waves-studio clone: {command_message(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("waves-studio clone: cancelled", file=sys.stderr)
        return 130


def _create(client: Any, args: argparse.Namespace) -> int:
    from studio.api.clones import SETTLED, CloneSpec, create_clone, wait_until_settled
    from studio.audio.sample_check import (
        check_sample,
        encode_for_upload,
        trim_to_speech,
    )
    from studio.audio.sample_io import read_sample

    spec = CloneSpec(
        args.name, args.language, args.accent, "",
        tuple(t.strip() for t in args.tags.split(",") if t.strip()), args.model,
    )  # fmt: skip
    spec.validate()
    samples, rate = read_sample(args.sample)
    if args.trim:
        samples = trim_to_speech(samples, rate)
    report = check_sample(samples, rate)
    for item in report.checks:
        print(f"  [{item.verdict:^6}] {item.key:<9} {item.measured:<20} {item.advice}")
    if not report.usable and not args.force:
        raise ValidationError("The sample failed a check (see above). Fix it, or use --force.")
    data, mime, ext = encode_for_upload(samples, rate)
    made = create_clone(client, spec, data, mime, f"{args.sample.stem}{ext}")
    if made.status and made.status not in SETTLED:
        made = wait_until_settled(client.clones, made.voice_id, cancel=threading.Event())
    print(
        f"{safe_text(made.voice_id, 80)}  {safe_text(made.status, 20) or 'created'}  "
        f"{safe_text(made.display_name, 200)}"
    )
    return 0 if made.status != "failed" else 1
