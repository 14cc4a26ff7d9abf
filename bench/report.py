"""How a benchmark reports a figure: one human line, and a JSON line for `bench/run-all`.

A bench calls `report(name, value, unit, goal, floor=..., better=...)` for each figure. It
prints the figure beside its goal, the ratios to goal and floor and PASS/MISS; when the
environment variable BENCH_REPORT names a file (run-all sets it), it also appends one JSON
object per figure to that file:

    {"bench": "bench_client", "name": "...", "value": 151.2, "unit": "ms", "goal": 170.0,
     "floor": 149.8, "better": "lower", "ratio_goal": 0.89, "ratio_floor": 1.01,
     "ok": true, "runs": [min, median, max] or null, "note": ""}

`ok` is null for a figure that is reported without a goal. Benches whose own formatter already
prints a line can call `record(...)` with their formatted strings instead (no printing).
Import it as `from report import report` (a bench's own folder is first on sys.path).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ENV = "BENCH_REPORT"
BETTER = ("lower", "higher")


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    """(min, median, max) of a bench's runs."""
    if not values:
        raise ValueError("no runs to summarise")
    return min(values), statistics.median(values), max(values)


def print_variants(
    results: dict[str, list[dict[str, float]]],
    goals: dict[str, float],
    rss_goal_mb: float,
    width: int,
) -> None:
    """One line per variant of interleaved child runs (each a {"s": seconds, "rss": peak MB}):
    min/median/max seconds beside its goal (if any), and the largest peak RSS beside
    `rss_goal_mb`."""
    for variant, runs in results.items():
        secs = sorted(r["s"] for r in runs)
        rss = max(r["rss"] for r in runs)
        goal = goals.get(variant)
        timing = f"{secs[0]:6.1f}/{statistics.median(secs):6.1f}/{secs[-1]:6.1f} s"
        goal_text = (
            f"goal <= {goal:g} s ratio {statistics.median(secs) / goal:4.2f}"
            if goal
            else "(no goal)"
        )
        print(
            f"{variant:<{width}} {timing}  {goal_text:<28} peak RSS {rss:6.0f} MB  "
            f"goal < {rss_goal_mb:g} MB ratio {rss / rss_goal_mb:4.2f}"
        )


def passes(value: float, goal: float | None, better: str) -> bool | None:
    """Whether `value` meets `goal` (None when there is no goal)."""
    if better not in BETTER:
        raise ValueError(f"better must be one of {BETTER}, not {better!r}")
    if goal is None:
        return None
    return value <= goal if better == "lower" else value >= goal


def _ratio(value: float, reference: float | None) -> float | None:
    if reference is None or reference == 0:
        return None
    return value / reference


def _ratio_fmt(ratio: float) -> str:
    """Two decimals, or two significant figures for small ratios (0.0048, not 0.00)."""
    return f"{ratio:.2f}" if abs(ratio) >= 0.1 else f"{ratio:.2g}"


def _bench_name() -> str:
    return Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else "bench"


def fmt_number(value: float) -> str:
    """Three significant figures at least, thousands separated, no exponent for usual sizes."""
    magnitude = abs(value)
    if float(value).is_integer() and magnitude < 1e9:
        return f"{int(value):,}"
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.1f}"
    if magnitude >= 1 or magnitude == 0:
        return f"{value:.2f}"
    return f"{value:.3g}"


def report(
    name: str,
    value: float,
    unit: str,
    goal: float | None = None,
    floor: float | None = None,
    better: str = "lower",
    *,
    runs: Sequence[float] | None = None,
    note: str = "",
) -> bool | None:
    """Print one figure beside its goal and floor; append it to $BENCH_REPORT if set.

    Args:
        name: What was measured, unique within the bench.
        value: The figure judged against the goal (usually the median of `runs`).
        unit: "ms", "MB", "x", "req/s"…
        goal: The threshold it must meet, in the same unit; None = reported only.
        floor: What the same work costs at best (a bare framework, the SDK, a bare window),
            measured in the same run; printed as the ratio value/floor.
        better: "lower" (times, memory) or "higher" (speeds, throughput).
        runs: All runs' values, summarised as min/median/max.
        note: A short remark printed after the verdict (e.g. "machine loaded").

    Returns:
        True/False for PASS/MISS, None when there is no goal.
    """
    ok = passes(value, goal, better)
    ratio_goal, ratio_floor = _ratio(value, goal), _ratio(value, floor)
    summary = spread(runs) if runs else None
    figure = f"{fmt_number(value)} {unit}"
    if summary is not None:
        figure += f" ({'/'.join(fmt_number(v) for v in summary)} min/med/max)"
    sign = "<=" if better == "lower" else ">="
    goal_text = f"goal {sign} {fmt_number(goal)} {unit}" if goal is not None else "reported"
    parts = [f"{name:<46} {figure:<38} {goal_text:<20}"]
    if ratio_goal is not None:
        parts.append(f"ratio {_ratio_fmt(ratio_goal)}")
    if ratio_floor is not None:
        parts.append(f"vs floor {_ratio_fmt(ratio_floor)}x ({fmt_number(floor or 0)} {unit})")
    parts.append({True: "PASS", False: "MISS", None: ""}[ok])
    if note:
        parts.append(f"({note})")
    print("  ".join(p for p in parts if p).rstrip(), flush=True)
    _append(
        {
            "name": name,
            "value": value,
            "unit": unit,
            "goal": goal,
            "floor": floor,
            "better": better,
            "ratio_goal": ratio_goal,
            "ratio_floor": ratio_floor,
            "ok": ok,
            "runs": list(summary) if summary else None,
            "note": note,
        }
    )
    return ok


def record(name: str, figure: str, goal: str, ratio: float | None, ok: bool | None) -> None:
    """For benches that print their own line: append a pre-formatted figure to $BENCH_REPORT."""
    _append(
        {
            "name": name.strip(),
            "figure": figure.strip(),
            "goal_text": goal.strip(),
            "ratio_goal": ratio,
            "ok": ok,
        }
    )


def _append(entry: dict[str, Any]) -> None:
    path = os.environ.get(ENV)
    if not path:
        return
    entry = {"bench": os.environ.get("BENCH_NAME") or _bench_name(), **entry}
    # One write of one line in append mode: lines from several processes never interleave.
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({k: _finite(v) for k, v in entry.items()}) + "\n")


def _finite(value: object) -> object:
    """NaN and infinities become null (JSON has no spelling for them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
