"""Read the proxy and CA-bundle environment once per client instead of on every request."""

from __future__ import annotations

import os

import requests
from requests.utils import get_environ_proxies


def settle_environment(session: requests.Session, base_url: str) -> None:
    """Resolve what requests' `trust_env` would read per call, once, for `base_url`.

    With `trust_env` on, requests looks up the proxy variables (walking the environment and
    `no_proxy` for the host) and ~/.netrc on every call: 0.5-1.5 ms of each synthesis's time to
    first audio on a loaded machine. Every call of a client goes to the same origin, so the
    answer is the same each time: HTTP(S)_PROXY/ALL_PROXY (unless `no_proxy` names the host)
    and REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE are applied here, as requests would apply them.
    ~/.netrc is not read: every call carries the key as a Bearer header, which a netrc login
    for the host would have replaced with Basic auth.
    """
    for scheme, proxy in get_environ_proxies(base_url).items():
        session.proxies.setdefault(scheme, proxy)
    if session.verify is True:
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
    session.trust_env = False
