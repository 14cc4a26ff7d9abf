"""Keep glibc from handing freed heap back to the kernel after every request.

Each synthesis allocates and frees a few arrays of a few hundred KB. With glibc's defaults
the top of the heap is trimmed as soon as they are freed, and the next request faults the
same pages back in: measured with the tone engine and 8 keep-alive clients, that was more
than half of waves-local's CPU per request (1.2 ms -> 0.5 ms with a 16 MB pad). A pad of
TOP_PAD_BYTES is at most that much extra resident memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import sys

log = logging.getLogger(__name__)
M_TOP_PAD = -2  # glibc's mallopt parameter number
TOP_PAD_BYTES = 16 * 1024 * 1024


@functools.cache
def keep_heap_padding() -> bool:
    """Set glibc's M_TOP_PAD once per process; False where there is no glibc (a no-op)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_TOP_PAD, TOP_PAD_BYTES))
    except (OSError, AttributeError):  # musl or another libc without mallopt
        log.debug("waves-local: mallopt is not available; heap padding left as it is")
        return False
