"""The Waves wire contract's enums, ranges and limits (shared/api/WAVES_API.md), in one place."""

from __future__ import annotations

import re

# §1.5: the TTS `model` field uses underscores, the voices path uses hyphens.
MODEL_V31 = "lightning_v3.1"
MODEL_V31_PRO = "lightning_v3.1_pro"
TTS_MODELS: tuple[str, ...] = (MODEL_V31, MODEL_V31_PRO)
DEFAULT_MODEL = MODEL_V31
VOICES_MODEL = "lightning-v3.1"
CLONE_MODELS: tuple[str, ...] = ("lightning-v3.1", "lightning-v3.1-pro")

# §2.1: language codes in the order the docs list them. v3.1 accepts the first 20 + auto and
# Pro all 31 + auto. The docs give only the counts; reading them as a prefix of the list is our
# interpretation (the first 20 are exactly the languages the v3.1 model card names).
LANGUAGE_CODES: tuple[str, ...] = (
    "en", "hi", "mr", "kn", "ta", "bn", "gu", "te", "ml", "pa", "or", "es",
    "de", "fr", "it", "nl", "sv", "pt", "ru", "el",
    "fi", "no", "pl", "ar", "zh", "id", "ja", "ko", "ms", "tr", "vi",
)  # fmt: skip
AUTO_LANGUAGE = "auto"
LANGUAGES_BY_MODEL: dict[str, tuple[str, ...]] = {
    MODEL_V31: (AUTO_LANGUAGE, *LANGUAGE_CODES[:20]),
    MODEL_V31_PRO: (AUTO_LANGUAGE, *LANGUAGE_CODES),
}
DEFAULT_LANGUAGE = "en"

# Voices report lowercase language *names* (§5.1); requests use codes.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "english", "hi": "hindi", "mr": "marathi", "kn": "kannada", "ta": "tamil",
    "bn": "bengali", "gu": "gujarati", "te": "telugu", "ml": "malayalam", "pa": "punjabi",
    "or": "odia", "es": "spanish", "de": "german", "fr": "french", "it": "italian",
    "nl": "dutch", "sv": "swedish", "pt": "portuguese", "ru": "russian", "el": "greek",
    "fi": "finnish", "no": "norwegian", "pl": "polish", "ar": "arabic", "zh": "chinese",
    "id": "indonesian", "ja": "japanese", "ko": "korean", "ms": "malay", "tr": "turkish",
    "vi": "vietnamese",
}  # fmt: skip
LANGUAGE_CODES_BY_NAME: dict[str, str] = {name: code for code, name in LANGUAGE_NAMES.items()}

SAMPLE_RATES: tuple[int, ...] = (8000, 16000, 24000, 44100)
DEFAULT_SAMPLE_RATE = 44100
OUTPUT_FORMATS: tuple[str, ...] = ("pcm", "wav", "mp3", "ulaw", "alaw")
DEFAULT_OUTPUT_FORMAT = "pcm"
SPEED_MIN = 0.5
SPEED_MAX = 2.0
DEFAULT_SPEED = 1.0

# §11: keep each request at or under 250 characters; about 140 is best. The server's hard limit
# is unconfirmed; waves-local enforces 250 so that a client that forgets to split fails loudly.
TEXT_IDEAL_CHARS = 140
TEXT_MAX_CHARS = 250
# The most one render takes: about 18 hours of speech, 3.2 GB as 24 kHz WAV (a WAV file stops at
# 4 GB). Longer input is refused with a sentence before it is read whole, so a huge file costs
# no more memory than this much text (a few MB) whatever its size.
RENDER_MAX_CHARS = 1_000_000

# The most one reply may send. A synthesis request holds at most TEXT_MAX_CHARS of speech, about
# 35 s even at speed 0.5: 3.1 MB of 44.1 kHz 16-bit PCM, 4.1 MB once base64 in SSE/WS frames. The
# client stops reading any one reply (HTTP body, SSE stream, WebSocket request) at 16 MiB: a 4x
# margin for silence, headers and framing, and a hard bound on memory against a server that
# never stops sending. Voice and dictionary lists are far smaller.
RESPONSE_MAX_BYTES = 16 * 1024 * 1024

# §2.1: request_id and session_id.
CLIENT_ID_PATTERN = re.compile(r"^[a-zA-Z0-9_\-.]+$")
CLIENT_ID_MAX_CHARS = 128

# §6: voice clones.
CLONE_ID_PATTERN = re.compile(r"^voice_[A-Za-z0-9]{10}$")
CLONE_MAX_BYTES = 5 * 1024 * 1024
CLONE_NAME_MAX_CHARS = 500
CLONE_MIME_TYPES: tuple[str, ...] = (
    "audio/mpeg", "audio/mpeg-3", "audio/wav", "audio/wave", "audio/webm", "video/webm",
    "audio/mp4", "video/mp4",
)  # fmt: skip

# §7: dictionary ids look like 24-hex ObjectIds.
DICT_ID_PATTERN = re.compile(r"^[0-9a-f]{24}$")

# §4.2 / §4.6: WebSocket knobs.
WS_IDLE_TIMEOUT_S = 60
WS_COMPLETE_BACKOFF_MS_MAX = 10000
WS_MAX_BUFFER_FLUSH_MS_MAX = 1000


def languages_for(model: str) -> tuple[str, ...]:
    """Return the language codes (with "auto") a TTS model accepts."""
    return LANGUAGES_BY_MODEL.get(model, LANGUAGES_BY_MODEL[DEFAULT_MODEL])


def is_valid_client_id(value: str) -> bool:
    """Tell whether a request_id/session_id matches the contract's pattern and length."""
    return 0 < len(value) <= CLIENT_ID_MAX_CHARS and bool(CLIENT_ID_PATTERN.match(value))


# The time one synthesis request may take in all: connecting, retries, the fallback to HTTP and
# the whole reply. 250 characters of speech take a few seconds; a server slower than this is
# better reported than waited for. Settable per client (`--timeout` on the render command).
SYNTHESIS_DEADLINE_S = 45.0
