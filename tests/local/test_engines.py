"""The offline engines: tone (exact), Piper (real English speech), espeak-ng (other languages)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from studio.audio.speech import speech_regions
from studio.local.engines.espeak import EspeakEngine
from studio.local.engines.tone import ToneEngine
from studio.local.server import LocalServer
from tests.local.helpers import decode, tts

ENGLISH = "The quick brown fox jumps over the lazy dog near the quiet river bank."
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (scripts/setup installs it)",
)


def _voiced_fraction(samples: npt.NDArray[np.float32], rate: int) -> float:
    """Share of 20 ms frames that are clearly above silence."""
    frame = rate // 50
    frames = samples[: len(samples) // frame * frame].reshape(-1, frame)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return float(np.mean(rms > 0.02))


def test_tone_length_follows_text_and_speed() -> None:
    """Longer text is longer audio; speed 2 halves it; the same input is bit-identical."""
    engine = ToneEngine()
    short, _ = engine.synthesize("One two.", "tone-alto", 1.0, 16000)
    long, _ = engine.synthesize("One two three four five six.", "tone-alto", 1.0, 16000)
    fast, _ = engine.synthesize("One two three four five six.", "tone-alto", 2.0, 16000)
    again, _ = engine.synthesize("One two three four five six.", "tone-alto", 1.0, 16000)
    assert len(long) > 2 * len(short)
    assert len(fast) == pytest.approx(len(long) / 2, rel=0.01)
    assert np.array_equal(long, again)
    assert float(np.max(np.abs(long))) <= 1.0


def test_piper_speaks_english(make_waves_local: Callable[..., LocalServer]) -> None:
    """The joe voice gives speech: plausible length, mostly voiced, and speed 2 is much faster."""
    server = make_waves_local(engine="piper")
    normal = tts(server, text=ENGLISH, voice_id="joe", sample_rate=24000)
    fast = tts(server, text=ENGLISH, voice_id="joe", sample_rate=24000, speed=2.0)
    assert normal.status_code == fast.status_code == 200
    samples = decode(normal.content, "pcm", 24000)
    seconds = len(samples) / 24000
    assert 0.04 * len(ENGLISH) < seconds < 0.12 * len(ENGLISH)  # 8–25 characters a second
    assert _voiced_fraction(samples, 24000) > 0.5
    ratio = len(fast.content) / len(normal.content)
    assert 0.35 < ratio < 0.8  # Piper's pauses do not scale with length_scale, so not 0.5 exactly


def test_piper_can_run_on_one_thread(tmp_path: Path) -> None:
    """engine_threads=1 (the benchmark's setting) builds a working one-thread session."""
    from studio.local.engines.piper_engine import PiperEngine

    samples, rate = PiperEngine(threads=1).synthesize("Hello.", "joe", 1.0, 24000)
    assert rate == 22050
    assert _voiced_fraction(samples, rate) > 0.3


TWO_SENTENCES = "When I was a child. The keeper showed us the great lamp."


def _longest_pause(samples: npt.NDArray[np.float32], rate: int) -> float:
    """The longest pause speech.py measures between stretches of speech (what cues snap to)."""
    regions = speech_regions(samples, rate)
    return max((b[0] - a[1] for a, b in itertools.pairwise(regions)), default=0.0)


def test_end_sentence_tops_up_the_pause_after_a_sentence() -> None:
    """A sentence ending in 50 ms of quiet gets SENTENCE_PAUSE_S of it; a longer one is kept."""
    from studio.local.engines.piper_engine import SENTENCE_PAUSE_S, end_sentence

    rate = 22050
    speech = np.sin(np.arange(rate // 2) * 0.3).astype(np.float32)
    short = np.concatenate([speech, np.full(rate // 20, 1e-5, dtype=np.float32)])
    topped = end_sentence(short, rate)
    assert len(topped) == len(speech) + round(SENTENCE_PAUSE_S * rate)
    assert np.array_equal(topped[: len(short)], short)
    long = np.concatenate([speech, np.zeros(rate, dtype=np.float32)])
    assert end_sentence(long, rate) is long


@pytest.mark.slow
def test_piper_sentences_stay_apart_at_top_speed(
    make_waves_local: Callable[..., LocalServer],
) -> None:
    """At 2x (the contract's top speed) the pause between two sentences is still >= 0.1 s, both
    joined inside one Piper call and by the server joining its per-sentence units: Piper trims
    each sentence to ~0.08 s of trailing quiet, and the tempo change halved the ~0.13 s join to
    ~0.06 s, which speech.py bridged, so a subtitle cue could not find its sentence's start."""
    from studio.local.engines.piper_engine import PIPER_VOICE_ID, PiperEngine

    samples, rate = PiperEngine(threads=1).synthesize(TWO_SENTENCES, PIPER_VOICE_ID, 2.0, 22050)
    assert _longest_pause(samples, rate) >= 0.1
    server = make_waves_local(engine="piper")
    reply = tts(
        server,
        text=TWO_SENTENCES,
        voice_id="joe",
        speed=2.0,
        sample_rate=24000,
        output_format="pcm",
    )
    assert reply.status_code == 200, reply.text
    assert _longest_pause(decode(reply.content, "pcm", 24000), 24000) >= 0.1


@needs_espeak
@pytest.mark.parametrize(
    ("voice_id", "language", "text"),
    [
        ("espeak-hi-f", "hi", "नमस्ते, आप कैसे हैं?"),
        ("espeak-ta-m", "ta", "வணக்கம், எப்படி இருக்கிறீர்கள்?"),
        ("espeak-es-f", "es", "Hola, ¿cómo estás hoy?"),
    ],
    ids=["hindi", "tamil", "spanish"],
)
def test_espeak_speaks_other_languages(
    make_waves_local: Callable[..., LocalServer], voice_id: str, language: str, text: str
) -> None:
    """Hindi, Tamil and Spanish voices return audible audio at the asked rate."""
    server = make_waves_local(engine="auto")
    reply = tts(
        server,
        text=text,
        voice_id=voice_id,
        language=language,
        output_format="wav",
        sample_rate=16000,
    )
    assert reply.status_code == 200
    samples = decode(reply.content, "wav", 16000)
    assert len(samples) > 0.5 * 16000
    assert _voiced_fraction(samples, 16000) > 0.3


@needs_espeak
def test_espeak_speed_changes_the_rate() -> None:
    """speed 2.0 doubles the words per minute."""
    engine = EspeakEngine(("es",))
    normal, _ = engine.synthesize("Hola, ¿cómo estás hoy, amigo mío?", "espeak-es-m", 1.0, 22050)
    fast, _ = engine.synthesize("Hola, ¿cómo estás hoy, amigo mío?", "espeak-es-m", 2.0, 22050)
    assert 0.3 < len(fast) / len(normal) < 0.7


def test_without_espeak_the_server_starts_and_explains(
    make_waves_local: Callable[..., LocalServer], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No espeak-ng binary: voices are still listed; using one gives 503 with what to do."""
    monkeypatch.setenv("PATH", str(tmp_path))
    server = make_waves_local(engine="espeak")
    assert any(v.voice_id == "espeak-hi-f" for v in server.voices)
    reply = tts(server, text="नमस्ते", voice_id="espeak-hi-f", language="hi")
    assert reply.status_code == 503
    assert reply.json()["error"] == "EngineUnavailable"
    assert "espeak-ng is not installed" in reply.json()["message"]
