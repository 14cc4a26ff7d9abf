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


@functools.lru_cache(maxsize=4096)  # words repeat; a hash per word was a tenth of synthesis
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
        # Lay the sentence out first (burst frequency or 0.0 for silence, and length), then
        # fill one zeroed buffer: no per-piece arrays, no concatenation (a copy of the clip).
        layout: list[tuple[float, int]] = []
        for token in sentence.split():
            for word in _WORD.findall(token):
                frequency = base * 2.0 ** (word_semitones(word) / 12.0)
                duration = (_WORD_BASE_S + _PER_CHAR_S * len(word)) / speed
                layout.append((frequency, round(duration * sample_rate)))
                layout.append((0.0, round(_GAP_S / speed * sample_rate)))
            if _SENTENCE_END.search(token):
                layout.append((0.0, round(_SENTENCE_PAUSE_S / speed * sample_rate)))
            elif _CLAUSE_END.search(token):
                layout.append((0.0, round(_CLAUSE_PAUSE_S / speed * sample_rate)))
        if not layout:  # punctuation only: a short breath, never an empty clip
            layout.append((0.0, round(_SENTENCE_PAUSE_S / speed * sample_rate)))
        out = np.zeros(sum(n for _, n in layout), dtype=np.float32)
        at = 0
        for frequency, n in layout:
            if frequency:
                _burst_into(out[at : at + n], frequency, sample_rate)
            at += n
        return out, sample_rate


def _burst_into(wave: FloatArray, frequency: float, sample_rate: int) -> None:
    """Write a tone burst over `wave` (its whole length)."""
    n = len(wave)
    np.copyto(wave, _sine(frequency, sample_rate, n))
    fade = min(round(_FADE_S * sample_rate), n // 2)
    if fade > 0:  # raised-cosine edges: no clicks between words
        ramp = _ramp(fade)
        wave[:fade] *= ramp
        wave[-fade:] *= ramp[::-1]


# A wavetable per pitch: a burst of n samples is the first n samples of its pitch's sine, so
# each (pitch, rate) is computed once, not once per word (the sine was most of a request's
# CPU). 36 pitches (3 voices x 12 steps) at one rate: at most 9 MB; longer words are computed.
_TABLE_MAX = 1 << 16  # samples (256 KiB): a 1.4 s word at 48 kHz
_TABLES_MAX = 72  # (pitch, rate) pairs kept; past that the tables start again
_tables: dict[tuple[float, int], FloatArray] = {}


def _sine(frequency: float, sample_rate: int, n: int) -> FloatArray:
    """`_AMPLITUDE * sin(2 pi f k / rate)` for k < n, float32 (read-only when from a table)."""
    key = (frequency, sample_rate)
    table = _tables.get(key)
    if table is not None and len(table) >= n:
        return table[:n]
    grown = 2 * len(table) if table is not None else 0
    size = n if n > _TABLE_MAX else min(_TABLE_MAX, max(n, 1 << 12, grown))
    # float32 throughout (the phase stays under ~2,000 rad, well within its precision): half
    # the time of float64 and no conversion at the end.
    wave = np.multiply(_indices(size), np.float32(2.0 * np.pi * frequency / sample_rate))
    np.sin(wave, out=wave)
    wave *= np.float32(_AMPLITUDE)
    if size <= _TABLE_MAX:
        wave.flags.writeable = False
        if len(_tables) >= _TABLES_MAX:
            _tables.clear()
        _tables[key] = wave  # one assignment: another thread sees the old table or this one
    return wave[:n]


_INDEX_CACHE_MAX = 1 << 18  # 1 MiB of float32: a 5 s word at 48 kHz
_index_cache: FloatArray = np.arange(0, dtype=np.float32)


def _indices(n: int) -> FloatArray:
    """0, 1, … n-1 as float32 (a slice of a shared read-only array when n is usual)."""
    global _index_cache  # noqa: PLW0603 - a grow-only cache; swapping the reference is atomic
    if n > _INDEX_CACHE_MAX:
        return np.arange(n, dtype=np.float32)
    cache = _index_cache
    if len(cache) < n:
        cache = np.arange(max(n, 2 * len(cache), 1 << 14), dtype=np.float32)
        cache = cache[: min(len(cache), _INDEX_CACHE_MAX)]
        cache.flags.writeable = False
        _index_cache = cache
    return cache[:n]


@functools.lru_cache(maxsize=16)
def _ramp(length: int) -> FloatArray:
    """A raised-cosine fade-in of `length` samples (the same few lengths every time)."""
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, length))).astype(np.float32)
    ramp.flags.writeable = False
    return ramp
