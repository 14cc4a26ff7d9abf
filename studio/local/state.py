"""Everything one running waves-local server shares between its routes."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from studio.local.catalogue import Catalogue, build_engines
from studio.local.clones import CloneStore
from studio.local.config import ServerConfig
from studio.local.dictionaries import DictionaryStore
from studio.local.faults import FaultDecision, FaultPlan
from studio.local.monitor import LogEntry, RequestStats, SlotLimiter, UsageLog
from studio.local.storage import check_data_dir
from studio.local.synthesis import Synthesizer
from studio.local.tts_request import TtsJob


@dataclass
class ServerState:
    """The shared parts of one server (one instance per `LocalServer`).

    Attributes:
        config: What the server was started with.
        catalogue, dictionaries, clones, synthesizer: Voices, data and the audio pipeline.
        limiter: Synthesis slots (`config.slots()`).
        stats, usage: Arrival counts and the analytics log.
        faults: The fault plan in force (replaced by `LocalServer.set_faults`).
        executor: The worker threads engines run in.
    """

    config: ServerConfig
    catalogue: Catalogue
    dictionaries: DictionaryStore
    clones: CloneStore
    synthesizer: Synthesizer
    limiter: SlotLimiter
    stats: RequestStats
    usage: UsageLog
    executor: ThreadPoolExecutor
    faults: FaultPlan = field(default_factory=FaultPlan)

    def log_synthesis(self, job: TtsJob, request_type: str, text: str) -> None:
        """Add one synthesis (`rest` or `ws`) to the analytics log."""
        self.usage.add(
            LogEntry(
                timestamp=time.time(),
                request_type=request_type,
                model=job.model_slug,
                voice_id=job.voice_id,
                language=job.language,
                text=text,
                speed=job.speed,
                sample_rate=job.sample_rate,
                output_format=job.output_format,
                is_pvc=self.synthesizer.is_clone(job.voice_id),
            )
        )

    def decide_faults(self, path: str) -> FaultDecision:
        """Count one request against the fault plan and return what it meets."""
        return self.faults.decide(path)


def build_state(config: ServerConfig, stats: RequestStats | None = None) -> ServerState:
    """Create the engines, stores and counters for `config` (loads no model yet)."""
    data_dir = config.resolved_data_dir()
    check_data_dir(data_dir)  # a sentence, not [Errno 17], when it is a file
    executor = ThreadPoolExecutor(
        max_workers=max(2, config.slots()), thread_name_prefix="waves-local-synth"
    )
    catalogue = Catalogue(build_engines(config.engine, config.engine_threads))
    dictionaries = DictionaryStore(data_dir)
    clones = CloneStore(data_dir)
    usage = UsageLog()
    return ServerState(
        config=config,
        catalogue=catalogue,
        dictionaries=dictionaries,
        clones=clones,
        synthesizer=Synthesizer(catalogue, dictionaries, clones, executor),
        limiter=SlotLimiter(config.slots(), usage),
        stats=stats or RequestStats(),
        usage=usage,
        executor=executor,
        faults=FaultPlan(config.faults),
    )
