"""Voices (§5) and voice cloning (§6), including the delete routes an API key may not use."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile

from studio.core import contract as c
from studio.local.clones import CloneUpload
from studio.local.route_support import authorized_state
from studio.local.wire import WireError, clone_error, invalid_request

router = APIRouter()

DEPRECATED_V2_MESSAGE = "Voice cloning for lightning-v2 is deprecated. Please use lightning-v3.1"


@router.get("/waves/v1/{model}/get_voices")
async def get_voices(request: Request, model: str) -> dict[str, Any]:
    """The catalogue of this server's engines (clones are listed by /voice-cloning)."""
    state = authorized_state(request)
    if model != c.VOICES_MODEL:
        raise invalid_request(
            f"Unknown model '{model}'. Voices are listed for '{c.VOICES_MODEL}' only."
        )
    return {"voices": [voice.to_api() for voice in state.catalogue.voices]}


@router.get("/waves/v1/voice/get-all-models")
async def get_all_voice_models(request: Request) -> dict[str, Any]:
    """The browse-catalogue shape (§5.2), with a stable `_id` per voice."""
    state = authorized_state(request)
    voices = []
    for voice in state.catalogue.voices:
        item = voice.to_api()
        item["_id"] = hashlib.blake2b(voice.voice_id.encode(), digest_size=12).hexdigest()
        item["description"] = f"Offline {voice.display_name} voice of waves-local."
        voices.append(item)
    return {"voices": voices}


@router.get("/waves/v1/voice-cloning")
async def list_voice_clones(request: Request) -> dict[str, Any]:
    """Every clone made on this server (§6.2)."""
    state = authorized_state(request)
    return {"data": await asyncio.to_thread(state.clones.list_items)}


@router.post("/waves/v1/voice-cloning")
async def create_voice_clone(request: Request) -> dict[str, Any]:
    """Validate the multipart upload (§6.1), keep the clip, answer like the service."""
    state = authorized_state(request)
    upload = await _read_upload(request)
    data = await asyncio.to_thread(state.clones.create, upload)  # writes up to 5 MB: off-loop
    return {"message": "Voice clone created successfully", "data": data}


async def _read_upload(request: Request) -> CloneUpload:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise clone_error(400, "Send the clone as multipart/form-data with a 'file' part.")
    async with request.form(max_files=2, max_fields=20) as form:
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise clone_error(400, "No audio file provided. Attach the recording as 'file'.")
        data = await file.read(c.CLONE_MAX_BYTES + 1)
        file_type = (file.content_type or "").split(";")[0].strip().lower()
        filename = file.filename or ""
    return _validate_upload(fields, data, file_type, filename)


def _validate_upload(
    fields: dict[str, str], data: bytes, file_type: str, filename: str
) -> CloneUpload:
    name = fields.get("displayName", "").strip()
    if not 1 <= len(name) <= c.CLONE_NAME_MAX_CHARS:
        raise clone_error(
            400, f"displayName is required and must be 1–{c.CLONE_NAME_MAX_CHARS} characters."
        )
    if file_type not in c.CLONE_MIME_TYPES:
        raise clone_error(
            400,
            f"Unsupported file type '{file_type or 'unknown'}'. Upload one of: "
            f"{', '.join(c.CLONE_MIME_TYPES)}.",
        )
    if not data:
        raise clone_error(400, "The audio file is empty. Upload 5–15 s of clean speech.")
    if len(data) > c.CLONE_MAX_BYTES:
        raise clone_error(400, "The audio file is larger than 5 MB. Upload a shorter clip.")
    model = fields.get("model", "").strip() or c.CLONE_MODELS[0]
    if model == "lightning-v2":
        raise clone_error(400, DEPRECATED_V2_MESSAGE)
    if model not in c.CLONE_MODELS:
        raise clone_error(400, f"Unknown model '{model}'. Use one of: {', '.join(c.CLONE_MODELS)}.")
    language = fields.get("language", "").strip() or c.DEFAULT_LANGUAGE
    if language not in c.LANGUAGE_CODES[:20]:
        raise clone_error(
            400,
            f"Unsupported language '{language}'. Use a lightning-v3.1 language code "
            "such as en or hi.",
        )
    tags = tuple(tag.strip() for tag in fields.get("tags", "").split(",") if tag.strip())
    return CloneUpload(
        display_name=name,
        description=fields.get("description", ""),
        accent=fields.get("accent", ""),
        tags=tags,
        language=language,
        model=model,
        filename=filename,
        content_type=file_type,
        data=data,
    )


@router.delete("/waves/v1/voice-cloning/{voice_id}")
async def delete_local_clone(request: Request, voice_id: str) -> dict[str, Any]:
    """waves-local only (not in the Waves API, §6.3): delete one of this server's clones."""
    state = authorized_state(request)
    if not await asyncio.to_thread(state.clones.delete, voice_id):
        raise clone_error(404, f"No voice clone '{voice_id}' on this server.")
    return {"success": True, "voiceId": voice_id}


@router.post("/waves/v1/voice-cloning/delete")
async def delete_voice_clone(request: Request) -> None:
    """Dashboard (JWT) sign-in only (§6.3): an API key gets a clear 403."""
    authorized_state(request)
    raise clone_error(
        403,
        "Deleting a voice clone needs a dashboard sign-in; API keys cannot delete clones. "
        "For waves-local, remove the entry from voice_clones.json in its data folder.",
    )


@router.delete("/waves/v1/lightning-large")
async def delete_lightning_large_clone(request: Request) -> None:
    """The retired clone-delete route answers 410 MODEL_DEPRECATED (§6.3)."""
    authorized_state(request)
    raise WireError(
        410,
        {
            "error": "MODEL_DEPRECATED",
            "message": "lightning-large is retired, and so is this delete route. Voice clones "
            "cannot be deleted with an API key; use the dashboard.",
        },
    )
