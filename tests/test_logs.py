"""No secret reaches the log file: real requests and errors are logged, then the file is read."""

import logging

import pytest
import requests

from studio.logs import REDACTED, redactor, setup_logging, teardown_logging

KEY = "sk_live_abcdef0123456789"
ODD_KEY = "plainsecretwithoutprefix"


@pytest.fixture
def log_file(tmp_path):
    path = setup_logging(tmp_path / "logs", level=logging.DEBUG)
    redactor().add_secret(ODD_KEY)
    yield path
    teardown_logging()


def test_key_never_reaches_the_log_file(log_file) -> None:
    """Request headers, error messages and tracebacks holding the key are redacted on disk."""
    log = logging.getLogger("studio.test")
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    log.info("POST /waves/v1/tts headers=%s", headers)
    log.debug(
        "prepared %r",
        requests.Request("POST", "http://127.0.0.1:1/x", headers=headers).prepare().headers,
    )
    log.warning("Authorization: Bearer %s", ODD_KEY)
    try:
        raise RuntimeError(f"server said the key {KEY} is bad; api_key={ODD_KEY}")
    except RuntimeError:
        log.exception("synthesis failed")
    log.info("token=%s&voice=magnus", KEY)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert KEY not in text
    assert ODD_KEY not in text
    assert "abcdef0123456789" not in text
    assert text.count(REDACTED) >= 5
    assert "synthesis failed" in text and "RuntimeError" in text


def test_ordinary_text_is_left_alone() -> None:
    """Redaction touches secrets only, not voice ids or texts."""
    assert redactor().redact("voice magnus said: sky is blue") == "voice magnus said: sky is blue"


def test_real_client_traffic_leaves_no_key_in_the_log(log_file, waves_local) -> None:
    """A real request and a real failure, logged at DEBUG by us and urllib3, never show the key."""
    from studio.api.client import WavesClient
    from studio.api.transport import RetryPolicy
    from studio.core.errors import StudioError
    from studio.core.models import SynthesisRequest
    from tests.conftest import WAVES_LOCAL_TEST_KEY

    redactor().add_secret(WAVES_LOCAL_TEST_KEY)
    client = WavesClient(
        waves_local.base_url,
        WAVES_LOCAL_TEST_KEY,
        retry=RetryPolicy(max_attempts=2, base_delay_s=0.01),
    )
    log = logging.getLogger("studio.test")
    log.debug("headers %s", client.transport.auth_headers())
    assert client.voices(refresh=True)
    try:
        client.synthesize(SynthesisRequest("Hello.", "no-such-voice"))
    except StudioError as exc:
        log.error(
            "render failed: %s (key %s)", exc.user_message, WAVES_LOCAL_TEST_KEY, exc_info=exc
        )
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "render failed" in text and "get_voices" in text
    assert WAVES_LOCAL_TEST_KEY not in text and "local_test_key" not in text
