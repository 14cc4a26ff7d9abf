"""The official smallestai 5.14.0 SDK, unchanged, against waves-local (§12 conformance)."""

from __future__ import annotations

import base64
import io
import logging
import os
from collections.abc import Callable, Iterator

import httpx
import numpy as np
import pytest
import soundfile
from websockets.exceptions import InvalidStatus

from studio.local.server import LocalServer
from tests.local.helpers import KEY, decode, parse_sse, sse, sse_audio, tts

os.environ["SMALLESTAI_TELEMETRY"] = "0"  # the CLI's telemetry; the library sends none

from smallestai import SmallestAI, SmallestAIEnvironment
from smallestai.core.api_error import ApiError
from smallestai.waves.errors import BadRequestError, UnauthorizedError
from smallestai.waves.tts.types import TtsRequestMessage

TEXT = "Hello there. How are you today?"
# smallestai 5.14.0 imports websockets names that websockets 14+ deprecated (the legacy client
# and InvalidStatusCode) when its WebSocket module loads; that is the SDK's warning, not ours.
_SDK_WEBSOCKET_WARNINGS = (
    pytest.mark.filterwarnings("ignore:websockets.exceptions.InvalidStatusCode:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:websockets.legacy is deprecated:DeprecationWarning"),
)


def sdk_websocket_warnings(test: Callable[..., None]) -> Callable[..., None]:
    """Let the SDK's own deprecation warnings pass (only those two)."""
    for mark in _SDK_WEBSOCKET_WARNINGS:
        test = mark(test)
    return test


def _client(server: LocalServer, http: httpx.Client, key: str = KEY) -> SmallestAI:
    environment = SmallestAIEnvironment(
        waves=server.base_url,
        waves_ws=server.ws_url,
        atoms=f"{server.base_url}/atoms/v1",
        payment=server.base_url,
    )
    return SmallestAI(api_key=key, environment=environment, httpx_client=http)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """An httpx client the test closes (the SDK would leave its own sockets open)."""
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def client(waves_local: LocalServer, http: httpx.Client) -> SmallestAI:
    """The SDK pointed at the session server through `environment=` (§12.2)."""
    return _client(waves_local, http)


def _wav(client: SmallestAI, **kwargs: object) -> tuple[np.ndarray, int]:
    audio = b"".join(
        client.waves.synthesize_tts(text=TEXT, voice_id="tone-alto", output_format="wav", **kwargs)
    )
    samples, rate = soundfile.read(io.BytesIO(audio), dtype="float32")
    return samples, rate


def test_synthesize_tts_wav_at_the_asked_rate(client: SmallestAI, waves_local: LocalServer) -> None:
    """synthesize_tts yields a WAV at 24 kHz with the same audio as a raw request."""
    samples, rate = _wav(client, sample_rate=24000)
    assert rate == 24000
    raw = decode(tts(waves_local, text=TEXT, sample_rate=24000).content, "pcm", 24000)
    assert np.array_equal(samples, raw)


def test_synthesize_tts_speed_halves_the_duration(client: SmallestAI) -> None:
    """speed=2.0 through the SDK gives half the samples."""
    normal, _ = _wav(client, sample_rate=16000)
    fast, _ = _wav(client, sample_rate=16000, speed=2.0)
    assert len(fast) / len(normal) == pytest.approx(0.5, rel=0.02)


def test_synthesize_tts_default_is_pcm_at_44100(
    client: SmallestAI, waves_local: LocalServer
) -> None:
    """With no format the SDK gets the server default: raw PCM at 44.1 kHz."""
    audio = b"".join(client.waves.synthesize_tts(text=TEXT, voice_id="tone-alto"))
    assert audio == tts(waves_local, text=TEXT).content
    assert len(audio) % 2 == 0


def test_a_dictionary_made_with_the_sdk_changes_the_audio(client: SmallestAI) -> None:
    """create_pronunciation_dict, then pronunciation_dicts=[id] changes what is spoken."""
    created = client.waves.create_pronunciation_dict(
        items=[{"word": "there", "pronunciation": "their"}]
    )
    assert created.created_at.tzinfo is not None
    plain = b"".join(client.waves.synthesize_tts(text=TEXT, voice_id="tone-alto"))
    ruled = b"".join(
        client.waves.synthesize_tts(
            text=TEXT, voice_id="tone-alto", pronunciation_dicts=[created.id]
        )
    )
    respelled = b"".join(
        client.waves.synthesize_tts(text=TEXT.replace("there", "their"), voice_id="tone-alto")
    )
    assert ruled != plain and ruled == respelled


def test_dictionary_crud(client: SmallestAI) -> None:
    """get/create/update/delete_pronunciation_dict(s) parse the server's answers."""
    created = client.waves.create_pronunciation_dict(
        items=[{"word": "GUI", "pronunciation": "gooey"}]
    )
    assert created.id in [d.id for d in client.waves.get_pronunciation_dicts()]
    updated = client.waves.update_pronunciation_dict(
        id=created.id, items=[{"word": "GUI", "pronunciation": "gee you eye"}]
    )
    assert updated.items[0].pronunciation == "gee you eye"
    assert client.waves.delete_pronunciation_dict(id=created.id).deleted is True
    with pytest.raises(BadRequestError) as caught:
        client.waves.create_pronunciation_dict(items=[])
    assert caught.value.body["error"] == "Invalid request body"


def test_voices_and_catalogue(client: SmallestAI) -> None:
    """get_voices and voices.get_all_voice_models return the tone voices."""
    voices = client.waves.get_voices("lightning-v3.1").voices
    assert [v.voice_id for v in voices] == ["tone-bass", "tone-alto", "tone-soprano"]
    assert voices[0].tags.language[0] == "english"
    catalogue = client.waves.voices.get_all_voice_models().voices
    assert {v.voice_id for v in catalogue} == {"tone-bass", "tone-alto", "tone-soprano"}


def test_voice_clone_create_and_list(client: SmallestAI) -> None:
    """create_voice_clone (multipart) and list_voice_clones; the clone then speaks."""
    made = client.waves.create_voice_clone(
        display_name="SDK clone",
        file=("me.wav", io.BytesIO(b"RIFF....WAVE"), "audio/wav"),
        language="en",
        tags="en, sdk",
    )
    assert made.data.status == "completed"
    listed = {item.voice_id: item for item in client.waves.list_voice_clones().data}
    assert listed[made.data.voice_id].tags == ["en", "sdk"]
    assert b"".join(client.waves.synthesize_tts(text="Hi.", voice_id=made.data.voice_id))


def test_the_sdk_sse_method_yields_nothing_on_documented_frames(
    client: SmallestAI, waves_local: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """§3.3: the SDK validates each frame as a str and skips the JSON objects; the raw
    stream of the same request holds every documented frame."""
    with caplog.at_level(logging.WARNING):
        assert list(client.waves.synthesize_sse_tts(text=TEXT, voice_id="tone-alto")) == []
    assert "Skipping SSE event" in caplog.text
    events = parse_sse(sse(waves_local, text=TEXT).content)
    assert events[-1] == ("", '{"status": "200", "done": true}')
    assert b"".join(sse_audio(events)) == tts(waves_local, text=TEXT).content


@sdk_websocket_warnings
def test_the_typed_websocket_client_streams_audio(
    client: SmallestAI, waves_local: LocalServer
) -> None:
    """client.waves.tts.connect(): chunks then complete; the audio equals the sync route's."""
    audio = bytearray()
    statuses = []
    with client.waves.tts.connect(
        request_options={"additional_query_parameters": {"timeout": 120}}
    ) as sock:
        sock.synthesize_streaming_tts(
            TtsRequestMessage(
                text=TEXT, voice_id="tone-alto", sample_rate=16000, output_format="pcm"
            )
        )
        while True:
            message = sock.recv()
            statuses.append(message.status)
            if message.status != "chunk":
                break
            audio += base64.b64decode(message.data.audio)
    assert statuses[-1] == "complete" and set(statuses[:-1]) == {"chunk"}
    assert bytes(audio) == tts(waves_local, text=TEXT, sample_rate=16000).content


@sdk_websocket_warnings
def test_the_typed_websocket_client_is_refused_a_wrong_key(
    waves_local: LocalServer, http: httpx.Client
) -> None:
    """A wrong key fails the handshake with HTTP 401 (the sync client lets websockets'
    InvalidStatus through, §4.8)."""
    client = _client(waves_local, http, key="sk_wrong")
    with pytest.raises(InvalidStatus) as caught, client.waves.tts.connect():
        pass
    assert caught.value.response.status_code == 401


def test_errors_map_to_the_sdk_exceptions(
    waves_local: LocalServer, http: httpx.Client, client: SmallestAI
) -> None:
    """401 → UnauthorizedError; 400 → waves BadRequestError with the JSON body."""
    with pytest.raises(UnauthorizedError):
        b"".join(
            _client(waves_local, http, key="sk_wrong").waves.synthesize_tts(
                text="Hi.", voice_id="tone-alto"
            )
        )
    with pytest.raises(BadRequestError) as caught:
        b"".join(client.waves.synthesize_tts(text="Hi.", voice_id="nobody"))
    assert caught.value.body["message"].startswith("Invalid input data")


def test_synthesis_is_not_retried_but_voices_are(
    waves_local: LocalServer, client: SmallestAI, waves_local_faults: Callable[[str], None]
) -> None:
    """A 429 on synthesize_tts fails after one attempt; a 503 on get_voices is retried."""
    waves_local_faults(
        "status=429@nth=1@path=/waves/v1/tts,status=503@nth=1@retry_after=1@path=/waves/v1/lightning"
    )
    waves_local.stats.reset()
    with pytest.raises(ApiError) as caught:
        b"".join(client.waves.synthesize_tts(text="Hi.", voice_id="tone-alto"))
    assert caught.value.status_code == 429
    assert waves_local.stats.requests("/waves/v1/tts") == 1
    assert client.waves.get_voices("lightning-v3.1").voices
    assert waves_local.stats.requests("/waves/v1/lightning-v3.1/get_voices") == 2
