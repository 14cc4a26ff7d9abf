"""Pronunciation rules as CSV or TSV: word, pronunciation (UTF-8, an optional header row)."""

from __future__ import annotations

import csv
import io

HEADER = ("word", "pronunciation")


def sniff_delimiter(text: str) -> str:
    """Tab when the first non-empty line has a tab, else comma."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "\t" if "\t" in first else ","


def parse_rules_table(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Read rules from CSV/TSV text.

    Returns:
        (rows, notes): rows as written (spaces kept, so validation can point them out);
        notes for lines that were skipped (wrong number of columns), with line numbers.
    """
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    rows: list[tuple[str, str]] = []
    notes: list[str] = []
    for number, record in enumerate(reader, start=1):
        if not any(cell.strip() for cell in record):
            continue
        if number == 1 and tuple(c.strip().lower() for c in record[:2]) == HEADER:
            continue
        if len(record) < 2:
            notes.append(f"Line {number} has no pronunciation column; skipped.")
            continue
        if len(record) > 2 and any(cell.strip() for cell in record[2:]):
            notes.append(f"Line {number} has more than two columns; only the first two are used.")
        rows.append((record[0], record[1]))
    return rows, notes


def format_rules_table(rows: list[tuple[str, str]], delimiter: str = ",") -> str:
    """Write rules as CSV (or TSV with delimiter "\\t") with a header row, quoting as needed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()
