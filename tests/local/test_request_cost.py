"""waves-local's per-request work stays lean: the tone engine and the WAV encoder make one copy of
a clip, and the analytics log drops its oldest entry in O(1) (issue 19, item 3)."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from studio.audio import codecs
from studio.local.engines.tone import ToneEngine
from studio.local.monitor import LogEntry, UsageLog

TEXT = "Hello there, how are you today? Fine; thanks: all good!"
# sha1 of the float32 samples as the earlier, piece-by-piece engine made them: the one-buffer
# engine must give the same bits (tests and calibrations compare tone audio exactly).
REFERENCE = {
    ("Hello there, how are you today?", "tone-alto", 1.0, 44100): "ec18356079d4",
    ("...", "tone-bass", 1.5, 24000): "f5e82e5627cf",
    ("Word; another: one! Two? x", "tone-soprano", 0.7, 8000): "d2b04c4df5e6",
    ("a b c d e f g h i j k l m n o p", "tone-bass", 2.0, 48000): "b90ca62ae38e",
    ("don’t stop—it's fine", "tone-alto", 1.2, 22050): "d5d0e7fca2ae",
}


def peak_bytes(work: Callable[[], Any]) -> tuple[Any, int]:
    """`work()`'s result and the peak memory it allocated on top of what was there."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = work()
        return result, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_tone_engine_output_is_unchanged_bit_for_bit() -> None:
    """The one-buffer tone engine makes exactly the samples the piece-by-piece one made."""
    engine = ToneEngine()
    for (text, voice, speed, rate), digest in REFERENCE.items():
        samples, out_rate = engine.synthesize(text, voice, speed, rate)
        assert out_rate == rate and samples.dtype == np.float32
        digest_now = hashlib.sha1(samples.tobytes(), usedforsecurity=False).hexdigest()
        assert digest_now[:12] == digest, text


def test_tone_engine_allocates_one_clip() -> None:
    """Synthesis peaks at about one clip of float32 (no pieces plus a concatenated copy)."""
    engine = ToneEngine()
    engine.synthesize(TEXT, "tone-alto", 1.0, 44100)  # warm caches (ramps, index table)
    samples, peak = peak_bytes(lambda: engine.synthesize(TEXT, "tone-alto", 1.0, 44100)[0])
    assert peak < samples.nbytes * 1.2, (peak, samples.nbytes)


def test_wav_encoding_makes_one_int16_copy_and_the_same_bytes() -> None:
    """WAV bytes: one float32 temporary and the int16 samples, not seven passes of copies;
    the bytes are the header plus the rounded, clipped samples as before."""
    rng = np.random.default_rng(7)
    samples = (rng.standard_normal(200_000) * 0.7).astype(np.float32)
    samples[:3] = [1.5, -1.5, 0.5 / 32768]
    data, peak = peak_bytes(lambda: codecs.wav_bytes(samples, 44100))
    expected = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()
    assert data == codecs.wav_header(44100, len(expected)) + expected
    # The float32 scaled copy (4 B a sample) is freed before the bytes (2) are made beside the
    # int16 samples (2): 6 B a sample at the peak (8 with the earlier chain of temporaries).
    assert peak < samples.size * 7, peak


def _entry(n: int) -> LogEntry:
    return LogEntry(
        float(n), "rest", "lightning-v3.1", "tone-alto", "en", "x", 1.0, 24000, "wav", False
    )


def test_usage_log_keeps_the_newest_entries_in_bounded_deques() -> None:
    """The analytics log keeps the last `max_entries` of each series, dropping the oldest in
    O(1) (a list moved every kept entry on each request once full)."""
    log = UsageLog(max_entries=3)
    for n in range(5):
        log.add(_entry(n))
        log.sample_concurrency(n)
        log.ws_connection()
    entries, concurrency, opened = log.snapshot()
    assert [e.timestamp for e in entries] == [2.0, 3.0, 4.0]
    assert [active for _, active in concurrency] == [2, 3, 4] and len(opened) == 3
    assert log.entries.maxlen == log.concurrency.maxlen == log.ws_opened.maxlen == 3


def _direct_burst(frequency: float, n: int, rate: int) -> np.ndarray:
    """A burst computed from scratch, as the engine did before it kept wavetables."""
    wave = np.arange(n, dtype=np.float32) * np.float32(2.0 * np.pi * frequency / rate)
    np.sin(wave, out=wave)
    wave *= np.float32(0.5)
    fade = min(round(0.005 * rate), n // 2)
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(np.float32)
    wave[:fade] *= ramp
    wave[-fade:] *= ramp[::-1]
    return wave


def test_wavetables_give_the_same_samples_in_any_order_and_length() -> None:
    """A word's burst is the same whether its pitch's table is new, grown from a shorter word,
    or too short for it (a very long, slow word is computed directly)."""
    from studio.local.engines import tone

    engine = ToneEngine()
    base = tone.TONE_VOICES["tone-bass"][1]
    for word, speed in (("aa", 1.0), ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1.0), ("aa", 0.3),
                        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0.25)):  # fmt: skip
        frequency = base * 2.0 ** (tone.word_semitones(word) / 12.0)
        n = round((0.04 + 0.055 * len(word)) / speed * 48000)
        samples, _ = engine.synthesize(word, "tone-bass", speed, 48000)
        assert np.array_equal(samples[:n], _direct_burst(frequency, n, 48000)), (word, speed, n)
    assert all(not table.flags.writeable for table in tone._tables.values())
