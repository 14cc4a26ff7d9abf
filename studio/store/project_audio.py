"""Take audio as FLAC bytes: 16-bit, lossless for the 16-bit audio the API sends."""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
import soundfile

from studio.audio.codecs import float_to_int16
from studio.core.errors import DecodeError


def encode_flac(samples: npt.ArrayLike, sample_rate: int) -> bytes:
    """FLAC bytes of mono float samples, quantised exactly as the app decodes PCM16.

    The samples are scaled by 32768 here (codecs.float_to_int16) and read back divided by
    32768, so audio that came as 16-bit PCM round-trips bit for bit (libsndfile's own float
    conversion scales by 32767 one way and 32768 the other).
    """
    pcm = float_to_int16(np.asarray(samples, dtype=np.float32).reshape(-1))
    out = io.BytesIO()
    soundfile.write(out, pcm, sample_rate, format="FLAC", subtype="PCM_16")
    return out.getvalue()


def decode_flac(data: bytes) -> tuple[npt.NDArray[np.float32], int]:
    """Samples (float32, read-only) and rate of FLAC bytes.

    Raises:
        DecodeError: the bytes are not FLAC.
    """
    try:
        pcm, rate = soundfile.read(io.BytesIO(data), dtype="int16", always_2d=False)
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as exc:
        raise DecodeError("A take in the project is damaged; render it again.") from exc
    samples = (np.asarray(pcm, dtype=np.float32).reshape(-1) / 32768.0).astype(np.float32)
    samples.flags.writeable = False
    return samples, int(rate)
