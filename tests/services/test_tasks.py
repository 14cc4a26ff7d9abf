"""TaskRunner returns worker results in the GUI thread; SyncTaskRunner runs inline."""

import threading

import pytest
from PySide6.QtCore import QThread

from studio.services.tasks import SyncTaskRunner, TaskContext, TaskRunner


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner(max_threads=1)
    yield runner
    runner.shutdown(2000)


def test_result_arrives_in_gui_thread(runner: TaskRunner, qtbot) -> None:
    """The work runs off the GUI thread and its result is delivered on it."""
    seen = {}

    def work(ctx: TaskContext) -> str:
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return "done"

    def on_success(result: str) -> None:
        seen["result"] = result
        seen["callback_in_gui"] = QThread.currentThread() is runner.thread()

    with qtbot.wait_signal(runner.task_succeeded, timeout=2000) as blocker:
        task_id = runner.submit(work, on_success=on_success)
    assert blocker.args == [task_id, "done"]
    assert seen == {"worker": False, "result": "done", "callback_in_gui": True}
    assert not runner.is_running(task_id)


def test_exception_becomes_failure_not_crash(runner: TaskRunner, qtbot) -> None:
    """Any exception in a task is delivered to on_failure; nothing escapes run()."""
    failures = []

    def boom(ctx: TaskContext) -> None:
        raise KeyError("worker bug")

    with qtbot.wait_signal(runner.task_failed, timeout=2000):
        runner.submit(boom, on_failure=failures.append)
    assert isinstance(failures[0], KeyError)


def test_progress_and_cancel(runner: TaskRunner, qtbot) -> None:
    """Progress values reach the GUI thread and cancel() sets the task's flag."""
    progress = []
    started = threading.Event()

    def work(ctx: TaskContext) -> str:
        ctx.report(1)
        started.set()
        ctx.cancelled.wait(5)
        ctx.report(2)
        return "cancelled" if ctx.cancelled.is_set() else "timeout"

    results = []
    task_id = runner.submit(work, on_success=results.append, on_progress=progress.append)
    assert started.wait(2)
    runner.cancel(task_id)
    qtbot.wait_until(lambda: results == ["cancelled"], timeout=2000)
    assert progress == [1, 2]


def test_tasks_run_in_submission_order(runner: TaskRunner, qtbot) -> None:
    """With one thread, jobs run one after another in the order they were submitted."""
    order = []
    for i in range(5):
        runner.submit(lambda ctx, i=i: i, on_success=order.append)
    qtbot.wait_until(lambda: len(order) == 5, timeout=2000)
    assert order == [0, 1, 2, 3, 4]


def test_sync_runner_runs_inline(qtbot) -> None:
    """SyncTaskRunner delivers result, failure and progress before submit returns."""
    runner = SyncTaskRunner()
    got = []
    runner.submit(
        lambda ctx: (ctx.report("p"), 7)[1], on_success=got.append, on_progress=got.append
    )
    runner.submit(lambda ctx: 1 / 0, on_failure=lambda e: got.append(type(e).__name__))
    assert got == ["p", 7, "ZeroDivisionError"]
