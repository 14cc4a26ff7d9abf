"""Everything one running waves-local server shares between its routes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from studio.local.catalogue import Catalogue, build_engines
from studio.local.clones import CloneStore
from studio.local.config import ServerConfig
from studio.local.dictionaries import DictionaryStore
from studio.local.faults import FaultDecision, FaultPlan
from studio.local.monitor import RequestStats, SlotLimiter, UsageLog
from studio.local.synthesis import Synthesizer


@dataclass
class ServerState:
    """The shared parts of one server (one instance per `LocalServer`).

    Attributes:
        config: What the server was started with.
        catalogue, dictionaries, clones, synthesizer: Voices, data and the audio pipeline.
        limiter: Synthesis slots (`max_concurrency`).
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

    def decide_faults(self, path: str) -> FaultDecision:
        """Count one request against the fault plan and return what it meets."""
        return self.faults.decide(path)


def build_state(config: ServerConfig, stats: RequestStats | None = None) -> ServerState:
    """Create the engines, stores and counters for `config` (loads no model yet)."""
    data_dir = config.resolved_data_dir()
    executor = ThreadPoolExecutor(
        max_workers=max(2, config.max_concurrency), thread_name_prefix="waves-local-synth"
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
        limiter=SlotLimiter(config.max_concurrency, usage),
        stats=stats or RequestStats(),
        usage=usage,
        executor=executor,
        faults=FaultPlan(config.faults),
    )
