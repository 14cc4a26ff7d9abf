"""The one way work leaves the GUI thread: TaskRunner, and SyncTaskRunner for tests."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[BaseException], None]
ProgressCallback = Callable[[Any], None]


@dataclass
class TaskContext:
    """What a task function gets: its id, a cancel flag, and a way to report progress.

    Attributes:
        task_id: The id `submit` returned.
        cancelled: Set when the task should stop; pass it to cancellable calls.
        report: Sends an immutable value to the GUI thread's progress callback.
    """

    task_id: int
    cancelled: threading.Event = field(default_factory=threading.Event)
    report: Callable[[Any], None] = lambda _value: None


@dataclass
class _Callbacks:
    on_success: SuccessCallback | None
    on_failure: FailureCallback | None
    on_progress: ProgressCallback | None
    context: TaskContext


class _TaskSignals(QObject):
    """Carries a task's results across threads; created in the GUI thread."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, object)


class _Task(QRunnable):
    """Runs one callable on the pool and reports through _TaskSignals; nothing escapes run()."""

    def __init__(
        self, fn: Callable[[TaskContext], Any], context: TaskContext, signals: _TaskSignals
    ) -> None:
        super().__init__()
        self._fn = fn
        self._context = context
        self._signals = signals

    def run(self) -> None:
        """Run the callable; emit succeeded or failed, never raise."""
        task_id = self._context.task_id
        try:
            result = self._fn(self._context)
        except BaseException as exc:  # everything, so no worker error is ever lost
            self._signals.failed.emit(task_id, exc)
        else:
            self._signals.succeeded.emit(task_id, result)


class TaskRunner(QObject):
    """Runs callables on a private QThreadPool and returns their results in the GUI thread.

    Callbacks run in the GUI thread (the signals are queued to this object's slots).

    Attributes:
        pool: The runner's own thread pool.

    Signals:
        task_succeeded(int task_id, object result)
        task_failed(int task_id, object exception)
    """

    task_succeeded = Signal(int, object)
    task_failed = Signal(int, object)

    def __init__(self, max_threads: int = 1, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, _Callbacks] = {}
        self._signals = _TaskSignals(self)
        self._signals.succeeded.connect(self._on_task_succeeded)
        self._signals.failed.connect(self._on_task_failed)
        self._signals.progressed.connect(self._on_task_progressed)

    def submit(
        self,
        fn: Callable[[TaskContext], Any],
        on_success: SuccessCallback | None = None,
        on_failure: FailureCallback | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> int:
        """Queue `fn(context)` on the pool; return its task id."""
        task_id = next(self._ids)
        signals = self._signals
        context = TaskContext(task_id, report=lambda value: signals.progressed.emit(task_id, value))
        self._callbacks[task_id] = _Callbacks(on_success, on_failure, on_progress, context)
        self._start(fn, context)
        return task_id

    def _start(self, fn: Callable[[TaskContext], Any], context: TaskContext) -> None:
        self.pool.start(_Task(fn, context, self._signals))

    def cancel(self, task_id: int) -> None:
        """Ask a running or queued task to stop (sets its context's cancel flag)."""
        callbacks = self._callbacks.get(task_id)
        if callbacks is not None:
            callbacks.context.cancelled.set()

    def cancel_all(self) -> None:
        """Ask every task to stop."""
        for callbacks in self._callbacks.values():
            callbacks.context.cancelled.set()

    def is_running(self, task_id: int) -> bool:
        """True until the task's result has been delivered."""
        return task_id in self._callbacks

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything, drop queued tasks and wait for running ones (on aboutToQuit)."""
        self.cancel_all()
        self.pool.clear()
        return bool(self.pool.waitForDone(timeout_ms))

    @Slot(int, object)
    def _on_task_succeeded(self, task_id: int, result: object) -> None:
        callbacks = self._callbacks.pop(task_id, None)
        self.task_succeeded.emit(task_id, result)
        if callbacks and callbacks.on_success:
            callbacks.on_success(result)

    @Slot(int, object)
    def _on_task_failed(self, task_id: int, exc: object) -> None:
        callbacks = self._callbacks.pop(task_id, None)
        self.task_failed.emit(task_id, exc)
        if callbacks and callbacks.on_failure and isinstance(exc, BaseException):
            callbacks.on_failure(exc)
        elif not (callbacks and callbacks.on_failure):
            log.error("Task %d failed with nobody listening: %r", task_id, exc)

    @Slot(int, object)
    def _on_task_progressed(self, task_id: int, value: object) -> None:
        callbacks = self._callbacks.get(task_id)
        if callbacks and callbacks.on_progress:
            callbacks.on_progress(value)


class SyncTaskRunner(TaskRunner):
    """A TaskRunner that runs each task inline, in the caller's thread (for tests).

    Results, failures and progress reach the same callbacks and signals, synchronously.
    """

    def _start(self, fn: Callable[[TaskContext], Any], context: TaskContext) -> None:
        task_id = context.task_id
        context.report = lambda value: self._on_task_progressed(task_id, value)
        try:
            result = fn(context)
        except BaseException as exc:
            self._on_task_failed(task_id, exc)
        else:
            self._on_task_succeeded(task_id, result)
