"""The pronunciation test bench over 50 rules: time and requests, then a second run (cached).

    .venv/bin/python bench/bench_pronunciation.py [--engine piper|tone] [--rules 50]

Goal (issue "Pronunciation test bench"): the second run makes no synthesis request at all,
because every A/B render comes from the render cache.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.api.client import WavesClient
from studio.core.models import PronunciationItem
from studio.library import Backend, RenderLibrary
from studio.local.config import ServerConfig
from studio.local.server import LocalServer
from studio.pipeline import RenderSpec
from studio.testbench import BenchRule, make_case, run_case

WORDS = [
    "MySQL",
    "GIF",
    "Nginx",
    "SQL",
    "Kubernetes",
    "GUI",
    "Xiaomi",
    "Qatar",
    "data",
    "route",
    "tomato",
    "Aoife",
    "Siobhan",
    "API",
    "Nike",
    "cache",
    "Linux",
    "Porsche",
    "Huawei",
    "Hermès",
    "Dr",
    "St",
    "gigabyte",
    "meme",
    "niche",
    "Worcester",
    "quinoa",
    "epitome",
    "segue",
    "Uranus",
    "Wednesday",
    "colonel",
    "Gif",
    "JSON",
    "YAML",
    "Redis",
    "Postgres",
    "Debian",
    "Ubuntu",
    "Qt",
    "Pixar",
    "Adidas",
    "Ikea",
    "Volkswagen",
    "Hyundai",
    "Moët",
    "Nguyen",
    "Saoirse",
    "Joaquin",
    "Xavier",
]


def run(
    client: WavesClient,
    library: RenderLibrary,
    rules: list[BenchRule],
    backend: Backend,
    voice: str,
    server: LocalServer,
) -> tuple[float, int, int, int]:
    """One bench run: (seconds, synthesis requests, other requests, changed verdicts)."""
    server.stats.reset()
    start = time.monotonic()
    dictionaries = client.dictionaries()  # once per run: the rules' content keys the cache
    changed = 0
    spec = RenderSpec(voice, sample_rate=16000)
    for rule in rules:
        result = run_case(client, library, make_case(rule), spec, backend, dictionaries)
        changed += result.verdict == "changed"
    seconds = time.monotonic() - start
    synthesis = server.stats.requests("/waves/v1/tts")
    return seconds, synthesis, server.stats.requests() - synthesis, changed


def main() -> int:
    """Create a 50-rule dictionary, run the bench twice, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="piper", choices=("piper", "tone"))
    parser.add_argument("--rules", type=int, default=50)
    args = parser.parse_args()
    voice = "joe" if args.engine == "piper" else "tone-alto"
    folder = Path(tempfile.mkdtemp(prefix="bench-pron-"))
    with LocalServer(ServerConfig(engine=args.engine, data_dir=folder / "local")) as server:
        client = WavesClient(server.base_url, "sk_bench")
        words = WORDS[: args.rules]
        items = [PronunciationItem(w, " ".join(w.lower())) for w in words]
        created = client.create_dictionary(items)
        rules = [BenchRule(created.id, "Bench", i.word, i.pronunciation) for i in items]
        library = RenderLibrary(folder / "library", 512 * 1024 * 1024)
        backend = Backend("local", server.base_url, args.engine)
        first = run(client, library, rules, backend, voice, server)
        second = run(client, library, rules, backend, voice, server)
        library.close()
        client.close()
    print(f"{len(rules)} rules, engine {args.engine}, carrier 'Say WORD again.'")
    for name, (seconds, synthesis, other, changed) in (
        ("first run", first),
        ("second run", second),
    ):
        print(
            f"{name:<11} {seconds:7.2f} s   synthesis requests {synthesis:4d}   other requests "
            f"{other:3d}   rules that change the audio {changed}/{len(rules)}"
        )
    ok = second[1] == 0
    print(f"second run synthesis requests: {second[1]}   goal 0   {'PASS' if ok else 'MISS'}")
    speedup = first[0] / max(second[0], 1e-6)
    print(
        f"second run time vs first: ratio {second[0] / max(first[0], 1e-6):.3f} "
        f"({speedup:.0f}x faster)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
