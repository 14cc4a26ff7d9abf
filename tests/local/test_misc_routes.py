"""Health, analytics from the request log (§8), retired routes (§1.6) and unknown routes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from studio.local.routes_misc import RETIRED_HTTP
from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, tts, ws_connect, ws_turn


def _get(server: LocalServer, path: str, **params: str) -> requests.Response:
    return requests.get(f"{server.base_url}{path}", params=params, headers=AUTH, timeout=TIMEOUT)


def test_health_needs_no_key(waves_local: LocalServer) -> None:
    """GET /waves/v1/health answers without Authorization, in the SDK's shape."""
    reply = requests.get(f"{waves_local.base_url}/waves/v1/health", timeout=TIMEOUT)
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "ok"
    assert body["mongo"] == body["redis"] == body["rabbitmq"] == {"status": "ok"}


@pytest.mark.parametrize("path", sorted(RETIRED_HTTP))
def test_retired_routes_answer_410_naming_the_replacement(
    waves_local: LocalServer, path: str
) -> None:
    """Old per-model routes: 410 Gone with a message that names the new route."""
    reply = requests.post(
        f"{waves_local.base_url}{path}",
        json={"text": "Hi.", "voice_id": "tone-alto"},
        headers={**AUTH, "Accept": "audio/wav"},
        timeout=TIMEOUT,
    )
    assert reply.status_code == 410
    assert reply.json()["error"] == "Gone"
    assert RETIRED_HTTP[path] in reply.json()["message"]


def test_the_retired_websocket_refuses_the_upgrade(waves_local: LocalServer) -> None:
    """The old v3.1 socket URL refuses the upgrade with 410 and names /waves/v1/tts/live."""
    with pytest.raises(InvalidStatus) as caught:
        connect(
            f"{waves_local.ws_url}/waves/v1/lightning-v3.1/get_speech/stream",
            additional_headers=AUTH,
        )
    assert caught.value.response.status_code == 410
    assert "/waves/v1/tts/live" in json.loads(caught.value.response.body)["message"]


def test_unknown_routes_are_json_404s_with_a_request_id(waves_local: LocalServer) -> None:
    """A typo gets a JSON 404 (TTS shape) and an X-Request-Id like every reply."""
    reply = _get(waves_local, "/waves/v1/ttx")
    assert reply.status_code == 404
    assert reply.json()["error"] == "NotFound"
    uuid.UUID(reply.headers["X-Request-Id"])


def test_the_log_lists_syntheses_newest_first(make_waves_local: Callable[..., LocalServer]) -> None:
    """GET /analytics/tts/logs pages through rest and ws syntheses with their settings."""
    server = make_waves_local()
    tts(server, text="First one.", speed=1.5, sample_rate=8000, output_format="wav")
    tts(server, text="Second.", model="lightning_v3.1_pro")
    with ws_connect(server) as ws:
        ws.send(json.dumps({"text": "Third.", "voice_id": "tone-bass"}))
        ws_turn(ws)
    page = _get(server, "/waves/v1/analytics/tts/logs", page="1", pageSize="2").json()
    assert (page["status"], page["totalCount"], page["totalPages"]) == ("success", 3, 2)
    newest, middle = page["data"]
    assert (newest["request_type"], newest["text"], newest["voice_id"]) == (
        "ws",
        "Third.",
        "tone-bass",
    )
    assert (middle["model"], middle["text_len"]) == ("lightning-v3.1-pro", 7)
    oldest = _get(server, "/waves/v1/analytics/tts/logs", page="2", pageSize="2").json()["data"][0]
    assert (oldest["speed"], oldest["sample_rate"], oldest["output_format"]) == (1.5, 8000, "wav")
    assert oldest["is_pvc"] is False
    assert _get(server, "/waves/v1/analytics/tts/logs", page="0").status_code == 400


def test_timeseries_count_the_requests(make_waves_local: Callable[..., LocalServer]) -> None:
    """usage, credits, concurrency and ws-connections buckets reflect what happened."""
    server = make_waves_local()
    tts(server, text="Hello.")
    tts(server, text="Hi.")
    with ws_connect(server) as ws:
        ws.send(json.dumps({"text": "Yo.", "voice_id": "tone-alto"}))
        ws_turn(ws)
    now = datetime.now(UTC)
    window = {
        "from": (now - timedelta(hours=2)).isoformat(),
        "to": (now + timedelta(hours=1)).isoformat(),
        "granularity": "hour",
    }
    usage = _get(server, "/waves/v1/analytics/tts/usage/timeseries", **window).json()
    assert usage["totalRequestCount"] == 3 and sum(usage["values"]) == 3
    assert len(usage["timestamps"]) == len(usage["values"]) == 4
    credits = _get(server, "/waves/v1/analytics/tts/usage/credits/timeseries", **window).json()
    assert credits["totalCredits"] == len("Hello.") + len("Hi.") + len("Yo.")
    concurrency = _get(server, "/waves/v1/analytics/tts/concurrency/timeseries", **window).json()
    assert max(concurrency["values"]) == 1
    sockets = _get(server, "/waves/v1/analytics/tts/ws-connections/timeseries", **window).json()
    assert sum(sockets["values"]) == 1
    bad = _get(server, "/waves/v1/analytics/tts/usage/timeseries", granularity="minute")
    assert (bad.status_code, bad.json()["error"]) == (400, "InvalidRequest")
