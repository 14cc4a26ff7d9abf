"""Build real `Rendered` values from synthetic samples, the way the pipeline would."""

from __future__ import annotations

import numpy as np

from studio.audio import codecs
from studio.audio.clipfile import ClipWriter
from studio.audio.decode import decode
from studio.core.models import new_client_id
from studio.pipeline import Rendered, RenderSpec, spool_folder


def tone(seconds: float = 0.25, rate: int = 24000, freq: float = 440.0) -> np.ndarray:
    """A quiet sine, long enough to be audible."""
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def make_rendered(
    text: str = "Hello there.",
    spec: RenderSpec | None = None,
    *,
    seconds: float = 0.25,
    freq: float = 440.0,
    pieces: int = 1,
) -> Rendered:
    """A finished render of `text`: encoded in `spec.output_format`, decoded back like the app."""
    spec = spec or RenderSpec(voice_id="emily")
    data = codecs.encode(
        tone(seconds, spec.sample_rate, freq), spec.output_format, spec.sample_rate
    )
    decoded = decode(data, spec.output_format, spec.sample_rate)
    samples = decoded.samples
    samples.flags.writeable = False
    request_ids = tuple(new_client_id("req") for _ in range(pieces))
    server_ids = tuple(f"srv-{new_client_id('x')[-8:]}" for _ in range(pieces))
    session_id = new_client_id("take")
    writer = ClipWriter(spool_folder(), spec.output_format)
    writer.add_bytes(data)
    writer.add_samples(samples, decoded.sample_rate)
    audio = writer.finish(
        spool_folder() / f"{session_id}.{writer.file_format}", request_ids[0], server_ids[0]
    )
    return Rendered(
        text,
        spec,
        audio,
        session_id,
        request_ids,
        server_ids,
        "sse",
    )
