"""VoiceCatalog: the voices of the active backend, favourites, recents and cached previews."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.core import contract as c
from studio.core.errors import StudioError
from studio.core.models import Voice
from studio.pipeline import Rendered, RenderSpec, render_text
from studio.services.backend import BackendService
from studio.services.messages import MessageBus
from studio.services.playback import PlaybackService
from studio.services.settings import Settings
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient

PREVIEW_PHRASES = {
    "en": "Hello! This is how I sound.",
    "hi": "नमस्ते! मेरी आवाज़ ऐसी है।",
    "es": "¡Hola! Así suena mi voz.",
    "fr": "Bonjour ! Voici ma voix.",
    "de": "Hallo! So klingt meine Stimme.",
}
RECENT_LIMIT = 8


@dataclass(frozen=True)
class VoiceList:
    """Voices of the active backend: catalogue first, then the user's clones."""

    voices: tuple[Voice, ...]
    clones_error: str = ""


class VoiceCatalog(QObject):
    """Loads voices off the GUI thread and plays cached previews.

    Signals:
        voices_changed(object VoiceList)
        favourites_changed()
    """

    voices_changed = Signal(object)
    favourites_changed = Signal()

    def __init__(
        self,
        backend: BackendService,
        settings: Settings,
        tasks: TaskRunner,
        playback: PlaybackService | None,
        messages: MessageBus,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._settings = settings
        self._tasks = tasks
        self._playback = playback
        self._messages = messages
        self._voices: tuple[Voice, ...] = ()
        self._previews: dict[tuple[str, ...], Rendered] = {}
        backend.backend_changed.connect(self._on_backend_changed)
        settings.changed.connect(self._on_settings_changed)

    @property
    def voices(self) -> tuple[Voice, ...]:
        """The last loaded voices."""
        return self._voices

    def find(self, voice_id: str) -> Voice | None:
        """The loaded voice with this id, if any."""
        return next((v for v in self._voices if v.voice_id == voice_id), None)

    def display_name(self, voice_id: str) -> str:
        """A voice's human name ("Joe" for "joe"); the id itself when it is not loaded."""
        voice = self.find(voice_id)
        return voice.display_name if voice is not None else voice_id

    # --- voices and languages agree -----------------------------------------------------------
    def has_voice_for(self, language: str) -> bool:
        """Whether a loaded voice speaks `language` (True for "auto", and before voices load)."""
        if language == c.AUTO_LANGUAGE or not self._voices:
            return True
        return any(language in v.language_codes for v in self._voices)

    def mismatch(self, voice_id: str, language: str) -> str:
        """A warning when the voice does not speak the language ("" when it does, or unknown)."""
        voice = self.find(voice_id)
        if voice is None or language == c.AUTO_LANGUAGE or not voice.language_codes:
            return ""
        if language in voice.language_codes:
            return ""
        spoken = ", ".join(_language_name(code) for code in voice.language_codes[:3])
        wanted = _language_name(language)
        return (
            f"{voice.display_name} speaks {spoken}, not {wanted}: the audio may sound wrong. "
            f"Pick a voice that speaks {wanted}, or set Language to "
            f"{_language_name(voice.language_codes[0])}."
        )

    def _on_settings_changed(self, key: str) -> None:
        if key == "synthesis/voice_id":
            self._match_language()

    def _match_language(self) -> None:
        """Picking a voice (anywhere: list, browser, grid) sets a language it speaks.

        The current language stays when the voice speaks it, or when it is "auto".
        """
        voice = self.find(self._settings.voice_id)
        language = str(self._settings.get("synthesis/language"))
        if voice is None or language == c.AUTO_LANGUAGE or language in voice.language_codes:
            return
        offered = c.languages_for(str(self._settings.get("synthesis/model")))
        spoken = [code for code in voice.language_codes if code in offered]
        if spoken:
            self._settings.set("synthesis/language", spoken[0])

    def add_clone(self, voice: Voice) -> None:
        """Show a new or updated clone at once, without reloading the list."""
        others = tuple(v for v in self._voices if v.voice_id != voice.voice_id)
        self._voices = (*others, voice)
        self.voices_changed.emit(VoiceList(self._voices))

    def remove_voice(self, voice_id: str) -> None:
        """Drop a voice that no longer exists (a deleted local clone)."""
        self._voices = tuple(v for v in self._voices if v.voice_id != voice_id)
        self.voices_changed.emit(VoiceList(self._voices))

    def _on_backend_changed(self, _info: object) -> None:
        self._voices = ()
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        """Load the voice list (the client caches it unless `force`)."""
        client = self._backend.client
        if client is None:
            return
        self._tasks.submit(
            partial(_load_voices, client, force),
            partial(self._on_loaded, client),
            partial(self._on_failed, client),
        )

    def _on_loaded(self, client: WavesClient, result: VoiceList) -> None:
        if client is not self._backend.client:
            return  # the backend changed meanwhile: these voices belong to the old one
        self._voices = result.voices
        self.voices_changed.emit(result)

    def _on_failed(self, client: WavesClient, exc: BaseException) -> None:
        if client is not self._backend.client:
            return
        self._messages.report(exc, context="Loading voices failed")

    # --- favourites and recents -------------------------------------------------------------
    def favourites(self) -> list[str]:
        """Favourite voice ids, in the order they were starred."""
        return list(self._settings.get("voices/favourites"))

    def ordered_voices(self) -> list[Voice]:
        """The voices as lists show them: favourites (as starred), then recent, then by name."""
        favourites = {v: i for i, v in enumerate(self.favourites())}
        recent = {v: i for i, v in enumerate(self.recent())}
        return sorted(
            self._voices,
            key=lambda v: (
                v.voice_id not in favourites,
                favourites.get(v.voice_id, 0),
                v.voice_id not in recent,
                recent.get(v.voice_id, 0),
                v.display_name.lower(),
            ),
        )

    def is_favourite(self, voice_id: str) -> bool:
        """Whether the voice is starred."""
        return voice_id in self.favourites()

    def toggle_favourite(self, voice_id: str) -> None:
        """Star or unstar a voice."""
        favourites = self.favourites()
        if voice_id in favourites:
            favourites.remove(voice_id)
        else:
            favourites.append(voice_id)
        self._settings.set("voices/favourites", favourites)
        self.favourites_changed.emit()

    def recent(self) -> list[str]:
        """Recently used voice ids, newest first."""
        return list(self._settings.get("voices/recent"))

    def mark_used(self, voice_id: str) -> None:
        """Put a voice at the top of the recent list."""
        recent = [v for v in self.recent() if v != voice_id]
        self._settings.set("voices/recent", [voice_id, *recent][:RECENT_LIMIT])

    # --- previews ---------------------------------------------------------------------------
    def preview(self, voice: Voice, spec: RenderSpec) -> None:
        """Play a short sample of `voice`; a second preview with the same settings is instant."""
        info = self._backend.info
        client = self._backend.client
        if client is None or info is None:
            return
        language = spec.language if spec.language in PREVIEW_PHRASES else "en"
        if voice.language_codes and language not in voice.language_codes:
            language = next((c for c in voice.language_codes if c in PREVIEW_PHRASES), "en")
        spec = RenderSpec(voice.voice_id, spec.model, language, spec.speed, 24000, "pcm")
        key = (info.base_url, voice.voice_id, spec.model, language, str(spec.speed))
        cached = self._previews.get(key)
        if cached is not None:
            self._play(cached)
            return
        text = PREVIEW_PHRASES[language]
        self._tasks.submit(
            partial(_render_preview, client, text, spec),
            partial(self._on_preview_ready, key),
            self._messages.report,
        )

    def _on_preview_ready(self, key: tuple[str, ...], rendered: Rendered) -> None:
        self._previews[key] = rendered
        self._play(rendered)

    def _play(self, rendered: Rendered) -> None:
        if self._playback is not None:
            self._playback.play_rendered(rendered, source="preview")

    def preview_cached(self, voice_id: str) -> bool:
        """Whether some preview of this voice is cached (for tests and the UI)."""
        return any(key[1] == voice_id for key in self._previews)


def _load_voices(client: WavesClient, force: bool, ctx: TaskContext) -> VoiceList:
    catalogue = client.voices(refresh=force, cancel=ctx.cancelled)
    try:
        clones = client.clones(cancel=ctx.cancelled)
    except StudioError as exc:  # a plan without cloning still lists its catalogue
        return VoiceList(tuple(catalogue), exc.user_message)
    return VoiceList(tuple(catalogue) + tuple(clones))


def _render_preview(client: WavesClient, text: str, spec: RenderSpec, ctx: TaskContext) -> Rendered:
    return render_text(client, text, spec, "none", ctx.cancelled)


def _language_name(code: str) -> str:
    """ "Hindi" for "hi"."""
    return c.LANGUAGE_NAMES.get(code, code).title()
