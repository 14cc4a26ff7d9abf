"""Read a voice sample from a file or bytes: WAV, FLAC, Ogg and MP3 through libsndfile, M4A and
WebM through PyAV when it is installed. Everything comes back as mono float32."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from studio.audio import codecs
from studio.core.errors import DecodeError

FloatArray = codecs.FloatArray
MAX_SAMPLE_BYTES = 200 * 1024 * 1024  # bounded memory: no voice sample is anywhere near this
MAX_SAMPLE_S = 600.0
SOUNDFILE_SUFFIXES = (".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3")
AV_SUFFIXES = (".m4a", ".mp4", ".aac", ".webm", ".mka")


def av_available() -> bool:
    """True when PyAV (FFmpeg) is installed, so M4A and WebM can be read."""
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def import_suffixes() -> tuple[str, ...]:
    """The file name endings the import dialog offers."""
    return SOUNDFILE_SUFFIXES + (AV_SUFFIXES if av_available() else ())


def read_sample(path: Path) -> tuple[FloatArray, int]:
    """Decode a file to mono float32 and its rate (raises DecodeError with advice)."""
    try:
        size = path.stat().st_size
        if size > MAX_SAMPLE_BYTES:
            raise DecodeError(f"{path.name} is too large for a voice sample ({size >> 20} MB).")
        data = path.read_bytes()
    except OSError as exc:
        raise DecodeError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    return decode_sample(data, path.suffix.lower(), path.name)


def decode_sample(data: bytes, suffix: str = "", name: str = "the file") -> tuple[FloatArray, int]:
    """Decode bytes of a sample file to mono float32 and its rate."""
    import soundfile

    if suffix not in AV_SUFFIXES:
        try:
            with soundfile.SoundFile(io.BytesIO(data)) as file:
                rate = file.samplerate
                # Bounded memory: never decode more than MAX_SAMPLE_S, however long the file.
                frames = min(file.frames, int(MAX_SAMPLE_S * rate)) if file.frames > 0 else -1
                samples = file.read(frames, dtype="float32", always_2d=True)
        except (RuntimeError, soundfile.LibsndfileError, TypeError, ValueError):
            samples = None
        if samples is not None:
            return _mono(samples, int(rate))
    if av_available():
        return _decode_with_av(data, name)
    hint = " Install PyAV (pip install av) to read M4A and WebM." if suffix in AV_SUFFIXES else ""
    raise DecodeError(f"Could not read {name} as audio. Use WAV, FLAC, Ogg or MP3.{hint}")


def _mono(samples: np.ndarray, rate: int) -> tuple[FloatArray, int]:
    mono = np.asarray(samples, dtype=np.float32).mean(axis=1)[: int(MAX_SAMPLE_S * rate)]
    return np.ascontiguousarray(mono, dtype=np.float32), rate


def _decode_with_av(data: bytes, name: str) -> tuple[FloatArray, int]:
    import av

    pieces: list[np.ndarray] = []
    rate = 0
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise DecodeError(f"{name} holds no audio.")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono")
            for frame in container.decode(stream):
                rate = frame.sample_rate
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray().reshape(-1))
                if sum(len(p) for p in pieces) > MAX_SAMPLE_S * rate:
                    break
    except (av.error.FFmpegError, ValueError) as exc:
        raise DecodeError(
            f"Could not read {name} as audio. Use WAV, FLAC, Ogg or MP3 (or M4A, WebM)."
        ) from exc
    if not pieces or not rate:
        raise DecodeError(f"{name} holds no audio.")
    return np.concatenate(pieces).astype(np.float32), rate
