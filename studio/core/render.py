"""Render values every layer passes around: the settings, a file-backed clip, a finished render.

They live in core so the store, services and widgets hold them without importing the render
pipeline. The audio of a render is a file (`ClipFile`), written piece by piece as it arrives,
so a render of any length costs constant memory; `Rendered.samples` decodes it on demand for
the short clips (previews, grid cells, the test bench) that want an array.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core import contract as c
from studio.core.models import AudioClip, SynthesisRequest

if TYPE_CHECKING:  # annotations only: numpy loads with the first audio, not at start-up
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float32]

# Longer clips are never held as one array: played from their file, drawn from their peaks.
SHORT_CLIP_S = 10 * 60


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
class ClipFile:
    """Audio kept in a file, with what a player, a waveform and a save need without reading it.

    Attributes:
        path: The file.
        file_format: How the file is encoded: "flac" (PCM and WAV renders, lossless), "mp3",
            "ulaw", "alaw" (the server's bytes), or "wav"/"pcm" (takes of older versions).
        output_format: The wire format it was rendered in (what "save as rendered" means).
        sample_rate: Hz of the decoded samples.
        frames: Decoded samples (mono).
        peaks: (n, 2) float32 min/max of each block of `studio.audio.peaks.peak_block(rate)`
            samples (1/100 or 1/50 s), for drawing: 54 minutes at 24 kHz are 6 MB of peaks.
        request_id, server_request_id: The first request's ids.
        mp3_streams: For mp3 files, how many independently encoded streams it joins.
    """

    path: Path
    file_format: str
    output_format: str
    sample_rate: int
    frames: int
    peaks: np.ndarray = field(repr=False, compare=False)
    request_id: str = ""
    server_request_id: str = ""
    mp3_streams: int = 1

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    @property
    def size(self) -> int:
        """Bytes on disk (0 when the file is gone)."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


@dataclass(frozen=True)
class Rendered:
    """A finished render: its audio file and its provenance.

    Attributes:
        text: The whole text rendered.
        spec: The settings used.
        audio: The audio, in a file.
        session_id: The id shared by all the pieces' requests.
        request_ids, server_request_ids: One per request, in order.
        transport: How the audio came ("sse", "ws", "http", "cache" or "history").
    """

    text: str
    spec: RenderSpec
    audio: ClipFile
    session_id: str
    request_ids: tuple[str, ...]
    server_request_ids: tuple[str, ...]
    transport: str

    @property
    def sample_rate(self) -> int:
        """Rate of the decoded samples."""
        return self.audio.sample_rate

    @property
    def duration_s(self) -> float:
        """Length of the audio in seconds."""
        return self.audio.duration_s

    @property
    def is_long(self) -> bool:
        """Too long to hold as an array: play it from the file and draw it from its peaks."""
        return self.duration_s > SHORT_CLIP_S

    def preload(self) -> Rendered:
        """Decode a short clip's samples now (call on a worker, so the GUI never reads disk)."""
        if not self.is_long:
            _ = self.samples
        return self

    @cached_property
    def samples(self) -> FloatArray:
        """All decoded samples (read-only float32), read from the file on first use.

        For short clips only: a long render is played, drawn and saved from its file.
        """
        # Imported here: core must not depend on audio at import time (layering), and only
        # the callers that want a whole array pay for decoding.
        from studio.audio.clipfile import read_all

        samples = read_all(self.audio)
        samples.flags.writeable = False
        return samples

    @cached_property
    def clip(self) -> AudioClip:
        """The audio as one file's bytes in the rendered wire format (short clips only)."""
        from studio.audio.clipfile import wire_bytes

        audio = self.audio
        return AudioClip(
            wire_bytes(audio),
            audio.output_format,
            audio.sample_rate,
            audio.request_id,
            audio.server_request_id,
        )
