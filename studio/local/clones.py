"""Voice clones (§6): the uploaded clip and its record persist in the data folder.

A local clone does not imitate the clip. It speaks with the catalogue voice for its language
(see `Catalogue.voice_for_language`), pitch-shifted toward the clip's median pitch, which is
measured once here at upload (`medianPitchHz`; see `studio/local/clone_voice.py`). The clip is
kept so nothing the user uploaded is lost.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.audio.pitch import median_pitch
from studio.audio.sample_io import decode_sample
from studio.core.errors import DecodeError, StoreError
from studio.local.ids import iso_now, new_clone_id, new_object_id
from studio.local.storage import JsonRecords, atomic_write_bytes
from studio.local.wire import clone_error

CLONES_FILE = "voice_clones.json"
CLIPS_DIR = "voice_clone_clips"
ORGANIZATION_ID = "waves-local"
CLONE_LIMIT_MESSAGE = "clone limit exceeded, consider upgrading"  # the service's words (§6.1)


@dataclass(frozen=True)
class CloneUpload:
    """A validated clone request.

    Attributes:
        display_name, description, accent, language, model: Form fields (model in hyphen form).
        tags: Split and trimmed from the comma-separated field.
        filename, content_type, data: The uploaded clip.
    """

    display_name: str
    description: str
    accent: str
    tags: tuple[str, ...]
    language: str
    model: str
    filename: str
    content_type: str
    data: bytes


class CloneStore:
    """This server's voice clones: `<data_dir>/voice_clones.json` plus one clip file each.

    Attributes:
        limit: At most this many clones (None = no limit), like a plan's clone limit.
    """

    def __init__(self, data_dir: Path, limit: int | None = None) -> None:
        self.limit = limit
        self._records = JsonRecords(data_dir / CLONES_FILE, "voiceId")
        self.path = self._records.path
        self.clips_dir = data_dir / CLIPS_DIR

    def __contains__(self, voice_id: object) -> bool:
        return voice_id in self._records.snapshot()

    def get(self, voice_id: str) -> dict[str, Any] | None:
        """The stored record of one clone, or None."""
        return self._records.snapshot().get(voice_id)

    def list_items(self) -> list[dict[str, Any]]:
        """The §6.2 list items, oldest first."""
        entries = list(self._records.snapshot().values())
        return [
            {
                key: entry[key]
                for key in (
                    "_id", "voiceId", "displayName", "description", "accent", "tags",
                    "language", "status", "cloningType", "modelIds", "createdAt",
                )
            }
            for entry in entries
        ]  # fmt: skip

    def delete(self, voice_id: str) -> bool:
        """Remove a clone and its clip (a waves-local extension, §6.3); False if unknown."""
        removed: dict[str, Any] = {}

        def drop(records: dict[str, dict[str, Any]]) -> tuple[None, bool]:
            entry = records.pop(voice_id, None)
            removed.update(entry or {})
            return None, entry is not None

        self._records.change(drop)
        if removed.get("clipFile"):
            (self.clips_dir / str(removed["clipFile"])).unlink(missing_ok=True)
        return bool(removed)

    def create(self, upload: CloneUpload) -> dict[str, Any]:
        """Save the clip and the record; return the §6.1 `data` object."""
        if self.limit is not None and len(self._records.snapshot()) >= self.limit:
            raise clone_error(400, CLONE_LIMIT_MESSAGE)
        pitch = _median_pitch_of(upload)
        voice_id = new_clone_id()
        extension = mimetypes.guess_extension(upload.content_type) or ".bin"
        clip_name = f"{voice_id}{extension}"
        atomic_write_bytes(self.clips_dir / clip_name, upload.data)
        entry: dict[str, Any] = {
            "_id": new_object_id(),
            "voiceId": voice_id,
            "displayName": upload.display_name,
            "description": upload.description,
            "accent": upload.accent,
            "tags": list(upload.tags),
            "language": upload.language,
            "status": "completed",
            "cloningType": "instant",
            "modelIds": [upload.model],
            "createdAt": iso_now(),
            "audioFileNames": [upload.filename or clip_name],
            "clipFile": clip_name,
            "medianPitchHz": pitch,
        }

        def add(records: dict[str, dict[str, Any]]) -> tuple[None, bool]:
            records[voice_id] = entry
            return None, True

        try:
            self._records.change(add)
        except StoreError:
            (self.clips_dir / clip_name).unlink(missing_ok=True)  # no orphan clip
            raise
        return {
            "voiceId": voice_id,
            "displayName": entry["displayName"],
            "model": upload.model,
            "status": entry["status"],
            "language": entry["language"],
            "audioFileNames": entry["audioFileNames"],
            "createdAt": entry["createdAt"],
            "organizationId": ORGANIZATION_ID,
            "samples": [],
        }


def _median_pitch_of(upload: CloneUpload) -> float | None:
    """The clip's median voice pitch, or None when it cannot be decoded or has no voiced speech."""
    try:
        samples, rate = decode_sample(upload.data, mimetypes.guess_extension(upload.content_type)
                                      or "", upload.filename or "the clip")  # fmt: skip
    except DecodeError:
        return None
    return median_pitch(samples, rate)
