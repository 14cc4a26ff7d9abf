"""The client reads the proxy and CA-bundle environment once, as requests would per call, and
never lets a ~/.netrc login replace the Bearer key (issue 19, item 3: per-request cost)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.api.client import WavesClient
from studio.api.transport import Transport
from tests.api.helpers import KEY, make_request

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy, CA-bundle or netrc variables from the machine running the tests."""
    for name in (*PROXY_VARIABLES, "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_proxies_and_ca_bundle_are_resolved_once_for_the_server(clean_env) -> None:
    """HTTPS_PROXY and REQUESTS_CA_BUNDLE apply to a remote origin (set on the session, not
    looked up per call); no_proxy naming the host leaves it direct."""
    clean_env.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    clean_env.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/corporate.pem")
    remote = Transport("https://api.example.test", KEY)
    assert remote.session.trust_env is False
    assert remote.session.proxies.get("https") == "http://proxy.invalid:3128"
    assert remote.session.verify == "/etc/ssl/certs/corporate.pem"
    clean_env.setenv("NO_PROXY", "api.example.test")
    direct = Transport("https://api.example.test", KEY)
    assert "https" not in direct.session.proxies and direct.session.trust_env is False


def test_no_proxy_loopback_renders_directly(clean_env, waves_local) -> None:
    """With a dead HTTP proxy set and no_proxy naming loopback, synthesis goes straight to
    waves-local and works."""
    clean_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    clean_env.setenv("NO_PROXY", "127.0.0.1,localhost")
    client = WavesClient(waves_local.base_url, KEY)
    try:
        clip = client.synthesize(make_request(), "sse")
    finally:
        client.close()
    assert clip.data


def test_a_netrc_login_never_replaces_the_bearer_key(
    clean_env, waves_local, tmp_path: Path
) -> None:
    """A ~/.netrc entry for the server's host would have made requests send Basic auth
    instead of the key (a 401); the client sends its Bearer key."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password secret\n")
    netrc.chmod(0o600)
    clean_env.setenv("NETRC", str(netrc))
    client = WavesClient(waves_local.base_url, KEY)
    try:
        clip = client.synthesize(make_request(), "sse")
    finally:
        client.close()
    assert clip.data
