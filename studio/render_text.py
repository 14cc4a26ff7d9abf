"""What `waves-studio render` prints and names: voice and dictionary tables, default file names."""

from __future__ import annotations

import configparser
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from studio.audio.filenames import DEFAULT_TEMPLATE, suggest_file_name
from studio.core.errors import StudioError, ValidationError
from studio.core.models import PronunciationDict, Voice
from studio.core.untrusted import safe_text

LANGS_SHOWN = 4  # more languages than this read "en,hi,mr,kn +16"
CELL_MAX = 40  # a name longer than this is cut in the table (ids never are)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns as wide as their longest cell; the last column is not padded."""
    cells = [
        list(header),
        *([safe_text(c, CELL_MAX) if i else c for i, c in enumerate(r)] for r in rows),
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        padded = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*padded, row[-1]]).rstrip())
    return "\n".join(lines)


def voice_table(voices: Sequence[Voice]) -> str:
    """The `--list-voices` table: id, name, languages, gender, accent, under a header."""
    if not voices:
        return "This server lists no voices."
    rows = []
    for v in voices:
        codes = list(v.language_codes)
        langs = ",".join(codes[:LANGS_SHOWN]) + (
            f" +{len(codes) - LANGS_SHOWN}" if len(codes) > LANGS_SHOWN else ""
        )
        rows.append(
            [
                safe_text(v.voice_id, 200),
                v.display_name,
                langs or "-",
                v.gender or "-",
                v.accent or "-",
            ]
        )
    return table(("VOICE ID", "NAME", "LANGUAGES", "GENDER", "ACCENT"), rows)


def dict_table(dicts: Sequence[PronunciationDict]) -> str:
    """The `--list-dicts` table, or a sentence when there are none."""
    if not dicts:
        return (
            "No pronunciation dictionaries on this server yet. Create one in the app "
            "(Tools > Pronunciation dictionaries)."
        )
    rows = [
        [safe_text(d.id, 200), str(d.word_count), ", ".join(i.word for i in d.items[:5]) or "-"]
        for d in dicts
    ]
    return table(("DICTIONARY ID", "RULES", "FIRST WORDS"), rows)


def check_voice(client: Any, voice_id: str) -> None:
    """Refuse a voice the server does not list (catalogue or clones), with the way to find one.

    A server whose lists cannot be read is not judged here: the render itself will say why.
    """
    known: set[str] = set()
    for listing in (client.voices, client.clones):
        try:
            known |= {v.voice_id for v in listing()}
        except StudioError:
            return
        if voice_id in known:
            return
    raise ValidationError(
        f"There is no voice '{safe_text(voice_id, 80)}' on this server. See the voices with "
        "--list-voices (add --local for the offline ones).",
        "voice_id",
    )


def name_template(settings_file: Path) -> str:
    """The app's file-name template (`export/name_template`), read without Qt."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read(settings_file, encoding="utf-8")
        value = parser.get("export", "name_template", fallback="")
    except (configparser.Error, UnicodeDecodeError):
        value = ""
    return value.strip().strip('"') or DEFAULT_TEMPLATE


def default_out(folder: Path, template: str, voice: str, text: str, ext: str) -> Path:
    """A new file in `folder` named as the app names a save; "-2", "-3"… if it is taken."""
    name = suggest_file_name(template, date=dt.datetime.now(), voice=voice, text=text, ext=ext)
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path
