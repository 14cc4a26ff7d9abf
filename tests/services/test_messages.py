"""MessageBus caches until the UI connects and turns exceptions into user text."""

import logging

from studio.core.errors import AuthError, CancelledError, NetworkError
from studio.services.messages import GENERIC_FAILURE, Action, Level, MessageBus


def test_messages_wait_for_the_ui_then_flow_directly(qtbot) -> None:
    """Messages posted before the presenter exists are delivered, in order, when it connects."""
    bus = MessageBus()
    bus.info("one")
    bus.warning("two")
    got = []
    bus.connect_ui(got.append)
    bus.error("three", Action.RETRY)
    assert [(m.level, m.text, m.action) for m in got] == [
        (Level.INFO, "one", Action.NONE),
        (Level.WARNING, "two", Action.NONE),
        (Level.ERROR, "three", Action.RETRY),
    ]


def test_report_speaks_studio_errors_and_hides_bugs(qtbot, caplog) -> None:
    """StudioErrors show their message with a fitting action; other exceptions are logged."""
    bus = MessageBus()
    got = []
    bus.connect_ui(got.append)
    bus.report(AuthError())
    bus.report(NetworkError("Offline."))
    bus.report(CancelledError())
    with caplog.at_level(logging.ERROR):
        bus.report(ValueError("internal detail"))
    assert got[0].action is Action.SET_KEY and got[0].level is Level.ERROR
    assert got[1].action is Action.RELOAD  # renders pass retry=Action.RETRY themselves
    assert got[2].level is Level.INFO
    assert got[3].text == GENERIC_FAILURE
    assert "internal detail" not in got[3].text
    assert "internal detail" in caplog.text
