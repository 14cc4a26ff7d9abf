"""WavesClient: every Waves call the studio makes, Qt-free, typed, with StudioErrors only."""

from __future__ import annotations

import json
import mimetypes
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from studio.api.chunks import AudioChunk
from studio.api.multipart import ProgressBody, ProgressCallback, multipart_body
from studio.api.safety import check_base_url, websocket_url
from studio.api.synthesis import Synthesizer, collect_clip
from studio.api.transport import RetryPolicy, Transport
from studio.core import contract as c
from studio.core.contract import SYNTHESIS_DEADLINE_S
from studio.core.errors import ProtocolError, ValidationError
from studio.core.models import (
    AudioClip,
    PronunciationDict,
    PronunciationItem,
    SynthesisRequest,
    Voice,
)
from studio.core.untrusted import register_secret

# The clone endpoint accepts only these spellings (§6.1); mimetypes says audio/x-wav for .wav.
_CLONE_MIME = {
    ".wav": "audio/wav",
    ".wave": "audio/wav",
    ".mp3": "audio/mpeg",
    ".webm": "audio/webm",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
}


class WavesClient:
    """The Waves API for the studio (§1.7): synthesis, voices, clones, dictionaries, health.

    Every method raises only StudioError subclasses and has a deadline. The key is held
    privately and never appears in a URL, repr, exception or log line. Limits: a synthesis
    request gets `synthesis_timeout_s` in all (retries and fallback included), no reply may
    be silent for `read_timeout_s` (the stall detector) or larger than RESPONSE_MAX_BYTES,
    and redirects are followed only within the server's origin.

    Attributes:
        base_url: Validated https origin (http only on loopback).
        synthesizer: HTTP/SSE/WebSocket synthesis.
        voices_ttl_s: How long `voices()` serves its cache.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        session: requests.Session | None = None,
        *,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 15.0,
        retry: RetryPolicy | None = None,
        voices_ttl_s: float = 600.0,
        synthesis_timeout_s: float = SYNTHESIS_DEADLINE_S,
    ) -> None:
        self.base_url = check_base_url(base_url)
        register_secret(api_key)  # a server that echoes the key never gets it into a message
        self.transport = Transport(
            self.base_url,
            api_key,
            session=session,
            connect_timeout_s=connect_timeout_s,
            read_timeout_s=read_timeout_s,
            retry=retry,
        )
        self.synthesizer = Synthesizer(
            self.transport, websocket_url(self.base_url), synthesis_timeout_s
        )
        self.voices_ttl_s = voices_ttl_s
        self._voices_cache: tuple[float, list[Voice]] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WavesClient({self.base_url!r})"

    def close(self) -> None:
        """Close pooled HTTP and WebSocket connections."""
        self.synthesizer.close()
        self.transport.close()

    # --- synthesis ------------------------------------------------------------------------
    def stream(
        self,
        request: SynthesisRequest,
        mode: str = "sse",
        cancel: threading.Event | None = None,
        fallback: bool = True,
    ) -> Iterator[AudioChunk]:
        """Yield audio chunks as they arrive ("sse", "ws" or "none" = plain HTTP)."""
        return self.synthesizer.stream(request, mode, cancel, fallback)

    def synthesize(
        self, request: SynthesisRequest, mode: str = "none", cancel: threading.Event | None = None
    ) -> AudioClip:
        """Render a whole clip (plain HTTP by default)."""
        return collect_clip(self.stream(request, mode, cancel))

    # --- voices ---------------------------------------------------------------------------
    def voices(self, refresh: bool = False, cancel: threading.Event | None = None) -> list[Voice]:
        """Catalogue voices of `lightning-v3.1` (§5.1), cached for `voices_ttl_s`."""
        with self._lock:
            cached = self._voices_cache
        if cached and not refresh and time.monotonic() - cached[0] < self.voices_ttl_s:
            return list(cached[1])
        data = self._json("GET", f"/waves/v1/{c.VOICES_MODEL}/get_voices", cancel=cancel)
        items = data.get("voices") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ProtocolError("The voice list from the server has an unexpected shape.")
        voices = [Voice.from_api(v) for v in items if isinstance(v, dict) and v.get("voiceId")]
        with self._lock:
            self._voices_cache = (time.monotonic(), voices)
        return list(voices)

    def clones(self, cancel: threading.Event | None = None) -> list[Voice]:
        """The account's voice clones (§6.2)."""
        data = self._json("GET", "/waves/v1/voice-cloning", cancel=cancel)
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ProtocolError("The voice-clone list from the server has an unexpected shape.")
        return [Voice.from_clone(v) for v in items if isinstance(v, dict) and v.get("voiceId")]

    def create_clone(
        self,
        display_name: str,
        audio_path: Path,
        *,
        language: str = "en",
        description: str = "",
        accent: str = "",
        tags: tuple[str, ...] = (),
        model: str = c.CLONE_MODELS[0],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Voice:
        """Upload a clip and create an instant voice clone (§6.1), reporting upload progress."""
        if not 1 <= len(display_name.strip()) <= c.CLONE_NAME_MAX_CHARS:
            raise ValidationError("Give the clone a name of 1–500 characters.", "displayName")
        try:
            audio = audio_path.read_bytes()
        except OSError as exc:
            raise ValidationError(f"Could not read {audio_path.name}: {exc.strerror}.") from exc
        if len(audio) > c.CLONE_MAX_BYTES:
            raise ValidationError("A clone sample must be at most 5 MB (5–15 s of clean speech).")
        mime = _CLONE_MIME.get(audio_path.suffix.lower()) or (
            mimetypes.guess_type(audio_path.name)[0] or "application/octet-stream"
        )
        fields = {
            "displayName": display_name.strip(),
            "language": language,
            "model": model,
            "description": description,
            "accent": accent,
            "tags": ", ".join(tags),
        }
        body, content_type = multipart_body(
            {k: v for k, v in fields.items() if v}, ("file", audio_path.name, mime, audio)
        )
        data = self._json(
            "POST",
            "/waves/v1/voice-cloning",
            cancel=cancel,
            idempotent=False,
            data=ProgressBody(body, progress),
            headers={"Content-Type": content_type},
        )
        clone = data.get("data") if isinstance(data, dict) else None
        if not isinstance(clone, dict) or not clone.get("voiceId"):
            raise ProtocolError("The server did not return the new clone.")
        return Voice.from_clone(clone)

    # --- pronunciation dictionaries ---------------------------------------------------------
    def dictionaries(self, cancel: threading.Event | None = None) -> list[PronunciationDict]:
        """All pronunciation dictionaries (§7; the reply is a bare array)."""
        data = self._json("GET", "/waves/v1/pronunciation-dicts", cancel=cancel)
        if not isinstance(data, list):
            raise ProtocolError("The dictionary list from the server has an unexpected shape.")
        return [_dict_from(d) for d in data if isinstance(d, dict)]

    def create_dictionary(
        self, items: list[PronunciationItem], cancel: threading.Event | None = None
    ) -> PronunciationDict:
        """Create a dictionary (needs at least one rule)."""
        if not items:
            raise ValidationError("A dictionary needs at least one rule.", "items")
        data = self._json(
            "POST",
            "/waves/v1/pronunciation-dicts",
            cancel=cancel,
            idempotent=False,
            json={"items": [i.to_api() for i in items]},
        )
        return _dict_from(data)

    def update_dictionary(
        self, dict_id: str, items: list[PronunciationItem], cancel: threading.Event | None = None
    ) -> PronunciationDict:
        """Replace a dictionary's rules."""
        if not items:
            raise ValidationError("A dictionary needs at least one rule.", "items")
        data = self._json(
            "PUT",
            "/waves/v1/pronunciation-dicts",
            cancel=cancel,
            json={"id": dict_id, "items": [i.to_api() for i in items]},
        )
        return _dict_from(data)

    def delete_dictionary(self, dict_id: str, cancel: threading.Event | None = None) -> None:
        """Delete a dictionary (JSON body on DELETE, §7)."""
        self._json("DELETE", "/waves/v1/pronunciation-dicts", cancel=cancel, json={"id": dict_id})

    # --- health -------------------------------------------------------------------------------
    def health(self, cancel: threading.Event | None = None) -> dict[str, Any]:
        """GET /waves/v1/health (no auth needed)."""
        data = self._json("GET", "/waves/v1/health", cancel=cancel, total_timeout_s=10.0)
        return data if isinstance(data, dict) else {}

    def check_key(self, cancel: threading.Event | None = None) -> None:
        """Prove the key works with a cheap authenticated call; raises AuthError if not."""
        self.voices(refresh=True, cancel=cancel)

    def _json(
        self,
        method: str,
        path: str,
        *,
        cancel: threading.Event | None,
        idempotent: bool = True,
        total_timeout_s: float = 30.0,
        **kwargs: Any,
    ) -> Any:
        response = self.transport.request(
            method,
            path,
            idempotent=idempotent,
            cancel=cancel,
            total_timeout_s=total_timeout_s,
            **kwargs,
        )
        try:
            return json.loads(response.content or b"null")
        except ValueError as exc:
            raise ProtocolError("The server sent a reply that is not JSON.") from exc


def _dict_from(data: Any) -> PronunciationDict:
    try:
        return PronunciationDict.from_api(data)
    except (KeyError, TypeError, ValidationError) as exc:
        raise ProtocolError("The server sent a dictionary in an unexpected shape.") from exc
