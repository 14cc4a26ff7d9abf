"""Text that came from a server, made safe to print, log or show: no control codes, bounded."""

from __future__ import annotations

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
    spaces. The result is at most `limit` characters, ending with "…" when cut.
    """
    text = value if isinstance(value, str) else str(value)
    head = text[: limit + 1]
    cleaned = "".join(_safe_char(ch) for ch in head)
    if len(text) > limit:
        return cleaned[: max(limit - 1, 0)] + "…"
    return cleaned
