"""WavesClient never hangs: timeouts, cancel within 200 ms, no leaked sockets."""

import os
import threading
import time

import pytest

from studio.api.client import WavesClient
from studio.api.transport import RetryPolicy
from studio.core.errors import (
    CancelledError,
    RequestTimeoutError,
)
from tests.api.helpers import KEY, MODES, make_request


@pytest.mark.parametrize("mode", MODES)
def test_read_timeout_when_the_server_goes_quiet(waves_local, waves_local_faults, mode) -> None:
    """A server silent for longer than the read timeout gives RequestTimeoutError."""
    waves_local_faults("stall=3000@path=/waves/v1/tts")
    client = WavesClient(
        waves_local.base_url, KEY, read_timeout_s=0.5, retry=RetryPolicy(max_attempts=1)
    )
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        client.synthesize(make_request(), mode)
    assert time.monotonic() - start < 2.5


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", ["stall=5000", "latency=5000"])
def test_cancel_stops_within_200_ms_and_frees_the_connection(
    client, waves_local, waves_local_faults, mode, fault
) -> None:
    """Setting the cancel event ends a stalled call in under 200 ms; the server goes idle."""
    waves_local_faults(f"{fault}@path=/waves/v1/tts")
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    start = time.monotonic()
    with pytest.raises(CancelledError):
        list(client.stream(make_request(), mode, cancel, fallback=False))
    assert cancel.is_set() and time.monotonic() - start < 0.3 + 0.2
    waves_local_faults("")
    assert waves_local.wait_idle(2.0)
    timer.join()


def test_cancel_latency_is_measured_from_the_event(client, waves_local_faults) -> None:
    """The time from cancel.set() to the CancelledError is below 200 ms."""
    waves_local_faults("stall=5000@path=/waves/v1/tts/live")
    cancel = threading.Event()
    set_at: list[float] = []

    def fire() -> None:
        set_at.append(time.monotonic())
        cancel.set()

    threading.Timer(0.2, fire).start()
    with pytest.raises(CancelledError):
        list(client.stream(make_request(), "sse", cancel))
    assert time.monotonic() - set_at[0] < 0.2


def test_no_sockets_leak_over_many_requests(client) -> None:
    """Fifty renders reuse pooled connections: open file descriptors do not grow with them."""
    client.synthesize(make_request(text="Warm up."), "none")
    before = len(os.listdir("/proc/self/fd"))
    for i in range(50):
        client.synthesize(make_request(text=f"Line {i}."), ("none", "sse", "ws")[i % 3])
    after = len(os.listdir("/proc/self/fd"))
    assert after - before <= 4
