"""The installed Qt binding keeps Python's reference counts right when signals carry bools."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)
    anything = Signal(object)


def test_bool_signals_keep_reference_counts(qtbot) -> None:
    """PySide6 6.12.0 lost a reference to True per emit, which crashes Python 3.11 later."""
    emitter = _Emitter()
    received: list[object] = []
    emitter.flag.connect(received.append)
    emitter.anything.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(50):
        emitter.flag.emit(True)
        emitter.anything.emit(True)
    gained = sys.getrefcount(True) - before
    assert len(received) == 100
    assert gained >= 100  # each received True holds a reference; 6.12.0 gave -1
    received.clear()
