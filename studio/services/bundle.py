"""Services: everything the window needs, built by app.py (the only place that knows them all)."""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.library import RenderLibrary
from studio.services.audition import AuditionService
from studio.services.backend import BackendService
from studio.services.batch import BatchService
from studio.services.current_clip import CurrentClip
from studio.services.dictionaries import DictionaryService
from studio.services.drafts import DraftService
from studio.services.export import ExportService
from studio.services.history import HistoryService
from studio.services.messages import MessageBus
from studio.services.playback import PlaybackService
from studio.services.project_bundle import ProjectServices
from studio.services.pronunciation import PronunciationBench
from studio.services.settings import Settings
from studio.services.synthesis import SynthesisService
from studio.services.tasks import TaskRunner
from studio.services.voices import VoiceCatalog


@dataclass
class Services:
    """Every service of one studio run (the window gets this, nothing else)."""

    settings: Settings
    messages: MessageBus
    backend: BackendService
    synthesis: SynthesisService
    playback: PlaybackService
    voices: VoiceCatalog
    dictionaries: DictionaryService
    drafts: DraftService
    exports: ExportService
    runners: tuple[TaskRunner, ...] = ()
    library: RenderLibrary | None = None
    history: HistoryService | None = None
    audition: AuditionService | None = None
    bench: PronunciationBench | None = None
    batch: BatchService | None = None
    projects: ProjectServices | None = None
    current: CurrentClip = field(init=False)

    def __post_init__(self) -> None:
        # Derived from the synthesis service, so every composition gets the same rule.
        tasks = self.runners[0] if self.runners else None  # the general disk/network runner
        self.current = CurrentClip(self.synthesis, self.messages, self.synthesis, tasks)
        if self.history is not None:  # a deleted take's file is gone: it leaves the screen
            self.history.take_deleted.connect(self.current.forget_take)
        self.exports.voice_name = self.voices.display_name  # the artist tag of saved MP3s
