"""Figures for run-all: from report()'s JSON lines, or parsed from a bench's printed lines.

A `Figure` is one row of the summary table. Benches that call `report()`/`record()` hand them
over as JSON lines; for a bench that only prints, `parse_printed` reads lines of the usual
shapes, e.g.

    decode mp3 (one-shot)        1,234x real time   goal >= 200x   ratio 6.17   PASS
    Piper first request, model load included      1.23 s     goal <= 2    ratio   0.62  PASS
    waves-local / bare req/s (medians): 0.45x   goal >= 0.5x  MISS
    fonts min 9.0 ms  median 10.1 ms  max 12.0 ms  goal <= 20 ms  (median/goal 0.51)
    endless sse  120M  130M  140M   <= 620 MB (baseline + cap + 100): 0.23x of goal, OK

A line counts when it carries a verdict word (PASS/MISS/OK/OVER/FAIL) or a goal with a ratio;
a missing verdict is inferred from the goal's direction and the ratio.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report import fmt_number

VERDICT = re.compile(r"\b(PASS|MISS|OK|OVER|FAIL)\b")
RATIO = re.compile(
    r"ratio\s+(-?\d[\d,]*\.?\d*)|(-?\d[\d,]*\.?\d*)x of goal|median/goal\s+(-?\d[\d,]*\.?\d*)"
)
GOAL_WORD = re.compile(r"\bgoal\s+(.+?)(?=\s{2,}|\s+ratio\b|\s+\(|\s+(?:PASS|MISS)\b|,\s|$)")
GOAL_SIGN = re.compile(r"(?<![-\w])((?:<=|>=|≤|≥|<|>)\s*\d[\d,]*\.?\d*\s*[A-Za-z/%]*)")
NO_GOAL = ("reported", "-", "")
HEADER = ("bench", "figure", "value", "min / median / max", "goal", "÷ goal", "÷ floor", "verdict")


@dataclass(frozen=True)
class Figure:
    """One summary row.

    Attributes:
        bench: The bench that measured it (script name without .py).
        name: What was measured.
        value: The figure as text, with its unit.
        spread: "min / median / max" as text, or "".
        goal: The goal as text ("<= 170 ms"), or "" when only reported.
        ratio_goal, ratio_floor: value/goal and value/floor, when known.
        verdict: "PASS", "MISS", "" (reported only), or a bench status ("FAIL: exit 1", …).
    """

    bench: str
    name: str
    value: str = ""
    spread: str = ""
    goal: str = ""
    ratio_goal: float | None = None
    ratio_floor: float | None = None
    verdict: str = ""

    def cells(self) -> tuple[str, ...]:
        """The row's cells in HEADER order."""
        return (
            self.bench,
            self.name,
            self.value,
            self.spread,
            self.goal,
            _ratio_text(self.ratio_goal),
            _ratio_text(self.ratio_floor),
            self.verdict,
        )


def _ratio_text(ratio: float | None) -> str:
    if ratio is None:
        return ""
    return f"{ratio:.2f}" if abs(ratio) >= 0.1 else f"{ratio:.2g}"


def _verdict(ok: object) -> str:
    if ok is True:
        return "PASS"
    return "MISS" if ok is False else ""


def from_json_line(entry: dict[str, Any]) -> Figure:
    """A figure from one line report() or record() appended."""
    bench = str(entry.get("bench", "?"))
    name = str(entry.get("name", "?"))
    if "figure" in entry:  # record(): pre-formatted by the bench
        return Figure(
            bench,
            name,
            str(entry["figure"]),
            goal=str(entry.get("goal_text", "")),
            ratio_goal=entry.get("ratio_goal"),
            verdict=_verdict(entry.get("ok")),
        )
    unit = str(entry.get("unit") or "")
    value = entry.get("value")
    runs = entry.get("runs")
    goal = entry.get("goal")
    sign = "<=" if entry.get("better", "lower") == "lower" else ">="
    return Figure(
        bench,
        name,
        f"{fmt_number(value)} {unit}".strip() if isinstance(value, int | float) else "n/a",
        " / ".join(fmt_number(v) for v in runs) if runs else "",
        f"{sign} {fmt_number(goal)} {unit}".strip() if isinstance(goal, int | float) else "",
        entry.get("ratio_goal"),
        entry.get("ratio_floor"),
        _verdict(entry.get("ok")),
    )


def read_json_lines(path: Path) -> list[Figure]:
    """Every figure in a BENCH_REPORT file (a bad line is skipped: a crash mid-write)."""
    if not path.exists():
        return []
    figures = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            figures.append(from_json_line(entry))
    return figures


def _float(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def parse_line(bench: str, line: str) -> Figure | None:
    """A figure from one printed line, or None when the line is not a result."""
    text = line.strip()
    verdicts = VERDICT.findall(text)
    ratio_match = RATIO.search(text)
    ratio = _float(next((g for g in ratio_match.groups() if g), None)) if ratio_match else None
    goal_match = GOAL_WORD.search(text) or GOAL_SIGN.search(text)
    if not verdicts and not (goal_match and ratio is not None):
        return None
    goal = goal_match.group(1).strip() if goal_match else ""
    head = text[: goal_match.start()] if goal_match else text
    early_verdict = VERDICT.search(head)  # "… 0.45x OK" with no goal before it
    if early_verdict:
        head = head[: early_verdict.start()]
    head = head.rstrip(" ,:;")
    parts = re.split(r"\s{2,}", head, maxsplit=1)  # a padded name column, then the figure
    if len(parts) == 1 and ": " in head:  # "name: figure"
        parts = head.rsplit(": ", 1)
    name, value = parts[0], parts[1] if len(parts) > 1 else ""
    if ratio is None:  # e.g. "0.45x   goal >= 0.5x": both numbers are there
        number = re.search(r"-?\d[\d,]*\.?\d*", value)
        limit = re.search(r"-?\d[\d,]*\.?\d*", goal)
        top, bottom = _float(number and number.group()), _float(limit and limit.group())
        ratio = top / bottom if top is not None and bottom else None
    if goal in NO_GOAL:  # printed as a figure with a dummy verdict: reported only
        ratio, verdict = None, ""
    elif verdicts:
        word = verdicts[-1]
        verdict = "PASS" if word in ("PASS", "OK") else "MISS"
    elif ratio is not None and goal[:1] in "<>≤≥":
        verdict = "PASS" if (ratio <= 1) == (goal[:1] in "<≤") else "MISS"
    else:
        verdict = ""
    return Figure(bench, name.strip(), " ".join(value.split()), goal=goal, ratio_goal=ratio,
                  verdict=verdict)  # fmt: skip


def parse_printed(bench: str, output: str) -> list[Figure]:
    """Every result line of a bench's printed output."""
    figures = (parse_line(bench, line) for line in output.splitlines())
    return [f for f in figures if f is not None]


def markdown_table(figures: list[Figure]) -> str:
    """The summary as a Markdown table (README-ready; `|` inside cells escaped)."""
    rows = [HEADER, tuple("---" for _ in HEADER)]
    rows += [tuple(c.replace("|", "\\|") for c in f.cells()) for f in figures]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def parse_table(text: str) -> list[dict[str, str]]:
    """The rows of a summary table printed by markdown_table (header checked)."""
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    if not lines:
        raise ValueError("no summary table in the output")
    header = tuple(c.strip() for c in lines[0].strip().strip("|").split(" | "))
    if header != HEADER:
        raise ValueError(f"unexpected table header {header}")
    rows = []
    for line in lines[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\) \| ", line.strip()[2:-2])]
        if len(cells) != len(HEADER):
            raise ValueError(f"row with {len(cells)} cells: {line}")
        rows.append(dict(zip(HEADER, cells, strict=True)))
    return rows
