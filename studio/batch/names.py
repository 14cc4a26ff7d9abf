"""Output file names for batch items: a template made safe for every OS, collisions suffixed."""

from __future__ import annotations

import string
import unicodedata
from pathlib import Path

from studio.audio.filenames import sanitize_stem, slugify
from studio.core.errors import ValidationError

FIELDS: tuple[str, ...] = ("id", "row", "voice", "first_words", "lang", "speed")
FIRST_WORDS = 6
ID_TEMPLATE = "{id}"
ROW_TEMPLATE = "{row:04d}-{first_words}"
_AUDIO_SUFFIXES = (".wav", ".mp3", ".flac", ".ogg", ".pcm", ".raw", ".ulaw", ".alaw", ".ul", ".al")


def check_template(template: str) -> None:
    """Refuse a template with unknown fields or broken braces, naming the allowed fields.

    Raises:
        ValidationError: the template cannot make names.
    """
    try:
        names = [n for _, n, _, _ in string.Formatter().parse(template) if n is not None]
    except ValueError as exc:
        raise ValidationError(f"The name template '{template}' is not valid: {exc}.") from exc
    unknown = [n for n in names if n not in FIELDS]
    if unknown or not names:
        raise ValidationError(
            f"The name template '{template}' must use only these fields: "
            + ", ".join("{" + f + "}" for f in FIELDS)
            + (f" (not {{{unknown[0]}}})." if unknown else "."),
            "template",
        )
    render_stem(template, key="x", row=1, voice="v", text="t", lang="en", speed=1.0)


def render_stem(
    template: str, *, key: str, row: int, voice: str, text: str, lang: str, speed: float
) -> str:
    """A safe file stem from the template (no separators, reserved names or control chars).

    Raises:
        ValidationError: a format spec does not fit its field (e.g. {voice:04d}).
    """
    values = {
        "id": slugify(key) or str(row),
        "row": row,
        "voice": slugify(voice),
        "first_words": slugify(text, FIRST_WORDS),
        "lang": slugify(lang),
        "speed": f"{speed:g}",
    }
    try:
        stem = template.format_map(values)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValidationError(f"The name template '{template}' does not fit: {exc}.") from exc
    return sanitize_stem(stem)


def stem_from_out(value: str) -> str:
    """The stem a row's `out` cell asks for: its last path part, without an audio extension."""
    name = value.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if Path(name).suffix.lower() in _AUDIO_SUFFIXES:
        name = name[: -len(Path(name).suffix)]
    return sanitize_stem(name)


class NameAllocator:
    """Hands out unique file names in one folder: a taken name gets "-2", "-3"… before its
    extension. Names compare case-insensitively after NFC normalisation, as on Windows and
    macOS, so a job made on Linux copies cleanly to either.

    Attributes:
        taken: Folded names already used (the folder's files and earlier allocations).
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.taken: set[str] = set()
        if folder is not None and folder.is_dir():
            self.taken.update(_fold(p.name) for p in folder.iterdir())

    def allocate(self, stem: str, extension: str) -> str:
        """A free name for `stem` + `.extension`, and mark it taken."""
        name = f"{stem}.{extension}"
        counter = 1
        while _fold(name) in self.taken:
            counter += 1
            name = f"{stem}-{counter}.{extension}"
        self.taken.add(_fold(name))
        return name


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()
