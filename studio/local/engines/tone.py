"""A deterministic test engine: each word is a tone burst whose pitch comes from the word itself.

Identical input gives bit-identical output. Length follows the text and the speed; pitch
follows a stable hash of each word, so a dictionary rule that changes a word changes the audio.
"""

from __future__ import annotations

import functools
import hashlib
import re

import numpy as np

from studio.core import contract as c
from studio.core.models import Voice
from studio.local.engines.base import Engine, FloatArray

# voice id -> (display name, base frequency in Hz, gender)
TONE_VOICES: dict[str, tuple[str, float, str]] = {
    "tone-bass": ("Tone Bass", 110.0, "male"),
    "tone-alto": ("Tone Alto", 220.0, "female"),
    "tone-soprano": ("Tone Soprano", 440.0, "female"),
}

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_CLAUSE_END = re.compile(r"[,;:]$")
_SENTENCE_END = re.compile(r"[.!?…。！？।]$")

# Timings at speed 1.0, in seconds: about 14 characters a second, like ordinary speech.
_WORD_BASE_S = 0.04
_PER_CHAR_S = 0.055
_GAP_S = 0.05
_CLAUSE_PAUSE_S = 0.15
_SENTENCE_PAUSE_S = 0.3
_FADE_S = 0.005
_AMPLITUDE = 0.5


def word_semitones(word: str) -> int:
    """0–11: the pitch step of a word, from a hash that is stable across runs and machines."""
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=2).digest()
    return int.from_bytes(digest, "big") % 12


class ToneEngine(Engine):
    """Synthetic audio for fast, exact tests. Speaks every language the same way."""

    name = "tone"
    inline = True  # numpy bursts: ~0.1 ms a sentence

    def voices(self) -> list[Voice]:
        """Three voices an octave apart, tagged with all lightning-v3.1 languages."""
        languages = tuple(c.LANGUAGE_NAMES[code] for code in c.LANGUAGE_CODES[:20])
        return [
            Voice(
                voice_id=voice_id,
                display_name=name,
                languages=languages,
                accent="synthetic",
                gender=gender,
                age="middle aged",
                usecases=("testing",),
            )
            for voice_id, (name, _base, gender) in TONE_VOICES.items()
        ]

    def synthesize(
        self, sentence: str, voice_id: str, speed: float, sample_rate: int
    ) -> tuple[FloatArray, int]:
        """One tone burst per word, short gaps between words, longer pauses after punctuation."""
        base = TONE_VOICES[voice_id][1]
        pieces: list[FloatArray] = []
        tokens = sentence.split()
        for token in tokens:
            for word in _WORD.findall(token):
                frequency = base * 2.0 ** (word_semitones(word) / 12.0)
                duration = (_WORD_BASE_S + _PER_CHAR_S * len(word)) / speed
                pieces.append(_burst(frequency, duration, sample_rate))
                pieces.append(_silence(_GAP_S / speed, sample_rate))
            if _SENTENCE_END.search(token):
                pieces.append(_silence(_SENTENCE_PAUSE_S / speed, sample_rate))
            elif _CLAUSE_END.search(token):
                pieces.append(_silence(_CLAUSE_PAUSE_S / speed, sample_rate))
        if not pieces:  # punctuation only: a short breath, never an empty clip
            pieces.append(_silence(_SENTENCE_PAUSE_S / speed, sample_rate))
        return np.concatenate(pieces), sample_rate


def _silence(seconds: float, sample_rate: int) -> FloatArray:
    return np.zeros(round(seconds * sample_rate), dtype=np.float32)


def _burst(frequency: float, seconds: float, sample_rate: int) -> FloatArray:
    n = round(seconds * sample_rate)
    # float32 throughout (the phase stays under ~2,000 rad, well within its precision): half
    # the time of float64 and no conversion at the end.
    wave = np.arange(n, dtype=np.float32)
    wave *= np.float32(2.0 * np.pi * frequency / sample_rate)
    np.sin(wave, out=wave)
    wave *= np.float32(_AMPLITUDE)
    fade = min(round(_FADE_S * sample_rate), n // 2)
    if fade > 0:  # raised-cosine edges: no clicks between words
        ramp = _ramp(fade)
        wave[:fade] *= ramp
        wave[-fade:] *= ramp[::-1]
    return wave


@functools.lru_cache(maxsize=16)
def _ramp(length: int) -> FloatArray:
    """A raised-cosine fade-in of `length` samples (the same few lengths every time)."""
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, length))).astype(np.float32)
    ramp.flags.writeable = False
    return ramp
