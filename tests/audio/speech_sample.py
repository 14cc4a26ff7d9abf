"""Real speech for the clone tests: one waves-local (Piper) render, made once per test process."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt
import requests

from studio.audio.decode import decode
from studio.local.server import LocalServer, ServerConfig

RATE = 24000
KEY = "sk_local_test_key"
TEXT = (
    "The quick brown fox jumps over the lazy dog near the quiet river bank. "
    "A rainbow appears after the summer rain, and the children run outside to play."
)


@functools.cache
def speech() -> npt.NDArray[np.float32]:
    """About 8 s of English speech rendered by waves-local's Piper voice at 24 kHz."""
    with tempfile.TemporaryDirectory() as data_dir:
        config = ServerConfig(engine="piper", api_key=KEY, data_dir=Path(data_dir))
        with LocalServer(config) as server:
            reply = requests.post(
                f"{server.base_url}/waves/v1/tts",
                json={"text": TEXT, "voice_id": "joe", "sample_rate": RATE,
                      "output_format": "pcm"},
                headers={"Authorization": f"Bearer {KEY}", "Accept": "audio/wav"},
                timeout=60,
            )  # fmt: skip
    reply.raise_for_status()
    return decode(reply.content, "pcm", RATE).samples


def speech_seconds(seconds: float) -> npt.NDArray[np.float32]:
    """Speech of exactly `seconds` (the render repeated with short pauses, or cut)."""
    base = speech()
    pause = np.zeros(int(0.3 * RATE), dtype=np.float32)
    pieces = []
    total = 0
    while total < seconds * RATE:
        pieces += [base, pause]
        total += len(base) + len(pause)
    return np.concatenate(pieces)[: int(seconds * RATE)]
