"""FakeAudioPlayer stands in for AudioPlayer: same interface, deterministic, and it records."""

import inspect

import numpy as np
import pytest

from studio.audio.player import AudioPlayer, PlaybackState
from studio.core.errors import AudioDeviceError
from studio.secrets import MemorySecretStore as RealMemoryStore
from tests.fakes import FakeAudioPlayer, MemorySecretStore


def public(cls: type) -> dict[str, str]:
    """Public names mapped to "method"/"property" and, for methods, their parameters."""
    found = {}
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or name in ("output",):
            continue
        if isinstance(member, property):
            found[name] = "property"
        elif callable(member):
            found[name] = str(list(inspect.signature(member).parameters))
    return found


def test_the_fake_has_every_public_member_of_the_real_player() -> None:
    """Each method and property of AudioPlayer exists on the fake with the same parameters."""
    real, fake = public(AudioPlayer), public(FakeAudioPlayer)
    assert {name: fake.get(name) for name in real} == real


def test_it_plays_only_when_told_to_advance() -> None:
    """Position moves with advance(); the end of a complete clip finishes it."""
    player = FakeAudioPlayer()
    player.play(np.zeros(16000, np.float32), 8000)
    assert player.state is PlaybackState.PLAYING and player.position_s == 0
    player.advance(1.5)
    assert player.position_s == 1.5
    player.advance(1.0)
    assert player.state is PlaybackState.FINISHED and player.position_s == 2.0
    assert player.calls[:3] == [("play", 16000, 8000), ("begin_stream", 8000), ("end_stream",)]


def test_it_records_streams_and_controls() -> None:
    """Fed samples, pauses and seeks are kept for assertions."""
    player = FakeAudioPlayer()
    player.begin_stream(24000)
    assert player.state is PlaybackState.BUFFERING
    player.feed(np.ones(240, np.float32))
    player.feed(np.ones(240, np.float32) / 2)
    assert player.state is PlaybackState.PLAYING and player.duration_s == pytest.approx(0.02)
    player.advance(1.0)
    assert player.state is PlaybackState.BUFFERING  # ran out before end_stream
    player.pause()
    player.seek(0.005)
    player.resume()
    np.testing.assert_array_equal(player.samples[238:242], [1, 1, 0.5, 0.5])
    assert ("pause",) in player.calls and ("seek", 0.005) in player.calls
    assert player.position_s == 0.005


def test_it_can_fail_like_a_missing_or_lost_device() -> None:
    """fail_next makes the next start raise; lose_device reports through last_error."""
    player = FakeAudioPlayer()
    player.fail_next = AudioDeviceError("No sound output is available.")
    with pytest.raises(AudioDeviceError):
        player.play(np.zeros(10, np.float32), 8000)
    player.play(np.zeros(10, np.float32), 8000)
    player.lose_device()
    assert player.state is PlaybackState.STOPPED and player.last_error is not None


def test_memory_secret_store_is_re_exported() -> None:
    """Tests import MemorySecretStore from tests.fakes; it is the real session-only store."""
    assert MemorySecretStore is RealMemoryStore
