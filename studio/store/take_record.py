"""A history take with full provenance, and its mapping to and from a `takes` row."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.models import Take
from studio.core.render import Rendered

# The columns a HistoryTake is read from, in `from_row` order.
COLUMNS = (
    "id, created_at, text, voice_id, model, language, speed, sample_rate, output_format, "
    "dictionary_ids, dictionary_hash, request_ids, session_id, server_request_ids, backend, "
    "base_url, transport, duration_s, audio_file, audio_bytes, audio_sample_rate, stars, source, "
    "cache_key, uses, last_used_at"
)
# Only constant fragments are joined into SQL; every value goes through a ? parameter.
SELECT_BY_ID = f"SELECT {COLUMNS} FROM takes WHERE id = ?"  # noqa: S608
INSERT_SQL = (
    "INSERT INTO takes (created_at, text, voice_id, model, language, speed, sample_rate, "
    "output_format, dictionary_ids, dictionary_hash, request_ids, session_id, "
    "server_request_ids, backend, base_url, transport, duration_s, audio_file, audio_bytes, "
    "audio_sample_rate, source, cache_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class HistoryTake(Take):
    """A `Take` as the history keeps it: everything needed to explain or reproduce a render.

    Attributes:
        request_ids, server_request_ids: One per request of the render, in order (a long text
            is several requests). `request_id` (from Take) is the first.
        base_url: The server that rendered it ("" for the embedded local server).
        transport: "sse", "ws" or "http".
        source: Where it was made: "main", "grid", "render" or "bench".
        cache_key: The render-cache key of its settings ("" when it was not cached).
        audio_bytes: Size of the audio file, to notice a damaged file.
        audio_sample_rate: Rate of the stored clip (WAV and MP3 carry their own).
        uses: 1 for the render, plus one per repeat served from the render cache.
        last_used_at: ISO-8601 UTC of the last repeat ("" when it was never repeated).
    """

    request_ids: tuple[str, ...] = ()
    server_request_ids: tuple[str, ...] = ()
    base_url: str = ""
    transport: str = ""
    source: str = "main"
    cache_key: str = ""
    audio_bytes: int = 0
    audio_sample_rate: int = 0
    uses: int = 1
    last_used_at: str = ""

    @property
    def cache_uses(self) -> int:
        """How many times the take was served again from the render cache."""
        return max(0, self.uses - 1)

    @property
    def server_request_id(self) -> str:
        """The first request's server id, for a support ticket."""
        return self.server_request_ids[0] if self.server_request_ids else ""

    @classmethod
    def from_row(cls, row: sqlite3.Row | tuple[Any, ...], audio_folder: Path) -> HistoryTake:
        """Build from a row selected with `COLUMNS`; `audio_path` becomes absolute."""
        (
            take_id,
            created_at,
            text,
            voice_id,
            model,
            language,
            speed,
            sample_rate,
            output_format,
            dictionary_ids,
            dictionary_hash,
            request_ids,
            session_id,
            server_request_ids,
            backend,
            base_url,
            transport,
            duration_s,
            audio_file,
            audio_bytes,
            audio_sample_rate,
            stars,
            source,
            cache_key,
            uses,
            last_used_at,
        ) = tuple(row)
        requests = _string_tuple(request_ids)
        return cls(
            take_id=int(take_id),
            created_at=str(created_at),
            text=str(text),
            voice_id=str(voice_id),
            model=str(model),
            language=str(language),
            speed=float(speed),
            sample_rate=int(sample_rate),
            output_format=str(output_format),
            dictionary_ids=_string_tuple(dictionary_ids),
            dictionary_hash=str(dictionary_hash),
            request_id=requests[0] if requests else "",
            session_id=str(session_id),
            backend=str(backend),
            duration_s=float(duration_s),
            audio_path=str(audio_folder / str(audio_file)),
            stars=int(stars),
            request_ids=requests,
            server_request_ids=_string_tuple(server_request_ids),
            base_url=str(base_url),
            transport=str(transport),
            source=str(source),
            cache_key=str(cache_key),
            audio_bytes=int(audio_bytes),
            audio_sample_rate=int(audio_sample_rate),
            uses=int(uses),
            last_used_at=str(last_used_at),
        )


def _string_tuple(raw: object) -> tuple[str, ...]:
    """A JSON array column as a tuple of strings; anything else (a hand-edited row) is empty."""
    try:
        value = json.loads(str(raw))
    except ValueError:
        return ()
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def json_list(values: tuple[str, ...]) -> str:
    """A tuple of strings as the JSON array the row stores."""
    return json.dumps(list(values), ensure_ascii=False)


def insert_values(
    rendered: Rendered,
    *,
    created_at: str,
    backend: str,
    base_url: str,
    source: str,
    cache_key: str,
    dictionary_hash: str,
) -> tuple[object, ...]:
    """The parameters of `INSERT_SQL` for a render (the audio file name is set after)."""
    spec, audio = rendered.spec, rendered.audio
    return (
        created_at,
        rendered.text,
        spec.voice_id,
        spec.model,
        spec.language,
        float(spec.speed),
        int(spec.sample_rate),
        audio.output_format,
        json_list(spec.dictionary_ids),
        dictionary_hash,
        json_list(rendered.request_ids),
        rendered.session_id,
        json_list(rendered.server_request_ids),
        backend,
        base_url,
        rendered.transport,
        rendered.duration_s,
        audio.size,
        audio.sample_rate,
        source,
        cache_key,
    )
