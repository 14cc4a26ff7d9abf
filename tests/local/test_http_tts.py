"""POST /waves/v1/tts: formats, rates, headers, speed and determinism over real HTTP."""

from __future__ import annotations

import struct
import uuid
from collections.abc import Callable

import numpy as np
import pytest

from studio.audio import codecs
from studio.core import contract as c
from studio.local.engines.tone import TONE_VOICES, word_semitones
from studio.local.server import LocalServer
from tests.local.helpers import AUTH, decode, dominant_hz, tts

TEXT = "Hello there. How are you today?"
CONTENT_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "pcm": "audio/pcm",
    "ulaw": "audio/basic",
    "alaw": "audio/x-alaw-basic",
}


def test_wav_reply_is_a_canonical_wav_with_the_documented_headers(waves_local: LocalServer) -> None:
    """A wav reply is a 44-byte-header WAV at the asked rate, with every §1.4 header."""
    reply = tts(
        waves_local, text=TEXT, output_format="wav", sample_rate=24000,
        request_id="req-1", session_id="take.7",
    )  # fmt: skip
    assert reply.status_code == 200
    body = reply.content
    assert reply.headers["Content-Type"] == "audio/wav"
    assert int(reply.headers["Content-Length"]) == len(body)
    riff, riff_size, wave = struct.unpack_from("<4sI4s", body)
    fmt_tag, channels, rate = struct.unpack_from("<HHI", body, 20)
    data_tag, data_size = struct.unpack_from("<4sI", body, 36)
    assert (riff, wave, data_tag) == (b"RIFF", b"WAVE", b"data")
    assert (fmt_tag, channels, rate) == (1, 1, 24000)
    assert riff_size == len(body) - 8 and data_size == len(body) - 44
    uuid.UUID(reply.headers["X-Request-Id"])
    uuid.UUID(reply.headers["X-Session-Id"])
    assert reply.headers["X-External-Request-Id"] == "req-1"
    assert reply.headers["X-External-Session-Id"] == "take.7"
    assert "x-content-expiry" not in reply.headers


def test_external_ids_are_empty_when_the_body_has_none(waves_local: LocalServer) -> None:
    """Without request_id/session_id the echo headers are present and empty."""
    reply = tts(waves_local, text="Hi.")
    assert reply.headers["X-External-Request-Id"] == ""
    assert reply.headers["X-External-Session-Id"] == ""


def test_default_format_is_raw_pcm_at_44100(waves_local: LocalServer) -> None:
    """Leaving out output_format and sample_rate gives headerless PCM at 44.1 kHz."""
    pcm = tts(waves_local, text=TEXT)
    wav = tts(waves_local, text=TEXT, output_format="wav")
    assert pcm.headers["Content-Type"] == "audio/pcm"
    assert pcm.content == wav.content[44:]
    assert struct.unpack_from("<I", wav.content, 24)[0] == 44100


@pytest.mark.parametrize("output_format", c.OUTPUT_FORMATS)
@pytest.mark.parametrize("sample_rate", c.SAMPLE_RATES)
def test_every_format_and_rate_decodes_to_the_same_speech(
    waves_local: LocalServer, output_format: str, sample_rate: int
) -> None:
    """Each of the 5 formats at each of the 4 rates decodes to the same clip length."""
    reply = tts(waves_local, text=TEXT, output_format=output_format, sample_rate=sample_rate)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == CONTENT_TYPES[output_format]
    reference = decode(tts(waves_local, text=TEXT, output_format="pcm").content, "pcm", 44100)
    samples = decode(reply.content, output_format, sample_rate)
    expected_s = len(reference) / 44100
    slack_s = 0.08 if output_format == "mp3" else 0.002  # MP3 adds encoder padding
    assert abs(len(samples) / sample_rate - expected_s) <= slack_s


def test_ulaw_and_alaw_are_g711_of_the_pcm(waves_local: LocalServer) -> None:
    """μ-law and A-law bodies are exactly the G.711 encoding of the PCM body."""
    pcm = tts(waves_local, text=TEXT, output_format="pcm", sample_rate=8000).content
    samples = np.frombuffer(pcm, dtype="<i2")
    ulaw = tts(waves_local, text=TEXT, output_format="ulaw", sample_rate=8000).content
    alaw = tts(waves_local, text=TEXT, output_format="alaw", sample_rate=8000).content
    assert ulaw == codecs.int16_to_ulaw(samples)
    assert alaw == codecs.int16_to_alaw(samples)


@pytest.mark.parametrize("sample_rate", c.SAMPLE_RATES)
def test_pitch_survives_resampling(waves_local: LocalServer, sample_rate: int) -> None:
    """The first word's tone keeps its frequency at every rate (proper resampling)."""
    reply = tts(waves_local, text="Hello", output_format="pcm", sample_rate=sample_rate)
    samples = decode(reply.content, "pcm", sample_rate)
    expected = TONE_VOICES["tone-alto"][1] * 2 ** (word_semitones("Hello") / 12)
    middle = samples[len(samples) // 4 : len(samples) // 2]
    assert dominant_hz(middle, sample_rate) == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize(("speed", "ratio"), [(2.0, 0.5), (0.5, 2.0)])
def test_speed_changes_the_duration(waves_local: LocalServer, speed: float, ratio: float) -> None:
    """speed 2.0 halves the clip and 0.5 doubles it."""
    normal = tts(waves_local, text=TEXT, sample_rate=16000).content
    changed = tts(waves_local, text=TEXT, sample_rate=16000, speed=speed).content
    assert len(changed) / len(normal) == pytest.approx(ratio, rel=0.02)


def test_identical_requests_give_identical_audio(waves_local: LocalServer) -> None:
    """The tone engine is deterministic; other words give other audio."""
    first = tts(waves_local, text=TEXT, output_format="wav").content
    again = tts(waves_local, text=TEXT, output_format="wav").content
    other = tts(waves_local, text="Hello there. How were you today?", output_format="wav").content
    assert first == again
    assert first != other


def test_voices_differ_in_pitch(waves_local: LocalServer) -> None:
    """tone-bass, tone-alto and tone-soprano are an octave apart."""
    pitches = []
    for voice in ("tone-bass", "tone-alto", "tone-soprano"):
        samples = decode(tts(waves_local, text="Hello", voice_id=voice).content, "pcm", 44100)
        pitches.append(dominant_hz(samples[len(samples) // 4 : len(samples) // 2], 44100))
    assert pitches[1] == pytest.approx(2 * pitches[0], rel=0.03)
    assert pitches[2] == pytest.approx(2 * pitches[1], rel=0.03)


def test_expire_content_is_answered_not_entitled(waves_local: LocalServer) -> None:
    """x-expire-content: true succeeds and reports x-content-expiry: not-entitled."""
    headers = {**AUTH, "Accept": "audio/wav", "x-expire-content": "true"}
    reply = tts(waves_local, headers=headers, text="Hi.")
    assert reply.status_code == 200
    assert reply.headers["x-content-expiry"] == "not-entitled"


def test_sdk_headers_and_unknown_fields_are_ignored(waves_local: LocalServer) -> None:
    """X-Fern-*, X-Source, word_timestamps, math_notation and unknown keys change nothing."""
    headers = {
        **AUTH,
        "Accept": "audio/wav",
        "X-Fern-Language": "Python",
        "X-Fern-SDK-Name": "smallest-ai",
        "X-Fern-SDK-Version": "5.14.0",
        "X-Source": "smallest-python-sdk",
    }
    extra = tts(
        waves_local, headers=headers, text="Hi.", word_timestamps=True, math_notation=True,
        enhancement=1, future_field={"a": 1},
    )  # fmt: skip
    assert extra.status_code == 200
    assert extra.content == tts(waves_local, text="Hi.").content


def test_pro_model_accepts_its_extra_languages(waves_local: LocalServer) -> None:
    """lightning_v3.1_pro accepts Japanese, which lightning_v3.1 rejects."""
    pro = tts(waves_local, text="Hi.", model="lightning_v3.1_pro", language="ja")
    base = tts(waves_local, text="Hi.", language="ja")
    assert pro.status_code == 200
    assert base.status_code == 400


def test_a_missing_key_is_refused_with_the_documented_body(waves_local: LocalServer) -> None:
    """No Authorization, a wrong key or another scheme: 401 with the §2.3 body."""
    for headers in (
        {"Accept": "audio/wav"},
        {"Accept": "audio/wav", "Authorization": "Bearer sk_wrong"},
        {"Accept": "audio/wav", "Authorization": "Basic c2tfbG9jYWw="},
        {"Accept": "audio/wav", "Authorization": "Bearer "},
    ):
        reply = tts(waves_local, headers=headers, text="Hi.")
        assert reply.status_code == 401
        assert reply.json() == {
            "error": "Unauthorized",
            "message": "Bearer token is missing or invalid.",
        }
        uuid.UUID(reply.headers["X-Request-Id"])


def test_without_a_configured_key_any_bearer_token_works(
    make_waves_local: Callable[..., LocalServer],
) -> None:
    """A server started without a key accepts any token but still needs the header."""
    server = make_waves_local(api_key=None)
    assert tts(server, headers={"Accept": "*/*", "Authorization": "Bearer x"}, text="Hi.").ok
    assert tts(server, headers={"Accept": "*/*"}, text="Hi.").status_code == 401
