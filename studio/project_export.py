"""Export a script project: the mix (or one file per chapter or segment), subtitles from the real
timeline, chapter marks and a chapters list, optionally in one ZIP. Qt-free: the one library
behind `waves-studio project export` and the window's File → Export… dialog.

Everything is made in a hidden staging folder inside the output folder, then moved into place
(or zipped) only when all of it succeeded: a failed export leaves no half set of files, and
existing files are refused before any work unless `force` is given.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.audio import chapters as ch
from studio.audio.atomic import STALE_AFTER_S, atomic_target, export_error
from studio.audio.export import file_extension
from studio.audio.filenames import sanitize_stem
from studio.audio.mixdown import MixOptions, MixResult, mixdown
from studio.audio.mp3_export import DEFAULT_BITRATE
from studio.audio.split_export import DEFAULT_TEMPLATE, piece_names
from studio.core.errors import CancelledError, ExportError, FileExistsExportError
from studio.core.export_choices import SPLITS, SUBTITLE_FORMATS
from studio.core.project import Project
from studio.core.project_mix import MixItem, NotReadyError, mix_items, unready
from studio.core.subtitles import SpokenPart, make_cues, to_srt, to_vtt
from studio.project_pieces import Piece, parts_of, pieces_of, spoken_parts, timing_warnings
from studio.project_takes import TakeSource, extract_takes
from studio.store.atomic import fsync_folder

Progress = Callable[[float, str], None]
STAGE_PREFIX = ".export-partial-"
TAKES_SHARE = 0.15  # of the progress: copying the takes out of the project file


@dataclass(frozen=True)
class ExportRequest:
    """What to export and how.

    Attributes:
        out_dir: The folder (created when missing, unless `make_folder` is off).
        name: Stem of the mix, its subtitles, its chapters list and the ZIP ("": the
            project's title, else its file's name).
        export_format: One of audio.export.EXPORT_FORMATS.
        subtitles: Any of SUBTITLE_FORMATS.
        split: "none" (one mixed file), "chapter" or "segment" (one file each).
        zip: Pack every file into `<project>.zip` instead.
        loudness_lufs: Integrated loudness target of each file, or None.
        true_peak_db: Ceiling with a loudness target.
        chapters: Chapter marks in the file(s) where the format has room for them and, for
            one mixed file, a chapters .txt.
        bitrate: MP3 kbps. sample_rate: output rate (None: the project's).
        crossfade_ms: Join treatment, 0–50 ms.
        join_mode: "crossfade" (equal-power) or "zero" (cuts at zero crossings).
        force: Replace existing files.
        template: File names of split files ({n}, {title}, {project}).
        leave_out: Export without the segments that have no audio yet (their pauses stay)
            instead of refusing them.
        make_folder: Create `out_dir` when missing (the CLI's --out); off, a folder gone since
            it was chosen (the dialog's) is said rather than made again.
    """

    out_dir: Path
    name: str = ""
    export_format: str = "wav"
    subtitles: tuple[str, ...] = ()
    split: str = "none"
    zip: bool = False
    loudness_lufs: float | None = None
    true_peak_db: float = -1.0
    chapters: bool = False
    bitrate: int = DEFAULT_BITRATE
    sample_rate: int | None = None
    crossfade_ms: float = 10.0
    join_mode: str = "crossfade"
    force: bool = False
    template: str = DEFAULT_TEMPLATE
    leave_out: bool = False
    make_folder: bool = True


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote.

    Attributes:
        files: The files, in order (the ZIP alone when zipped).
        duration_s: Total audio length.
        cues: Subtitle cues written per format (0 without subtitles).
        warnings: Sentences for the user (e.g. a dubbed cue that runs into the next).
    """

    files: tuple[Path, ...]
    duration_s: float
    cues: int
    warnings: tuple[str, ...]


def output_names(project: Project, request: ExportRequest, fallback: str = "project") -> list[str]:
    """The names the export puts in `request.out_dir` (the ZIP alone when zipped), to show or
    to ask before replacing; segments without audio yet are not counted.

    Raises:
        ExportError: bad options (e.g. a name template with an unknown field).
    """
    _check(request)
    stem, _pieces, _audio, names = _plan(
        project, mix_items(project, leave_out=True), request, fallback
    )
    return [f"{stem}.zip"] if request.zip else names


def _plan(
    project: Project, items: list[MixItem], request: ExportRequest, fallback: str
) -> tuple[str, list[Piece], list[str], list[str]]:
    """The stem, the audio files' pieces and names, and every name the export makes."""
    stem = sanitize_stem(request.name or project.title or fallback)
    pieces = pieces_of(project, items, request.split, stem)
    ext = file_extension(request.export_format)
    audio_names = (
        [f"{stem}.{ext}"]
        if request.split == "none"
        else piece_names(request.template, [p.title for p in pieces], project.title, ext)
    )
    names = list(audio_names)
    for name in audio_names:
        names += [f"{Path(name).stem}.{fmt}" for fmt in request.subtitles]
    if request.chapters and request.split == "none":
        names.append(f"{stem}.chapters.txt")
    return stem, pieces, audio_names, names


def export_project(
    source: TakeSource,
    request: ExportRequest,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ExportReport:
    """Export a project as `request` says (a worker thread's job: it reads the takes and
    writes minutes of audio).

    Args:
        source: An open ProjectFile, or the window's project_takes.ProjectSnapshot.
        request: What to write.
        progress: Called with (fraction 0–1 done, the audio file being made); copying the
            takes out of the project takes the first TAKES_SHARE.
        cancel: Set it to stop before the next take; nothing is left behind.

    Raises:
        NotReadyError: segments without audio (unless `leave_out`). FileExistsExportError: an
        output exists and `force` is False. ExportError, DecodeError: nothing to export, bad
        options, a failed write or take. CancelledError: `cancel` was set.
    """
    project = source.project
    missing = unready(project)
    if missing and not request.leave_out:
        raise NotReadyError(missing)
    _check(request)
    items = mix_items(project, leave_out=request.leave_out)
    if not any(item.take_id for item in items):
        raise ExportError("There is nothing to export yet: no segment has a current take.")
    stem, pieces, audio_names, names = _plan(project, items, request, source.path.stem)
    final = (
        [request.out_dir / f"{stem}.zip"] if request.zip else [request.out_dir / n for n in names]
    )
    if not request.force:
        for path in final:
            if path.exists():
                raise FileExistsExportError(str(path))
    try:
        if request.make_folder:
            request.out_dir.mkdir(parents=True, exist_ok=True)
        _sweep(request.out_dir)
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{stem}-", dir=request.out_dir))
    except OSError as exc:  # a missing folder, no permission…: said in words
        raise export_error(exc, final[0]) from exc
    try:
        measure = bool(request.subtitles) or project.timed
        # A take followed by a dubbed cue ends with its speech, not its padding.
        trim = {a.take_id for a, b in itertools.pairwise(items) if b.cue_s is not None}

        def copied(fraction: float) -> None:
            if progress is not None:
                progress(TAKES_SHARE * fraction, audio_names[0])

        take_ids = [i.take_id for i in items]
        takes = extract_takes(source, take_ids, stage, measure, trim, copied, cancel)
        rate = request.sample_rate or project.export.sample_rate
        options = MixOptions(
            request.export_format, rate, request.crossfade_ms, request.join_mode,
            request.loudness_lufs, request.true_peak_db, request.bitrate, overwrite=True,
        )  # fmt: skip
        artist = ", ".join(s.name for s in project.cast.speakers)
        results, cues, warnings = [], 0, []
        for n, (piece, name) in enumerate(zip(pieces, audio_names, strict=True)):
            parts = parts_of(items, piece, takes, request.split)
            track = n + 1 if request.split != "none" else 0
            tags = ch.Tags(piece.title, artist, project.title, track)

            def step(fraction: float, n: int = n, name: str = name) -> None:
                if progress is not None:
                    done = (n + fraction) / len(pieces)
                    progress(TAKES_SHARE + (1 - TAKES_SHARE) * done, name)

            result = mixdown(
                parts, stage / name, options, _marker(request, tags), progress=step, cancel=cancel
            )
            results.append(result)
            spoken = spoken_parts(items, piece, takes, result)
            cues = max(cues, _write_subtitles(stage, Path(name).stem, spoken, request.subtitles))
            if project.timed and request.split == "none":
                warnings += timing_warnings(items, piece, takes, result)
        if request.chapters and request.split == "none":
            marks = ch.chapters_from_starts(results[0].chapters, results[0].frames)
            text = ch.youtube_chapters(marks, results[0].sample_rate)
            (stage / f"{stem}.chapters.txt").write_text(text, encoding="utf-8")
        if cancel is not None and cancel.is_set():  # the last chance: nothing is in place yet
            raise CancelledError("Export cancelled.")
        _publish(stage, names, final, request)
    except OSError as exc:  # the subtitles or chapter list (audio errors are ExportErrors)
        raise export_error(exc, final[0]) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    duration = sum(r.frames / r.sample_rate for r in results)
    return ExportReport(tuple(final), duration, cues, tuple(warnings))


def _sweep(folder: Path) -> None:
    """Remove staging folders of exports that died (kill -9, power cut) over 15 minutes ago."""
    now = time.time()
    for entry in folder.glob(f"{STAGE_PREFIX}*"):
        with contextlib.suppress(OSError):
            if entry.is_dir() and now - entry.stat().st_mtime > STALE_AFTER_S:
                shutil.rmtree(entry, ignore_errors=True)


def _check(request: ExportRequest) -> None:
    if request.split not in SPLITS:
        raise ExportError(f"Split by {', '.join(SPLITS)}, not '{request.split}'.")
    unknown = [s for s in request.subtitles if s not in SUBTITLE_FORMATS]
    if unknown:
        raise ExportError(f"Subtitles can be {' and '.join(SUBTITLE_FORMATS)}, not {unknown[0]}.")


def _marker(request: ExportRequest, tags: ch.Tags) -> Callable[[Path, MixResult], None]:
    def finish(temp: Path, result: MixResult) -> None:
        marks = ch.chapters_from_starts(result.chapters, result.frames) if request.chapters else ()
        ch.write_marks(temp, request.export_format, marks, tags, result.sample_rate)

    return finish


def _write_subtitles(
    stage: Path, stem: str, spoken: list[SpokenPart], formats: Sequence[str]
) -> int:
    if not formats:
        return 0
    cues = make_cues(spoken)
    for fmt in formats:
        text = to_srt(cues) if fmt == "srt" else to_vtt(cues)
        (stage / f"{stem}.{fmt}").write_text(text, encoding="utf-8")
    return len(cues)


def _publish(stage: Path, names: list[str], final: list[Path], request: ExportRequest) -> None:
    """Move the staged files into place, or zip them; nothing appears until all are made."""
    if request.zip:
        with (
            atomic_target(final[0], overwrite=request.force) as temp,
            zipfile.ZipFile(temp, "w") as archive,
        ):
            for name in names:
                packed = name.endswith((".wav", ".pcm", ".srt", ".vtt", ".txt"))
                method = zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED
                archive.write(stage / name, name, compress_type=method)
        return
    placed: list[Path] = []
    try:
        for name, path in zip(names, final, strict=True):
            if request.force:
                os.replace(stage / name, path)
            else:
                os.link(stage / name, path)  # fails rather than replace a file made meanwhile
                placed.append(path)
    except OSError as exc:
        for path in placed:  # all or nothing: take back what this export had put there
            path.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise FileExistsExportError(str(exc.filename2 or exc.filename)) from None
        raise export_error(exc, request.out_dir / Path(exc.filename or names[0]).name) from exc
    fsync_folder(request.out_dir)
