"""Render any amount of text: split it, stream each piece, decode as it arrives, assemble a clip."""

from __future__ import annotations

import atexit
import functools
import itertools
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import CancelledError, DecodeError, ValidationError
from studio.core.models import SynthesisRequest, new_client_id
from studio.core.render import ClipFile, Rendered, RenderSpec
from studio.core.text import check_render_length, iter_pieces

__all__ = ["ClipFile", "ExportOptions", "RenderSpec", "Rendered", "export_rendered", "render_text"]

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    import numpy as np  # and numpy and the decoders load with the first render

    from studio.api.client import WavesClient
    from studio.audio.clipfile import ClipWriter
    from studio.audio.decode import StreamDecoder

SamplesCallback = Callable[["np.ndarray", int], None]


@functools.cache
def spool_folder() -> Path:
    """Where renders made outside the history (previews, grid cells) keep their audio.

    One folder per process under the system's temp folder, removed when the process exits.
    """
    folder = Path(tempfile.mkdtemp(prefix="waves-studio-renders-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def render_text(
    client: WavesClient,
    text: str,
    spec: RenderSpec,
    mode: str = "sse",
    cancel: threading.Event | None = None,
    on_samples: SamplesCallback | None = None,
    folder: Path | None = None,
) -> Rendered:
    """Render `text` (up to RENDER_MAX_CHARS) into a file; call `on_samples(samples, rate)` as
    it decodes.

    Each piece is written to the clip's file as it arrives (memory stays flat whatever the
    length); the file lands in `folder` (default: this process's spool folder).

    Raises:
        ValidationError: no text, or more than one render takes (RENDER_MAX_CHARS).
        CancelledError: `cancel` was set.
        StudioError: any API, network or decode failure.
    """
    check_render_length(text)
    session_id = new_client_id("take")
    # One request at a time, made as the previous one finishes: a long script never holds a
    # list of its pieces or requests, only their ids.
    requests_ = (spec.request(piece, session_id) for piece in iter_pieces(text))
    first = next(requests_, None)
    if first is None:
        raise ValidationError("There is no text to speak. Type a line first.", "text")
    target = folder or spool_folder()
    from studio.audio.clipfile import ClipWriter

    writer = ClipWriter(target, spec.output_format)
    request_ids: list[str] = []
    try:
        server_ids, transport, streams = _stream_pieces(
            client, itertools.chain((first,), requests_), spec, mode, cancel, writer, on_samples,
            request_ids,
        )  # fmt: skip
        if writer.frames == 0:
            raise DecodeError("The server sent no audible audio for this text.")
        audio = writer.finish(
            target / f"{session_id}.{writer.file_format}",
            first.request_id,
            server_ids[0],
            streams,
        )
    except BaseException:
        writer.abort()
        raise
    return Rendered(
        text,
        spec,
        audio,
        session_id,
        tuple(request_ids),
        tuple(server_ids),
        transport,
    ).preload()


def _stream_pieces(
    client: WavesClient,
    requests_: Iterable[SynthesisRequest],
    spec: RenderSpec,
    mode: str,
    cancel: threading.Event | None,
    writer: ClipWriter,
    on_samples: SamplesCallback | None,
    request_ids: list[str],
) -> tuple[list[str], str, int]:
    """Request each piece in turn, writing and forwarding its audio as it decodes; each
    request's id goes to `request_ids` as it is sent."""
    server_ids: list[str] = []
    transport = ""  # set by each chunk (a render without chunks fails in the caller)
    rate = streams = 0
    from studio.audio.decode import StreamDecoder

    for request in requests_:
        request_ids.append(request.request_id)
        decoder = StreamDecoder(spec.output_format, spec.sample_rate)
        server_id = ""
        for chunk in client.stream(request, mode, cancel):
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            writer.add_bytes(chunk.data)
            server_id = server_id or chunk.info.server_request_id
            transport = chunk.info.transport
            rate = _emit(decoder.feed(chunk.data), decoder, rate, writer, on_samples)
        rate = _emit(decoder.finish(), decoder, rate, writer, on_samples)
        server_ids.append(server_id)
        streams += decoder.streams
    return server_ids, transport, streams


def _emit(
    samples: np.ndarray,
    decoder: StreamDecoder,
    rate: int,
    writer: ClipWriter,
    on_samples: SamplesCallback | None,
) -> int:
    """Write and forward decoded samples; check every piece decodes at the same rate."""
    if samples.size == 0:
        return rate
    piece_rate = decoder.sample_rate
    if rate and piece_rate != rate:
        raise DecodeError(
            f"The server changed sample rate in the middle of a render ({rate} -> {piece_rate} Hz)."
        )
    import numpy as np  # loaded by the decoder already: a dictionary look-up

    samples = np.asarray(samples, dtype=np.float32)
    writer.add_samples(samples, piece_rate)
    if on_samples is not None:
        samples.flags.writeable = False
        on_samples(samples, piece_rate)
    return piece_rate


@dataclass(frozen=True)
class ExportOptions:
    """Processing applied when saving (both off by default).

    Attributes:
        normalize_lufs: Integrated loudness target, or None to keep the level.
        true_peak_db: Ceiling normalisation never exceeds.
        trim_silence: Cut silence at the start and end (never inside speech).
    """

    normalize_lufs: float | None = None
    true_peak_db: float = -1.0
    trim_silence: bool = False


def export_rendered(
    rendered: Rendered,
    path: Path,
    export_format: str,
    *,
    overwrite: bool = False,
    options: ExportOptions | None = None,
    sweep: bool = True,
) -> Path:
    """Save a render atomically: its original bytes when nothing changes, else re-encoded.

    `sweep=False` leaves the folder's stale temp files alone: a caller saving thousands of
    files into one folder (batch) removes them once, not in a scan per save.

    Raises:
        FileExistsExportError: `path` exists and `overwrite` is False.
        ExportError: no permission, disk full, bad folder.
    """
    from studio.audio.export_stream import export_clip_file

    opts = options or ExportOptions()
    return export_clip_file(
        rendered.audio,
        path,
        export_format,
        overwrite=overwrite,
        target_lufs=opts.normalize_lufs,
        true_peak_db=opts.true_peak_db,
        trim=opts.trim_silence,
        sweep=sweep,
    )
