"""`POST /waves/v1/tts` (whole clip) and `POST /waves/v1/tts/live` (SSE), §2 and §3.

Content-Type of `/waves/v1/tts` (UNCONFIRMED in the contract, §14.2): audio/wav for wav,
audio/mpeg for mp3, audio/pcm for pcm, audio/basic for ulaw, audio/x-alaw-basic for alaw.
The documented `audio/wav` for every format would mislabel raw PCM; the SDK ignores the type.
Any `Accept` value is accepted, but the header must be present (the docs mark it required).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import math
from collections.abc import AsyncIterator, Callable, Iterator

from fastapi import APIRouter, Request
from starlette.responses import Response

from studio.local.engines.base import EngineUnavailableError
from studio.local.faults import SSE_GARBAGE, FaultDecision
from studio.local.ids import new_uuid
from studio.local.middleware import request_faults
from studio.local.monitor import Lease
from studio.local.responses import Abort, StreamReply, pieces_of, stream_of
from studio.local.route_support import authorized_state, read_json_body
from studio.local.state import ServerState
from studio.local.synthesis import engine_error
from studio.local.tts_request import TtsJob, parse_tts_body
from studio.local.wire import invalid_request

router = APIRouter()
log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "pcm": "audio/pcm",
    "ulaw": "audio/basic",
    "alaw": "audio/x-alaw-basic",
}
HTTP_PIECE_BYTES = 64 * 1024
SSE_DONE = b'data: {"status": "200", "done": true}\n\n'


def _expires_content(request: Request) -> bool:
    """True when the request asks for `x-expire-content: true` (§1.3)."""
    return request.headers.get("x-expire-content", "").strip().lower() == "true"


async def pause_before_first_byte(state: ServerState) -> None:
    """The configured `--latency-ms`."""
    if state.config.latency_ms:
        await asyncio.sleep(state.config.latency_ms / 1000.0)


def synthesis_headers(request: Request, job: TtsJob, content_type: str) -> dict[str, str]:
    """The §1.4 headers of a synthesis reply."""
    headers = {
        "Content-Type": content_type,
        "X-Session-Id": new_uuid(),
        "X-External-Session-Id": job.session_id,
        "X-External-Request-Id": job.request_id,
    }
    if _expires_content(request):
        headers["x-content-expiry"] = "not-entitled"  # no enterprise plan offline
    return headers


async def accept_job(
    request: Request, need_accept: bool = False
) -> tuple[ServerState, TtsJob, Lease]:
    """Auth, parse, check ids, take a slot: everything before synthesis starts."""
    state = authorized_state(request)
    if need_accept and "accept" not in request.headers:
        raise invalid_request(
            "The 'Accept' header is required. Send 'Accept: audio/wav'; the audio format "
            "follows the output_format field."
        )
    job = parse_tts_body(await read_json_body(request))
    state.synthesizer.check(job)
    lease = state.limiter.acquire()
    # Expired content is logged without its text.
    state.log_synthesis(job, "rest", "" if _expires_content(request) else job.text)
    return state, job, lease


@contextlib.contextmanager
def released_on_failure(lease: Lease) -> Iterator[None]:
    """Give the slot back if anything fails before the reply owns it; 503 for a dead engine."""
    try:
        yield
    except EngineUnavailableError as exc:
        lease.release()
        raise engine_error(exc) from None
    except BaseException:
        lease.release()
        raise


@router.post("/waves/v1/tts")
async def synthesize(request: Request) -> Response:
    """The whole clip in one body, with Content-Length."""
    state, job, lease = await accept_job(request, need_accept=True)
    with released_on_failure(lease):
        await pause_before_first_byte(state)
        audio = await state.synthesizer.render_clip(job)
    # The audio is made: the slot is free before any byte goes out. A client that sends its
    # next request as soon as this body has arrived must find it free, not get a 429.
    lease.release()
    faults = request_faults(request.scope)
    headers = synthesis_headers(
        request, job, faults.content_type or CONTENT_TYPES[job.output_format]
    )
    headers["Content-Length"] = str(len(audio))
    if faults.cut is None and not faults.drop and not faults.stall_s:
        # One write of a finished body: no pieces, no disconnect watcher (nothing to stop).
        return Response(audio, 200, headers)
    abort = Abort.NEVER
    if faults.cut is not None:
        audio, abort = audio[: int(len(audio) * faults.cut)], Abort.AT_END
    elif faults.drop:
        abort = Abort.AFTER_FIRST
    return StreamReply(
        200,
        headers,
        pieces_of(audio, HTTP_PIECE_BYTES),
        lease.release,
        stall_s=faults.stall_s,
        abort=abort,
    )


def sse_audio_frame(piece: bytes) -> bytes:
    """One §3.2 audio event."""
    payload = {"audio": base64.b64encode(piece).decode("ascii"), "done": False, "status": "206"}
    return b"event: audio\ndata: " + json.dumps(payload).encode("ascii") + b"\n\n"


@router.post("/waves/v1/tts/live")
async def synthesize_sse(request: Request) -> Response:
    """Audio chunks as Server-Sent Events, sent as each sentence is rendered."""
    state, job, lease = await accept_job(request)
    pieces = state.synthesizer.render_pieces(job)
    with released_on_failure(lease):
        await pause_before_first_byte(state)
        first = await anext(pieces, None)
    faults = request_faults(request.scope)
    headers = synthesis_headers(request, job, faults.content_type or "text/event-stream")
    headers["Cache-Control"] = "no-cache"
    frames = _sse_frames(first, pieces, faults, lease.release)
    abort = Abort.AFTER_FIRST if faults.drop else Abort.NEVER
    return StreamReply(200, headers, frames, lease.release, stall_s=faults.stall_s, abort=abort)


def sse_error_frame(exc: Exception) -> bytes:
    """The event that ends a stream whose synthesis failed part-way (never a bare cut).

    §3.2 documents no mid-stream error event; this is the legacy Lightning shape.
    """
    if isinstance(exc, EngineUnavailableError):
        message = engine_error(exc).message
    else:
        log.error("waves-local: synthesis failed mid-stream", exc_info=exc)
        message = "An unexpected error occurred in waves-local; the stream ends here."
    body = {"status": "error", "message": message, "errors": [message]}
    return b"data: " + json.dumps(body).encode("utf-8") + b"\n\n"


async def _sse_frames(
    first: bytes | None,
    rest: AsyncIterator[bytes],
    faults: FaultDecision,
    rendered_all: Callable[[], None],
) -> AsyncIterator[bytes]:
    """Frames for the first piece and the rest, then the end frame (faults permitting).

    `rendered_all` runs once the last piece is made, before the end frame: a client that
    starts its next request on `done` must find the synthesis slot free.
    """

    async def all_pieces() -> AsyncIterator[bytes]:
        if first is not None:
            yield first
        async for piece in rest:
            yield piece

    source = all_pieces()
    if faults.cut is not None:  # the cut point needs the frame count: render everything first
        rendered = [piece async for piece in source]
        keep = max(1, math.ceil(len(rendered) * faults.cut)) if rendered else 0
        source = stream_of(rendered[: min(keep, max(len(rendered) - 1, 1))])
    try:
        async for piece in source:
            if faults.garbage:
                yield SSE_GARBAGE
            yield sse_audio_frame(piece)
    except Exception as exc:  # any failure ends the stream with an event, never a bare cut
        yield sse_error_frame(exc)
        return
    rendered_all()
    if faults.cut is None:
        yield SSE_DONE
