"""A second process for the store tests: adds takes or caches renders, reporting each one.

Run as `python -m tests.store.worker takes|cache <path> <count> <tag>`. It waits for one line on
stdin before it starts (so two workers begin together), then prints one line per committed
write: the take id, or the cache key.
"""

from __future__ import annotations

import sys
from pathlib import Path

from studio.pipeline import RenderSpec
from studio.store.cache import RenderCache
from studio.store.keys import render_key
from studio.store.takes import TakeStore
from tests.store.helpers import make_rendered


def main(argv: list[str]) -> int:
    """Entry point; returns the exit status."""
    kind, path, count, tag = argv[0], Path(argv[1]), int(argv[2]), argv[3]
    spec = RenderSpec(voice_id=f"voice-{tag}", sample_rate=8000)
    sys.stdin.readline()
    if kind == "takes":
        with TakeStore(path) as store:
            for n in range(count):
                rendered = make_rendered(f"{tag} line {n}.", spec, seconds=0.05)
                take = store.add(rendered, backend="local", base_url="", source="bench")
                print(take.take_id, flush=True)
    else:
        with RenderCache(path, max_bytes=1 << 30) as cache:
            for n in range(count):
                rendered = make_rendered(f"{tag} line {n}.", spec, seconds=0.05)
                key = render_key("local:auto", spec, rendered.text, None)
                cache.put(key, rendered)
                print(key, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
