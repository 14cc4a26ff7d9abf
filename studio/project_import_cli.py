"""`waves-studio project import SCRIPT --out FILE.wavesproj`: a new project from a script."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from studio.core import contract as c
from studio.core.errors import FileExistsExportError, ValidationError
from studio.core.untrusted import safe_text
from studio.project_cli import PROG, usage_error
from studio.store.project_file import SUFFIX

_PACKAGES = {"docx": "python-docx"}  # module -> the package to install


def import_to_file(args: argparse.Namespace) -> int:
    """Import `args.script` into a new project file at `args.out`; returns the exit status.

    The file is built under a hidden temporary name and renamed into place when complete:
    a failed import leaves nothing, and an existing file is replaced only with --force.

    Raises:
        StudioError: an unreadable or malformed script, or an existing --out (the caller
            prints it; exit 2).
    """
    from studio.core.project_build import project_from_script
    from studio.core.script_import import import_script

    out: Path = args.out
    if out.suffix.lower() != SUFFIX:
        return usage_error(f"--out must name a {SUFFIX} file, not '{safe_text(out.name, 200)}'.")
    if args.language not in c.languages_for(c.DEFAULT_MODEL):
        known = ", ".join(c.languages_for(c.DEFAULT_MODEL))
        return usage_error(f"--language must be one of {known}.")
    voices = []
    for pair in args.speaker_voice:
        name, _, voice = pair.partition("=")
        if not name.strip() or not voice.strip():
            return usage_error(f"--speaker-voice takes NAME=ID, not '{safe_text(pair, 200)}'.")
        voices.append((name.strip(), voice.strip()))
    if out.exists() and not args.force:
        raise FileExistsExportError(str(out))
    try:
        script = import_script(args.script)
    except ModuleNotFoundError as exc:  # a packager left out python-docx or ebooklib
        raise ValidationError(
            f"Importing {args.script.suffix} files needs the Python package "
            f"'{_PACKAGES.get(exc.name or '', exc.name)}', which "
            "is not installed here. Save the script as .txt or .md, or install it."
        ) from exc
    project = project_from_script(
        script,
        args.title or args.script.stem,
        voice_id=args.voice,
        language=args.language,
        speed=args.speed,
        voices=voices,
    )
    _write(project, out, args.force)
    segments = len(project.segments())
    what = (
        f"{len(project.blocks)} cue(s), dubbed to their times"
        if project.timed
        else (f"{len(project.chapters)} chapter(s), {len(project.blocks)} paragraph(s)")
    )
    speakers = ", ".join(s.name for s in project.cast.speakers)
    print(f"imported {args.script.name} into {out}: {what}, {segments} segment(s); "
          f"speakers: {speakers}")  # fmt: skip
    for note in script.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    if not args.voice and len(voices) < len(project.cast.speakers):
        print(f"{PROG}: note: speakers without --voice get one when the project is rendered "
              "or in the Cast panel.", file=sys.stderr)  # fmt: skip
    return 0


def _write(project: object, out: Path, force: bool) -> None:
    from studio.audio.atomic import partial_name
    from studio.core.project import Project
    from studio.store import db
    from studio.store.atomic import fsync_folder
    from studio.store.project_file import ProjectFile

    assert isinstance(project, Project)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"Could not create {out.parent}: {exc.strerror or exc}.") from exc
    temp = partial_name(out)
    try:
        ProjectFile.create(temp, project).close()
        if force:
            os.replace(temp, out)
        else:
            os.link(temp, out)  # fails rather than replace a file made meanwhile
    except FileExistsError:
        raise FileExistsExportError(str(out)) from None
    except OSError as exc:
        raise ValidationError(f"Could not write {out}: {exc.strerror or exc}.") from exc
    finally:
        db.remove_database(temp)
    fsync_folder(out.parent)
