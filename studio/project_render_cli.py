"""`waves-studio project render FILE.wavesproj`: render a project's changed segments headless."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.errors import StudioError

if TYPE_CHECKING:
    from studio.batch.project_run import ProjectSession, SessionResult
    from studio.core.project import Project

EXIT_DONE, EXIT_USAGE, EXIT_SOME_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130
PROG = "waves-studio project render"


def add_render_parser(sub: Any) -> None:
    """Register `render` on the subparsers of the `project` command group."""
    p = sub.add_parser(
        "render",
        help="render the changed segments of a project through the render queue",
        description="Render every not rendered, stale or failed unlocked segment of a script "
        "project, as the Script tab's Render changed does, and save the takes in the file; an "
        "interrupted render of the project is resumed first. Exit status: 0 all rendered, 2 some "
        "segments failed or cannot render (they are listed), 1 usage error.",
    )
    p.add_argument("file", type=Path, metavar="FILE.wavesproj", help="the project file")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--base-url", help="server address (default https://api.smallest.ai)")
    where.add_argument("--local", action="store_true", help="use an embedded waves-local")
    p.add_argument("--engine", default="auto", choices=("auto", "piper", "espeak", "tone"))
    p.add_argument("--concurrency", type=int, default=3, help="renders at once (1-16, default 3)")


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_render(args: argparse.Namespace) -> int:
    """Run `waves-studio project render`; returns the exit status."""
    from studio.batch.project_progress import SegmentProgress
    from studio.batch.project_queue import unfinished_for
    from studio.batch.project_run import ProjectSession
    from studio.batch.session import open_profile
    from studio.core.project_render import job_characters
    from studio.store.queue import open_queue

    if not 1 <= args.concurrency <= 16:
        return _fail("--concurrency must be between 1 and 16.")
    path: Path = args.file
    if not path.is_file():
        return _fail(f"{path} does not exist (or is not a file).")
    try:
        profile = open_profile(args)
        with (
            open_queue(profile.data_dir) as store,
            ProjectSession(path, store, concurrency=args.concurrency) as session,
        ):
            session.listener = display = SegmentProgress(lambda: session.project)
            jobs, unvoiced = session.plan()
            interrupted, left = unfinished_for(store, session.path)
            print(
                f"{path.name}: {len(session.project.segments())} segment(s); {len(jobs)} to "
                f"render ({job_characters(jobs)} characters in {len(jobs)} request(s))"
                + (f"; resuming an interrupted render ({left} left)" if interrupted else ""),
                flush=True,
            )
            if not jobs and not interrupted:  # no server needed (nor, for the cloud, a key)
                if not unvoiced:
                    print("Everything is rendered: nothing to send.")
                return _summary(session.project, unvoiced, 0)
            try:
                done = _render(args, session, profile.data_dir, profile.cache_limit)
            finally:
                display.close()
            if done is None:
                print(f"Interrupted; run `{PROG} {path}` again to resume.", file=sys.stderr)
                return EXIT_INTERRUPTED
            return _summary(session.project, done.unvoiced, done.done)
    except StudioError as exc:
        return _fail(exc.user_message)


def _render(
    args: argparse.Namespace, session: ProjectSession, data_dir: Path, cache_limit: int
) -> SessionResult | None:
    """Connect to the server and render; None when Ctrl+C paused it."""
    from studio.batch.render_adapter import client_factory, make_backend, open_library
    from studio.render_cli import server_for

    with server_for(args.local, args.engine, args.base_url or "") as (url, key, kind):
        engine = args.engine if kind == "local" else ""
        backend = make_backend(kind, url if kind == "cloud" else "", engine)
        library = open_library(data_dir, cache_limit)
        try:
            session.connect(library, backend, client_factory(url, key))
            worker = _Worker(session.render)
            try:
                worker.wait()
            except KeyboardInterrupt:
                session.pause("Interrupted (Ctrl+C).")
                worker.wait()
                return None
            result: SessionResult = worker.result()
            return result
        finally:
            library.close()


class _Worker:
    """Runs the render on a thread, so Ctrl+C reaches the main thread and can pause it."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._outcome: list[Any] = []
        self._error: list[BaseException] = []

        def run() -> None:
            try:
                self._outcome.append(fn())
            except BaseException as exc:  # raised again on the main thread
                self._error.append(exc)

        self._thread = threading.Thread(target=run, name="project-render", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        while self._thread.is_alive():
            self._thread.join(0.5)

    def result(self) -> Any:
        if self._error:
            raise self._error[0]
        return self._outcome[0]


def _summary(project: Project, unvoiced: tuple[str, ...], done: int) -> int:
    """Print what happened and which segments are not rendered; the exit status."""
    from studio.batch.project_progress import segment_label
    from studio.core.project_state import SegmentState, states

    now = states(project)
    failed = [sid for sid, state in now.items() if state is SegmentState.FAILED]
    unrendered = [
        sid for sid, state in now.items()
        if state in (SegmentState.NOT_RENDERED, SegmentState.STALE)
    ]  # fmt: skip
    print(f"rendered {done} segment(s); {len(failed)} failed; {len(unrendered)} not rendered")
    for sid in failed:
        error = project.segment(sid).failure
        print(f"failed: {segment_label(project, sid)}: {error}", file=sys.stderr)
    if unvoiced:
        print(
            f"no voice for {', '.join(unvoiced)}: pick one in the Script tab's cast; "
            "their segments were not rendered:",
            file=sys.stderr,
        )
    for sid in unrendered:
        print(f"not rendered: {segment_label(project, sid)}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed or unrendered else EXIT_DONE
