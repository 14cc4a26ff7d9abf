"""`waves-studio` command line: the GUI by default, `render` and the self-test as subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from studio import APP_NAME, __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for `waves-studio` (shared by the GUI and the subcommands)."""
    parser = argparse.ArgumentParser(
        prog="waves-studio",
        description=f"{APP_NAME}: write a line, hear it in Waves voices, save the clip.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--local",
        action="store_true",
        help="use the offline voices of an embedded waves-local server, even with an API key",
    )
    parser.add_argument(
        "--no-error-windows",
        action="store_true",
        help="log unexpected errors, show no crash dialog (also STUDIO_NO_ERROR_WINDOWS=1)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="render a short line offline, check the audio, print what was found, and exit",
    )
    parser.add_argument("--profile", metavar="DIR", help="keep settings, drafts and logs in DIR")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from studio.render_cli import add_render_parser

    add_render_parser(sub)
    from studio.clone_cli import add_clone_parser

    add_clone_parser(sub)
    from studio.batch.cli import add_batch_parser

    add_batch_parser(sub)
    project = sub.add_parser("project", help="work with script projects (.wavesproj files)")
    commands = project.add_subparsers(dest="project_command", metavar="SUBCOMMAND", required=True)
    from studio.project_render_cli import add_render_parser as add_project_render
    from studio.project_render_cli import exit_1_on_usage

    exit_1_on_usage(project)  # 2 means "some segments failed"
    add_project_render(commands)
    sub.add_parser(
        "local-server",
        help="run waves-local, the offline Waves server (same options as waves-local)",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `waves-studio` and `python -m studio`; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["local-server"]:
        from studio.local.cli import main as local_main

        return local_main(arguments[1:])
    args = build_parser().parse_args(arguments)
    if args.command in ("render", "clone", "batch", "project"):
        return _run_command(args)
    if args.self_test:
        from studio.selftest import run_self_test

        return run_self_test()
    from studio.app import main as run_app

    return run_app(args)


def _run_command(args: argparse.Namespace) -> int:
    """Run `render`, `clone` or `batch` with its warnings logged to the profile's log file.

    A command prints sentences; what lies behind them (a retry, a failed row's traceback) goes
    to the log, redacted, never bare to the terminal.
    """
    from pathlib import Path

    from studio.logs import setup_command_logging, teardown_logging
    from studio.profile import Profile

    profile = Profile.from_folder(Path(args.profile)) if args.profile else Profile.default()
    setup_command_logging(profile.log_dir)
    try:
        if args.command == "render":
            from studio.render_cli import run_render

            return run_render(args)
        if args.command == "batch":
            from studio.batch.cli import run_batch

            return run_batch(args)
        if args.command == "project" and args.project_command == "render":
            from studio.project_render_cli import run_render as run_project_render

            return run_project_render(args)
        from studio.clone_cli import run_clone

        return run_clone(args)
    finally:
        teardown_logging()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
