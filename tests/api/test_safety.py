"""The client refuses to send a key over plain http to anything but this computer."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.api.client import WavesClient
from studio.api.safety import check_base_url, is_loopback_host, websocket_url
from studio.core.errors import ValidationError


@pytest.mark.parametrize(
    "url",
    [
        "https://api.smallest.ai",
        "https://api.smallest.ai/",
        "http://127.0.0.1:8787",
        "http://localhost:1",
        "http://[::1]:9",
    ],
)
def test_allowed_addresses(url: str) -> None:
    """https anywhere and http on loopback are accepted (trailing slash removed)."""
    assert not check_base_url(url).endswith("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://api.smallest.ai",
        "http://192.168.1.5:8787",
        "ftp://x",
        "api.smallest.ai",
        "https://user:pw@x.io",
        "https://x.io/?token=1",
        "",
    ],
)
def test_refused_addresses(url: str) -> None:
    """Plain http to another host, other schemes and credentials in URLs are refused."""
    with pytest.raises(ValidationError):
        check_base_url(url)


def test_loopback_detection_and_ws_url() -> None:
    """127.x, ::1 and localhost are loopback; the ws origin mirrors the http one."""
    assert is_loopback_host("127.3.2.1") and is_loopback_host("[::1]")
    assert not is_loopback_host("10.0.0.1") and not is_loopback_host("example.com")
    assert websocket_url("https://api.smallest.ai") == "wss://api.smallest.ai"
    assert websocket_url("http://127.0.0.1:5") == "ws://127.0.0.1:5"


def test_key_is_not_in_repr() -> None:
    """Neither the client nor its transport show the key."""
    client = WavesClient("https://api.smallest.ai", "sk_secret_value_123456")
    assert "sk_secret" not in repr(client) and "sk_secret" not in repr(client.transport)


@given(
    st.sampled_from(["http", "https"]),
    st.sampled_from(["127.0.0.1", "localhost", "api.smallest.ai", "evil.example"]),
    st.one_of(st.none(), st.integers(min_value=1, max_value=65535)),
    st.text(alphabet="abc/-_.", max_size=20),
)
def test_a_redirect_is_followed_only_within_the_origin(scheme, host, port, path) -> None:
    """Any Location with another scheme, host or port is refused; the same origin is kept."""
    from studio.api.safety import check_redirect, origin
    from studio.core.errors import RedirectError

    base = "http://127.0.0.1:8000"
    target = f"{scheme}://{host}{f':{port}' if port else ''}/{path}"
    if origin(target) == origin(base):
        assert check_redirect(base, f"{base}/waves/v1/tts", target, 307) == target
    else:
        with pytest.raises(RedirectError) as caught:
            check_redirect(base, f"{base}/waves/v1/tts", target, 307)
        assert "which is not the Waves API; check the server address" in caught.value.user_message
    assert check_redirect(base, f"{base}/a/b", "/moved", 308) == f"{base}/moved"
