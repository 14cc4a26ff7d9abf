"""Preferences → Render cache: a new limit is applied off the GUI thread."""

import threading

import pytest

from studio.ui.preferences_dialog import PreferencesDialog

pytestmark = pytest.mark.gui


def test_a_smaller_cache_limit_is_applied_off_the_gui_thread(qtbot, make_studio) -> None:
    """Shrinking the cache evicts files under its write lock: OK must not wait for that."""
    studio = make_studio()
    library = studio.services.library
    applied: list[tuple[int, str]] = []
    real = library.set_cache_limit

    def record(limit: int) -> None:
        applied.append((limit, threading.current_thread().name))
        real(limit)

    library.set_cache_limit = record
    dialog = PreferencesDialog(studio.services, studio.window)
    qtbot.add_widget(dialog)
    dialog.cache_mb.setValue(42)
    dialog.apply()
    qtbot.wait_until(lambda: bool(applied), timeout=5000)
    assert applied == [(42 * 1024 * 1024, applied[0][1])]
    assert applied[0][1] != threading.main_thread().name
    qtbot.wait_until(lambda: library.cache.max_bytes == 42 * 1024 * 1024, timeout=5000)
