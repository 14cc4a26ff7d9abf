"""History filters as SQL: text terms (full-text index or a scan), voice, stars and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from studio.core.errors import ValidationError

# FTS5's trigram tokenizer can only look up terms of three or more characters.
_MIN_INDEXED_CHARS = 3


def contains_casefold(text: str | None, term: str | None) -> bool:
    """The scan's matcher (registered as an SQL function): case-insensitive substring test."""
    if text is None or term is None:
        return False
    return term.casefold() in text.casefold()


def utc_stamp(moment: datetime) -> str:
    """A fixed-width ISO-8601 UTC time (`2026-05-09T07:35:12.123456Z`) that sorts as text.

    A naive datetime is taken as local time, as `datetime.astimezone` does.
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class TakeFilter:
    """What the history view asks for; empty values mean "any".

    Attributes:
        text: Whitespace-separated terms; a take matches when its text contains every term,
            ignoring case (substrings count: "harb" finds "harbour").
        voice_id: Only this voice.
        min_stars: Only takes rated at least this (0–5).
        since, until: created_at >= since and < until.
    """

    text: str = ""
    voice_id: str | None = None
    min_stars: int = 0
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.min_stars <= 5:
            raise ValidationError("The star filter goes from 0 to 5.", "min_stars")

    def where(self, use_fts: bool) -> tuple[str, list[object]]:
        """The SQL condition over `takes` and its parameters (always a valid expression).

        Args:
            use_fts: Look long terms up in `takes_fts`; otherwise every term is a scan.
        """
        clauses: list[str] = []
        params: list[object] = []
        terms = self.text.split()
        indexed = [t for t in terms if use_fts and len(t) >= _MIN_INDEXED_CHARS]
        if indexed:
            # Each term is one quoted phrase; doubling quotes makes any input a literal.
            query = " AND ".join('"' + term.replace('"', '""') + '"' for term in indexed)
            clauses.append("id IN (SELECT rowid FROM takes_fts WHERE takes_fts MATCH ?)")
            params.append(query)
        for term in terms:
            if term not in indexed:
                clauses.append("studio_contains(text, ?)")
                params.append(term)
        if self.voice_id is not None:
            clauses.append("voice_id = ?")
            params.append(self.voice_id)
        if self.min_stars > 0:
            clauses.append("stars >= ?")
            params.append(self.min_stars)
        if self.since is not None:
            clauses.append("created_at >= ?")
            params.append(utc_stamp(self.since))
        if self.until is not None:
            clauses.append("created_at < ?")
            params.append(utc_stamp(self.until))
        return (" AND ".join(clauses) or "1"), params
