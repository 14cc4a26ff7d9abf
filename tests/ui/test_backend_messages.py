"""Backend failures say what is wrong and offer the way back (issue 13, items 6 and 7)."""

import socket

import pytest

from studio.services.messages import Action
from studio.ui.api_key_dialog import ApiKeyDialog

pytestmark = pytest.mark.gui

LINE = "Hello from the studio."


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _use_offline(qtbot, studio) -> None:
    """Press the banner's "Use offline voices" and wait for the offline voices."""
    button = studio.window.banner.button_for(Action.USE_LOCAL)
    assert button is not None and button.isVisible() and button.text() == "Use offline voices"
    with qtbot.wait_signal(studio.services.backend.backend_changed, timeout=5000):
        button.click()
    assert studio.services.backend.info.kind == "local"
    qtbot.wait_until(lambda: bool(studio.services.voices.voices), timeout=5000)


def test_cloud_without_a_key_says_no_key_is_set(qtbot, make_studio, waves_local) -> None:
    """The cloud with no key: "no key is set" (never "refused the key"), Enter key / offline."""
    studio = make_studio(start=False)
    studio.services.settings.set("backend/mode", "cloud")
    studio.services.settings.set("backend/base_url", waves_local.base_url)
    studio.services.backend.start()
    banner = studio.window.banner
    qtbot.wait_until(banner.isVisible, timeout=5000)
    studio.services.settings.set("synthesis/voice_id", "tone-alto")
    studio.window.editor_panel.set_text(LINE)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_failed, timeout=5000):
        studio.window.flows.synthesize()  # the server's 401 must not change the story
    text = banner.text_label.text()
    assert "No API key is set" in text and "refused" not in text
    assert banner.offered == (Action.SET_KEY, Action.USE_LOCAL)
    assert banner.action_button.text() == "Enter API key…"
    _use_offline(qtbot, studio)


def test_key_dialog_speaks_for_its_server_and_never_points_to_itself(
    qtbot, make_studio, waves_local
) -> None:
    """A custom cloud server with no key: the dialog names it and does not claim offline voices;
    a refused key is explained without sending the user to the dialog they are in."""
    studio = make_studio(start=False)
    studio.services.settings.set("backend/mode", "cloud")
    studio.services.settings.set("backend/base_url", waves_local.base_url)
    dialog = ApiKeyDialog(studio.services.backend, studio.window)
    qtbot.add_widget(dialog)
    assert waves_local.base_url in dialog.windowTitle()
    assert "offline voices" not in dialog.status.text().split("(")[0]
    assert waves_local.base_url in dialog.status.text()
    dialog.key_edit.setText("sk_not_the_right_key_000")
    with qtbot.wait_signal(studio.services.backend.key_failed, timeout=5000):
        dialog.test_button.click()
    result = dialog.result_label.text()
    assert "refused this key" in result
    assert "API key…" not in result and "Tools" not in result


def test_saved_key_without_network_can_get_back_to_work(qtbot, make_studio) -> None:
    """A saved key and an unreachable cloud: Retry, Use offline voices and Preferences are
    offered, and "Use offline voices" brings the voices back."""
    studio = make_studio(start=False, environ={"SMALLEST_API_KEY": "sk_saved_key_0000000"})
    studio.services.settings.set("backend/mode", "cloud")
    studio.services.settings.set("backend/base_url", f"http://127.0.0.1:{_closed_port()}")
    studio.services.backend.start()
    banner = studio.window.banner
    qtbot.wait_until(banner.isVisible, timeout=15000)
    assert banner.offered == (Action.RELOAD, Action.USE_LOCAL, Action.PREFERENCES)
    assert [b.text() for b in banner.action_buttons] == [
        "Retry",
        "Use offline voices",
        "Open preferences…",
    ]
    _use_offline(qtbot, studio)


def test_a_server_error_banner_has_a_retry_button(qtbot, make_studio, waves_local_faults) -> None:
    """A 500 from the server ends in a banner whose Retry button renders again."""
    studio = make_studio()
    waves_local_faults("status=500@path=/waves/v1/tts")
    studio.window.editor_panel.set_text(LINE)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_failed, timeout=15000):
        studio.window.flows.synthesize()
    banner = studio.window.banner
    retry = banner.button_for(Action.RETRY)
    assert retry is not None and retry.isVisible() and retry.text() == "Retry"
    assert Action.PREFERENCES in banner.offered
    assert Action.USE_LOCAL not in banner.offered  # already on the offline voices
    waves_local_faults("")  # the server recovers
    with qtbot.wait_signal(studio.services.synthesis.synthesis_finished, timeout=10000):
        retry.click()


def test_switching_backend_clears_the_old_backends_error(qtbot, make_studio) -> None:
    """After "Use offline voices" from Preferences rather than the banner, no stale banner stays."""
    studio = make_studio(start=False, environ={"SMALLEST_API_KEY": "sk_saved_key_0000000"})
    studio.services.settings.set("backend/mode", "cloud")
    studio.services.settings.set("backend/base_url", f"http://127.0.0.1:{_closed_port()}")
    studio.services.backend.start()
    banner = studio.window.banner
    qtbot.wait_until(banner.isVisible, timeout=15000)
    with qtbot.wait_signal(studio.services.backend.backend_changed, timeout=5000):
        studio.services.backend.switch("local")
    assert not banner.isVisible()
