"""`waves-studio project export FILE --out DIR`: the mix, subtitles and chapters of a project."""

from __future__ import annotations

import argparse
import sys

from studio.project_cli import PROG, usage_error

_RAW = ("pcm", "ulaw", "alaw")


def export_file(args: argparse.Namespace) -> int:
    """Export the project at `args.project`; returns the exit status.

    Raises:
        StudioError: a missing or busy project, segments not rendered, an existing output or a
            failed write (the caller prints it; exit 2).
    """
    from studio.audio.mp3_export import DEFAULT_BITRATE
    from studio.project_export import ExportRequest, export_project
    from studio.store.project_file import ProjectFile

    if args.bitrate is not None and args.format != "mp3":
        return usage_error("--bitrate applies to --format mp3 only.")
    if args.bitrate is not None and not 8 <= args.bitrate <= 320:
        return usage_error("--bitrate is 8 to 320 kbps.")
    if args.sample_rate is not None and not 8000 <= args.sample_rate <= 192000:
        return usage_error("--sample-rate is 8000 to 192000 Hz.")
    if args.chapters and args.format in _RAW:
        return usage_error(f"--chapters needs a format with room for them, not {args.format}.")
    if args.out.exists() and not args.out.is_dir():
        return usage_error(f"--out must be a folder; {args.out} is a file.")
    request = ExportRequest(
        out_dir=args.out,
        export_format=args.format,
        subtitles=tuple(args.subtitles),
        split=args.split,
        zip=args.zip,
        loudness_lufs=args.loudness,
        true_peak_db=args.true_peak,
        chapters=args.chapters,
        bitrate=args.bitrate or DEFAULT_BITRATE,
        sample_rate=args.sample_rate,
        crossfade_ms=args.crossfade_ms,
        force=args.force,
        template=args.template,
    )
    with ProjectFile.open(args.project) as file:
        report = export_project(file, request)
    cues = f", {report.cues} subtitle cue(s)" if args.subtitles else ""
    print(
        f"wrote {len(report.files)} file(s) to {args.out} "
        f"({_clock(report.duration_s)} of audio{cues}):"
    )
    for path in report.files:
        print(f"  {path.name}")
    for warning in report.warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return 0


def _clock(seconds: float) -> str:
    """1:02:03.4, 2:03.4 or 3.4 s."""
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    if hours:
        return f"{hours}:{minutes:02d}:{rest:04.1f}"
    return f"{minutes}:{rest:04.1f}" if minutes else f"{rest:.1f} s"
