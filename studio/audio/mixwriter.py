"""Streaming encoders for the mixdown: every format the app saves, written to a temp file block by
block, then renamed into place atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from studio.audio import codecs
from studio.audio.export import EXPORT_FORMATS
from studio.audio.mp3_export import VBR, max_bitrate
from studio.core.errors import ExportError

_SOUNDFILE = {
    "flac": ("FLAC", "PCM_16"),
    "ogg": ("OGG", "VORBIS"),
    "mp3": ("MP3", "MPEG_LAYER_III"),
}


class StreamWriter:
    """Encodes float blocks into one file of `export_format` at `sample_rate`.

    WAV is written by hand (the app's own 16-bit rounding, sizes patched at the end) so the
    chapter writer can append cue chunks; FLAC, Ogg and MP3 go through libsndfile.
    """

    def __init__(self, path: Path, export_format: str, sample_rate: int, bitrate: int) -> None:
        if export_format not in EXPORT_FORMATS:
            raise ExportError(
                f"Cannot save as '{export_format}'. Choose one of: {', '.join(EXPORT_FORMATS)}."
            )
        self.format = export_format
        self.frames = 0
        self._rate = sample_rate
        self._file: BinaryIO | None = None
        self._sf: Any = None
        if export_format in _SOUNDFILE:
            self._sf = _open_soundfile(path, export_format, sample_rate, bitrate)
        else:
            self._file = open(path, "wb")  # noqa: SIM115 - closed in close()
            if export_format in ("wav", "wav_float"):
                self._file.write(_wav_header(sample_rate, export_format == "wav_float", 0))

    def write(self, block: npt.NDArray[np.float32]) -> None:
        """Append samples (mono float, clipped to [-1, 1])."""
        if len(block) == 0:
            return
        x = np.clip(block, -1.0, 1.0)
        self.frames += len(x)
        if self._sf is not None:
            self._sf.write(x)
            return
        assert self._file is not None
        if self.format == "wav_float":
            data = x.astype("<f4").tobytes()
        elif self.format == "ulaw":
            data = codecs.int16_to_ulaw(codecs.float_to_int16(x))
        elif self.format == "alaw":
            data = codecs.int16_to_alaw(codecs.float_to_int16(x))
        else:
            data = codecs.float_to_pcm16(x)
        self._file.write(data)

    def close(self) -> None:
        """Finish the file (patch the WAV sizes)."""
        if self._sf is not None:
            self._sf.close()
            return
        assert self._file is not None
        if self.format in ("wav", "wav_float"):
            floating = self.format == "wav_float"
            self._file.seek(0)
            self._file.write(_wav_header(self._rate, floating, self.frames))
        self._file.close()


def _wav_header(rate: int, floating: bool, frames: int) -> bytes:
    """The header before the samples; written again with the real sizes at the end.

    16-bit: the canonical 44 bytes. Float: an 18-byte fmt (format 3) and the fact chunk that
    non-PCM WAV requires.
    """
    if floating:
        return codecs.float_wav_header(rate, frames)
    return codecs.wav_header(rate, frames * 2)


def _open_soundfile(path: Path, export_format: str, sample_rate: int, bitrate: int) -> Any:
    import soundfile

    container, subtype = _SOUNDFILE[export_format]
    extra: dict[str, Any] = {}
    if export_format == "mp3":
        top = max_bitrate(sample_rate)
        bottom = 32 if top == 320 else 8
        if bitrate == VBR:
            extra = {"bitrate_mode": "VARIABLE", "compression_level": 0.2}
        else:
            kbps = min(max(bitrate, bottom), top)
            level = min((top - kbps) / (top - bottom), 0.99)
            extra = {"bitrate_mode": "CONSTANT", "compression_level": level}
    try:
        return soundfile.SoundFile(
            path, "w", sample_rate, 1, format=container, subtype=subtype, **extra
        )
    except (RuntimeError, ValueError, TypeError) as exc:
        raise ExportError(f"Could not encode the mix as {export_format}: {exc}") from exc
