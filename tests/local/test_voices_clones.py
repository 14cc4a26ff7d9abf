"""Voices (§5) and voice cloning (§6): catalogue shapes, clone validation, delete routes."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from studio.core import contract as c
from studio.local.config import ServerConfig
from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, tts

WAV = b"RIFF$\x00\x00\x00WAVEfmt " + bytes(100)


def _get(
    server: LocalServer, path: str, headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.get(
        f"{server.base_url}{path}", headers=AUTH if headers is None else headers, timeout=TIMEOUT
    )


def _clone(server: LocalServer, files: Any = None, **fields: str) -> requests.Response:
    fields.setdefault("displayName", "My voice")
    return requests.post(
        f"{server.base_url}/waves/v1/voice-cloning",
        data=fields,
        files={"file": ("me.wav", WAV, "audio/wav")} if files is None else files,
        headers=AUTH,
        timeout=TIMEOUT,
    )


def test_get_voices_lists_the_tone_voices_in_the_contract_shape(waves_local: LocalServer) -> None:
    """GET /waves/v1/lightning-v3.1/get_voices: voiceId, displayName and all tag keys."""
    voices = _get(waves_local, "/waves/v1/lightning-v3.1/get_voices").json()["voices"]
    assert [v["voiceId"] for v in voices] == ["tone-bass", "tone-alto", "tone-soprano"]
    for voice in voices:
        assert set(voice) == {"voiceId", "displayName", "tags"}
        assert set(voice["tags"]) == {"language", "accent", "gender", "age", "emotions", "usecases"}
        assert "english" in voice["tags"]["language"]
        assert all(name == name.lower() for name in voice["tags"]["language"])
    assert [v.voice_id for v in waves_local.voices] == [v["voiceId"] for v in voices]


def test_an_unknown_voices_model_is_400(waves_local: LocalServer) -> None:
    """Only lightning-v3.1 has a voice list; anything else is 400 with the TTS error shape."""
    reply = _get(waves_local, "/waves/v1/lightning_v3.1/get_voices")
    assert reply.status_code == 400
    assert reply.json()["error"] == "InvalidRequest"
    assert _get(waves_local, "/waves/v1/lightning-v3.1/get_voices", headers={}).status_code == 401


def test_engine_catalogues_report_what_each_engine_offers() -> None:
    """auto = Piper joe for English + espeak for the others; espeak has female/male voices."""
    auto = {v.voice_id: v for v in LocalServer(ServerConfig(engine="auto")).voices}
    assert auto["joe"].languages == ("english",)
    assert "espeak-en-f" not in auto
    for code in ("hi", "mr", "kn", "ta", "bn", "gu", "te", "ml", "pa", "or", "es"):
        assert auto[f"espeak-{code}-f"].gender == "female"
        assert auto[f"espeak-{code}-m"].languages == (c.LANGUAGE_NAMES[code],)
    espeak = {v.voice_id for v in LocalServer(ServerConfig(engine="espeak")).voices}
    assert {"espeak-en-f", "espeak-en-m", "espeak-hi-f"} <= espeak
    assert [v.voice_id for v in LocalServer(ServerConfig(engine="piper")).voices] == ["joe"]


def test_browse_catalogue_has_stable_ids(waves_local: LocalServer) -> None:
    """GET /waves/v1/voice/get-all-models: `_id` is 24 hex and the same on every call."""
    first = _get(waves_local, "/waves/v1/voice/get-all-models").json()["voices"]
    second = _get(waves_local, "/waves/v1/voice/get-all-models").json()["voices"]
    assert first == second
    assert all(re.fullmatch(r"[0-9a-f]{24}", v["_id"]) for v in first)
    assert {v["voiceId"] for v in first} == {"tone-bass", "tone-alto", "tone-soprano"}


def test_a_clone_is_created_listed_and_speaks(waves_local: LocalServer) -> None:
    """Create (multipart), list, then synthesize with the clone's voice_… id."""
    reply = _clone(
        waves_local, displayName="Narrator", language="en", tags="en, tone-test", accent="general"
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["message"] == "Voice clone created successfully"
    data = body["data"]
    assert c.CLONE_ID_PATTERN.match(data["voiceId"])
    assert (data["displayName"], data["model"], data["status"]) == (
        "Narrator",
        "lightning-v3.1",
        "completed",
    )
    assert data["audioFileNames"] == ["me.wav"]

    listed = {
        item["voiceId"]: item
        for item in _get(waves_local, "/waves/v1/voice-cloning").json()["data"]
    }
    item = listed[data["voiceId"]]
    assert item["tags"] == ["en", "tone-test"]
    assert (item["cloningType"], item["modelIds"], item["accent"]) == (
        "instant",
        ["lightning-v3.1"],
        "general",
    )

    spoken = tts(waves_local, text="Hello.", voice_id=data["voiceId"])
    assert spoken.status_code == 200
    # A local clone does not imitate the clip: it speaks as the catalogue voice of its language.
    assert spoken.content == tts(waves_local, text="Hello.", voice_id="tone-bass").content


@pytest.mark.parametrize(
    ("fields", "files", "fragment"),
    [
        ({"displayName": ""}, None, "displayName is required"),
        ({"displayName": "x" * 501}, None, "1–500 characters"),
        ({}, {"file": ("me.txt", b"hello", "text/plain")}, "Unsupported file type 'text/plain'"),
        ({}, {"file": ("me.wav", b"", "audio/wav")}, "empty"),
        ({}, {"file": ("big.wav", bytes(5 * 1024 * 1024 + 1), "audio/wav")}, "larger than 5 MB"),
        ({}, {"other": ("me.wav", WAV, "audio/wav")}, "No audio file provided"),
        ({"language": "xx"}, None, "Unsupported language 'xx'"),
        ({"language": "ja"}, None, "Unsupported language 'ja'"),
        (
            {"model": "lightning-v2"},
            None,
            "Voice cloning for lightning-v2 is deprecated. Please use lightning-v3.1",
        ),
        ({"model": "lightning-large"}, None, "Unknown model 'lightning-large'"),
    ],
)
def test_bad_clone_uploads_are_400(
    waves_local: LocalServer, fields: dict[str, str], files: Any, fragment: str
) -> None:
    """Each rule of §6.1 gives 400 with the clone family's `{"error": ...}` body."""
    reply = _clone(waves_local, files=files, **fields)
    assert reply.status_code == 400
    assert set(reply.json()) == {"error"}
    assert fragment in reply.json()["error"]


def test_a_non_multipart_clone_request_is_400(waves_local: LocalServer) -> None:
    """JSON instead of multipart/form-data: 400 saying what to send."""
    reply = requests.post(
        f"{waves_local.base_url}/waves/v1/voice-cloning",
        json={"displayName": "x"},
        headers=AUTH,
        timeout=TIMEOUT,
    )
    assert reply.status_code == 400
    assert "multipart/form-data" in reply.json()["error"]


def test_clone_routes_need_the_key(waves_local: LocalServer) -> None:
    """401 `{"error": "Unauthorized"}` on the clone family."""
    reply = _get(waves_local, "/waves/v1/voice-cloning", headers={})
    assert (reply.status_code, reply.json()) == (401, {"error": "Unauthorized"})


def test_deleting_a_clone_with_an_api_key_is_refused(waves_local: LocalServer) -> None:
    """POST /voice-cloning/delete is dashboard-only (403); DELETE /lightning-large is 410."""
    refused = requests.post(
        f"{waves_local.base_url}/waves/v1/voice-cloning/delete",
        json={"voiceId": "voice_abcdefghij"},
        headers=AUTH,
        timeout=TIMEOUT,
    )
    assert refused.status_code == 403
    assert "dashboard" in refused.json()["error"]
    gone = requests.delete(
        f"{waves_local.base_url}/waves/v1/lightning-large",
        json={"voiceId": "voice_abcdefghij"},
        headers=AUTH,
        timeout=TIMEOUT,
    )
    assert gone.status_code == 410
    assert gone.json()["error"] == "MODEL_DEPRECATED"
