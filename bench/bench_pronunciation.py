"""The pronunciation test bench over 50 rules: time and requests, then a second run (cached).

    .venv/bin/python bench/bench_pronunciation.py [--engine piper|tone] [--rules 50]

waves-local runs out of process (`python -m studio.local.cli`, as the app's child does); the
syntheses a run causes are counted from its analytics log (`GET /analytics/tts/logs`).
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

import requests
from report import report  # bench/ is first on sys.path
from waves_local import Running, waves_local

from studio.api.client import WavesClient
from studio.core.models import PronunciationItem
from studio.library import Backend, RenderLibrary
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


def syntheses(server: Running) -> int:
    """How many syntheses the server has logged so far (REST and WebSocket)."""
    reply = requests.get(
        f"{server.base_url}/waves/v1/analytics/tts/logs",
        params={"pageSize": "1"},
        headers={"Authorization": "Bearer sk_bench"},
        timeout=30,
    )
    reply.raise_for_status()
    return int(reply.json()["totalCount"])


def run(
    client: WavesClient,
    library: RenderLibrary,
    rules: list[BenchRule],
    backend: Backend,
    voice: str,
    server: Running,
) -> tuple[float, int, int]:
    """One bench run: (seconds, synthesis requests, changed verdicts)."""
    before = syntheses(server)
    start = time.monotonic()
    dictionaries = client.dictionaries()  # once per run: the rules' content keys the cache
    changed = 0
    spec = RenderSpec(voice, sample_rate=44100)
    for rule in rules:
        result = run_case(client, library, make_case(rule), spec, backend, dictionaries)
        changed += result.verdict == "changed"
    seconds = time.monotonic() - start
    return seconds, syntheses(server) - before, changed


def main() -> int:
    """Create a 50-rule dictionary, run the bench twice, report the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="piper", choices=("piper", "tone"))
    parser.add_argument("--rules", type=int, default=50)
    args = parser.parse_args()
    voice = "joe" if args.engine == "piper" else "tone-alto"
    folder = Path(tempfile.mkdtemp(prefix="bench-pron-"))
    with waves_local("--engine", args.engine) as server:
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
    print(f"{len(rules)} rules, engine {args.engine} out of process, carrier 'Say WORD again.'")
    print(f"rules that change the audio: {first[2]}/{len(rules)}; machine shared with other jobs")
    report("first run: time", first[0], "s")
    report("first run: synthesis requests", first[1], "")
    report("second run: time", second[0], "s", floor=first[0])
    report("second run: synthesis requests", second[1], "", goal=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
