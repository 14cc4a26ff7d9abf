"""The steps of `waves-studio batch`: dry run, start a job, resume one, run it to its end."""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from studio.batch.cli import EXIT_DONE, EXIT_INTERRUPTED, EXIT_SOME_FAILED
from studio.batch.inputs import read_input
from studio.batch.jobs import JobOptions, create_job, job_options, write_outputs
from studio.batch.plan import BatchDefaults, BatchPlan, plan_batch
from studio.batch.project_queue import is_project_job
from studio.core.errors import StoreError, ValidationError
from studio.render_cli import server_for
from studio.store.queue import QueueStore, open_queue


@dataclass(frozen=True)
class ProfilePaths:
    """The folders of this run's profile.

    Attributes:
        data_dir: Queue, history and cache.
        cache_limit: The render cache limit set in the app.
    """

    data_dir: Path
    cache_limit: int


def open_profile(args: argparse.Namespace) -> ProfilePaths:
    """The profile of `--profile DIR`, or the user's."""
    from studio.profile import Profile

    folder = getattr(args, "profile", None)
    profile = Profile.from_folder(Path(folder)) if folder else Profile.default()
    return ProfilePaths(profile.data_dir, profile.cache_limit_bytes())


def _defaults(args: argparse.Namespace, voice: str) -> BatchDefaults:
    return BatchDefaults(
        voice_id=voice,
        model=args.model,
        language=args.language,
        speed=args.speed,
        sample_rate=args.sample_rate,
        export_format=args.format,
        dictionary_ids=tuple(args.dicts),
        template=args.template,
    )


def _print_plan(plan: BatchPlan, chars_per_s: float) -> None:
    for note in plan.table.notes:
        print(f"note: {note}")
    for row in plan.invalid:
        for column, message in row.errors.items():
            where = f"row {row.row}" + (f", {column}" if column else "")
            print(f"{where}: {message}")
    print(plan.summary(chars_per_s))


def dry_run(args: argparse.Namespace, profile: ProfilePaths) -> int:
    """Read and check the input, print every problem and the totals; render nothing."""
    plan = plan_batch(read_input(args.input), _defaults(args, args.voice or "default"), args.out)
    with _queue(profile) as store:
        rate = store.recent_throughput()
    _print_plan(plan, rate)
    return EXIT_SOME_FAILED if plan.invalid else EXIT_DONE


def _queue(profile: ProfilePaths) -> QueueStore:
    store = open_queue(profile.data_dir)
    if store.recovered_message:
        print(f"waves-studio batch: {store.recovered_message}", file=sys.stderr)
    return store


def start_job(args: argparse.Namespace, profile: ProfilePaths) -> int:
    """Plan the input against the server's voices, queue it, and run it."""
    table = read_input(args.input)
    with server_for(args.local, args.engine, args.base_url or "") as (url, key, kind):
        from studio.batch.render_adapter import client_factory

        client = client_factory(url, key)()
        try:
            voices = client.voices()
        finally:
            client.close()
        voice = args.voice or next(
            (v.voice_id for v in voices if args.language in v.language_codes),
            voices[0].voice_id if voices else "",
        )
        known = {v.voice_id for v in voices} | {v.display_name for v in voices}
        plan = plan_batch(table, _defaults(args, voice), args.out, known_voices=known)
        with _queue(profile) as store:
            _print_plan(plan, store.recent_throughput())
            if not plan.items:
                raise ValidationError("No row can be rendered; fix the rows listed above.")
            options = JobOptions(
                concurrency=args.concurrency or 3,
                report=str(args.report.resolve()) if args.report else "",
                merge=args.merge,
                pause_s=args.pause,
                backend_kind=kind,
                base_url=url if kind == "cloud" else "",
                engine=args.engine if kind == "local" else "",
            )
            args.out.mkdir(parents=True, exist_ok=True)
            job_id = create_job(store, plan, args.out, options)
            print(f"job {job_id}: {len(plan.items)} items to {args.out.resolve()}")
            return _execute(store, job_id, profile, url, key, kind, options)


def resume_job(args: argparse.Namespace, profile: ProfilePaths) -> int:
    """Continue `--resume JOB` or the newest unfinished job with the backend it started with."""
    with _queue(profile) as store:
        if args.resume_last:
            jobs = store.unfinished_jobs()
            if not jobs:
                raise StoreError("There is no unfinished batch job to resume.")
            job = jobs[0]
        else:
            job = store.job(args.resume)
        if is_project_job(job):
            raise ValidationError(
                f"Job {job.id} renders the script project {job.source}: resume it with "
                f"`waves-studio project render {job.source}`."
            )
        options, _ = job_options(job)
        if args.concurrency is not None:
            options = JobOptions(**{**options.__dict__, "concurrency": args.concurrency})
        local = args.local or (not args.base_url and options.backend_kind == "local")
        engine = options.engine or args.engine
        print(f"job {job.id}: resuming ({job.total} items, {job.out_dir})")
        with server_for(local, engine, args.base_url or options.base_url) as (url, key, kind):
            return _execute(store, job.id, profile, url, key, kind, options)


def _execute(
    store: QueueStore,
    job_id: int,
    profile: ProfilePaths,
    url: str,
    key: str | None,
    kind: str,
    options: JobOptions,
) -> int:
    """Run the job with a progress display; Ctrl+C pauses it (resumable)."""
    from studio.batch.progress import TerminalProgress
    from studio.batch.render_adapter import (
        ItemRenderer,
        client_factory,
        make_backend,
        open_library,
    )
    from studio.batch.runner import BatchRunner

    library = open_library(profile.data_dir, profile.cache_limit)
    display = TerminalProgress()
    backend = make_backend(kind, url if kind == "cloud" else "", options.engine)
    runner = BatchRunner(
        store,
        job_id,
        ItemRenderer(library, backend),
        client_factory(url, key),
        concurrency=options.concurrency,
        listener=display,
        exit_on_pause=True,
    )
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(_run(runner)), name="batch-run")
    worker.start()
    interrupted = False
    try:
        while worker.is_alive():
            worker.join(0.5)
    except KeyboardInterrupt:
        interrupted = True
        runner.pause("Interrupted (Ctrl+C).")
        worker.join()
    finally:
        display.close()
        library.close()
    if result and isinstance(result[0], StoreError):
        raise result[0]
    counts = store.counts(job_id)
    for path in write_outputs(store, job_id):
        print(f"wrote {path}")
    _, invalid = job_options(store.job(job_id))
    print(
        f"job {job_id}: {counts.done} done, {counts.skipped} kept from before, {counts.failed} "
        f"failed, {len(invalid)} invalid rows, {counts.queued + counts.running} left"
    )
    if interrupted or runner.paused:
        print(f"Resume with: waves-studio batch --resume {job_id}", file=sys.stderr)
        if runner.progress().message and not interrupted:
            print(f"waves-studio batch: {runner.progress().message}", file=sys.stderr)
        return EXIT_INTERRUPTED if interrupted else EXIT_SOME_FAILED
    return EXIT_SOME_FAILED if counts.failed or invalid else EXIT_DONE


def _run(runner: object) -> object:
    from studio.batch.runner import BatchRunner

    assert isinstance(runner, BatchRunner)
    try:
        return runner.run()
    except StoreError as exc:
        return exc
