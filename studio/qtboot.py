"""Load PySide6 for the GUI and make its per-import source scan cheap (imported first by app).

PySide6 (PYSIDE-2029) hooks every import that follows its own: for each new module it calls
`inspect.getsource(module)` to see whether the text mentions "PySide6" (the default of its
`__feature__` switch). `getsource` decodes, tokenizes and caches every line of every module,
~0.15 ms each: 30-80 ms over the ~300 modules the studio loads before its first frame.
`fast_uses_pyside` gives the same answer for a module backed by a .py file by reading its
bytes once, and falls back to PySide's own check for anything else (built-in, frozen, .pyc).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable

import PySide6.QtCore  # noqa: F401  (installs the hook this module speeds up)

_SOURCE_SUFFIX = ".py"


def fast_uses_pyside(
    original: Callable[[types.ModuleType], bool],
) -> Callable[[types.ModuleType], bool]:
    """PySide's `_mod_uses_pyside(module)`, answered from the raw source file when there is one."""

    def uses_pyside(module: types.ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(_SOURCE_SUFFIX):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass  # gone or unreadable: PySide's check says what it says (False)
        return original(module)

    uses_pyside.studio_fast = True  # type: ignore[attr-defined]
    uses_pyside.original = original  # type: ignore[attr-defined]
    return uses_pyside


def install() -> bool:
    """Swap in the fast check; False when this PySide6 has no such hook (nothing to do)."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original) or getattr(original, "studio_fast", False):
        return False
    feature._mod_uses_pyside = fast_uses_pyside(original)  # type: ignore[attr-defined]
    return True


install()
