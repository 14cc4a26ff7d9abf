"""Chapter marks and title/artist/album/track tags in mixed files, and a YouTube chapters list.

MP3: ID3v2.4 CHAP frames under one ordered top-level CTOC (mutagen). FLAC and Ogg: Vorbis
comments CHAPTERnnn=HH:MM:SS.mmm and CHAPTERnnnNAME (the de-facto chapter scheme players
such as VLC, foobar2000 and mpv read). WAV: a `cue ` chunk with one point per chapter, a
LIST/adtl chunk with a `labl` per point, and a LIST/INFO chunk for the tags, written here
by hand (mutagen does not write WAV cues). Raw PCM/G.711 has nowhere to put either.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.core.errors import ExportError
from studio.core.subtitles import timestamp

FORMATS_WITH_MARKS = ("wav", "wav_float", "flac", "ogg", "mp3")


@dataclass(frozen=True)
class Chapter:
    """A chapter: its title and where it starts and ends, in samples of the file."""

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Tags:
    """Descriptive tags ("" or 0 leaves one out)."""

    title: str = ""
    artist: str = ""
    album: str = ""
    track: int = 0


def chapters_from_starts(
    starts: Sequence[tuple[str, int]], total_frames: int
) -> tuple[Chapter, ...]:
    """Chapters from (title, start sample) pairs: each ends where the next starts.

    The first chapter is moved to sample 0 so the whole file belongs to a chapter (what
    players and YouTube expect).
    """
    ordered = sorted(starts, key=lambda item: item[1])
    out = []
    for i, (title, start) in enumerate(ordered):
        end = ordered[i + 1][1] if i + 1 < len(ordered) else total_frames
        out.append(Chapter(title, 0 if i == 0 else start, end))
    return tuple(out)


def write_marks(
    path: Path, export_format: str, chapters: Sequence[Chapter], tags: Tags, sample_rate: int
) -> None:
    """Add chapters and tags to the file at `path` in place (call it on a temp file).

    Raises:
        ExportError: the file could not be tagged.
    """
    if export_format not in FORMATS_WITH_MARKS:
        return
    from mutagen import MutagenError

    try:
        if export_format == "mp3":
            _id3(path, chapters, tags, sample_rate)
        elif export_format in ("flac", "ogg"):
            _vorbis(path, export_format, chapters, tags, sample_rate)
        else:
            from studio.audio.wavchunks import append_chunks

            append_chunks(path, [(c.start, c.title) for c in chapters], _info(tags))
    except (OSError, ValueError, MutagenError) as exc:
        raise ExportError(f"Could not write the chapters into {path.name}: {exc}") from exc


def add_marks(
    path: Path, export_format: str, chapters: Sequence[Chapter], tags: Tags, sample_rate: int
) -> None:
    """Add chapters and tags to a finished file atomically (a tagged copy replaces it)."""
    from studio.audio.atomic import atomic_target

    with atomic_target(path, overwrite=True) as temp:
        shutil.copyfile(path, temp)
        write_marks(temp, export_format, chapters, tags, sample_rate)


def youtube_chapters(chapters: Sequence[Chapter], sample_rate: int) -> str:
    """Chapter lines for a YouTube description: `00:00 Intro`, the first at 00:00.

    Hours appear (`1:02:03`) when the last chapter starts after an hour. YouTube also wants
    at least three chapters of 10 s or more; that is the publisher's choice, not checked.
    """
    hours = bool(chapters) and chapters[-1].start >= 3600 * sample_rate
    lines = []
    for i, chapter in enumerate(chapters):
        seconds = 0 if i == 0 else chapter.start // sample_rate
        h, rest = divmod(seconds, 3600)
        stamp = (
            f"{h}:{rest // 60:02d}:{rest % 60:02d}"
            if hours
            else f"{rest // 60:02d}:{rest % 60:02d}"
        )
        lines.append(f"{stamp} {' '.join(chapter.title.split())}")
    return "\n".join(lines) + ("\n" if lines else "")


def vorbis_time(sample: int, sample_rate: int) -> str:
    """HH:MM:SS.mmm, the CHAPTERnnn value."""
    return timestamp(round(sample * 1000 / sample_rate))


def _id3(path: Path, chapters: Sequence[Chapter], tags: Tags, rate: int) -> None:
    # mutagen's frame classes carry no annotations.
    from mutagen.id3 import CHAP, CTOC, ID3, TALB, TIT2, TPE1, TRCK, CTOCFlags

    id3 = ID3()  # type: ignore[no-untyped-call]
    for frame, value in ((TIT2, tags.title), (TPE1, tags.artist), (TALB, tags.album)):
        if value:
            id3.add(frame(encoding=3, text=value))  # type: ignore[no-untyped-call]
    if tags.track:
        id3.add(TRCK(encoding=3, text=str(tags.track)))  # type: ignore[no-untyped-call]
    ids = [f"chp{i}" for i in range(len(chapters))]
    if chapters:
        id3.add(
            CTOC(  # type: ignore[no-untyped-call]
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Chapters")],  # type: ignore[no-untyped-call]
            )
        )
    for element_id, chapter in zip(ids, chapters, strict=True):
        id3.add(
            CHAP(  # type: ignore[no-untyped-call]
                element_id=element_id,
                start_time=round(chapter.start * 1000 / rate),
                end_time=round(chapter.end * 1000 / rate),
                start_offset=0xFFFFFFFF,  # "use the times", as the ID3 chapter spec says
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],  # type: ignore[no-untyped-call]
            )
        )
    id3.save(path, v2_version=4)


def _vorbis(path: Path, fmt: str, chapters: Sequence[Chapter], tags: Tags, rate: int) -> None:
    from mutagen.flac import FLAC
    from mutagen.oggvorbis import OggVorbis

    audio = FLAC(path) if fmt == "flac" else OggVorbis(path)  # type: ignore[no-untyped-call]
    if audio.tags is None:
        audio.add_tags()  # type: ignore[no-untyped-call]
    for key, value in (("TITLE", tags.title), ("ARTIST", tags.artist), ("ALBUM", tags.album)):
        if value:
            audio[key] = value
    if tags.track:
        audio["TRACKNUMBER"] = str(tags.track)
    for i, chapter in enumerate(chapters, start=1):
        audio[f"CHAPTER{i:03d}"] = vorbis_time(chapter.start, rate)
        audio[f"CHAPTER{i:03d}NAME"] = chapter.title
    audio.save()


def _info(tags: Tags) -> list[tuple[bytes, str]]:
    pairs = [(b"INAM", tags.title), (b"IART", tags.artist), (b"IPRD", tags.album)]
    if tags.track:
        pairs.append((b"ITRK", str(tags.track)))
    return [(key, value) for key, value in pairs if value]
