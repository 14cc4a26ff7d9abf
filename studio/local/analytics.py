"""The §8 analytics answers, computed from waves-local's own request log."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from studio.local.ids import iso_z
from studio.local.monitor import UsageLog
from studio.local.wire import invalid_request

GRANULARITIES = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
MAX_BUCKETS = 2000
MAX_PAGE_SIZE = 100
# Dates outside these years are refused: bucket arithmetic near year 1 or 9999 overflows.
FIRST_YEAR, LAST_YEAR = 1970, 9000


def logs_page(usage: UsageLog, page: str | None, page_size: str | None) -> dict[str, Any]:
    """`GET /analytics/tts/logs`: newest first, 1-based pages."""
    number = _positive_int("page", page, 1)
    size = _positive_int("pageSize", page_size, 20)
    if size > MAX_PAGE_SIZE:
        raise invalid_request(f"pageSize must be at most {MAX_PAGE_SIZE}.")
    entries = list(reversed(usage.snapshot()[0]))
    chunk = entries[(number - 1) * size : number * size]
    return {
        "status": "success",
        "data": [entry.to_api() for entry in chunk],
        "page": number,
        "pageSize": size,
        "totalCount": len(entries),
        "totalPages": math.ceil(len(entries) / size),
    }


def _positive_int(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_request(f"{name} must be a whole number.") from None
    if value < 1:
        raise invalid_request(f"{name} must be at least 1.")
    return value


def _parse_time(name: str, raw: str | None, default: datetime) -> datetime:
    """An ISO-8601 query value in UTC; 400 naming `name` for one that does not parse or lies
    outside FIRST_YEAR..LAST_YEAR (a far-off offset overflows the datetime range)."""
    if not raw:
        return default
    try:
        moment = datetime.fromisoformat(raw)
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise invalid_request(
            f"'{name}' must be an ISO-8601 datetime such as 2026-08-01T00:00:00Z."
        ) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise invalid_request(f"'{name}' must lie between the years {FIRST_YEAR} and {LAST_YEAR}.")
    return moment


def buckets(
    start_raw: str | None, end_raw: str | None, granularity: str | None
) -> tuple[list[datetime], timedelta]:
    """Bucket starts (UTC, aligned to the hour or day) covering [from, to]."""
    step_name = granularity or "day"
    if step_name not in GRANULARITIES:
        raise invalid_request("granularity must be 'hour' or 'day'.")
    step = GRANULARITIES[step_name]
    end = _parse_time("to", end_raw, datetime.now(UTC))
    start = _parse_time("from", start_raw, end - (7 * step if step_name == "day" else 24 * step))
    if start > end:
        raise invalid_request("'from' must be before 'to'.")
    start = start.replace(minute=0, second=0, microsecond=0)
    if step_name == "day":
        start = start.replace(hour=0)
    count = int((end - start) / step) + 1
    if count > MAX_BUCKETS:
        raise invalid_request(f"That range has more than {MAX_BUCKETS} buckets; narrow it.")
    return [start + i * step for i in range(count)], step


def _bucket_index(starts: list[datetime], step: timedelta, moment: float) -> int | None:
    when = datetime.fromtimestamp(moment, UTC)
    if not starts or when < starts[0] or when >= starts[-1] + step:
        return None
    return int((when - starts[0]) / step)


def series(
    starts: list[datetime],
    step: timedelta,
    points: list[tuple[float, float]],
    combine: Callable[[float, float], float],
) -> list[float]:
    """Fold (time, value) points into the buckets with `combine` (sum, max…)."""
    values = [0.0] * len(starts)
    for moment, value in points:
        index = _bucket_index(starts, step, moment)
        if index is not None:
            values[index] = combine(values[index], value)
    return values


def timeseries(usage: UsageLog, kind: str, query: dict[str, str | None]) -> dict[str, Any]:
    """One of the four timeseries: usage, credits, concurrency or ws-connections."""
    starts, step = buckets(query.get("from"), query.get("to"), query.get("granularity"))
    entries, concurrency, ws_opened = usage.snapshot()
    stamps = [iso_z(start) for start in starts]
    if kind == "usage":
        values = series(starts, step, [(e.timestamp, 1.0) for e in entries], _add)
        counts = [int(v) for v in values]
        return {"timestamps": stamps, "values": counts, "totalRequestCount": sum(counts)}
    if kind == "credits":
        values = series(starts, step, [(e.timestamp, e.credits) for e in entries], _add)
        return {"timestamps": stamps, "values": values, "totalCredits": sum(values)}
    if kind == "concurrency":
        points = [(moment, float(active)) for moment, active in concurrency]
        return {"timestamps": stamps, "values": [int(v) for v in series(starts, step, points, max)]}
    points = [(moment, 1.0) for moment in ws_opened]
    return {"timestamps": stamps, "values": [int(v) for v in series(starts, step, points, _add)]}


def _add(total: float, value: float) -> float:
    return total + value
