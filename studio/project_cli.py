"""`waves-studio project`: import a script into a project file, render it, fit a dub, export it.

Exit status: 0 done, 1 a usage error (bad option or value), 2 something could not be done (a
malformed script, a missing or busy project, segments not rendered yet, an existing output).
Subcommands live in a table (`COMMANDS`): a new one registers its parser and runner there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from studio.audio.formats import EXPORT_FORMATS
from studio.core import contract as c
from studio.core import export_choices as x
from studio.core.dubbing import API_MAX_SPEED, API_MIN_SPEED, DEFAULT_MAX_SPEED
from studio.core.errors import FileExistsExportError, StudioError
from studio.core.untrusted import safe_text
from studio.project_render_cli import add_render_parser, run_render

USAGE = 1
FAILED = 2
PROG = "waves-studio project"


def add_project_parser(sub: Any) -> Any:
    """Register `project` and its subcommands on the top-level subparsers; returns the group's
    own subparsers object (where another subcommand, e.g. `render`, adds itself)."""
    p = sub.add_parser(
        "project",
        help="script projects: import a script or subtitles, render, fit a dub, export the mix",
        description="Script projects (.wavesproj) from the command line.",
    )
    commands = p.add_subparsers(dest="project_command", metavar="SUBCOMMAND", required=True)
    _add_import(commands)
    add_render_parser(commands)
    _add_fit(commands)
    _add_export(commands)
    return commands


def _add_import(commands: Any) -> None:
    p = commands.add_parser(
        "import",
        help="make a project from a script (.txt .md .srt .vtt .docx .epub)",
        description="Make a project from a script: paragraphs become blocks, headings "
        "chapters, 'Name: line' a speaker; subtitle cues keep their times (a dub).",
    )
    p.add_argument("script", type=Path, metavar="SCRIPT")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.wavesproj")
    p.add_argument("--voice", default="", metavar="ID", help="every speaker's voice")
    p.add_argument(
        "--speaker-voice",
        action="append",
        default=[],
        metavar="NAME=ID",
        help="another voice for one speaker (repeatable)",
    )
    p.add_argument("--language", default=c.DEFAULT_LANGUAGE, metavar="xx")
    p.add_argument("--speed", type=_speed, default=c.DEFAULT_SPEED, help="0.5 to 2.0")
    p.add_argument("--title", help="the project's title (default: from the script's name)")
    p.add_argument("--force", action="store_true", help="replace an existing project file")


def _add_fit(commands: Any) -> None:
    p = commands.add_parser(
        "fit",
        help="fit a dubbed project's rendered speech to its cues",
        description="Measure each cue's rendered speech; a cue that runs long gets the speed "
        "that fits (up to --max-speed), so `project render` re-renders just those. Run it "
        "again after that render: cues that still cannot fit are listed (exit 2).",
    )
    p.add_argument("project", type=Path, metavar="FILE.wavesproj")
    p.add_argument(
        "--max-speed",
        type=_speed,
        default=DEFAULT_MAX_SPEED,
        help=f"never faster than this (default {DEFAULT_MAX_SPEED})",
    )


def _add_export(commands: Any) -> None:
    p = commands.add_parser(
        "export",
        help="export the mix, subtitles and chapters",
        description="Export the chosen takes: one mixed file (or one per chapter or segment), "
        "SRT/WebVTT subtitles from the real timings, chapter marks.",
    )
    p.add_argument("project", type=Path, metavar="FILE.wavesproj")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument(
        "--format", choices=EXPORT_FORMATS, help="default: the project's export format (wav)"
    )
    p.add_argument("--subtitles", type=_subtitles, default=(), metavar="srt,vtt")
    p.add_argument(
        "--split",
        choices=x.SPLITS,
        help="one file (default), one per chapter or per sentence",
    )
    p.add_argument("--zip", action="store_true", help="pack everything into one ZIP")
    p.add_argument(
        "--loudness",
        type=_loudness,
        metavar="LUFS",
        help="loudness target, e.g. -16 (or podcast -16, broadcast -23, mono -19; default: the "
        "project's, else none)",
    )
    p.add_argument(
        "--true-peak",
        type=_bounded(-20.0, 0.0, "dBTP"),
        metavar="DBTP",
        help="ceiling with a loudness target (default: the project's, -1)",
    )
    p.add_argument("--chapters", action="store_true", help="chapter marks and a chapters .txt")
    p.add_argument("--bitrate", type=int, default=None, metavar="KBPS", help="MP3 (8–320)")
    p.add_argument("--sample-rate", type=int, default=None, metavar="HZ")
    p.add_argument(
        "--crossfade-ms",
        type=_bounded(0.0, x.MAX_CROSSFADE_MS, "milliseconds"),
        default=10.0,
        metavar="MS",
        help=f"join crossfade, 0–{x.MAX_CROSSFADE_MS:g} (default 10)",
    )
    p.add_argument(
        "--join",
        choices=x.JOIN_MODES,
        default="crossfade",
        help="joins: equal-power crossfade (default) or cuts at zero crossings",
    )
    p.add_argument(
        "--template",
        default=x.PIECE_TEMPLATE,
        help=f"names of split files: {{n}} {{title}} {{project}} (default '{x.PIECE_TEMPLATE}')",
    )
    p.add_argument("--force", action="store_true", help="replace existing files")


def _bounded(low: float, high: float, what: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"'{text}' is not a number of {what} from {low:g} to {high:g}"
            )
        return value

    return parse


_speed = _bounded(API_MIN_SPEED, API_MAX_SPEED, "times")


def _loudness(text: str) -> float:
    if text.lower() in x.LOUDNESS_PRESETS:
        return x.LOUDNESS_PRESETS[text.lower()]
    return _bounded(-70.0, -5.0, "LUFS")(text)


def _subtitles(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    wrong = [f for f in formats if f not in x.SUBTITLE_FORMATS]
    if wrong or not formats:
        raise argparse.ArgumentTypeError(f"subtitles are srt, vtt or srt,vtt (not '{text}')")
    return formats


def run_project(args: argparse.Namespace) -> int:
    """Run a `project` subcommand; returns the exit status (messages go to stderr)."""
    from studio.core.project_mix import NotReadyError

    run = COMMANDS[args.project_command]
    try:
        return run(args)
    except FileExistsExportError as exc:
        _say(f"{safe_text(exc.path, 500)} already exists. Add --force to replace it.")
    except NotReadyError as exc:
        count = len(exc.segments)
        _say(f"{count} segment(s) have no audio yet; render them first (waves-studio project "
             f"render {safe_text(args.project, 500)}):")  # fmt: skip
        for line in exc.lines():
            print(f"  {safe_text(line, 200)}", file=sys.stderr)
    except StudioError as exc:
        from studio.render_cli import command_message

        _say(command_message(exc))
    except KeyboardInterrupt:
        _say("cancelled")
        return 130
    return FAILED


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def usage_error(message: str) -> int:
    """Print a usage error (for checks argparse cannot make) and return its status."""
    _say(message)
    return USAGE


def run_import(args: argparse.Namespace) -> int:
    """`project import`: script -> new project file."""
    from studio.project_import_cli import import_to_file

    return import_to_file(args)


def run_fit(args: argparse.Namespace) -> int:
    """`project fit`: speeds that fit a dubbed project's cues."""
    from studio.project_fit_cli import fit_file

    return fit_file(args)


def run_export(args: argparse.Namespace) -> int:
    """`project export`: the mix, subtitles and chapters of a rendered project."""
    from studio.project_export_cli import export_file

    return export_file(args)


# Subcommand -> runner. `project render` (issue 15) registers here too.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": run_import,
    "render": run_render,
    "fit": run_fit,
    "export": run_export,
}


def is_project_usage_error(arguments: Sequence[str], code: object) -> bool:
    """True when argparse rejected a `project` command line (it exits 2; the issue wants 1)."""
    words = iter(arguments)
    for word in words:
        if word == "--profile":
            next(words, None)  # its value
        elif not word.startswith("-"):
            return code == 2 and word == "project"
    return False
