"""DraftService: the editor's text is saved as you type, so a crash or kill -9 loses nothing."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from studio.services.messages import MessageBus
from studio.services.tasks import TaskContext, TaskRunner
from studio.store.atomic import atomic_write_text

log = logging.getLogger(__name__)
DEBOUNCE_MS = 400


class DraftService(QObject):
    """Saves the draft text atomically, debounced, on a disk worker; restores it at start.

    Attributes:
        path: The draft file.

    Signals:
        draft_saved(str path): the latest text is on disk.
    """

    draft_saved = Signal(str)

    def __init__(
        self,
        path: Path,
        messages: MessageBus,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self._messages = messages
        self._tasks = tasks or TaskRunner(max_threads=1, parent=self)
        self._pending: str | None = None
        self._last_saved: str | None = None
        self._warned = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def load(self) -> str:
        """The saved draft ("" when there is none or it cannot be read)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("Draft %s unreadable: %s", self.path, exc)
            return ""
        self._last_saved = text
        return text

    def text_changed(self, text: str) -> None:
        """Note new editor text; it is written once typing pauses."""
        self._pending = text
        self._timer.start()

    def flush(self) -> None:
        """Write any pending text now (on quit), and wait for the write."""
        self._timer.stop()
        self._on_timer_timeout()
        self._tasks.pool.waitForDone(3000)

    @Slot()
    def _on_timer_timeout(self) -> None:
        text, self._pending = self._pending, None
        if text is None or text == self._last_saved:
            return
        self._last_saved = text
        path = self.path

        def write(ctx: TaskContext) -> str:
            atomic_write_text(path, text)
            return str(path)

        self._tasks.submit(write, on_success=self._on_saved, on_failure=self._on_failed)

    def _on_saved(self, path: str) -> None:
        self._warned = False
        self.draft_saved.emit(path)

    def _on_failed(self, exc: BaseException) -> None:
        self._last_saved = None
        log.warning("Saving the draft failed: %s", exc)
        if not self._warned:
            self._warned = True
            self._messages.warning(
                f"Your text could not be saved as a draft ({getattr(exc, 'strerror', exc)}). "
                "It is still in the editor."
            )
