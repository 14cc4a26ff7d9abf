"""Calibrate the "changed / no audible change" thresholds of studio/audio/compare.py.

    .venv/bin/python bench/calibrate_verdict.py [--repeats 3]

For each local engine it renders carrier sentences "Say WORD again." twice with the same text
(the spread of a re-render: Piper samples noise, so this is never zero) and with the word
replaced by a respelling (what a dictionary rule does), then prints both distributions of the
local distance and the duration ratio, and the margin around the thresholds in use.

Last run (2 cores, Piper en_US joe, eSpeak NG 1.51, tone), 2026-11-26:
see the table this prints; VerdictThresholds holds the chosen values.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.api.client import WavesClient
from studio.audio.codecs import FloatArray
from studio.audio.compare import VerdictThresholds, compare
from studio.audio.decode import decode
from studio.core.models import SynthesisRequest
from studio.local.config import ServerConfig
from studio.local.server import LocalServer

PAIRS = [
    ("MySQL", "my sequel"), ("GIF", "jif"), ("Nginx", "engine x"), ("SQL", "sequel"),
    ("Kubernetes", "koo ber net ease"), ("Dr", "doctor"), ("St", "saint"), ("GUI", "gooey"),
    ("Xiaomi", "show me"), ("Qatar", "cutter"), ("data", "dah ta"), ("route", "root"),
    ("tomato", "to mah to"), ("Aoife", "ee fa"), ("Siobhan", "shiv awn"), ("API", "A P I"),
    ("Nike", "nikey"), ("cache", "cash"), ("Linux", "lie nux"), ("Porsche", "porsha"),
]  # fmt: skip
ENGINES = (("piper", "joe", "en"), ("espeak", "espeak-es-f", "es"), ("tone", "tone-alto", "en"))


def render(client: WavesClient, text: str, voice: str, language: str) -> tuple[FloatArray, int]:
    """Samples and rate of one render."""
    clip = client.synthesize(SynthesisRequest(text, voice, language=language, sample_rate=16000))
    audio = decode(clip.data, "pcm", 16000)
    return audio.samples, audio.sample_rate


def main() -> int:
    """Print the distributions per engine."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    limits = VerdictThresholds()
    print(
        f"thresholds in use: local distance {limits.local_distance}, "
        f"|log duration ratio| {limits.duration_ratio}"
    )
    for engine, voice, language in ENGINES:
        with LocalServer(ServerConfig(engine=engine, data_dir=Path(tempfile.mkdtemp()))) as server:
            client = WavesClient(server.base_url, "sk_calibrate")
            same, changed = [], []
            for word, respelling in PAIRS:
                text = f"Say {word} again."
                base = render(client, text, voice, language)
                for _ in range(args.repeats):
                    again = render(client, text, voice, language)
                    same.append(compare(*base, *again))
                other = render(client, f"Say {respelling} again.", voice, language)
                changed.append(compare(*base, *other))
            client.close()
        false_change = sum(c.changed for c in same)
        missed = [
            f"{w}->{r} ({c.local_distance:.2f})"
            for (w, r), c in zip(PAIRS, changed, strict=True)
            if not c.changed
        ]
        same_max = max(c.local_distance for c in same)
        diff_min = min(c.local_distance for c in changed)
        print(f"\n{engine}: {len(same)} re-renders, {len(changed)} rule changes")
        print(
            f"  re-render   local distance max {same_max:6.2f}   |log dur| max "
            f"{max(abs(math.log(c.duration_ratio)) for c in same):.3f}   "
            f"judged changed: {false_change}"
        )
        print(
            f"  rule change local distance min {diff_min:6.2f}   median "
            f"{sorted(c.local_distance for c in changed)[len(changed) // 2]:6.2f}   "
            f"detected {len(changed) - len(missed)}/{len(changed)}"
        )
        print(f"  judged 'no audible change': {', '.join(missed) or 'none'}")
        print(
            f"  re-renders judged 'changed' (goal 0): {false_change}   "
            f"{'PASS' if not false_change else 'MISS'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
