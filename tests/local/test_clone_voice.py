"""waves-local clones: a distinct voice per clone (pitch toward the sample), limit, local delete."""

from __future__ import annotations

import io

import numpy as np
import requests
import soundfile

from studio.audio.pitch import median_pitch
from studio.local.server import LocalServer
from tests.local.helpers import AUTH, decode, tts

RATE = 24000


def _voiced_wav(f0: float, seconds: float = 6.0) -> bytes:
    """A buzzy harmonic tone at `f0` with syllable-like gaps: a sample with a clear pitch."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))
    envelope = (np.sin(2 * np.pi * 2.0 * t) > -0.3).astype(np.float64)
    out = io.BytesIO()
    soundfile.write(out, (0.3 * tone * envelope).astype(np.float32), RATE, format="WAV")
    return out.getvalue()


def _clone(server: LocalServer, name: str, data: bytes) -> requests.Response:
    return requests.post(
        f"{server.base_url}/waves/v1/voice-cloning",
        headers=AUTH,
        data={"displayName": name, "language": "en"},
        files={"file": ("s.wav", data, "audio/wav")},
        timeout=30,
    )


def _pitch_of(server: LocalServer, voice_id: str) -> float:
    reply = tts(server, text="One two three four five six seven eight.", voice_id=voice_id,
                sample_rate=RATE, output_format="pcm")  # fmt: skip
    assert reply.status_code == 200
    pitch = median_pitch(decode(reply.content, "pcm", RATE), RATE)
    assert pitch is not None
    return pitch


def test_each_clone_speaks_toward_its_samples_pitch(waves_local: LocalServer) -> None:
    """A low-pitched and a high-pitched sample give clones that speak lower and higher."""
    low = _clone(waves_local, "Low", _voiced_wav(110.0)).json()["data"]["voiceId"]
    high = _clone(waves_local, "High", _voiced_wav(300.0)).json()["data"]["voiceId"]
    record = waves_local.state.clones.get(low)
    assert record is not None and abs(record["medianPitchHz"] - 110.0) < 3.0
    base = _pitch_of(waves_local, waves_local.state.synthesizer.route(low).engine_voice_id)
    low_pitch, high_pitch = _pitch_of(waves_local, low), _pitch_of(waves_local, high)
    assert low_pitch < base * 0.9 < base * 1.1 < high_pitch
    # Length is kept: the shift is not a tempo change.
    a = tts(waves_local, text="One two three.", voice_id=low, output_format="pcm").content
    b = tts(waves_local, text="One two three.", voice_id=high, output_format="pcm").content
    assert abs(len(a) - len(b)) / len(a) < 0.05


def test_the_clone_limit_answers_like_the_service(waves_local: LocalServer) -> None:
    """Past the store's limit, 400 `clone limit exceeded, consider upgrading`; nothing saved."""
    clones = waves_local.state.clones
    before = len(clones.list_items())
    clones.limit = before
    try:
        reply = _clone(waves_local, "One too many", _voiced_wav(150.0))
    finally:
        clones.limit = None
    assert reply.status_code == 400
    assert reply.json() == {"error": "clone limit exceeded, consider upgrading"}
    assert len(clones.list_items()) == before


def test_local_clones_can_be_deleted(waves_local: LocalServer) -> None:
    """waves-local's own DELETE route removes the clone and its clip; a second time is 404."""
    voice_id = _clone(waves_local, "Temp", _voiced_wav(150.0)).json()["data"]["voiceId"]
    clip = waves_local.state.clones.clips_dir / waves_local.state.clones.get(voice_id)["clipFile"]
    assert clip.exists()
    url = f"{waves_local.base_url}/waves/v1/voice-cloning/{voice_id}"
    assert requests.delete(url, headers=AUTH, timeout=10).json() == {
        "success": True, "voiceId": voice_id,
    }  # fmt: skip
    assert not clip.exists() and waves_local.state.clones.get(voice_id) is None
    assert requests.delete(url, headers=AUTH, timeout=10).status_code == 404


def test_an_injected_clone_error_carries_its_code(waves_local: LocalServer) -> None:
    """`status=500@code=voice_clone_timeout` answers like the service's clone timeout (§6.1)."""
    waves_local.set_faults("status=500@code=voice_clone_timeout@path=/waves/v1/voice-cloning")
    try:
        reply = _clone(waves_local, "Late", _voiced_wav(150.0))
    finally:
        waves_local.set_faults("")
    assert reply.status_code == 500
    assert reply.json()["error_code"] == "voice_clone_timeout"


def test_base_pitch_is_measured_once_per_engine_and_dropped_with_it() -> None:
    """Measured once per engine; a dropped engine's figures go with it.

    (Keyed by id(), they stayed for ever, and a new engine reusing a dropped one's address
    would have inherited its pitch.)
    """
    import gc

    from studio.local import clone_voice
    from studio.local.engines.base import Engine

    class Hum(Engine):
        """An engine humming at one pitch, counting its renders."""

        def __init__(self, f0: float) -> None:
            self.f0, self.renders = f0, 0

        def voices(self) -> list:  # type: ignore[type-arg]
            return []

        def synthesize(self, sentence, voice_id, speed, sample_rate):  # type: ignore[no-untyped-def]
            self.renders += 1
            t = np.arange(sample_rate) / sample_rate
            return (0.3 * np.sin(2 * np.pi * self.f0 * t)).astype(np.float32), sample_rate

    before = len(clone_voice._base_pitches)
    low, high = Hum(110.0), Hum(220.0)
    pitches = [clone_voice.base_pitch(e, "v") for e in (low, high, low, high)]
    assert low.renders == 1 and high.renders == 1
    assert abs(pitches[0] - 110.0) < 10 and abs(pitches[1] - 220.0) < 15  # type: ignore[operator]
    del low, high
    gc.collect()
    assert len(clone_voice._base_pitches) == before
