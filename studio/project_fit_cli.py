"""`waves-studio project fit FILE`: the speeds that fit a dubbed project's speech to its cues."""

from __future__ import annotations

import argparse
import sys

from studio.core.errors import ValidationError
from studio.project_cli import FAILED, PROG


def fit_file(args: argparse.Namespace) -> int:
    """Measure the rendered cues, give the long ones a faster speed (saved in the file, so the
    next `project render` re-renders exactly them); returns 2 when some cannot fit.

    Raises:
        StudioError: a missing, busy or undubbed project, or unrendered cues (exit 2).
    """
    from studio.core.project_dub import fit_cues, speed_overrides
    from studio.core.project_edit import ProjectEditor
    from studio.core.project_mix import NotReadyError, unready
    from studio.project_takes import take_timings
    from studio.store.project_file import ProjectFile

    with ProjectFile.open(args.project) as file:
        project = file.project
        if not project.timed:
            raise ValidationError(
                f"{args.project.name} is not dubbed to subtitles: import an .srt or .vtt file "
                "to make one."
            )
        missing = unready(project)
        if missing:
            raise NotReadyError(missing)
        takes = [s.chosen_take for b in project.blocks if b.cue for s in b.segments if s.text]
        fits = fit_cues(project, take_timings(file, takes), args.max_speed)
        overrides = speed_overrides(fits)
        if overrides:
            editor = ProjectEditor(project)
            for segment_id, speed in overrides.items():
                segment = editor.project.segment(segment_id)
                editor.set_overrides(segment_id, segment.voice_id, speed)
            file.save(editor.project)
    faster = [f for f in fits if f.fit.rerender]
    stuck = [f for f in fits if not f.fit.fits]
    if faster:
        listed = ", ".join(f"cue {f.number} at {f.fit.speed:.2f}x" for f in faster[:12])
        more = f" and {len(faster) - 12} more" if len(faster) > 12 else ""
        print(
            f"{len(faster)} of {len(fits)} cue(s) run long and will be re-rendered faster "
            f"({listed}{more}). Run 'waves-studio project render {args.project}', then "
            "'project fit' again to check."
        )
    elif not stuck:
        print(f"All {len(fits)} cue(s) fit their times.")
    for f in stuck:
        room = f.cue[1] - f.cue[0]
        print(
            f"{PROG}: cue {f.number} cannot fit its {room:.2f} s even at {f.fit.speed:.2f}x "
            f"({f.fit.overflow_s:.2f} s too long): shorten its text or allow a higher "
            "--max-speed.",
            file=sys.stderr,
        )
    return FAILED if stuck else 0
