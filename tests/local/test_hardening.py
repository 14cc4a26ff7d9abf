"""waves-local refuses hostile input at its boundary: bad text, huge numbers, analytics dates,
engine failures part-way, corrupt data files (issue 18, items 1, 2 and 6)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from websockets.exceptions import ConnectionClosedError

from studio.core.errors import StoreError
from studio.local.server import LocalServer, ServerConfig
from tests.local.helpers import AUTH, TIMEOUT, parse_sse, sse, tts, ws_connect, ws_turn

HUGE = "9" * 5000


def _raw_post(server: LocalServer, path: str, body: bytes, headers: dict[str, str]) -> Any:
    return requests.post(f"{server.base_url}{path}", data=body, headers=headers, timeout=TIMEOUT)


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [("ab\ud800c", "U+D800", 3), ("Hello\x00", "U+0000", 6), ("x\x1b]52;c;aGk=\x07", "U+001B", 2)],
)
def test_bad_characters_are_refused_by_position_on_every_transport(
    waves_local: LocalServer, text: str, code: str, position: int
) -> None:
    """A lone surrogate, NUL or ESC in text is a 400 (HTTP, SSE) or error frame (WS) naming it."""
    expected = f"({code}) at character {position}"
    for reply in (tts(waves_local, text=text), sse(waves_local, text=text)):
        assert reply.status_code == 400
        assert expected in reply.json()["message"]
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": text, "voice_id": "tone-alto"}))
        frames = ws_turn(ws)
        assert frames[-1]["status"] == "error" and expected in frames[-1]["message"]
        ws.send(json.dumps({"text": "Still here.", "voice_id": "tone-alto"}))
        assert ws_turn(ws)[-1]["status"] == "complete"


def test_tabs_and_line_breaks_are_text(waves_local: LocalServer) -> None:
    """Whitespace controls (tab, LF, CR, FF) are ordinary text, not refused."""
    assert tts(waves_local, text="One.\tTwo.\r\nThree.\fFour.").status_code == 200


def test_dictionary_entries_with_control_characters_are_refused(waves_local: LocalServer) -> None:
    """A pronunciation holding NUL would reach the engines: a 400 with a zod-style issue."""
    body = {"items": [{"word": "hello", "pronunciation": "he\x00llo"}]}
    reply = requests.post(
        f"{waves_local.base_url}/waves/v1/pronunciation-dicts", json=body, headers=AUTH, timeout=5
    )
    assert reply.status_code == 400
    assert reply.json()["details"][0]["path"] == ["items", 0, "pronunciation"]


@pytest.mark.parametrize("field", ["speed", "sample_rate"])
def test_numbers_python_cannot_parse_are_400_naming_the_field(
    waves_local: LocalServer, field: str
) -> None:
    """A 5,000-digit number reads as JSON.parse reads it (Infinity) and fails its field check."""
    body = f'{{"text": "Hi.", "voice_id": "tone-alto", "{field}": {HUGE}}}'.encode()
    headers = {**AUTH, "Accept": "audio/wav", "Content-Type": "application/json"}
    for path in ("/waves/v1/tts", "/waves/v1/tts/live"):
        reply = _raw_post(waves_local, path, body, headers)
        assert reply.status_code == 400 and f"'{field}'" in reply.json()["message"]
    with ws_connect(waves_local) as ws:
        ws.send(body.decode())
        assert f"'{field}'" in ws_turn(ws)[-1]["message"]


def test_nan_literals_and_huge_numbers_in_a_dictionary_body_are_400(
    waves_local: LocalServer,
) -> None:
    """NaN is not JSON, and a huge number where a string belongs is a zod issue, not a 500."""
    headers = {**AUTH, "Content-Type": "application/json"}
    path = "/waves/v1/pronunciation-dicts"
    reply = _raw_post(waves_local, path, b'{"items": NaN}', headers)
    assert reply.status_code == 400 and "NaN" in reply.json()["error"]
    body = f'{{"items": [{{"word": {HUGE}, "pronunciation": "x"}}]}}'.encode()
    reply = _raw_post(waves_local, path, body, headers)
    assert reply.status_code == 400 and reply.json()["details"][0]["path"] == ["items", 0, "word"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=0001-01-01T00:00:00%2B14:00", "'from'"),
        ("to=9999-12-31T23:59:59-14:00", "'to'"),
        ("from=2026-13-01", "'from'"),
    ],
)
def test_analytics_dates_that_overflow_are_400(
    waves_local: LocalServer, query: str, field: str
) -> None:
    """Dates at the edge of the calendar are a 400 naming the query field, not an overflow."""
    url = f"{waves_local.base_url}/waves/v1/analytics/tts/usage/timeseries?{query}"
    reply = requests.get(url, headers=AUTH, timeout=TIMEOUT)
    assert reply.status_code == 400 and field in reply.json()["message"]


def test_corrupt_data_files_are_moved_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 5,000-digit number in the clones file: the file is moved aside with a warning."""
    (tmp_path / "voice_clones.json").write_text(f'[{{"voiceId": "v", "n": {HUGE}}}]')
    with (
        caplog.at_level(logging.WARNING),
        LocalServer(ServerConfig(engine="tone", data_dir=tmp_path)) as server,
    ):
        reply = requests.get(f"{server.base_url}/waves/v1/voice-cloning", headers=AUTH, timeout=5)
    assert reply.json() == {"data": []}
    assert list(tmp_path.glob("voice_clones.json.corrupt-*"))
    assert "moved it to voice_clones.json.corrupt-" in caplog.text


def test_a_data_folder_that_is_a_file_gives_a_sentence(tmp_path: Path) -> None:
    """--data-dir naming a file: a StoreError sentence (and exit 1 from the CLI), no Errno."""
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as caught:
        LocalServer(ServerConfig(engine="tone", data_dir=blocker / "inner")).start()
    assert "is a file" in caught.value.user_message and "Errno" not in caught.value.user_message
    command = [sys.executable, "-m", "studio.local.cli", "--engine", "tone", "--port", "0"]
    done = subprocess.run(
        [*command, "--data-dir", str(blocker)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "is a file" in done.stderr and "Traceback" not in done.stderr


def _frames_until_closed(ws: Any) -> list[dict[str, Any]]:
    frames = []
    try:
        while True:
            frames.append(json.loads(ws.recv(timeout=TIMEOUT)))
    except ConnectionClosedError:
        return frames


def test_a_failure_mid_stream_ends_with_an_error_not_a_cut(
    make_waves_local: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An engine bug in a later sentence: SSE ends with an error event, WS with an error
    frame and a 1011 close frame; the server keeps serving."""
    server = make_waves_local()
    engine = server.state.synthesizer.route("tone-alto").engine
    real = engine.synthesize

    def fails_on_boom(sentence: str, *args: Any) -> Any:
        if "Boom" in sentence:
            raise RuntimeError("simulated engine bug")
        return real(sentence, *args)

    monkeypatch.setattr(engine, "synthesize", fails_on_boom)
    text = "First sentence is fine. Boom goes the second."
    with caplog.at_level(logging.ERROR):
        events = parse_sse(sse(server, text=text).content)
        assert events[0][0] == "audio"
        assert json.loads(events[-1][1])["status"] == "error"
        with ws_connect(server) as ws:
            ws.send(json.dumps({"text": text, "voice_id": "tone-alto"}))
            frames = _frames_until_closed(ws)
            assert ws.close_code == 1011
            assert frames[0]["status"] == "chunk" and frames[-1]["status"] == "error"
    assert tts(server, text="Still serving.").status_code == 200
