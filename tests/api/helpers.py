"""Shared bits of the client tests: the key, the modes and a request builder."""

from studio.core.models import SynthesisRequest
from tests.conftest import WAVES_LOCAL_TEST_KEY

KEY = WAVES_LOCAL_TEST_KEY
MODES = ("none", "sse", "ws")
TEXT = "Hello there. This is the studio speaking, one sentence at a time."


def make_request(**fields) -> SynthesisRequest:
    """A tone-voice request at 16 kHz; keyword arguments override any field."""
    fields.setdefault("voice_id", "tone-alto")
    fields.setdefault("sample_rate", 16000)
    return SynthesisRequest(fields.pop("text", TEXT), **fields)
