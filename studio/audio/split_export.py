"""One file per chapter or per segment, named from a template, optionally packed in one ZIP."""

from __future__ import annotations

import dataclasses
import shutil
import string
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.audio import chapters as ch
from studio.audio.atomic import atomic_target
from studio.audio.export import file_extension
from studio.audio.filenames import sanitize_stem
from studio.audio.mixdown import MixOptions, MixResult, Part, mixdown
from studio.core.errors import ExportError

DEFAULT_TEMPLATE = "{n:02d} {title}"
_FIELDS = {"n", "title", "project"}


@dataclass(frozen=True)
class Piece:
    """One output file: its title and the parts it mixes."""

    title: str
    parts: tuple[Part, ...]


def by_chapter(parts: Sequence[Part], first_title: str = "Opening") -> list[Piece]:
    """Group parts into chapters at each part that opens one (parts before the first chapter
    form a piece called `first_title`); the last part of each loses its trailing pause."""
    groups: list[tuple[str, list[Part]]] = []
    for part in parts:
        if part.chapter or not groups:
            groups.append((part.chapter or first_title, []))
        groups[-1][1].append(part)
    return [Piece(title, _trim_end(members)) for title, members in groups]


def by_segment(parts: Sequence[Part], titles: Sequence[str]) -> list[Piece]:
    """One piece per part, titled by `titles` (e.g. the segment's first words)."""
    return [Piece(t, _trim_end([p])) for p, t in zip(parts, titles, strict=True)]


def piece_names(template: str, titles: Sequence[str], project: str, ext: str) -> list[str]:
    """File names from a template with {n} (1-based), {title} and {project}; unique, safe.

    Raises:
        ExportError: the template uses another field or is malformed.
    """
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError as exc:
        raise ExportError(f"The file name template is malformed: {exc}.") from exc
    unknown = fields - _FIELDS
    if unknown:
        raise ExportError(
            f"The file name template may use {{n}}, {{title}} and {{project}}, not "
            f"{{{sorted(unknown)[0]}}}."
        )
    names: list[str] = []
    seen: set[str] = set()
    for n, title in enumerate(titles, start=1):
        try:
            stem = sanitize_stem(template.format(n=n, title=title, project=project))
        except (ValueError, IndexError, KeyError) as exc:
            raise ExportError(f"The file name template is malformed: {exc}.") from exc
        name, copy = f"{stem}.{ext}", 2
        while name.lower() in seen:
            name, copy = f"{stem}-{copy}.{ext}", copy + 1
        seen.add(name.lower())
        names.append(name)
    return names


def export_pieces(
    pieces: Sequence[Piece],
    folder: Path,
    options: MixOptions,
    *,
    template: str = DEFAULT_TEMPLATE,
    project: str = "",
    tags: ch.Tags | None = None,
    zip_name: str | None = None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[MixResult]:
    """Mix each piece to its own file in `folder` (or into one ZIP named `zip_name` there).

    Each file gets the piece's title, its number as the track, `project` as the album and
    the artist from `tags`. A ZIP is built from files mixed in a hidden temp folder beside
    it and appears atomically; the results' paths then name entries inside it.

    Raises:
        ExportError, FileExistsExportError, DecodeError, CancelledError: as for mixdown.
    """
    ext = file_extension(options.export_format)
    names = piece_names(template, [p.title for p in pieces], project, ext)
    artist = tags.artist if tags else ""
    work = Path(tempfile.mkdtemp(prefix=".split-", dir=folder)) if zip_name else folder
    results = []
    try:
        for i, (piece, name) in enumerate(zip(pieces, names, strict=True)):
            piece_tags = ch.Tags(piece.title, artist, project, i + 1)

            def finish(temp: Path, result: MixResult, piece_tags: ch.Tags = piece_tags) -> None:
                marks = ch.chapters_from_starts(result.chapters, result.frames)
                ch.write_marks(temp, options.export_format, marks, piece_tags, result.sample_rate)

            def step(fraction: float, i: int = i) -> None:
                if progress is not None:
                    progress((i + fraction) / len(pieces))

            results.append(
                mixdown(piece.parts, work / name, options, finish, progress=step, cancel=cancel)
            )
        if zip_name:
            _zip(work, names, folder / zip_name, options.overwrite)
    finally:
        if zip_name:
            shutil.rmtree(work, ignore_errors=True)
    return results


def _zip(work: Path, names: list[str], target: Path, overwrite: bool) -> None:
    with atomic_target(target, overwrite=overwrite) as temp, zipfile.ZipFile(temp, "w") as archive:
        for name in names:
            # Compressed audio does not shrink further; WAV and raw PCM do.
            method = zipfile.ZIP_DEFLATED if name.endswith((".wav", ".pcm")) else zipfile.ZIP_STORED
            archive.write(work / name, name, compress_type=method)


def _trim_end(parts: list[Part]) -> tuple[Part, ...]:
    if not parts or parts[-1].start_s is not None:
        return tuple(parts)
    return (*parts[:-1], dataclasses.replace(parts[-1], pause_after_s=0.0))
