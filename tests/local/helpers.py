"""Shared client-side helpers for the waves-local tests: requests, SSE parsing, audio decoding."""

from __future__ import annotations

import base64
import io
import json
import os
import select
import subprocess
from typing import Any

import numpy as np
import numpy.typing as npt
import requests
import soundfile
from websockets.sync.client import ClientConnection, connect

from studio.audio import codecs
from studio.local.server import LocalServer

KEY = "sk_local_test_key"
AUTH = {"Authorization": f"Bearer {KEY}"}
TTS_HEADERS = {**AUTH, "Accept": "audio/wav"}
TIMEOUT = 30


def tts(
    server: LocalServer, headers: dict[str, Any] | None = None, **body: Any
) -> requests.Response:
    """POST /waves/v1/tts with the test key and `Accept: audio/wav`."""
    body.setdefault("voice_id", "tone-alto")
    return requests.post(
        f"{server.base_url}/waves/v1/tts",
        json=body,
        headers=TTS_HEADERS if headers is None else headers,
        timeout=TIMEOUT,
    )


def sse(
    server: LocalServer, headers: dict[str, Any] | None = None, **body: Any
) -> requests.Response:
    """POST /waves/v1/tts/live (SSE), fully read."""
    body.setdefault("voice_id", "tone-alto")
    return requests.post(
        f"{server.base_url}/waves/v1/tts/live",
        json=body,
        headers=AUTH if headers is None else headers,
        timeout=TIMEOUT,
    )


def parse_sse(raw: bytes) -> list[tuple[str, str]]:
    """Events as (event type, data) after the WHATWG rules: comments and unknown fields
    skipped, data lines joined, an event dispatched at each blank line (if it has data)."""
    events: list[tuple[str, str]] = []
    event, data = "", []
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    for line in text.split("\n"):
        if not line:
            if data:
                events.append((event, "\n".join(data)))
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    return events


def sse_audio(events: list[tuple[str, str]]) -> list[bytes]:
    """The decoded audio of every `audio` event."""
    return [
        base64.b64decode(json.loads(data)["audio"]) for event, data in events if event == "audio"
    ]


def decode(data: bytes, output_format: str, sample_rate: int) -> npt.NDArray[np.float32]:
    """Any contract format back to float samples (checks the WAV/MP3 rate on the way)."""
    if output_format == "pcm":
        return codecs.pcm16_to_float(data)
    if output_format == "ulaw":
        return codecs.ulaw_to_float(data)
    if output_format == "alaw":
        return codecs.alaw_to_float(data)
    samples, rate = soundfile.read(io.BytesIO(data), dtype="float32")
    assert rate == sample_rate
    return np.asarray(samples, dtype=np.float32)


def dominant_hz(samples: npt.NDArray[np.float32], sample_rate: int) -> float:
    """The strongest frequency of a stretch of audio."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1.0 / sample_rate)[int(np.argmax(spectrum))])


def ws_connect(server: LocalServer, query: str = "", key: str = KEY) -> ClientConnection:
    """A raw WebSocket to /waves/v1/tts/live."""
    return connect(
        f"{server.ws_url}/waves/v1/tts/live{query}",
        additional_headers={"Authorization": f"Bearer {key}"},
        open_timeout=10,
    )


def ws_turn(ws: ClientConnection, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
    """Receive frames up to and including `complete` or `error`."""
    frames = []
    while True:
        frame = json.loads(ws.recv(timeout=timeout))
        frames.append(frame)
        if frame["status"] in ("complete", "error"):
            return frames


def ws_audio(frames: list[dict[str, Any]]) -> bytes:
    """The joined audio of the `chunk` frames."""
    return b"".join(base64.b64decode(f["data"]["audio"]) for f in frames if f["status"] == "chunk")


def gone_within(pid: int, seconds: float) -> bool:
    """Wait (without polling) until process `pid` has exited; False after `seconds`."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


def assert_child_dies_with(app: subprocess.Popen[str]) -> None:
    """kill -9 `app`, which printed its waves-local child's pid: the child is gone soon after.

    The child stops serving at once and is forced out 1.5 s after its stop starts
    (`PARENT_GONE_EXIT_S`); 5 s leaves scheduling slack on a loaded 2-core CI machine.
    """
    assert app.stdout is not None
    child = int(app.stdout.readline())
    assert not gone_within(child, 0.2)
    app.kill()
    app.wait(5)
    assert gone_within(child, 5.0), "waves-local outlived the app"
