"""Which servers the client may talk to: https everywhere, plain http only on loopback."""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit

from studio.core.errors import RedirectError, ValidationError
from studio.core.untrusted import safe_text

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback_host(host: str) -> bool:
    """True for localhost names, 127.0.0.0/8 and ::1."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """Validate a Waves base URL and return it without a trailing slash.

    Raises:
        ValidationError: not http(s), has credentials, a query or a fragment, or plain http to
            a host that is not loopback (the API key would cross the network unencrypted).
    """
    url = base_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            f"'{base_url}' is not a server address. Use https://api.smallest.ai or, for the "
            "local server, http://127.0.0.1:PORT.",
            "base_url",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValidationError(
            "The server address must not contain a user name, password, query or fragment.",
            "base_url",
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValidationError(
            f"Refusing to send the API key to {parts.hostname} over plain http. Use https, or "
            "http only for a server on this computer (127.0.0.1).",
            "base_url",
        )
    return url


def websocket_url(base_url: str) -> str:
    """The ws(s):// origin that matches an http(s):// base URL."""
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path}"


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in; unparsable -> empty."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(parts.scheme)
    except ValueError:
        return ("", "", None)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


def check_redirect(base_url: str, url: str, location: str, status: int) -> str:
    """The URL a 3xx reply to `url` points to, if it stays on `base_url`'s origin.

    Raises:
        RedirectError: it points to another scheme, host or port: following it would send the
            user's text (and maybe the key) to a server the user never chose.
    """
    target = urljoin(url, location)
    if origin(target) != origin(base_url):
        raise RedirectError(safe_text(target, 120), status)
    return target
