"""Checks on pronunciation rules before they are saved: empty, duplicate, conflicting, spaced."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from studio.core.errors import ValidationError
from studio.core.models import PronunciationItem


def _blank(row: tuple[str, str]) -> bool:
    return not any(cell.strip() for cell in row)


@dataclass(frozen=True)
class RuleProblem:
    """One problem with the rules table.

    Attributes:
        row: 0-based row.
        kind: "empty", "duplicate", "conflict" or "spaces".
        message: What is wrong, for the user.
        blocking: True when the rules cannot be saved as they are.
    """

    row: int
    kind: str
    message: str
    blocking: bool = True


def check_rules(rows: list[tuple[str, str]]) -> list[RuleProblem]:
    """Every problem of a (word, pronunciation) table, in row order.

    Matching is case-sensitive (§7), so "SQL" and "sql" are different words, not duplicates.
    """
    problems: list[RuleProblem] = []
    seen: dict[str, list[int]] = defaultdict(list)
    for row, (word, pronunciation) in enumerate(rows):
        if not word.strip() and not pronunciation.strip():
            problems.append(RuleProblem(row, "empty", f"Row {row + 1} is empty."))
            continue
        if not word.strip():
            problems.append(RuleProblem(row, "empty", f"Row {row + 1} has no word."))
        elif not pronunciation.strip():
            problems.append(
                RuleProblem(row, "empty", f"'{word.strip()}' (row {row + 1}) has no pronunciation.")
            )
        if word != word.strip() or pronunciation != pronunciation.strip():
            problems.append(
                RuleProblem(
                    row,
                    "spaces",
                    f"Row {row + 1} has spaces at the start or end; they will be removed.",
                    blocking=False,
                )
            )
        if word.strip():
            seen[word.strip()].append(row)
    for word, where in seen.items():
        if len(where) < 2:
            continue
        readings = {rows[r][1].strip() for r in where}
        kind = "conflict" if len(readings) > 1 else "duplicate"
        text = (
            (
                f"'{word}' has {len(readings)} different pronunciations (rows "
                if kind == "conflict"
                else f"'{word}' is listed more than once (rows "
            )
            + ", ".join(str(r + 1) for r in where)
            + ")."
        )
        problems.extend(RuleProblem(r, kind, text, blocking=kind == "conflict") for r in where[1:])
    return sorted(problems, key=lambda p: (p.row, p.kind))


def clean_rules(rows: list[tuple[str, str]]) -> list[PronunciationItem]:
    """Rules ready to save: trimmed, blank rows and exact duplicates dropped, order kept.

    Raises:
        ValidationError: a blocking problem remains (see check_rules).
    """
    blocking = [p for p in check_rules(rows) if p.blocking and p.kind != "duplicate"]
    blocking = [p for p in blocking if not (p.kind == "empty" and _blank(rows[p.row]))]
    if blocking:
        raise ValidationError(blocking[0].message, "items")
    items: list[PronunciationItem] = []
    seen: set[str] = set()
    for raw_word, raw_pronunciation in rows:
        word, pronunciation = raw_word.strip(), raw_pronunciation.strip()
        if (not word and not pronunciation) or word in seen:
            continue
        seen.add(word)
        items.append(PronunciationItem(word, pronunciation))
    return items
