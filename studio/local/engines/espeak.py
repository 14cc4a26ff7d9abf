"""espeak-ng voices for the Indic languages, Spanish and English, through the espeak-ng binary."""

from __future__ import annotations

import shutil
import struct
import subprocess

from studio.audio import codecs
from studio.core import contract as c
from studio.core.models import Voice
from studio.local.engines.base import Engine, EngineUnavailableError, FloatArray

# request language code -> (espeak-ng voice, accent tag)
ESPEAK_LANGUAGES: dict[str, tuple[str, str]] = {
    "hi": ("hi", "indian"),
    "mr": ("mr", "indian"),
    "kn": ("kn", "indian"),
    "ta": ("ta", "indian"),
    "bn": ("bn", "indian"),
    "gu": ("gu", "indian"),
    "te": ("te", "indian"),
    "ml": ("ml", "indian"),
    "pa": ("pa", "indian"),
    "or": ("or", "indian"),
    "es": ("es", "spanish"),
    "en": ("en-us", "american"),
}
# voice id suffix -> (espeak variant, gender)
_VARIANTS = {"f": ("f3", "female"), "m": ("m3", "male")}
_WORDS_PER_MINUTE = 175
_TIMEOUT_S = 60


def espeak_voice_id(language: str, gender: str) -> str:
    """The stable voice id of an espeak voice, e.g. `espeak-hi-f`."""
    return f"espeak-{language}-{gender[0]}"


class EspeakEngine(Engine):
    """Runs `espeak-ng -v <lang>+<variant> -s <wpm> --stdout`, text on stdin.

    A missing binary does not stop the server: the voices are still listed and a request
    that uses one gets a clear error.
    """

    name = "espeak"

    def __init__(self, languages: tuple[str, ...] = tuple(ESPEAK_LANGUAGES)) -> None:
        self._voices = {
            espeak_voice_id(code, suffix): (code, variant, gender)
            for code in languages
            for suffix, (variant, gender) in _VARIANTS.items()
        }

    def voices(self) -> list[Voice]:
        """A female and a male voice per language."""
        result = []
        for voice_id, (code, _variant, gender) in self._voices.items():
            name = c.LANGUAGE_NAMES[code]
            result.append(
                Voice(
                    voice_id=voice_id,
                    display_name=f"{name.capitalize()} {gender} (espeak)",
                    languages=(name,),
                    accent=ESPEAK_LANGUAGES[code][1],
                    gender=gender,
                    age="middle aged",
                    usecases=("narration",),
                )
            )
        return result

    def synthesize(
        self, sentence: str, voice_id: str, speed: float, sample_rate: int
    ) -> tuple[FloatArray, int]:
        """Render one sentence; speed scales the words-per-minute rate."""
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise EngineUnavailableError(
                "espeak-ng is not installed, so the espeak voices cannot speak. Install it "
                "(e.g. `sudo apt install espeak-ng`) or pick another voice."
            )
        code, variant, _gender = self._voices[voice_id]
        wpm = max(80, min(500, round(_WORDS_PER_MINUTE * speed)))
        command = [binary, "-v", f"{ESPEAK_LANGUAGES[code][0]}+{variant}", "-s", str(wpm)]
        try:
            result = subprocess.run(
                [*command, "-b", "1", "--stdout"],
                input=sentence.encode("utf-8"),
                capture_output=True,
                timeout=_TIMEOUT_S,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise EngineUnavailableError(
                f"espeak-ng failed to speak ({type(exc).__name__}). Check the espeak-ng "
                "installation or pick another voice."
            ) from exc
        return parse_wav(result.stdout)


def parse_wav(data: bytes) -> tuple[FloatArray, int]:
    """Decode the 16-bit mono WAV espeak-ng writes (its sizes may be placeholders)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise EngineUnavailableError("espeak-ng did not produce WAV audio.")
    offset, sample_rate = 12, 22050
    while offset + 8 <= len(data):
        chunk_id, size = struct.unpack_from("<4sI", data, offset)
        body = offset + 8
        if chunk_id == b"fmt ":
            sample_rate = struct.unpack_from("<I", data, body + 4)[0]
        elif chunk_id == b"data":
            pcm = data[body:]
            pcm = pcm[: len(pcm) - len(pcm) % 2]
            return codecs.pcm16_to_float(pcm), int(sample_rate)
        offset = body + size + (size % 2)
    raise EngineUnavailableError("espeak-ng produced a WAV file without audio data.")
