"""The /waves/v1/tts/live WebSocket (§4) with a real client: turns, buffering, timers, errors."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable

import pytest
import requests
import soundfile
from websockets.exceptions import ConnectionClosedOK, InvalidStatus

from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, tts, ws_audio, ws_connect, ws_turn

TEXT = "Hello there. How are you today?"
VOICE = {"voice_id": "tone-alto", "sample_rate": 16000}


def test_one_shot_request_streams_chunks_then_complete(waves_local: LocalServer) -> None:
    """A message without `continue` gets chunk frames, then `complete` with the same ids."""
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": TEXT, **VOICE}))
        frames = ws_turn(ws)
    *chunks, complete = frames
    assert len(chunks) > 1
    assert {f["status"] for f in chunks} == {"chunk"}
    assert complete == {
        "session_id": chunks[0]["session_id"],
        "request_id": chunks[0]["request_id"],
        "status": "complete",
    }
    assert chunks[0]["session_id"].startswith("ws_")
    assert chunks[0]["request_id"].startswith("task_")
    assert "external_request_id" not in chunks[0]
    assert ws_audio(frames) == tts(waves_local, text=TEXT, sample_rate=16000).content


def test_external_ids_are_echoed_only_when_sent(waves_local: LocalServer) -> None:
    """request_id/session_id come back as external_request_id/external_session_id."""
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": "Hi.", **VOICE, "request_id": "r-1", "session_id": "s.1"}))
        frames = ws_turn(ws)
    for frame in frames:
        assert frame["external_request_id"] == "r-1"
        assert frame["external_session_id"] == "s.1"


def test_one_connection_serves_many_requests(waves_local: LocalServer) -> None:
    """The socket stays open after `complete`; each turn has its own request_id."""
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": "One.", **VOICE}))
        first = ws_turn(ws)
        ws.send(json.dumps({"text": "Two.", **VOICE}))
        second = ws_turn(ws)
    assert first[-1]["status"] == second[-1]["status"] == "complete"
    assert first[0]["session_id"] == second[0]["session_id"]
    assert first[0]["request_id"] != second[0]["request_id"]


def test_continue_buffers_until_flush(waves_local: LocalServer) -> None:
    """Pieces sent with continue:true wait for the flush and are spoken as one text."""
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": "Hello there. ", **VOICE, "continue": True}))
        ws.send(json.dumps({"text": "How are you today?", **VOICE, "continue": True}))
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)  # nothing is spoken before the flush
        ws.send(json.dumps({"text": "", **VOICE, "flush": True}))
        frames = ws_turn(ws)
    assert frames[-1]["status"] == "complete"
    assert ws_audio(frames) == tts(waves_local, text=TEXT, sample_rate=16000).content


def test_complete_waits_for_more_text_during_the_backoff(waves_local: LocalServer) -> None:
    """After a flush with continue:true, text within complete_backoff_ms joins the same turn."""
    timers = {"continue": True, "flush": True, "complete_backoff_ms": 3000}
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": "One.", **VOICE, **timers}))
        first = json.loads(ws.recv(timeout=TIMEOUT))
        ws.send(json.dumps({"text": "Two.", **VOICE, **timers, "complete_backoff_ms": 100}))
        rest = ws_turn(ws)
    assert first["status"] == "chunk"
    assert rest[-1]["status"] == "complete"
    assert {f["request_id"] for f in rest} == {first["request_id"]}


def test_max_buffer_flush_ms_speaks_without_a_flush(waves_local: LocalServer) -> None:
    """With continue:true and max_buffer_flush_ms, the buffer is spoken after that quiet time."""
    message = {"text": "Hello.", **VOICE, "continue": True, "max_buffer_flush_ms": 100}
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({**message, "complete_backoff_ms": 0}))
        frames = ws_turn(ws)
    assert frames[-1]["status"] == "complete"
    assert ws_audio(frames) == tts(waves_local, text="Hello.", sample_rate=16000).content


def test_a_blank_keep_alive_gets_no_answer(waves_local: LocalServer) -> None:
    """{"text": " "} only keeps the socket alive; the next request still works."""
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": " ", **VOICE}))
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)
        ws.send(json.dumps({"text": "Hi.", **VOICE}))
        assert ws_turn(ws)[-1]["status"] == "complete"


def test_a_lone_flush_still_completes(waves_local: LocalServer) -> None:
    """A flush with nothing buffered ends with `complete` (clients wait for it)."""
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": "", **VOICE, "flush": True}))
        frames = ws_turn(ws)
    assert [frame["status"] for frame in frames] == ["complete"]


def test_output_format_and_dictionaries_are_accepted(waves_local: LocalServer) -> None:
    """WS messages may carry output_format (wav chunks are whole files) and pronunciation_dicts."""
    created = requests.post(
        f"{waves_local.base_url}/waves/v1/pronunciation-dicts",
        json={"items": [{"word": "Hello", "pronunciation": "Howdy"}]},
        headers=AUTH,
        timeout=TIMEOUT,
    ).json()
    message = {"text": "Hello.", **VOICE, "output_format": "wav"}
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps(message))
        plain = ws_turn(ws)
        ws.send(json.dumps({**message, "pronunciation_dicts": [created["id"]]}))
        ruled = ws_turn(ws)
    chunk = base64.b64decode(plain[0]["data"]["audio"])
    assert soundfile.info(io.BytesIO(chunk)).samplerate == 16000
    assert (
        ws_audio(ruled)
        == tts(waves_local, text="Howdy.", sample_rate=16000, output_format="wav").content
    )
    assert ws_audio(ruled) != ws_audio(plain)


def test_no_frame_exceeds_one_mebibyte(waves_local: LocalServer) -> None:
    """A 250-character sentence as 44.1 kHz WAV is split into files below the 1 MiB limit."""
    text = " ".join(["extraordinarily"] * 15) + " long."
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": text[:250], "voice_id": "tone-alto", "output_format": "wav"}))
        frames = []
        while True:
            raw = ws.recv(timeout=TIMEOUT)
            assert isinstance(raw, str)
            assert len(raw.encode()) < 1024 * 1024
            frames.append(json.loads(raw))
            if frames[-1]["status"] == "complete":
                break
    assert len(frames) > 2  # the sentence needed more than one WAV file


def test_pings_are_answered(waves_local: LocalServer) -> None:
    """A client ping gets its pong."""
    with ws_connect(waves_local) as ws:
        assert ws.ping().wait(timeout=5)


def test_idle_sockets_get_the_documented_error_then_close(waves_local: LocalServer) -> None:
    """?timeout=1: after a quiet second the server sends the §4.3 error frame and closes."""
    with ws_connect(waves_local, "?timeout=1") as ws:
        frame = json.loads(ws.recv(timeout=10))
        assert frame == {
            "status": "error",
            "message": "Connection timed out after 1 seconds of inactivity",
        }
        with pytest.raises(ConnectionClosedOK):
            ws.recv(timeout=10)


@pytest.mark.parametrize("query", ["?timeout=0", "?timeout=abc", "?timeout=-5"])
def test_a_bad_timeout_refuses_the_upgrade(waves_local: LocalServer, query: str) -> None:
    """A timeout that is not a positive integer: HTTP 400 on the upgrade."""
    with pytest.raises(InvalidStatus) as caught:
        ws_connect(waves_local, query)
    assert caught.value.response.status_code == 400


@pytest.mark.parametrize("key", ["", "sk_wrong"])
def test_the_upgrade_needs_the_key(waves_local: LocalServer, key: str) -> None:
    """A missing or wrong key refuses the upgrade with HTTP 401 and the JSON body."""
    with pytest.raises(InvalidStatus) as caught:
        ws_connect(waves_local, key=key)
    response = caught.value.response
    assert response.status_code == 401
    assert json.loads(response.body) == {
        "error": "Unauthorized",
        "message": "Bearer token is missing or invalid.",
    }


@pytest.mark.parametrize(
    ("send", "fragment"),
    [
        (lambda ws: ws.send("not json"), "not valid JSON"),
        (lambda ws: ws.send(b"\x00\x01"), "binary frames are not accepted"),
        (lambda ws: ws.send(json.dumps({"text": "Hi."})), "'voice_id' field is required"),
        (
            lambda ws: ws.send(json.dumps({"text": "Hi.", "voice_id": "nobody"})),
            "Invalid input data",
        ),
        (lambda ws: ws.send(json.dumps({"text": "Hi.", **VOICE, "speed": 9})), "Speed must be"),
        (
            lambda ws: ws.send(json.dumps({"text": "Hi.", **VOICE, "complete_backoff_ms": 20000})),
            "complete_backoff_ms",
        ),
    ],
)
def test_bad_messages_get_an_error_frame_and_the_socket_stays_open(
    waves_local: LocalServer, send: Callable[..., None], fragment: str
) -> None:
    """Each bad message gets `{"status":"error","message":...}`; the next request works."""
    with ws_connect(waves_local) as ws:
        send(ws)
        frame = json.loads(ws.recv(timeout=TIMEOUT))
        assert frame["status"] == "error"
        assert fragment in frame["message"]
        assert frame["error"]["message"] == frame["message"]
        ws.send(json.dumps({"text": "Hi.", **VOICE}))
        assert ws_turn(ws)[-1]["status"] == "complete"
