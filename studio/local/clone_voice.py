"""How a waves-local clone speaks: its language's catalogue voice, pitch-shifted toward the
median pitch of the uploaded sample.

This is an honest approximation, not voice cloning: only the average pitch moves (formants move
with it, by resampling), so each clone gets a distinct voice for offline work and tests.
The shift renders at speed / ratio and then resamples by the ratio, so the length is kept.
"""

from __future__ import annotations

import threading
import weakref

from studio.audio import codecs
from studio.audio.pitch import median_pitch, semitones
from studio.core.models import Voice
from studio.local.engines.base import Engine, FloatArray

MAX_SHIFT_SEMITONES = 7.0  # beyond a fifth the catalogue voice stops sounding like speech
REFERENCE_SENTENCE = "The quick brown fox jumps over the lazy dog, and then it rests."
# Per engine object (weakly: an engine that is dropped takes its pitches with it, and a new
# engine that happens to reuse the old one's id() never inherits them).
_base_pitches: weakref.WeakKeyDictionary[Engine, dict[str, float | None]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def base_pitch(engine: Engine, voice_id: str) -> float | None:
    """The median pitch of a catalogue voice, measured once per process on a reference line."""
    with _lock:
        known = _base_pitches.setdefault(engine, {})
        if voice_id in known:
            return known[voice_id]
    samples, rate = engine.synthesize(REFERENCE_SENTENCE, voice_id, 1.0, 24000)
    pitch = median_pitch(samples, rate)
    with _lock:
        known[voice_id] = pitch
    return pitch


def shift_ratio(base_hz: float | None, target_hz: float | None) -> float:
    """The frequency ratio from the voice's pitch to the sample's, limited to ±7 semitones."""
    if not base_hz or not target_hz:
        return 1.0
    steps = max(-MAX_SHIFT_SEMITONES, min(MAX_SHIFT_SEMITONES, semitones(base_hz, target_hz)))
    return float(2.0 ** (steps / 12.0))


class CloneVoiceEngine(Engine):
    """A catalogue engine whose output is pitch-shifted toward one clone's median pitch.

    Attributes:
        inner: The catalogue voice's engine.
        target_hz: The sample's median pitch (None: speak unshifted).
    """

    def __init__(self, inner: Engine, target_hz: float | None) -> None:
        self.inner = inner
        self.target_hz = target_hz
        self.name = inner.name

    def voices(self) -> list[Voice]:
        return self.inner.voices()

    def synthesize(
        self, sentence: str, voice_id: str, speed: float, sample_rate: int
    ) -> tuple[FloatArray, int]:
        ratio = shift_ratio(base_pitch(self.inner, voice_id), self.target_hz)
        samples, rate = self.inner.synthesize(sentence, voice_id, speed / ratio, sample_rate)
        if ratio == 1.0:
            return samples, rate
        # Read the samples as if recorded at rate * ratio: pitch and tempo go up by the ratio,
        # and the slower render above gives the tempo back.
        return codecs.resample(samples, round(rate * ratio), rate), rate
