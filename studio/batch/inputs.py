"""Read batch input (CSV/TSV with a header, a folder of .txt/.md, one clip per line) into rows."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.errors import ValidationError

COLUMNS: tuple[str, ...] = (
    "text", "id", "voice", "language", "speed", "model", "format", "sample_rate", "dicts", "out",
)  # fmt: skip
MAX_INPUT_BYTES = 200 * 1024 * 1024  # a whole spreadsheet is read at once; refuse what is absurd
MAX_FOLDER_FILES = 100_000
MAX_ITEM_CHARS = 100_000  # one output file; about two hours of speech
# The most bytes a file of MAX_ITEM_CHARS characters can take (4 per character in UTF-8, and
# a BOM): a folder's bigger file is reported without being read. A folder's texts together
# are held to MAX_INPUT_BYTES, as one spreadsheet is.
MAX_FILE_BYTES = 4 * MAX_ITEM_CHARS + 4
# The csv module refuses cells over its limit with an error that would stop the whole file; the
# limit is raised so that a huge cell reaches validation and fails alone, with its row number.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024
_TEXT_SUFFIXES = (".txt", ".md", ".markdown")
_MD_MARKUP = re.compile(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+|>\s?)|[*_`]+|!?\[([^\]]*)\]\([^)]*\)", re.M)


@dataclass(frozen=True)
class RawRow:
    """One input record before validation.

    Attributes:
        row: Spreadsheet row number (the header is row 1), line number, or file number.
        cells: Column name to raw value (only columns the header has).
        problems: Structural errors of the record (ragged row, unreadable file).
        source: The file it came from, for a folder.
    """

    row: int
    cells: dict[str, str]
    problems: tuple[str, ...] = ()
    source: str = ""


@dataclass
class InputTable:
    """Everything read from one input, ready to be planned.

    Attributes:
        kind: "csv", "tsv", "folder" or "lines".
        path: What was read.
        columns: The header's columns, normalised ("id" and "text" for a folder, "text" for
            lines).
        rows: The records, in order.
        notes: Things the user should know that stop nothing (encoding guessed, unused columns).
    """

    kind: str
    path: Path
    columns: tuple[str, ...]
    rows: list[RawRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_input(path: Path) -> InputTable:
    """Read `path`: a folder, a .csv/.tsv table, or any other text file as one clip per line.

    Raises:
        ValidationError: the input is missing, empty, too large, or a table without `text`.
    """
    if path.is_dir():
        return _read_folder(path)
    data = _read_bytes(path)
    text, note = decode_text(data, path.name)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".tab"):
        table = read_table(text, path, "\t" if suffix != ".csv" else None)
    else:
        table = InputTable("lines", path, ("text",))
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                table.rows.append(RawRow(number, {"text": line.strip()}))
    if note:
        table.notes.insert(0, note)
    if not table.rows:
        raise ValidationError(f"{path.name} has nothing to render: no rows with text.", "input")
    return table


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ValidationError(
                f"{path.name} is {size // (1024 * 1024)} MB; a batch input can be at most "
                f"{MAX_INPUT_BYTES // (1024 * 1024)} MB. Split it into several files.",
                "input",
            )
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"Could not read {path}: {exc.strerror or exc}.", "input") from exc


def _read_text_file(path: Path) -> bytes:
    """A folder's file, read only when it can fit one item (never more than MAX_FILE_BYTES).

    Raises:
        ValidationError: unreadable, or too long for one output.
    """
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        raise ValidationError(f"Could not read {path}: {exc.strerror or exc}.", "input") from exc
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:  # the size, or what was read
        raise ValidationError(
            f"{path.name} is {max(size, len(data)) / 2**20:.1f} MB: more text than one output "
            f"can hold ({MAX_ITEM_CHARS:,} characters). Split it into several files.",
            "text",
        )
    return data


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """The text of a file and a note when its encoding was guessed ("" when it was certain).

    UTF-8 (with or without a BOM) and UTF-16 with a BOM are certain; UTF-16 without a BOM is
    recognised by its zero bytes; anything else that is not UTF-8 is read as Windows-1252.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), ""
    even, odd = data[0:2000:2], data[1:2000:2]
    if len(data) >= 4 and (odd.count(0) > 0.4 * len(odd) or even.count(0) > 0.4 * len(even)):
        encoding = "utf-16-le" if odd.count(0) > even.count(0) else "utf-16-be"
        return data.decode(encoding, errors="replace"), f"{name} was read as {encoding.upper()}."
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    return data.decode("cp1252", errors="replace"), (
        f"{name} is not UTF-8; it was read as Windows-1252. Check accented letters in the "
        "preview, or save it as UTF-8."
    )


def _delimiter(first_line: str) -> str:
    """The most used of comma, semicolon and tab in the header (Excel writes ';' in some
    locales)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(text: str, path: Path, delimiter: str | None = None) -> InputTable:
    """Parse CSV/TSV text with a header row into RawRows; structural problems per row.

    Raises:
        ValidationError: no header, no `text` column, or a duplicated column.
    """
    first = text.split("\n", 1)[0]
    sep = delimiter or _delimiter(first)
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise ValidationError(f"{path.name} is empty: the first row must name the columns.")
    columns = tuple(h.replace("\x00", "").strip().lower().replace(" ", "_") for h in header)
    if "text" not in columns:
        raise ValidationError(
            f"{path.name} has no 'text' column. The first row must name the columns; 'text' is "
            f"required and {', '.join(COLUMNS[1:])} are optional.",
            "text",
        )
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        raise ValidationError(f"{path.name} names the column '{duplicated[0]}' twice.")
    table = InputTable("tsv" if sep == "\t" else "csv", path, columns)
    unknown = [c or "(blank)" for c in columns if c not in COLUMNS]
    if unknown:
        table.notes.append(
            f"Column(s) {', '.join(unknown)} are not used (known: {', '.join(COLUMNS)})."
        )
    table.rows.extend(_records(reader, columns, path))
    return table


def _records(reader: Iterator[list[str]], columns: tuple[str, ...], path: Path) -> Iterator[RawRow]:
    row = 1
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RawRow(row, {}, (f"{path.name} could not be read from here on: {exc}.",))
            return
        if not any(c.strip() for c in cells):
            continue  # blank lines between blocks of rows are common and harmless
        problems: tuple[str, ...] = ()
        if len(cells) != len(columns):
            problems = (
                f"has {len(cells)} cells but the header has {len(columns)} columns (a missing "
                "or extra separator, or an unquoted separator inside a cell)",
            )
        yield RawRow(row, dict(zip(columns, cells, strict=False)), problems)


def _read_folder(folder: Path) -> InputTable:
    """Each .txt/.md file of the folder (not its subfolders) is one clip, in name order."""
    try:
        files = sorted(
            (p for p in folder.iterdir() if p.suffix.lower() in _TEXT_SUFFIXES and p.is_file()),
            key=lambda p: p.name.casefold(),
        )
    except OSError as exc:
        raise ValidationError(f"Could not list {folder}: {exc.strerror or exc}.") from exc
    if not files:
        raise ValidationError(f"{folder} has no .txt or .md files to render.", "input")
    if len(files) > MAX_FOLDER_FILES:
        raise ValidationError(f"{folder} has over {MAX_FOLDER_FILES} text files; split it.")
    table = InputTable("folder", folder, ("id", "text"))
    budget = MAX_INPUT_BYTES
    for number, file in enumerate(files, start=1):
        try:
            data = _read_text_file(file)
        except ValidationError as exc:
            table.rows.append(RawRow(number, {"id": file.stem}, (exc.user_message,), file.name))
            continue
        budget -= len(data)
        if budget < 0:
            raise ValidationError(
                f"The text files in {folder.name} hold over {MAX_INPUT_BYTES // 2**20} MB; a "
                "batch input can be at most that. Split the folder into several.",
                "input",
            )
        text, note = decode_text(data, file.name)
        if note:
            table.notes.append(note)
        if file.suffix.lower() != ".txt":
            text = _MD_MARKUP.sub(lambda m: m.group(2) or "", text)
        table.rows.append(RawRow(number, {"id": file.stem, "text": text.strip()}, (), file.name))
    return table
