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

    if args.bitrate is not None and not 8 <= args.bitrate <= 320:
        return usage_error("--bitrate is 8 to 320 kbps.")
    if args.sample_rate is not None and not 8000 <= args.sample_rate <= 192000:
        return usage_error("--sample-rate is 8000 to 192000 Hz.")
    if args.out.exists() and not args.out.is_dir():
        return usage_error(f"--out must be a folder; {args.out} is a file.")
    if args.format and _format_error(args, args.format):  # said before the project is opened
        return usage_error(_format_error(args, args.format))
    with ProjectFile.open(args.project) as file:
        # Options left out take the project's own export settings (what the window saved).
        settings = file.project.export
        fmt = args.format or settings.output_format
        if _format_error(args, fmt):
            return usage_error(_format_error(args, fmt))
        split = args.split or ("chapter" if settings.split_chapters else "none")
        request = ExportRequest(
            out_dir=args.out,
            export_format=fmt,
            subtitles=tuple(args.subtitles),
            split=split,
            zip=args.zip,
            loudness_lufs=args.loudness if args.loudness is not None else settings.normalize_lufs,
            true_peak_db=args.true_peak if args.true_peak is not None else settings.true_peak_db,
            chapters=args.chapters,
            bitrate=args.bitrate or DEFAULT_BITRATE,
            sample_rate=args.sample_rate,
            crossfade_ms=args.crossfade_ms,
            join_mode=args.join,
            force=args.force,
            template=args.template,
        )
        progress = _Progress() if sys.stderr.isatty() else None
        report = export_project(file, request, progress)
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


def _format_error(args: argparse.Namespace, fmt: str) -> str:
    """What is wrong with the options for this format ("" when nothing)."""
    if args.bitrate is not None and fmt != "mp3":
        return f"--bitrate applies to mp3 only; this export is {fmt}."
    if args.chapters and fmt in _RAW:
        return f"--chapters needs a format with room for them, not {fmt}."
    return ""


class _Progress:
    """On a terminal: which file is being made, once each (a per-chapter MP3 export of a long
    book takes a while)."""

    def __init__(self) -> None:
        self._last = ""

    def __call__(self, fraction: float, name: str) -> None:
        if name != self._last:
            self._last = name
            print(f"{PROG}: making {name} ({fraction:.0%} done)", file=sys.stderr)
