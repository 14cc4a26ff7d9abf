"""PronunciationBench: every rule of the chosen dictionaries through the A/B test, off-thread."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial

from PySide6.QtCore import QObject, Signal

from studio.core.errors import CancelledError
from studio.core.models import PronunciationDict
from studio.library import RenderLibrary
from studio.services.backend import BackendService
from studio.services.dictionaries import DictionaryService
from studio.services.messages import MessageBus, user_message
from studio.services.playback import PlaybackService
from studio.services.settings import Settings
from studio.services.tasks import TaskContext, TaskRunner
from studio.testbench import BenchCase, CaseResult, make_case, rules_of, run_case


@dataclass(frozen=True)
class BenchRow:
    """One rule on the bench.

    Attributes:
        index: Row number.
        case: The rule and its carrier sentence.
        state: "pending", "running", "done" or "failed".
        result: The verdict and renders once done.
        message: Why it failed.
    """

    index: int
    case: BenchCase
    state: str = "pending"
    result: CaseResult | None = None
    message: str = ""


@dataclass(frozen=True)
class RunSummary:
    """What a run did: how long it took and how many renders it had to make."""

    rows: int
    seconds: float
    rendered: int
    from_cache: int
    cancelled: bool = False


class PronunciationBench(QObject):
    """Tests each rule: its carrier sentence without and with the dictionary, compared.

    Renders go through the render cache, so a second run only renders what changed.

    Signals:
        rows_reset(object list[BenchRow])
        row_changed(int index, object BenchRow)
        progress(int done, int total)
        run_finished(object RunSummary)
        failed(str message): the run could not start (the dictionaries could not be read).
    """

    rows_reset = Signal(object)
    row_changed = Signal(int, object)
    progress = Signal(int, int)
    run_finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        backend: BackendService,
        library: RenderLibrary | None,
        dictionaries: DictionaryService,
        settings: Settings,
        playback: PlaybackService,
        messages: MessageBus,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._library = library
        self._dictionaries = dictionaries
        self._settings = settings
        self._playback = playback
        self._messages = messages
        self._tasks = tasks or TaskRunner(max_threads=2, parent=self)
        self.rows: list[BenchRow] = []
        self._run_id = 0
        self._started = 0.0
        self._pending: set[int] = set()
        self._counts = [0, 0]
        self._fixing: int | None = None
        self.playing: tuple[int, str] | None = None
        dictionaries.dictionaries_changed.connect(self._on_dictionaries_changed)
        dictionaries.operation_failed.connect(self._on_dictionary_save_failed)

    def prepare(self, dict_ids: list[str], text: str, use_default_carrier: bool) -> None:
        """Build one row per rule of the chosen dictionaries, with its carrier sentence."""
        self.cancel()
        chosen = [
            (entry.dictionary, entry.name)
            for entry in self._dictionaries.dictionaries
            if entry.id in dict_ids
        ]
        source = "" if use_default_carrier else text
        rules = rules_of(chosen)
        words_by_dict: dict[str, tuple[str, ...]] = {}
        for rule in rules:
            words_by_dict[rule.dict_id] = (*words_by_dict.get(rule.dict_id, ()), rule.word)
        self.rows = [
            BenchRow(i, make_case(rule, source, words_by_dict[rule.dict_id]))
            for i, rule in enumerate(rules)
        ]
        self.rows_reset.emit(list(self.rows))

    def run(self, indexes: list[int] | None = None) -> None:
        """Test the given rows (all by default); progress and verdicts arrive as signals."""
        client, info = self._backend.client, self._backend.info
        if client is None or info is None or not self.rows:
            return
        self.cancel()
        self._run_id += 1
        run_id = self._run_id
        todo = list(range(len(self.rows))) if indexes is None else indexes
        self._pending = set(todo)
        self._started = time.monotonic()
        self._counts = [0, 0]
        spec = replace(self._settings.render_spec(), output_format="pcm")
        backend = info.backend
        library = self._library

        def fetch(ctx: TaskContext) -> list[PronunciationDict]:
            return client.dictionaries(ctx.cancelled)

        def start(dictionaries: list[PronunciationDict]) -> None:
            if run_id != self._run_id:
                return
            for index in todo:
                self._update(index, state="running", message="")
                case = self.rows[index].case

                def work(ctx: TaskContext, case: BenchCase = case) -> CaseResult:
                    return run_case(
                        client, library, case, spec, backend, dictionaries, ctx.cancelled
                    )

                self._tasks.submit(
                    work,
                    partial(self._on_done, run_id, index),
                    partial(self._on_failed, run_id, index),
                )
            self.progress.emit(0, len(todo))

        self._tasks.submit(fetch, start, partial(self._on_fetch_failed, run_id))

    def cancel(self) -> None:
        """Stop the running test (finished rows keep their verdicts)."""
        if self._pending:
            self._tasks.cancel_all()
            for index in self._pending:
                if self.rows[index].state == "running":
                    self._update(index, state="pending")
            self._finish(cancelled=True)
        self._run_id += 1

    def shutdown(self) -> None:
        """Cancel and wait for the bench's renders (on quit)."""
        self.cancel()
        self._tasks.shutdown(5000)

    def _on_done(self, run_id: int, index: int, result: CaseResult) -> None:
        if run_id != self._run_id:
            return
        rendered = 0 if result.without is None else 2 - result.from_cache
        self._counts[0] += rendered
        self._counts[1] += result.from_cache
        self._update(index, state="done", result=result)
        self._done(index)

    def _on_failed(self, run_id: int, index: int, exc: BaseException) -> None:
        if run_id != self._run_id or isinstance(exc, CancelledError):
            return
        message = user_message(exc, f"Bench row {index} failed")
        self._update(index, state="failed", message=message)
        self._done(index)

    def _on_fetch_failed(self, run_id: int, exc: BaseException) -> None:
        if run_id != self._run_id:
            return
        message = user_message(exc, "Fetching the dictionaries for the bench failed")
        for index in list(self._pending):
            self._update(index, state="failed", message=message)
        self._pending.clear()
        self.failed.emit(message)
        self._finish(cancelled=True)

    def _done(self, index: int) -> None:
        self._pending.discard(index)
        total = len(self._pending) + sum(1 for r in self.rows if r.state in ("done", "failed"))
        self.progress.emit(total - len(self._pending), total)
        if not self._pending:
            self._finish(cancelled=False)

    def _finish(self, cancelled: bool) -> None:
        summary = RunSummary(
            len(self.rows),
            time.monotonic() - self._started,
            self._counts[0],
            self._counts[1],
            cancelled,
        )
        self._pending = set()
        self.run_finished.emit(summary)

    def _update(self, index: int, **changes: object) -> None:
        self.rows[index] = replace(self.rows[index], **changes)  # type: ignore[arg-type]
        self.row_changed.emit(index, self.rows[index])

    # --- listening and fixing ---------------------------------------------------------------
    def play(self, index: int, which: str, same_position: bool = True) -> bool:
        """Play render "a" (without) or "b" (with the dictionary) of a row.

        With `same_position`, switching between A and B keeps the point in the sentence.
        """
        result = self.rows[index].result if 0 <= index < len(self.rows) else None
        if result is None:
            return False
        rendered = result.without if which == "a" else result.with_dict
        if rendered is None:
            return False
        fraction = 0.0
        if same_position and self.playing and self.playing[0] == index:
            previous = result.without if self.playing[1] == "a" else result.with_dict
            if previous is not None and self._playback.state == "playing":
                fraction = self._playback.fraction_played(previous)
        self._playback.play_rendered(rendered, fraction, source="bench")
        self.playing = (index, which)
        return True

    def fix_case(self, index: int) -> bool:
        """Add the text's spelling of the word to the rule's dictionary, then retest the row."""
        case = self.rows[index].case
        if case.status != "case_differs" or self._dictionaries.find(case.rule.dict_id) is None:
            return False
        self._fixing = index  # before the update: its answer may come at once
        return self._dictionaries.add_rule(case.rule.dict_id, case.found, case.rule.pronunciation)

    def _on_dictionary_save_failed(self, _message: str) -> None:
        self._fixing = None

    def _on_dictionaries_changed(self, _entries: object) -> None:
        index, self._fixing = self._fixing, None
        if index is None or index >= len(self.rows):
            return
        case = self.rows[index].case
        fixed = replace(case, status="present", rule=replace(case.rule, word=case.found))
        self._update(index, case=fixed, state="pending", result=None)
        self.run([index])
