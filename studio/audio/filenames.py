"""Safe, readable file names for saved clips, from a template like "{date}-{voice}-{words}"."""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata

DEFAULT_TEMPLATE = "{date}-{voice}-{words}"
MAX_STEM_BYTES = 120  # file systems allow 255 bytes; leave room for the extension and copies
WORDS = 6
# Characters that are unsafe somewhere (Windows, macOS, Linux) or awkward in a shell.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_SEPARATORS = re.compile(r"[\s\-]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}


def _word_character(ch: str) -> bool:
    # Combining marks (category M) are part of letters in Indic and other scripts.
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def slugify(text: str, max_words: int | None = None) -> str:
    """Letters and digits of any script, words joined by "-", punctuation dropped."""
    text = unicodedata.normalize("NFC", text)
    words = []
    for raw in _SEPARATORS.split(text):
        word = "".join(ch for ch in raw if _word_character(ch))
        if word:
            words.append(word)
        if max_words is not None and len(words) >= max_words:
            break
    return "-".join(words)


def _date_text(date: dt.date | dt.datetime | str) -> str:
    if isinstance(date, dt.datetime):
        return date.strftime("%Y-%m-%d_%H%M%S")
    if isinstance(date, dt.date):
        return date.isoformat()
    return slugify(date)


def _cap_bytes(text: str, limit: int) -> str:
    """Cut to at most `limit` UTF-8 bytes without splitting a character."""
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


def sanitize_stem(stem: str) -> str:
    """Make any string usable as a file name stem on every desktop OS."""
    stem = _UNSAFE.sub("-", unicodedata.normalize("NFC", stem))
    stem = re.sub(r"-{2,}", "-", stem)
    stem = _cap_bytes(stem, MAX_STEM_BYTES).strip(" .-_")
    if not stem:
        return "clip"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"{stem}_"
    return stem


def suggest_file_name(
    template: str, *, date: dt.date | dt.datetime | str, voice: str, text: str, ext: str
) -> str:
    """A file name for a clip, e.g. "2026-07-14-magnus-Hello-there-how-are-you.wav".

    Args:
        template: Uses {date}, {voice} and {words} (the first few words of the text); other
            text is kept. A template that is not valid falls back to DEFAULT_TEMPLATE.
        date: A date or datetime (a datetime adds the time), or text.
        voice: The voice's id or name.
        text: The clip's text.
        ext: Extension without the dot ("wav").

    Returns:
        A name with no path separators, reserved device names, control characters or
        leading dots, at most MAX_STEM_BYTES bytes before the extension.
    """
    fields = {"date": _date_text(date), "voice": slugify(voice), "words": slugify(text, WORDS)}
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
        if any(name not in fields for name in names):
            raise ValueError("unknown field")
        stem = template.format_map(fields)
    except (ValueError, IndexError, KeyError):
        stem = DEFAULT_TEMPLATE.format_map(fields)
    stem = sanitize_stem(stem)
    extension = slugify(ext.lstrip("."))
    return f"{stem}.{extension}" if extension else stem
