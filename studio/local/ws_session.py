"""One WebSocket connection of `/waves/v1/tts/live`: buffering, turns, timers and frames."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import math
import time
from typing import Any

from fastapi import WebSocket
from starlette.types import Message
from starlette.websockets import WebSocketDisconnect

from studio.local.engines.base import EngineUnavailableError
from studio.local.faults import FaultDecision
from studio.local.ids import new_uuid
from studio.local.jsonbody import BodyError, decode_json
from studio.local.responses import stream_of
from studio.local.state import ServerState
from studio.local.synthesis import engine_error
from studio.local.transport import abort_connection
from studio.local.tts_request import TtsJob, parse_tts_body
from studio.local.wire import WireError

log = logging.getLogger(__name__)


class _SessionEndedError(Exception):
    """The session must stop: the socket was dropped or closed on purpose."""


class WsSession:
    """Serves the messages of one socket in order; timers run between messages.

    Attributes:
        session_id: "ws_<uuid>", the same for every frame of this connection.
    """

    def __init__(self, state: ServerState, websocket: WebSocket, idle_timeout_s: int) -> None:
        self.state = state
        self.ws = websocket
        self.idle_timeout_s = idle_timeout_s
        self.session_id = f"ws_{new_uuid()}"
        self._buffer = ""
        self._job: TtsJob | None = None
        self._turn_id: str | None = None
        self._external: dict[str, str] = {}
        self._flush_at: float | None = None
        self._complete_at: float | None = None
        self._last_activity = time.monotonic()
        self._pending: list[Message] = []  # messages that arrived during a pause

    async def run(self) -> None:
        """Receive and answer until the client leaves, goes idle, or a fault ends it."""
        try:
            while True:
                idle_at = self._last_activity + self.idle_timeout_s
                timers = [t for t in (self._flush_at, self._complete_at) if t is not None]
                deadline = min([idle_at, *timers])
                try:
                    message = (
                        self._pending.pop(0)
                        if self._pending
                        else await asyncio.wait_for(
                            self.ws.receive(), max(0.0, deadline - time.monotonic())
                        )
                    )
                except TimeoutError:
                    await self._on_deadline(idle_at)
                    continue
                if message["type"] == "websocket.disconnect":
                    return
                self._last_activity = time.monotonic()
                await self._on_message(message)
        except (WebSocketDisconnect, _SessionEndedError):
            return
        except Exception:  # a bug: say so on the socket and close it properly, never drop it
            log.exception("waves-local: unexpected error in a WebSocket session")
            with contextlib.suppress(Exception):
                await self._send_error("An unexpected error occurred in waves-local.", 500)
                await self.ws.close(1011, "unexpected server error")

    async def _on_deadline(self, idle_at: float) -> None:
        now = time.monotonic()
        if self._flush_at is not None and now >= self._flush_at:
            await self._synthesize_buffer()
            self._schedule_complete()
        elif self._complete_at is not None and now >= self._complete_at:
            await self._send_complete()
        elif now >= idle_at:
            message = f"Connection timed out after {self.idle_timeout_s} seconds of inactivity"
            await self._send({"status": "error", "message": message})  # the documented frame
            await self.ws.close(1000, "idle timeout")
            raise _SessionEndedError

    async def _on_message(self, message: Message) -> None:
        raw = message.get("text")
        if raw is None:
            await self._send_error("Send JSON text frames; binary frames are not accepted.", 400)
            return
        try:
            job = parse_tts_body(decode_json(raw, "message"), websocket=True)
            self.state.synthesizer.check(job)
        except BodyError as exc:
            await self._send_error(str(exc), 400)
            return
        except WireError as exc:
            await self._send_error(exc.message, exc.status)
            return
        self._job = job
        self._buffer += job.text
        self._complete_at = None  # the client is still talking: no complete yet
        if job.session_id:
            self._external["external_session_id"] = job.session_id
        if job.request_id:
            self._external["external_request_id"] = job.request_id
        if job.continue_:
            if job.flush:
                await self._synthesize_buffer()
                self._schedule_complete()
            elif job.max_buffer_flush_ms > 0 and self._buffer.strip():
                self._flush_at = time.monotonic() + job.max_buffer_flush_ms / 1000.0
            return
        if not self._buffer.strip() and self._turn_id is None and not job.flush:
            return  # a keep-alive such as {"text": " "}: it only restarts the idle clock
        await self._synthesize_buffer()
        if self._job is not None:  # an error frame ends the turn instead
            await self._send_complete()

    def _schedule_complete(self) -> None:
        if self._turn_id is not None and self._job is not None:
            self._complete_at = time.monotonic() + self._job.complete_backoff_ms / 1000.0

    def _ids(self) -> dict[str, Any]:
        if self._turn_id is None:
            self._turn_id = f"task_{new_uuid()}"
        return {"session_id": self.session_id, "request_id": self._turn_id, **self._external}

    def _end_turn(self) -> None:
        self._turn_id = None
        self._external = {}
        self._complete_at = None
        self._flush_at = None

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.ws.send_text(json.dumps(frame))

    async def _send_error(self, message: str, code: int) -> None:
        await self._send(
            {"status": "error", "message": message, "error": {"message": message, "code": code}}
        )

    async def _send_complete(self) -> None:
        frame = {**self._ids(), "status": "complete"}
        self._end_turn()
        await self._send(frame)

    async def _fail_turn(self, error: WireError) -> None:
        frame = {**self._ids(), "status": "error", "message": error.message}
        frame["error"] = {"message": error.message, "code": error.status}
        self._end_turn()
        self._job = None
        self._buffer = ""
        await self._send(frame)

    async def _synthesize_buffer(self) -> None:
        text, self._buffer, self._flush_at = self._buffer, "", None
        job = self._job
        if job is None or not text.strip():
            return
        faults = self.state.decide_faults(self.ws.url.path)
        if faults.status is not None:
            message = f"waves-local injected error {faults.status} (fault injection is on)."
            await self._fail_turn(WireError(faults.status, {"message": message}))
            return
        try:
            lease = self.state.limiter.acquire()
        except WireError as exc:
            await self._fail_turn(exc)
            return
        try:
            self.state.log_synthesis(job, "ws", text)
            await self._stream(job, text, faults)
        except EngineUnavailableError as exc:
            await self._fail_turn(engine_error(exc))
        finally:
            lease.release()
            self._last_activity = time.monotonic()

    async def _stream(self, job: TtsJob, text: str, faults: FaultDecision) -> None:
        await self._pause(self.state.config.latency_ms / 1000.0 + faults.latency_s)
        source = self.state.synthesizer.render_pieces(job, text)
        if faults.cut is not None:  # the cut point needs the chunk count: render everything
            rendered = [piece async for piece in source]
            source = stream_of(rendered[: max(1, math.ceil(len(rendered) * faults.cut))])
        sent = 0
        async for piece in source:
            audio = base64.b64encode(piece).decode("ascii")
            await self._send({**self._ids(), "status": "chunk", "data": {"audio": audio}})
            sent += 1
            if sent == 1 and faults.drop:
                if not abort_connection(self.ws.scope):
                    await self.ws.close(1011, "waves-local fault injection: dropped")
                raise _SessionEndedError
            if sent == 1 and faults.stall_s:
                await self._pause(faults.stall_s)
        if faults.cut is not None:
            await self.ws.close(1011, "waves-local fault injection: stream cut")
            raise _SessionEndedError

    async def _pause(self, seconds: float) -> None:
        """Wait, but notice a client that leaves; keep what it sends meanwhile for later."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = await asyncio.wait_for(self.ws.receive(), left)
            except TimeoutError:
                return
            if message["type"] == "websocket.disconnect":
                raise _SessionEndedError
            self._pending.append(message)
