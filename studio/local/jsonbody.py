"""Decoding a JSON body or WebSocket message, and the text checks every transport shares.

Numbers and Unicode are read as the real service (a JavaScript server) reads them: an integer
too long for a machine number becomes a float (JSON.parse gives `Infinity` for 5,000 digits,
which then fails the field's own range check by name), NaN/Infinity literals are not JSON,
and an unpaired surrogate (`"\\ud800"`) is refused, since it cannot be spoken, stored as
UTF-8 or echoed back. Text that will be spoken may not hold control characters; tab, line
and page breaks count as spaces.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Longer integer literals parse as floats: Python refuses int() beyond 4,300 digits, and no
# field needs more than a few.
MAX_INT_DIGITS = 100
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls except tab, LF, VT, FF, CR; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


_NOT_UNICODE = "that is not valid Unicode"


class BodyError(ValueError):
    """A body or message that is not acceptable JSON; `str(exc)` is the client's message."""


def _int_or_float(literal: str) -> int | float:
    return int(literal) if len(literal) <= MAX_INT_DIGITS else float(literal)


def _no_constant(name: str) -> Any:
    raise BodyError(f"'{name}' is not a JSON value; send a number.")


def decode_json(raw: bytes | str, what: str = "request body") -> Any:
    """The decoded value, with every string checked for unpaired surrogates.

    Raises:
        BodyError: Malformed JSON, nesting too deep, NaN/Infinity, or an unpaired surrogate.
    """
    try:
        value = json.loads(raw, parse_int=_int_or_float, parse_constant=_no_constant)
    except BodyError:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError(f"The {what} is not valid JSON ({exc}).") from None
    except RecursionError:
        raise BodyError(f"The {what} is nested too deeply.") from None
    except ValueError:  # any other literal Python cannot read
        raise BodyError(f"The {what} holds a value that is not valid JSON.") from None
    check_unicode(value)
    return value


def check_unicode(value: Any) -> None:
    """Raise BodyError naming the field and position of the first unpaired surrogate."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            _refuse(_SURROGATE, item, path or "body", "an unpaired surrogate", _NOT_UNICODE)
        elif isinstance(item, dict):
            for key, child in item.items():
                _refuse(_SURROGATE, key, path or "body", "an unpaired surrogate", _NOT_UNICODE)
                stack.append((f"{path}.{key}" if path else key, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))


def check_speakable(text: str, field: str) -> None:
    """Raise BodyError naming the position of the first control character in `text`."""
    _refuse(_CONTROL, text, field, "a control character", "remove it")


def _refuse(pattern: re.Pattern[str], text: str, field: str, kind: str, advice: str) -> None:
    found = pattern.search(text)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise BodyError(
            f"The '{field}' field holds {kind} ({code}) at character {found.start() + 1}; {advice}."
        )
