"""waves-local benchmark: real-time factor and time to first chunk (Piper, espeak-ng), tone req/s.

Run: .venv/bin/python bench/bench_local.py

- Servers run in this process on 127.0.0.1 with onnxruntime limited to one thread
  (engine_threads=1, OMP_NUM_THREADS=1), so the RTF figure is a one-core figure.
- Time to first chunk (TTFC) is end to end over loopback: from sending POST /waves/v1/tts/live
  to having the first complete `event: audio` frame, with the model already loaded.
- 140 characters is one request. 1,000 characters exceeds the 250-character request limit,
  so it is measured as consecutive SSE requests over the text split at sentence boundaries
  (studio.core.text.split_text), the way a client renders a long script: TTFC is the first
  chunk of the first request, RTF is total wall time over total audio duration.
- Requests/s: the tone engine under 8 concurrent clients, each with its own connection.
- Keep-alive round trip: one client, one connection, tiny tone requests one after another
  (median); it catches replies held back by Nagle's algorithm and delayed ACKs (~40 ms).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before onnxruntime loads

import base64
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from waves_local import post_while

from studio.core.text import split_text
from studio.local.config import ServerConfig
from studio.local.server import LocalServer

KEY = "sk_bench"
RATE = 24000
REPEATS = 5
CLIENTS = 8
LOAD_SECONDS = 5.0
LOAD_MAX_REQUESTS = 2000

ENGLISH_140 = (
    "The morning train was late again, so Maya strolled down to the harbour, bought warm bread, "
    "and watched the fishing boats slide into the fog."
)
ENGLISH_1000 = (
    "Our story begins on a quiet street at the edge of a small coastal town. Every morning the "
    "baker opened her shutters before sunrise, and the smell of fresh bread drifted down to the "
    "water. Fishermen stopped by on their way to the boats, trading news about the weather and "
    "the tides. Children raced past on bicycles, late for school as usual, waving at the old "
    "man who fed the gulls. By noon the market square was full of voices, music and the clatter "
    "of carts. Tourists asked for directions to the lighthouse, and the locals pointed them up "
    "the winding path along the cliffs. In the afternoon a light rain swept in from the sea, "
    "and everyone hurried under the striped awnings to wait it out. When the clouds finally "
    "parted, the whole town glowed gold in the evening light. The baker closed her shutters, "
    "counted the day's coins, and smiled. Tomorrow, she thought, would be just as busy, and "
    "she would not want it any other way at all. Then the lamps came on, one by one, all along "
    "the quay. All slept."
)
HINDI_140 = (
    "आज सुबह बारिश के बाद मौसम बहुत सुहावना था, इसलिए हम सब पार्क में टहलने गए और वहाँ "
    "बच्चों को खेलते हुए देखा। फिर हम सबने गरम चाय पी। धन्यवाद।"
)
HINDI_1000 = " ".join(
    [
        "आज सुबह बारिश के बाद मौसम बहुत सुहावना था, इसलिए हम सब पार्क में टहलने गए।",
        "वहाँ बच्चे खेल रहे थे और बुज़ुर्ग लोग बेंच पर बैठकर अख़बार पढ़ रहे थे।",
        "दोपहर में हमने पास की दुकान से गरम समोसे और मीठी जलेबी खरीदी।",
        "शाम को आसमान फिर से बादलों से भर गया और हल्की हवा चलने लगी।",
        "हमने घर लौटकर चाय बनाई और पुरानी तस्वीरें देखते हुए बातें कीं।",
        "रात को खिड़की के बाहर झींगुरों की आवाज़ सुनाई दे रही थी।",
        "अगले दिन हमें जल्दी उठकर स्टेशन जाना था, इसलिए हम समय पर सो गए।",
        "सुबह की गाड़ी पहाड़ों की ओर जाती थी, जहाँ हमारे दादा-दादी रहते हैं।",
        "वे हर साल गर्मियों में हमारा इंतज़ार करते हैं और ढेर सारी कहानियाँ सुनाते हैं।",
        "उनके बगीचे में आम, अमरूद और नींबू के पेड़ लगे हैं।",
        "दादी हमें रसोई में मदद करने देती हैं और दादा हमें खेतों में घुमाने ले जाते हैं।",
        "हम वहाँ दो हफ़्ते रहेंगे और फिर अपने शहर लौट आएँगे।",
        "यह यात्रा हमेशा हमारे लिए सबसे यादगार होती है।",
        "पहाड़ों की ठंडी हवा, नदी का साफ़ पानी और रात का तारों भरा आसमान मन को शांत कर देते हैं।",
        "हम हर शाम नदी के किनारे बैठकर सूरज को डूबते हुए देखते हैं।",
        "फिर हम घर लौट आते हैं...",
    ]
)
assert len(ENGLISH_140) == len(HINDI_140) == 140
assert len(ENGLISH_1000) == len(HINDI_1000) == 1000


@dataclass(frozen=True)
class Run:
    """One measured synthesis."""

    ttfc_s: float
    wall_s: float
    audio_s: float


def stream(server: LocalServer, text: str, voice_id: str, language: str) -> Run:
    """One SSE request over a fresh connection; times the first frame and the whole reply."""
    body = json.dumps(
        {"text": text, "voice_id": voice_id, "language": language, "sample_rate": RATE}
    )
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    started = time.perf_counter()
    connection.request(
        "POST",
        "/waves/v1/tts/live",
        body=body.encode(),
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    reply = connection.getresponse()
    if reply.status != 200:
        raise RuntimeError(f"HTTP {reply.status}: {reply.read()[:200]!r}")
    first = 0.0
    audio_bytes = 0
    while line := reply.readline():
        if line.startswith(b"data: "):
            frame = json.loads(line[6:])
            if frame.get("done"):
                break
            audio_bytes += len(base64.b64decode(frame["audio"]))
            first = first or time.perf_counter() - started
    wall = time.perf_counter() - started
    connection.close()
    return Run(first, wall, audio_bytes / 2 / RATE)


def measure(server: LocalServer, text: str, voice_id: str, language: str) -> Run:
    """Median of REPEATS runs; long text goes as consecutive requests."""
    runs = []
    for _ in range(REPEATS):
        pieces = [stream(server, chunk, voice_id, language) for chunk in split_text(text)]
        runs.append(
            Run(
                ttfc_s=pieces[0].ttfc_s,
                wall_s=sum(p.wall_s for p in pieces),
                audio_s=sum(p.audio_s for p in pieces),
            )
        )
    return Run(
        statistics.median(r.ttfc_s for r in runs),
        statistics.median(r.wall_s for r in runs),
        statistics.median(r.audio_s for r in runs),
    )


def line(name: str, value: float, unit: str, goal: float, higher_is_better: bool = False) -> None:
    """Print one figure with its goal, the ratio figure/goal and PASS or MISS."""
    ratio = value / goal
    passed = value >= goal if higher_is_better else value <= goal
    sign = ">=" if higher_is_better else "<="
    print(
        f"{name:<66} {value:9.4g} {unit:<5} goal {sign} {goal:<7g} "
        f"ratio {ratio:6.2f}  {'PASS' if passed else 'MISS'}"
    )


def bench_engine(
    label: str, server: LocalServer, voice: str, language: str, texts: dict[int, str]
) -> None:
    """RTF and TTFC lines for one engine voice."""
    for chars, text in texts.items():
        run = measure(server, text, voice, language)
        how = "1 request" if chars <= 250 else f"{len(split_text(text))} consecutive requests"
        line(f"{label} {chars} chars: real-time factor ({how})", run.wall_s / run.audio_s, "x", 0.2)
        line(f"{label} {chars} chars: time to first chunk", run.ttfc_s * 1000, "ms", 300)


def load(server: LocalServer) -> tuple[float, int]:
    """Requests/s of the tone engine with CLIENTS concurrent clients; returns (rate, errors)."""
    body = json.dumps({"text": "Hello there, how are you today?", "voice_id": "tone-alto"})
    headers = {
        "Authorization": f"Bearer {KEY}",
        "Content-Type": "application/json",
        "Accept": "audio/wav",
    }
    counts = [0] * CLIENTS
    errors = [0] * CLIENTS
    deadline = time.perf_counter() + LOAD_SECONDS
    budget = LOAD_MAX_REQUESTS // CLIENTS

    def client(index: int) -> None:
        def more() -> bool:
            return time.perf_counter() < deadline and counts[index] + errors[index] < budget

        post_while(server.port, body.encode(), headers, more, counts, errors, index)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started), sum(errors)


def round_trip_ms(server: LocalServer, requests_: int = 50) -> float:
    """Median ms of a tiny POST /tts on one kept-alive connection."""
    body = json.dumps({"text": "Hi.", "voice_id": "tone-alto"}).encode()
    headers = {
        "Authorization": f"Bearer {KEY}",
        "Content-Type": "application/json",
        "Accept": "audio/wav",
    }
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    times = []
    for _ in range(requests_):
        started = time.perf_counter()
        connection.request("POST", "/waves/v1/tts", body=body, headers=headers)
        connection.getresponse().read()
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return statistics.median(times)


def main() -> int:
    """Run every figure and print the table."""
    data_dir = Path(tempfile.mkdtemp(prefix="waves-local-bench-"))
    print(f"waves-local benchmark ({os.cpu_count()} CPUs, onnxruntime threads = 1, {RATE} Hz PCM)")
    config = ServerConfig(
        engine="auto", api_key=KEY, data_dir=data_dir, engine_threads=1, max_concurrency=2
    )
    with LocalServer(config) as server:
        cold = stream(server, "Warming up.", "joe", "en")  # loads the Piper model
        line("Piper first request, model load included", cold.wall_s, "s", 2.0)
        bench_engine("Piper joe", server, "joe", "en", {140: ENGLISH_140, 1000: ENGLISH_1000})
        stream(server, "नमस्ते।", "espeak-hi-f", "hi")
        bench_engine(
            "espeak-ng hi",
            server,
            "espeak-hi-f",
            "hi",
            {140: HINDI_140, 1000: HINDI_1000},
        )
    tone = ServerConfig(engine="tone", api_key=KEY, data_dir=data_dir)  # the shipped default
    with LocalServer(tone) as server:
        rate, errors = load(server)
        line(f"tone requests/s, {CLIENTS} concurrent clients (POST /tts)", rate, "req/s", 100, True)
        if errors:
            print(f"  ({errors} requests failed)")
        line("tone keep-alive round trip, tiny request (median)", round_trip_ms(server), "ms", 10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
