"""The voices one waves-local server offers, and which engine speaks each of them."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core import contract as c
from studio.core.models import Voice
from studio.local.engines.base import Engine
from studio.local.engines.espeak import ESPEAK_LANGUAGES, EspeakEngine
from studio.local.engines.piper_engine import PiperEngine
from studio.local.engines.tone import ToneEngine


@dataclass(frozen=True)
class VoiceRoute:
    """Where a voice id goes: the engine and the engine's own voice id."""

    engine: Engine
    engine_voice_id: str


def build_engines(engine: str, threads: int | None = None) -> list[Engine]:
    """The engines behind an `--engine` choice.

    "auto" is Piper for English plus espeak-ng for every other language it offers.
    """
    if engine == "tone":
        return [ToneEngine()]
    if engine == "piper":
        return [PiperEngine(threads)]
    if engine == "espeak":
        return [EspeakEngine()]
    non_english = tuple(code for code in ESPEAK_LANGUAGES if code != "en")
    return [PiperEngine(threads), EspeakEngine(non_english)]


class Catalogue:
    """The catalogue voices of this server (clones are resolved onto them).

    Attributes:
        engines: The engines, in priority order.
        voices: Every catalogue voice, in a stable order.
    """

    def __init__(self, engines: list[Engine]) -> None:
        self.engines = engines
        self.voices: list[Voice] = []
        self._routes: dict[str, VoiceRoute] = {}
        for engine in engines:
            for voice in engine.voices():
                self.voices.append(voice)
                self._routes[voice.voice_id] = VoiceRoute(engine, voice.voice_id)

    def __contains__(self, voice_id: object) -> bool:
        return voice_id in self._routes

    def route(self, voice_id: str) -> VoiceRoute:
        """The engine for a catalogue voice id (KeyError if unknown)."""
        return self._routes[voice_id]

    def voice_for_language(self, language: str) -> Voice:
        """The first catalogue voice tagged with `language` (a code), else the first voice.

        A local voice clone speaks with this voice: waves-local does not imitate the clip.
        """
        name = c.LANGUAGE_NAMES.get(language, "")
        for voice in self.voices:
            if name in voice.languages:
                return voice
        return self.voices[0]
