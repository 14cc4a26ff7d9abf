"""Render any amount of text: split it, stream each piece, decode as it arrives, assemble a clip."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from studio.audio import codecs
from studio.audio.decode import StreamDecoder
from studio.core import contract as c
from studio.core.errors import CancelledError, DecodeError, ValidationError
from studio.core.models import AudioClip, SynthesisRequest, new_client_id
from studio.core.text import split_text

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient

SamplesCallback = Callable[[np.ndarray, int], None]


@dataclass(frozen=True)
class RenderSpec:
    """Everything about a render except its text: the settings that change the audio.

    Attributes:
        voice_id, model, language, speed, sample_rate, output_format: Request fields.
        dictionary_ids: Pronunciation dictionaries to apply.
    """

    voice_id: str
    model: str = c.DEFAULT_MODEL
    language: str = c.DEFAULT_LANGUAGE
    speed: float = c.DEFAULT_SPEED
    sample_rate: int = 24000
    output_format: str = c.DEFAULT_OUTPUT_FORMAT
    dictionary_ids: tuple[str, ...] = ()

    def request(self, text: str, session_id: str) -> SynthesisRequest:
        """The wire request for one piece of text."""
        return SynthesisRequest(
            text=text,
            voice_id=self.voice_id,
            model=self.model,
            language=self.language,
            speed=self.speed,
            sample_rate=self.sample_rate,
            output_format=self.output_format,
            pronunciation_dicts=self.dictionary_ids,
            session_id=session_id,
        )


@dataclass(frozen=True)
class Rendered:
    """A finished render: the clip in its wire format, and its decoded samples.

    Attributes:
        text: The whole text rendered.
        spec: The settings used.
        clip: The audio in `spec.output_format` (the original bytes where one request made it).
        samples: Decoded mono float32 samples (read-only).
        sample_rate: Rate of `samples`.
        session_id: The id shared by all the pieces' requests.
        request_ids, server_request_ids: One per request, in order.
        transport: How the audio came ("sse", "ws" or "http").
    """

    text: str
    spec: RenderSpec
    clip: AudioClip
    samples: np.ndarray = field(repr=False)
    sample_rate: int
    session_id: str
    request_ids: tuple[str, ...]
    server_request_ids: tuple[str, ...]
    transport: str

    @property
    def duration_s(self) -> float:
        """Length of the audio in seconds."""
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0


def _assemble(spec: RenderSpec, pieces: list[bytes], samples: np.ndarray, rate: int) -> bytes:
    """One playable file's bytes from the pieces' bytes.

    Headerless formats concatenate exactly. A WAV render is re-wrapped from its samples, because
    streamed WAV arrives as several files or with placeholder sizes; PCM16 round-trips bit-exact.
    MP3 pieces concatenate into one valid frame stream.
    """
    if spec.output_format == "wav" and not (len(pieces) == 1 and _is_plain_wav(pieces[0])):
        return codecs.wav_bytes(samples, rate)
    return b"".join(pieces)


def _is_plain_wav(data: bytes) -> bool:
    """A single WAV file whose data chunk size matches its length (no streaming placeholder)."""
    if len(data) < codecs.WAV_HEADER_BYTES or data[:4] != b"RIFF":
        return False
    riff_size = int.from_bytes(data[4:8], "little")
    return riff_size + 8 == len(data) and data.count(b"RIFF") == 1


def render_text(
    client: WavesClient,
    text: str,
    spec: RenderSpec,
    mode: str = "sse",
    cancel: threading.Event | None = None,
    on_samples: SamplesCallback | None = None,
) -> Rendered:
    """Render `text` of any length; call `on_samples(samples, rate)` as audio decodes.

    Raises:
        ValidationError: no text.
        CancelledError: `cancel` was set.
        StudioError: any API, network or decode failure.
    """
    pieces_text = split_text(text)
    if not pieces_text:
        raise ValidationError("There is no text to speak. Type a line first.", "text")
    session_id = new_client_id("take")
    requests_ = [spec.request(piece, session_id) for piece in pieces_text]
    raw_pieces: list[bytes] = []
    decoded: list[np.ndarray] = []
    server_ids: list[str] = []
    transport = ""  # set by each chunk (a render without chunks fails below)
    rate = 0
    for request in requests_:
        decoder = StreamDecoder(spec.output_format, spec.sample_rate)
        parts: list[bytes] = []
        server_id = ""
        for chunk in client.stream(request, mode, cancel):
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            parts.append(chunk.data)
            server_id = server_id or chunk.info.server_request_id
            transport = chunk.info.transport
            rate = _emit(decoder.feed(chunk.data), decoder, rate, decoded, on_samples)
        rate = _emit(decoder.finish(), decoder, rate, decoded, on_samples)
        raw_pieces.append(b"".join(parts))
        server_ids.append(server_id)
    samples = np.concatenate(decoded) if decoded else np.zeros(0, np.float32)
    if samples.size == 0:
        raise DecodeError("The server sent no audible audio for this text.")
    samples.flags.writeable = False
    rate = rate or spec.sample_rate
    clip = AudioClip(
        _assemble(spec, raw_pieces, samples, rate),
        spec.output_format,
        rate,
        requests_[0].request_id,
        server_ids[0],
    )
    return Rendered(
        text,
        spec,
        clip,
        samples,
        rate,
        session_id,
        tuple(r.request_id for r in requests_),
        tuple(server_ids),
        transport,
    )


def _emit(
    samples: np.ndarray,
    decoder: StreamDecoder,
    rate: int,
    decoded: list[np.ndarray],
    on_samples: SamplesCallback | None,
) -> int:
    """Keep and forward decoded samples; check every piece decodes at the same rate."""
    if samples.size == 0:
        return rate
    piece_rate = decoder.sample_rate
    if rate and piece_rate != rate:
        raise DecodeError(
            f"The server changed sample rate in the middle of a render ({rate} -> {piece_rate} Hz)."
        )
    samples = np.asarray(samples, dtype=np.float32)
    samples.flags.writeable = False
    decoded.append(samples)
    if on_samples is not None:
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
) -> Path:
    """Save a render atomically: its original bytes when nothing changes, else re-encoded.

    Raises:
        FileExistsExportError: `path` exists and `overwrite` is False.
        ExportError: no permission, disk full, bad folder.
    """
    from studio.audio.export import export_audio, export_clip

    opts = options or ExportOptions()
    if export_format == rendered.clip.output_format:
        return export_clip(
            rendered.clip,
            path,
            export_format,
            overwrite=overwrite,
            target_lufs=opts.normalize_lufs,
            true_peak_db=opts.true_peak_db,
            trim=opts.trim_silence,
        )
    return export_audio(
        rendered.samples,
        rendered.sample_rate,
        path,
        export_format,
        overwrite=overwrite,
        target_lufs=opts.normalize_lufs,
        true_peak_db=opts.true_peak_db,
        trim=opts.trim_silence,
    )
