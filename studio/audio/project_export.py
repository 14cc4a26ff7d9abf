"""Export a script project: the mix (or one file per chapter or segment, optionally in a ZIP),
subtitles and a chapters list, all put in place together at the end or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from studio.audio import chapters as ch
from studio.audio import split_export
from studio.audio.atomic import atomic_target, export_error
from studio.audio.codecs import wav_bytes
from studio.audio.export import file_extension
from studio.audio.filenames import sanitize_stem
from studio.audio.mixdown import MixOptions, MixResult, Part, mixdown
from studio.core.errors import CancelledError, ExportError, FileExistsExportError
from studio.core.export_choices import SPLITS
from studio.core.project import Project
from studio.core.project_mix import MixItem, mix_items
from studio.core.subtitles import SpokenPart, make_cues, to_srt, to_vtt
from studio.store.atomic import fsync_folder

ReadAudio = Callable[[str], tuple[npt.NDArray[np.float32], int]]
Progress = Callable[[float], None]
_SPOOL_SHARE = 0.15  # of the progress bar: copying the takes out of the project file


@dataclass(frozen=True)
class ProjectExport:
    """What to export and where.

    Attributes:
        folder: The output folder (it must exist).
        name: Stem of the mix, its subtitles, its chapters list and the ZIP.
        options: Format, rate, joins, loudness (overwrite: replace existing files).
        split: "none", "chapter" or "segment".
        template: Names of split files ({n}, {title}, {project}).
        zip: Put every file in one `name`.zip.
        subtitles: Any of "srt", "vtt".
        chapters: Chapter marks in the files and a `name`.chapters.txt (YouTube format).
    """

    folder: Path
    name: str
    options: MixOptions
    split: str = "none"
    template: str = split_export.DEFAULT_TEMPLATE
    zip: bool = False
    subtitles: tuple[str, ...] = ()
    chapters: bool = True


def _titles(project: Project, items: Sequence[MixItem], how: str) -> list[str]:
    if how == "chapter":
        return [i.chapter or "" for i in items if i.chapter is not None]
    return [" ".join(i.text.split()[:6]) for i in items]


def output_names(project: Project, request: ProjectExport) -> list[str]:
    """The names the export puts in the folder (ask before replacing any of them)."""
    names = _inner_names(project, mix_items(project), request)
    return [f"{sanitize_stem(request.name)}.zip"] if request.zip else names


def _inner_names(project: Project, items: Sequence[MixItem], request: ProjectExport) -> list[str]:
    ext = file_extension(request.options.export_format)
    stem = sanitize_stem(request.name)
    if request.split == "none":
        audio = [f"{stem}.{ext}"]
        extra = [f"{stem}.chapters.txt"] if request.chapters else []
    else:
        titles = _titles(project, items, request.split)
        audio = split_export.piece_names(request.template, titles, project.title, ext)
        extra = []
    subs = [f"{Path(a).stem}.{s}" for a in audio for s in request.subtitles]
    return audio + subs + extra


def export_project(
    project: Project,
    read_audio: ReadAudio,
    request: ProjectExport,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[Path]:
    """Export the chosen takes of `project`; segments without a current take are left out
    (studio.core.project_mix.unrendered). Everything is made in a hidden folder inside
    `request.folder` and moved into place at the very end, so a cancel or a failure leaves
    nothing behind.

    Returns:
        The files written, in the folder.

    Raises:
        ExportError (FileExistsExportError when a file exists and overwrite is off),
        DecodeError, CancelledError.
    """
    if request.split not in SPLITS:
        raise ExportError(f"Split must be one of {', '.join(SPLITS)}.")
    items = mix_items(project)
    if not items:
        raise ExportError("There is nothing to export yet: no segment has a current take.")
    names = _inner_names(project, items, request)
    finals = output_names(project, request)
    if not request.options.overwrite:
        for name in finals:
            if (request.folder / name).exists():
                raise FileExistsExportError(f"{name} already exists in {request.folder}.")
    try:
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=request.folder))
    except OSError as exc:
        raise export_error(exc, request.folder / finals[0]) from exc
    try:
        _make(project, items, read_audio, request, names, finals, work, progress, cancel)
        for name in finals:  # each rename is atomic; all are ready before the first one
            os.replace(work / name, request.folder / name)
        fsync_folder(request.folder)
    except OSError as exc:  # a full disk, a folder gone meanwhile…: said in words
        raise export_error(exc, request.folder / finals[0]) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if progress is not None:
        progress(1.0)
    return [request.folder / name for name in finals]


def _make(
    project: Project,
    items: Sequence[MixItem],
    read_audio: ReadAudio,
    request: ProjectExport,
    names: list[str],
    finals: list[str],
    work: Path,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    """Every output file, complete, in `work`."""
    parts, speech = _spool(items, read_audio, work, progress, cancel)

    def step(fraction: float) -> None:
        if progress is not None:
            progress(_SPOOL_SHARE + (1 - _SPOOL_SHARE) * 0.97 * fraction)

    results = _mix(project, items, parts, request, names, work, step, cancel)
    _write_subtitles(items, speech, results, request, work)
    if request.zip:
        _zip(work, names, work / finals[0])
    if cancel is not None and cancel.is_set():  # the last chance: nothing is in place yet
        raise CancelledError("Export cancelled.")


def _spool(
    items: Sequence[MixItem],
    read_audio: ReadAudio,
    work: Path,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> tuple[list[Part], list[list[tuple[float, float]]]]:
    """Copy each take to a WAV in `work` (so the mix reads one take at a time, never holding
    the project's audio in memory) and measure where its speech is (for subtitle timing)."""
    from studio.audio.speech import speech_regions

    takes = work / ".takes"
    takes.mkdir()
    parts, speech = [], []
    for i, item in enumerate(items):
        if cancel is not None and cancel.is_set():
            raise CancelledError("Export cancelled.")
        samples, rate = read_audio(item.take_id)
        path = takes / f"{i:06d}.wav"
        path.write_bytes(wav_bytes(samples, rate))
        speech.append(speech_regions(samples, rate))
        parts.append(Part(str(path), rate, item.pause_after_s, chapter=item.chapter))
        if progress is not None:
            progress(_SPOOL_SHARE * (i + 1) / len(items))
    return parts, speech


def _mix(
    project: Project,
    items: Sequence[MixItem],
    parts: list[Part],
    request: ProjectExport,
    names: list[str],
    work: Path,
    step: Progress,
    cancel: threading.Event | None,
) -> list[tuple[MixResult, range]]:
    """Mix into `work`; returns each file's result and the item indexes it holds."""
    options = request.options
    if request.split == "none":
        marks_on = request.chapters

        def finish(temp: Path, result: MixResult) -> None:
            marks = ch.chapters_from_starts(result.chapters, result.frames) if marks_on else ()
            tags = ch.Tags(project.title, "", project.title)
            ch.write_marks(temp, options.export_format, marks, tags, result.sample_rate)

        result = mixdown(parts, work / names[0], options, finish, progress=step, cancel=cancel)
        if request.chapters:
            marks = ch.chapters_from_starts(result.chapters, result.frames)
            text = ch.youtube_chapters(marks, result.sample_rate)
            (work / f"{Path(names[0]).stem}.chapters.txt").write_text(text, encoding="utf-8")
        return [(result, range(len(parts)))]
    if request.split == "chapter":
        pieces = split_export.by_chapter(parts)
    else:
        pieces = split_export.by_segment(parts, _titles(project, items, "segment"))
    results = split_export.export_pieces(
        pieces, work, options, template=request.template, project=project.title,
        progress=step, cancel=cancel,
    )  # fmt: skip
    out, at = [], 0
    for piece, result in zip(pieces, results, strict=True):
        out.append((result, range(at, at + len(piece.parts))))
        at += len(piece.parts)
    return out


def _write_subtitles(
    items: Sequence[MixItem],
    speech: Sequence[list[tuple[float, float]]],
    results: Sequence[tuple[MixResult, range]],
    request: ProjectExport,
    work: Path,
) -> None:
    """Cues from where each take really landed in each file, and where its speech is."""
    for result, indexes in results:
        spoken = []
        for span, i in zip(result.spans, indexes, strict=True):
            start = result.seconds(span.start)
            regions = tuple((start + a, start + b) for a, b in speech[i])
            spoken.append(SpokenPart(items[i].text, start, result.seconds(span.end), regions))
        cues = make_cues(spoken)
        stem = result.path.stem
        for kind in request.subtitles:
            text = to_srt(cues) if kind == "srt" else to_vtt(cues)
            (work / f"{stem}.{kind}").write_text(text, encoding="utf-8")


def _zip(work: Path, names: Sequence[str], target: Path) -> None:
    with atomic_target(target, overwrite=False) as temp, zipfile.ZipFile(temp, "w") as archive:
        for name in names:
            # Compressed audio does not shrink further; WAV, raw PCM and text do.
            stored = name.endswith((".mp3", ".ogg", ".flac"))
            method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.write(work / name, name, compress_type=method)
