"""From a validated request to audio: voice routing, dictionaries, speech units, engines, encoding.

Engines run in the server's thread pool, one speech unit (a sentence, or a clause of a long
sentence) at a time, so the event loop never blocks and streams send each unit as it exists.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

import numpy as np

from studio.audio import codecs
from studio.core.text import CLAUSE_END, split_sentences
from studio.core.wordmatch import apply_rules
from studio.local.catalogue import Catalogue, VoiceRoute
from studio.local.clone_voice import CloneVoiceEngine
from studio.local.clones import CloneStore
from studio.local.dictionaries import DictionaryStore
from studio.local.engines.base import EngineUnavailableError, FloatArray
from studio.local.tts_request import TtsJob, check_references
from studio.local.wire import WireError, tts_error

# Streamed pcm/ulaw/alaw: each unit is cut into pieces of this many bytes (~93 ms of
# 44.1 kHz PCM), so playback can start before a long unit has been sent.
STREAM_CHUNK_BYTES = 8192
# Streamed wav/mp3 use per-chunk framing: every chunk is a complete file. A unit whose file
# would exceed this is split, so no base64 WebSocket frame gets near the 1 MiB limit (§4.6).
MAX_FRAMED_BYTES = 512 * 1024
# A sentence longer than this is rendered clause by clause (split after , ; :), so the first
# audio of a long sentence does not wait for the whole of it (time to first chunk).
CLAUSE_SPLIT_CHARS = 80
_MIN_CLAUSE_CHARS = 15
T = TypeVar("T")


def speech_units(text: str) -> list[str]:
    """Text in the pieces engines render one at a time: sentences, and the clauses of a
    sentence over CLAUSE_SPLIT_CHARS (a clause under _MIN_CLAUSE_CHARS joins the next)."""
    units: list[str] = []
    for sentence in split_sentences(text):
        if len(sentence) <= CLAUSE_SPLIT_CHARS:
            units.append(sentence)
            continue
        pending = ""
        for clause in CLAUSE_END.split(sentence):
            pending = f"{pending} {clause}" if pending else clause
            if len(pending) >= _MIN_CLAUSE_CHARS:
                units.append(pending)
                pending = ""
        if pending:
            units.append(pending)
    return units


class Synthesizer:
    """Renders requests with this server's engines.

    Attributes:
        catalogue: Catalogue voices and their engines.
        dictionaries: Pronunciation dictionaries.
        clones: Voice clones (spoken by the catalogue voice of their language).
    """

    def __init__(
        self,
        catalogue: Catalogue,
        dictionaries: DictionaryStore,
        clones: CloneStore,
        executor: Executor,
    ) -> None:
        self.catalogue = catalogue
        self.dictionaries = dictionaries
        self.clones = clones
        self._executor = executor

    def check(self, job: TtsJob) -> None:
        """Raise the 400 for a voice or dictionary id this server does not know."""
        voice_known = job.voice_id in self.catalogue or job.voice_id in self.clones
        check_references(job, voice_known, self.dictionaries.missing(job.pronunciation_dicts))

    def route(self, voice_id: str) -> VoiceRoute:
        """The engine voice that speaks `voice_id` (a clone: its language's voice, shifted)."""
        if voice_id in self.catalogue:
            return self.catalogue.route(voice_id)
        clone = self.clones.get(voice_id) or {}
        voice = self.catalogue.voice_for_language(str(clone.get("language") or "en"))
        route = self.catalogue.route(voice.voice_id)
        pitch = clone.get("medianPitchHz")
        target = float(pitch) if isinstance(pitch, int | float) else None
        return VoiceRoute(CloneVoiceEngine(route.engine, target), route.engine_voice_id)

    def is_clone(self, voice_id: str) -> bool:
        """True for one of this server's voice clones."""
        return voice_id not in self.catalogue and voice_id in self.clones

    def units_of(self, job: TtsJob, text: str | None = None) -> list[str]:
        """The request's text, dictionary rules applied, split into `speech_units`."""
        rules = self.dictionaries.rules(job.pronunciation_dicts)
        return speech_units(apply_rules(job.text if text is None else text, rules))

    async def render_units(
        self, job: TtsJob, text: str | None = None, route: VoiceRoute | None = None
    ) -> AsyncIterator[FloatArray]:
        """Yield each unit's samples at the requested rate as soon as it is rendered.

        `route`: the caller's `route(job.voice_id)`, when it already has it.
        """
        route = route or self.route(job.voice_id)
        for unit in self.units_of(job, text):
            yield await self._run(route, _render, route, unit, job)

    async def render_pieces(self, job: TtsJob, text: str | None = None) -> AsyncIterator[bytes]:
        """Yield encoded stream chunks (`frame_unit`), unit by unit."""
        route = self.route(job.voice_id)
        for unit in self.units_of(job, text):
            for piece in await self._run(route, _render_framed, route, unit, job):
                yield piece

    async def render_clip(self, job: TtsJob) -> bytes:
        """The whole clip, encoded as one file or stream in the requested format."""
        route = self.route(job.voice_id)
        parts = [samples async for samples in self.render_units(job, route=route)]
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        encode_inline = route.engine.inline and job.output_format != "mp3"
        if encode_inline:  # PCM, WAV and G.711 are a numpy pass: cheaper than a thread hop
            return codecs.encode(samples, job.output_format, job.sample_rate)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, codecs.encode, samples, job.output_format, job.sample_rate
        )

    async def _run(self, route: VoiceRoute, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` on the event loop for an inline engine, else in the worker pool."""
        if route.engine.inline:
            return work(*args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)


def engine_error(exc: EngineUnavailableError) -> WireError:
    """The 503 for an engine that cannot run here."""
    return tts_error(503, "EngineUnavailable", str(exc))


def _render(route: VoiceRoute, unit: str, job: TtsJob) -> FloatArray:
    samples, rate = route.engine.synthesize(unit, route.engine_voice_id, job.speed, job.sample_rate)
    return codecs.resample(samples, rate, job.sample_rate)


def _render_framed(route: VoiceRoute, unit: str, job: TtsJob) -> list[bytes]:
    return frame_unit(_render(route, unit, job), job.output_format, job.sample_rate)


def frame_unit(samples: FloatArray, output_format: str, sample_rate: int) -> list[bytes]:
    """Encode one speech unit as stream chunks.

    pcm, ulaw and alaw: one continuous stream cut into STREAM_CHUNK_BYTES pieces.
    wav and mp3 ("per-chunk framing", §10): each chunk is a complete, independently
    decodable WAV file (44-byte header with real sizes) or MP3 stream; a unit is one chunk
    unless its file would pass MAX_FRAMED_BYTES, then it is split into several complete files.
    """
    if output_format in ("wav", "mp3"):
        return _framed_files(samples, output_format, sample_rate)
    data = codecs.encode(samples, output_format, sample_rate)
    return [
        data[start : start + STREAM_CHUNK_BYTES]
        for start in range(0, len(data), STREAM_CHUNK_BYTES)
    ]


def _framed_files(samples: FloatArray, output_format: str, sample_rate: int) -> list[bytes]:
    if output_format == "wav":
        per_file = (MAX_FRAMED_BYTES - codecs.WAV_HEADER_BYTES) // 2
        return [
            codecs.wav_bytes(samples[start : start + per_file], sample_rate)
            for start in range(0, max(len(samples), 1), per_file)
        ]
    data = codecs.mp3_bytes(samples, sample_rate)
    if len(data) <= MAX_FRAMED_BYTES or len(samples) < 2:
        return [data]
    half = len(samples) // 2
    return _framed_files(samples[:half], "mp3", sample_rate) + _framed_files(
        samples[half:], "mp3", sample_rate
    )
