"""Import scripts (text, Markdown, SubRip, WebVTT, Word, EPUB) into one neutral structure.

Public interface: `import_script(path)` and `import_text(data, kind, name)` return an
`ImportedScript` (chapters -> paragraphs -> speaker, text, optional cue times); failures raise
`ScriptImportError` with a message that names the file and, where known, the line.
"""

from __future__ import annotations

from pathlib import Path

from studio.core.script_import.model import (
    Chapter,
    ImportedScript,
    Paragraph,
    ScriptImportError,
    split_speaker,
)
from studio.core.textfile import decode_text, unix_lines

KINDS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
         ".srt": "srt", ".vtt": "vtt", ".docx": "docx", ".epub": "epub"}  # fmt: skip
MAX_BYTES = 64 * 1024 * 1024  # a 64 MB script is ~10 days of speech: anything bigger is a mistake

__all__ = [
    "KINDS",
    "Chapter",
    "ImportedScript",
    "Paragraph",
    "ScriptImportError",
    "import_script",
    "import_text",
    "split_speaker",
]


def import_script(path: Path, kind: str | None = None) -> ImportedScript:
    """Import the script at `path`; its kind comes from the extension unless given.

    Raises:
        ScriptImportError: unknown kind, unreadable, too large or malformed file.
    """
    path = Path(path)
    kind = kind or KINDS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(KINDS))
        raise ScriptImportError(f"{path.name}: cannot import this kind of file (use {known}).")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScriptImportError(f"{path.name} is {size // 2**20} MB: too large for a script.")
        if kind in ("docx", "epub"):
            from studio.core.script_import import documents

            notes: list[str] = []
            if kind == "docx":
                return documents.parse_docx(path, notes)
            return documents.parse_epub(path, notes)
        data = path.read_bytes()
    except OSError as exc:
        raise ScriptImportError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    return import_text(data, kind, path.name)


def import_text(data: bytes | str, kind: str, name: str = "The script") -> ImportedScript:
    """Import script content given as bytes (any usual encoding) or text.

    Raises:
        ScriptImportError: malformed content, or a kind that needs a file (docx, epub).
    """
    from studio.core.script_import import plain, timed

    notes: list[str] = []
    if isinstance(data, bytes):
        decoded = decode_text(data, name)
        text = decoded.text
        notes.append(decoded.note)
    else:
        text = unix_lines(data.removeprefix("\ufeff"))
    if kind == "text":
        return plain.parse_text(text, notes)
    if kind == "markdown":
        return plain.parse_markdown(text, notes)
    if kind == "srt":
        return timed.parse_srt(text, name, notes)
    if kind == "vtt":
        return timed.parse_vtt(text, name, notes)
    raise ScriptImportError(f"{name}: '{kind}' scripts are imported from a file.")
