"""CloneService: a pending clone is followed until it settles, then previewed; failures speak."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from studio.api.clones import CloneSpec
from studio.core.errors import ApiError
from studio.core.models import Voice
from studio.services import clones as clones_module
from studio.services.clones import CloneService
from studio.services.messages import MessageBus
from studio.services.tasks import SyncTaskRunner

RATE = 24000


class _Client:
    """The two calls the service makes; HTTP itself is tested in tests/api/test_clones.py."""

    def __init__(self, statuses: list[str], fail: Exception | None = None) -> None:
        self.statuses = statuses
        self.fail = fail
        self.polls = 0
        self.transport = SimpleNamespace(request=self._request)

    def _request(self, *args: Any, **kwargs: Any) -> Any:
        if self.fail is not None:
            raise self.fail
        body = kwargs["data"]
        body.read()  # "send" it: progress reaches the end
        data = {"voiceId": "voice_abcdefghij", "displayName": "Mine", "status": "pending",
                "language": "en", "createdAt": "2026-11-30T05:00:00Z"}  # fmt: skip
        return SimpleNamespace(json=lambda: {"data": data})

    def clones(self, cancel: Any = None) -> list[Voice]:
        status = self.statuses[min(self.polls, len(self.statuses) - 1)]
        self.polls += 1
        return [Voice("voice_abcdefghij", "Mine", is_clone=True, status=status)]


class _Voices:
    def __init__(self) -> None:
        self.added: list[Voice] = []

    def add_clone(self, voice: Voice) -> None:
        self.added.append(voice)


def _service(qtbot, client: _Client, monkeypatch) -> tuple[CloneService, _Voices, list[Any]]:
    played: list[Any] = []
    voices = _Voices()
    backend = SimpleNamespace(client=client, info=SimpleNamespace(kind="cloud"))
    playback = SimpleNamespace(
        play_rendered=lambda rendered, *a, **k: played.append(rendered),
        play=lambda *a, **k: played.append(a),
    )
    monkeypatch.setattr(clones_module, "render_text", lambda c, text, spec, mode, cancel:
                        ("preview", text, spec.voice_id, spec.model))  # fmt: skip
    service = CloneService(backend, SyncTaskRunner(), voices, playback, MessageBus())  # type: ignore[arg-type]
    service.poll_first_delay_s = 0.001
    t = np.arange(8 * RATE) / RATE
    with qtbot.wait_signal(service.sample_ready, timeout=5000):
        service._on_sample(clones_module._checked(0.2 * np.sin(2 * np.pi * 150 * t), RATE, "take"))
    return service, voices, played


def test_a_pending_clone_is_followed_then_previewed(qtbot, monkeypatch) -> None:
    """pending → processing → completed: each status is told, the list updated, then a preview."""
    client = _Client(["pending", "processing", "completed"])
    service, voices, played = _service(qtbot, client, monkeypatch)
    statuses: list[str] = []
    service.status_changed.connect(statuses.append)
    progress: list[tuple[int, int]] = []
    service.upload_progressed.connect(lambda done, total: progress.append((done, total)))
    service.create(CloneSpec("Mine", model="lightning-v3.1-pro"))
    qtbot.wait_until(lambda: bool(played), timeout=5000)
    assert statuses == ["pending", "processing", "completed"]
    assert progress and progress[-1][0] == progress[-1][1]
    assert [v.status for v in voices.added] == ["pending", "completed"]
    assert played[0][0] == "preview" and played[0][1].startswith("The birch canoe")
    assert played[0][2:] == ("voice_abcdefghij", "lightning_v3.1_pro")


def test_a_failed_upload_says_why_and_keeps_the_sample(qtbot, monkeypatch) -> None:
    """A clone-limit error reaches `failed` in plain words; the sample stays for a retry."""
    client = _Client(["completed"], fail=ApiError("clone limit exceeded, consider upgrading", 400))
    service, voices, _ = _service(qtbot, client, monkeypatch)
    with qtbot.wait_signal(service.failed, timeout=5000) as failed:
        service.create(CloneSpec("Mine"))
    assert "as many clones as your plan allows" in failed.args[0]
    assert service.sample is not None and not service.uploading and not voices.added


@pytest.mark.parametrize("status", ["failed"])
def test_a_clone_that_fails_is_not_previewed(qtbot, monkeypatch, status) -> None:
    """A clone that ends failed is shown as failed and nothing is rendered with it."""
    service, voices, played = _service(qtbot, _Client(["processing", status]), monkeypatch)
    with qtbot.wait_signal(service.status_changed, timeout=5000,
                           check_params_cb=lambda s: s == status):  # fmt: skip
        service.create(CloneSpec("Mine"))
    assert voices.added[-1].status == status and not played
