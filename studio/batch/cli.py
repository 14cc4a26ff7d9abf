"""`waves-studio batch`: render a CSV, folder or list of lines through the persistent queue."""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path
from typing import Any, NoReturn

from studio.core import contract as c
from studio.core.errors import StudioError

EXIT_DONE, EXIT_USAGE, EXIT_SOME_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130
FORMATS = ("wav", "mp3", "flac", "ogg", "pcm", "ulaw", "alaw")


def add_batch_parser(sub: Any) -> None:
    """Register the `batch` subcommand on an argparse subparsers object."""
    p = sub.add_parser(
        "batch",
        help="render every row of a CSV, every file of a folder, or every line of a text file",
        description="Render many clips through the persistent render queue. Exit status: 0 all "
        "done, 2 some rows failed or were invalid, 1 usage error.",
    )
    p.add_argument("input", nargs="?", type=Path, help="a .csv/.tsv, a folder, or a text file")
    p.add_argument("--out", type=Path, help="output folder (created if needed)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--base-url", help="server address (default https://api.smallest.ai)")
    where.add_argument("--local", action="store_true", help="use an embedded waves-local")
    p.add_argument("--engine", default="auto", choices=("auto", "piper", "espeak", "tone"))
    p.add_argument("--voice", default="", help="voice for rows without one")
    p.add_argument("--model", default=c.DEFAULT_MODEL, choices=c.TTS_MODELS)
    p.add_argument("--language", default=c.DEFAULT_LANGUAGE)
    p.add_argument("--speed", type=float, default=c.DEFAULT_SPEED)
    p.add_argument("--sample-rate", type=int, default=24000, choices=c.SAMPLE_RATES)
    p.add_argument("--format", default="wav", choices=FORMATS, help="for rows without one")
    p.add_argument("--dict", dest="dicts", action="append", default=[], metavar="ID")
    p.add_argument("--template", default="", help="file names, e.g. '{row:04d}-{first_words}'")
    p.add_argument(
        "--concurrency", type=int, default=None, help="renders at once (1-16, default 3)"
    )
    p.add_argument("--dry-run", action="store_true", help="check the input, render nothing")
    again = p.add_mutually_exclusive_group()
    again.add_argument("--resume", type=int, metavar="JOB", help="continue an unfinished job")
    again.add_argument("--resume-last", action="store_true", help="continue the newest one")
    p.add_argument("--report", type=Path, help="report CSV (default: in the output folder)")
    p.add_argument("--merge", action="store_true", help="also write one WAV of all items")
    p.add_argument("--pause", type=float, default=0.5, help="seconds between merged items")
    p.error = types.MethodType(_usage_error, p)


def _usage_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    """argparse exits with 2 on usage errors; this command keeps 2 for "some rows failed"."""
    parser.print_usage(sys.stderr)
    print(f"waves-studio batch: {message}", file=sys.stderr)
    sys.exit(EXIT_USAGE)


def _fail(message: str) -> int:
    print(f"waves-studio batch: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_batch(args: argparse.Namespace) -> int:
    """Run `waves-studio batch`; returns the exit status."""
    from studio.batch.session import dry_run, open_profile, resume_job, start_job

    if args.resume is None and not args.resume_last and args.input is None:
        return _fail("give an INPUT file or folder, or --resume JOB / --resume-last.")
    if args.concurrency is not None and not 1 <= args.concurrency <= 16:
        return _fail("--concurrency must be between 1 and 16.")
    try:
        if args.dry_run:
            if args.input is None:
                return _fail("--dry-run needs an INPUT.")
            return dry_run(args, open_profile(args))
        if args.resume is None and not args.resume_last and args.out is None:
            return _fail("say where to write the files with --out DIR.")
        profile = open_profile(args)
        if args.resume is not None or args.resume_last:
            return resume_job(args, profile)
        return start_job(args, profile)
    except StudioError as exc:
        return _fail(exc.user_message)
