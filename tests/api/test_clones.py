"""Clone creation over real HTTP against waves-local: faults, a cut connection, cancel, SDK."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import numpy as np
import pytest
from smallestai import SmallestAI, SmallestAIEnvironment

from studio.api.client import WavesClient
from studio.api.clones import CloneSpec, create_clone, wait_until_settled
from studio.api.transport import RetryPolicy
from studio.audio import codecs
from studio.core.errors import (
    ApiError,
    CancelledError,
    RequestTimeoutError,
    StreamInterruptedError,
    ValidationError,
)
from studio.core.models import Voice
from tests.api.helpers import KEY
from tests.api.slow_proxy import SlowProxy

RATE = 24000
PATH = "/waves/v1/voice-cloning"


def _sample(seconds: float = 8.0) -> bytes:
    t = np.arange(int(seconds * RATE)) / RATE
    return codecs.wav_bytes(0.3 * np.sin(2 * np.pi * 140 * t), RATE)


def _create(client: WavesClient, name: str = "Mine", **kwargs: object) -> Voice:
    return create_clone(client, CloneSpec(name, tags=("studio",)), _sample(), "audio/wav",
                        "sample.wav", **kwargs)  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture
def proxy_client(waves_local) -> Iterator[tuple[SlowProxy, WavesClient]]:
    """A client that reaches waves-local through a proxy the test controls."""
    proxy = SlowProxy(waves_local.port)
    client = WavesClient(proxy.base_url, KEY, retry=RetryPolicy(max_attempts=3, base_delay_s=0.02))
    yield proxy, client
    client.close()
    proxy.close()


def test_a_clone_is_created_with_progress_and_listed(client) -> None:
    """Progress reaches the whole body; the clone is listed with status and creation date."""
    seen: list[tuple[int, int]] = []
    made = _create(client, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > len(_sample())
    assert made.is_clone and made.status == "completed" and made.created_at
    assert made.usecases == ("studio",) and made.languages == ("english",)
    listed = wait_until_settled(client.clones, made.voice_id, first_delay_s=0.01)
    assert listed.voice_id == made.voice_id and listed.usecases == ("studio",)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("status=413", "larger than the 5 MB"),
        ("status=500@code=voice_clone_timeout", "took too long"),
        ("status=500", "could not make a clone"),
    ],
)
def test_service_errors_are_plain_language_and_retry_works(
    client, waves_local_faults, fault, expected
) -> None:
    """Each fault gives its plain message; the same call succeeds once the fault is gone."""
    before = {v.voice_id for v in client.clones()}
    waves_local_faults(f"{fault}@nth=1@path={PATH}")
    with pytest.raises(ApiError) as info:
        _create(client)
    assert expected in info.value.user_message
    assert {v.voice_id for v in client.clones()} == before  # nothing made by the failed call
    assert _create(client).voice_id not in before  # retry works


def test_the_clone_limit_is_explained(client, waves_local) -> None:
    """The service's `clone limit exceeded` becomes advice with the dashboard link."""
    waves_local.state.clones.limit = 0
    try:
        with pytest.raises(ApiError, match="as many clones as your plan allows"):
            _create(client)
    finally:
        waves_local.state.clones.limit = None


def test_bad_language_and_type_are_caught_before_upload(client) -> None:
    """An unsupported language or MIME type never leaves the app."""
    with pytest.raises(ValidationError, match="cannot be made in 'xx'"):
        create_clone(client, CloneSpec("A", language="xx"), _sample(), "audio/wav", "a.wav")
    with pytest.raises(ValidationError, match="audio/flac"):
        create_clone(client, CloneSpec("A"), _sample(), "audio/flac", "a.flac")


def test_a_cut_connection_mid_upload_is_clear_and_retry_works(proxy_client) -> None:
    """The proxy cuts after 64 KB of a ~400 KB upload: a clear error, then a retry succeeds."""
    proxy, client = proxy_client
    proxy.cut_after = 64 * 1024
    with pytest.raises(StreamInterruptedError, match="Your sample is kept"):
        _create(client)
    proxy.cut_after = None
    assert _create(client).is_clone


def test_cancel_mid_upload_ends_within_200_ms(proxy_client, waves_local) -> None:
    """Uploading at 100 KB/s, cancel after 0.3 s: CancelledError under 200 ms, nothing made."""
    proxy, client = proxy_client
    proxy.rate = 100_000
    before = len(waves_local.state.clones.list_items())
    cancel = threading.Event()
    set_at: list[float] = []

    def fire() -> None:
        set_at.append(time.monotonic())
        cancel.set()

    timer = threading.Timer(0.3, fire)
    timer.start()
    with pytest.raises(CancelledError):
        _create(client, cancel=cancel)
    assert time.monotonic() - set_at[0] < 0.2
    assert proxy.sent < len(_sample())  # it really stopped part-way
    assert len(waves_local.state.clones.list_items()) == before
    timer.join()


def test_polling_backs_off_until_the_clone_settles() -> None:
    """pending → processing → completed: delays double; status changes are reported once."""
    states = iter(["pending", "processing", "processing", "completed"])
    now = [0.0]
    waits: list[float] = []

    class Clock(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(float(timeout or 0))
            now[0] += float(timeout or 0)
            return False

    def listing(_cancel: object) -> list[Voice]:
        return [Voice("voice_abcdefghij", "Mine", is_clone=True, status=next(states))]

    seen: list[str] = []
    voice = wait_until_settled(listing, "voice_abcdefghij", cancel=Clock(), first_delay_s=1.0,
                               on_status=seen.append, clock=lambda: now[0])  # fmt: skip
    assert voice.status == "completed"
    assert waits == [1.0, 2.0, 4.0]
    assert seen == ["pending", "processing", "completed"]


def test_polling_gives_up_at_the_deadline() -> None:
    """A clone stuck in processing ends in a RequestTimeoutError that says what to do."""
    now = [0.0]

    class Clock(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            now[0] += float(timeout or 0)
            return False

    def listing(_cancel: object) -> list[Voice]:
        return [Voice("voice_abcdefghij", "Mine", is_clone=True, status="processing")]

    with pytest.raises(RequestTimeoutError, match="refresh the voice list"):
        wait_until_settled(listing, "voice_abcdefghij", cancel=Clock(), timeout_s=60,
                           clock=lambda: now[0])  # fmt: skip


def test_the_official_sdk_lists_the_clone_the_app_made(client, waves_local) -> None:
    """Conformance: smallestai 5.14.0 sees the app's clone with its name and language."""
    made = _create(client, name="Made by the studio")
    local = SmallestAIEnvironment(
        waves=waves_local.base_url, waves_ws=waves_local.ws_url.rstrip("/"),
        atoms=f"{waves_local.base_url}/atoms/v1", payment=waves_local.base_url,
    )  # fmt: skip
    with httpx.Client(timeout=30) as http:  # the SDK would leave its own sockets open
        sdk = SmallestAI(api_key=KEY, environment=local, httpx_client=http)
        listed = {item.voice_id: item for item in sdk.waves.list_voice_clones().data}
    assert listed[made.voice_id].display_name == "Made by the studio"
    assert listed[made.voice_id].language == "en"
