"""Text that came from a server, made safe to print, log or show: no control codes, bounded."""

from __future__ import annotations

import threading
import unicodedata

# Shown in place of each control character, so a hostile sequence is visible but inert.
REPLACEMENT = "\ufffd"
DEFAULT_LIMIT = 300
# Bidirectional overrides and isolates can make a line read backwards (Trojan Source); they are
# format characters (Cf) like the joiners Indic scripts need, so they are named one by one.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Cc: C0/C1 controls incl. ESC, BEL, DEL and the 8-bit CSI/OSC; Cs: lone surrogates (cannot be
# printed); Zl/Zp: line and paragraph separators (a message is one line).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


# Values no server text may ever show (the API key): a hostile or buggy server can echo the
# Authorization header back in an error message, which would then reach a banner, a terminal
# or an exception. Every server string passes through safe_text, so it is scrubbed there.
REDACTED = "[REDACTED]"
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(secret: str | None) -> None:
    """Never let `secret` (e.g. the API key) through safe_text, for the rest of the process."""
    if secret and len(secret) >= 4:
        with _secrets_lock:
            _secrets.add(secret)


def redact_secrets(text: str) -> str:
    """`text` with every registered secret replaced by [REDACTED]."""
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _safe_char(ch: str) -> str:
    if ch in "\t\n\r":
        return " "
    if ch in _BIDI_CONTROLS or unicodedata.category(ch) in _UNSAFE_CATEGORIES:
        return REPLACEMENT
    return ch


def safe_text(value: object, limit: int = DEFAULT_LIMIT) -> str:
    """`value` as one line that cannot drive a terminal, a log viewer or a rich-text label.

    Control characters (ESC, BEL, the C1 range with 8-bit CSI/OSC, DEL), lone surrogates,
    line separators and bidirectional overrides are replaced; tabs and line breaks become
    spaces. Registered secrets (the API key) are replaced first. The result is at most `limit`
    characters, ending with "…" when cut.
    """
    text = redact_secrets(value if isinstance(value, str) else str(value))
    head = text[: limit + 1]
    cleaned = "".join(_safe_char(ch) for ch in head)
    if len(text) > limit:
        return cleaned[: max(limit - 1, 0)] + "…"
    return cleaned
