"""What the render cache hands back and takes: renders, files to keep as entries, its stats."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.render import Rendered, RenderSpec

# `Rendered.transport` of a render served from the cache, so takes and the UI can say so.
CACHE_TRANSPORT = "cache"


@dataclass(frozen=True)
class CachedRender:
    """A render kept in the cache: its audio file plus everything `Rendered` needs.

    Attributes:
        key: The render key it is stored under.
        path: The cached audio file (checked against its hash when it was looked up).
        output_format, sample_rate: The file's format (flac, mp3, ulaw, alaw) and rate.
        text, spec: What was rendered, with which settings.
        session_id, request_ids, server_request_ids, transport: The original render's ids,
            for provenance ("this audio first came from request …").
        created_at: When it was first rendered (ISO-8601 UTC).
    """

    key: str
    path: Path
    output_format: str
    sample_rate: int
    text: str
    spec: RenderSpec
    session_id: str
    request_ids: tuple[str, ...]
    server_request_ids: tuple[str, ...]
    transport: str
    created_at: str

    @property
    def data(self) -> bytes:
        """The file's bytes (for small clips and checks)."""
        return self.path.read_bytes()

    def to_rendered(self, spec: RenderSpec | None = None) -> Rendered:
        """A `Rendered` for playback and takes, read from the file (once, in blocks); no API call.

        Args:
            spec: The caller's current settings, when they should be recorded instead of the
                stored ones (the key proves they make the same audio, e.g. the same dictionary
                rules under another id). Default: the stored settings.

        Raises:
            DecodeError: the stored bytes do not decode (the caller should render again).
        """
        from studio.audio.clipfile import open_clip  # numpy loads with the first clip

        audio = open_clip(
            self.path,
            self.spec.output_format,
            self.sample_rate,
            self.request_ids[0] if self.request_ids else "",
            self.server_request_ids[0] if self.server_request_ids else "",
        )
        return Rendered(
            self.text,
            spec or self.spec,
            audio,
            self.session_id,
            self.request_ids,
            self.server_request_ids,
            CACHE_TRANSPORT,
        )


@dataclass(frozen=True)
class CacheFile:
    """An audio file to keep in the cache as it is (`RenderCache.put_files`).

    Attributes:
        key: The render key to store it under.
        source: The file (it gets a second name in the cache; it must not change afterwards).
        file_format: Its format, as its blob's extension (flac, wav, mp3, pcm, ulaw, alaw).
        sample_rate: Its rate (headerless formats need it).
        meta: `metadata_json` (or `metadata_for`) of the render.
        size, sha256: The file's length and hash, from the bytes the caller wrote.
    """

    key: str
    source: Path
    file_format: str
    sample_rate: int
    meta: str
    size: int
    sha256: str


def metadata_json(rendered: Rendered) -> str:
    """The JSON the index keeps beside a blob: everything of `rendered` except the audio."""
    return metadata_for(
        rendered.text,
        rendered.spec,
        rendered.session_id,
        rendered.request_ids,
        rendered.server_request_ids,
        rendered.transport,
    )


def metadata_for(
    text: str,
    spec: RenderSpec,
    session_id: str,
    request_ids: tuple[str, ...],
    server_request_ids: tuple[str, ...],
    transport: str,
) -> str:
    """`metadata_json` from the parts, for a render kept without a `Rendered` (batch items)."""
    return json.dumps(
        {
            "text": text,
            "spec": {
                "voice_id": spec.voice_id,
                "model": spec.model,
                "language": spec.language,
                "speed": float(spec.speed),
                "sample_rate": int(spec.sample_rate),
                "output_format": spec.output_format,
                "dictionary_ids": list(spec.dictionary_ids),
            },
            "session_id": session_id,
            "request_ids": list(request_ids),
            "server_request_ids": list(server_request_ids),
            "transport": transport,
        },
        ensure_ascii=False,
    )


def from_metadata(
    key: str, path: Path, output_format: str, sample_rate: int, created_at: str, meta: str
) -> CachedRender:
    """Rebuild a CachedRender from an index row and its blob.

    Raises:
        ValueError / KeyError / TypeError: the metadata is not what `metadata_json` writes.
    """
    value: dict[str, Any] = json.loads(meta)
    fields = value["spec"]
    spec = RenderSpec(
        voice_id=str(fields["voice_id"]),
        model=str(fields["model"]),
        language=str(fields["language"]),
        speed=float(fields["speed"]),
        sample_rate=int(fields["sample_rate"]),
        output_format=str(fields["output_format"]),
        dictionary_ids=tuple(str(x) for x in fields["dictionary_ids"]),
    )
    return CachedRender(
        key=key,
        path=path,
        output_format=output_format,
        sample_rate=sample_rate,
        text=str(value["text"]),
        spec=spec,
        session_id=str(value["session_id"]),
        request_ids=tuple(str(x) for x in value["request_ids"]),
        server_request_ids=tuple(str(x) for x in value["server_request_ids"]),
        transport=str(value["transport"]),
        created_at=created_at,
    )


@dataclass(frozen=True)
class CacheStats:
    """The cache's size and this session's hit rate.

    Attributes:
        entries, total_bytes: What is stored now (all processes).
        max_bytes: The limit.
        hits, misses: `get` results of this RenderCache object.
    """

    entries: int
    total_bytes: int
    max_bytes: int
    hits: int
    misses: int
