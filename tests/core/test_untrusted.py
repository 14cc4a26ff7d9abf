"""core.untrusted.safe_text: any server string becomes one inert, bounded line."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.untrusted import safe_text

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _inert(text: str) -> bool:
    return not any(
        ch in BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in text
    )


@settings(max_examples=300)
@given(st.text(), st.integers(min_value=1, max_value=400))
def test_any_text_comes_out_inert_and_within_the_limit(text, limit) -> None:
    """No control, surrogate, separator or bidi override survives; the length is capped."""
    out = safe_text(text, limit)
    assert _inert(out)
    assert len(out) <= limit
    if len(text) > limit:
        assert out.endswith("…")


@given(st.text(alphabet=st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), max_size=300))
def test_ordinary_text_of_any_script_is_kept(text) -> None:
    """Letters, marks (Indic joiners' neighbours), digits, punctuation and spaces pass unchanged."""
    assert safe_text(text, 300) == text


def test_terminal_sequences_are_defanged() -> None:
    """OSC 52 (clipboard), OSC 0 (title), CSI clear screen, BEL and 8-bit CSI lose their ESC."""
    out = safe_text("\x1b]52;c;SGk=\x07\x1b[2J\x9b31m\r\nnext\u200dline", 100)
    assert out == "\ufffd]52;c;SGk=\ufffd\ufffd[2J\ufffd31m  next\u200dline"
    assert safe_text(12345) == "12345"
