"""The pronunciation test bench window: one row per rule, A/B renders, a verdict each."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.services.pronunciation import BenchRow, PronunciationBench, RunSummary
from studio.testbench import ABSENT, CASE_DIFFERS, CHANGED, NO_CHANGE
from studio.ui.icons import icon
from studio.ui.theme import status_colour
from studio.ui.waveform import WaveformView

COLUMNS = ("Word", "Pronunciation", "Dictionary", "Sentence", "Verdict", "Distance")
# Verdict -> theme status colour (readable on the table's base in light and dark).
VERDICT_COLOURS = {CHANGED: "success", NO_CHANGE: "warning", CASE_DIFFERS: "error",
                   ABSENT: "muted"}  # fmt: skip


def verdict_text(row: BenchRow) -> str:
    """The verdict as the user reads it."""
    if row.state == "running":
        return "Testing…"
    if row.state == "failed":
        return f"Failed: {row.message}"
    if row.result is None:
        return ""
    verdict = row.result.verdict
    if verdict == CHANGED:
        return "Changed"
    if verdict == NO_CHANGE:
        return "No audible change"
    if verdict == CASE_DIFFERS:
        return (
            f"Case differs: the text says '{row.case.found}', the rule says '{row.case.rule.word}'"
        )
    return "Word not in text"


class PronunciationBenchDialog(QDialog):
    """Runs the bench for the selected dictionaries against the editor's text."""

    def __init__(
        self, bench: PronunciationBench, dict_ids: list[str], text: str,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Pronunciation test")
        self.resize(980, 620)
        self.bench = bench
        self._dict_ids = dict_ids
        self._text = text
        self._failure = ""
        self.default_carrier = QCheckBox("Test every rule in “Say WORD again.” (otherwise in "
                                         "the editor's own sentences)", self)  # fmt: skip
        self.default_carrier.setChecked(not text.strip())
        self.run_button = QPushButton(icon("synthesize"), "&Run all", self)
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton(icon("cancel"), "&Cancel", self)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMaximumWidth(220)
        self.summary = QLabel(self)
        header = QHBoxLayout()
        header.addWidget(self.default_carrier, 1)
        for widget in (self.progress_bar, self.run_button, self.cancel_button):
            header.addWidget(widget)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(4, 300)
        self.table.setWordWrap(True)
        self.table.setAccessibleName("Rules under test")

        self.wave_a = WaveformView(self)
        self.wave_b = WaveformView(self)
        for wave in (self.wave_a, self.wave_b):
            wave.setMinimumHeight(60)
        self.play_a = QPushButton(icon("play"), "Play &A (without)", self)
        self.play_b = QPushButton(icon("play"), "Play &B (with dictionary)", self)
        self.fix_button = QPushButton(icon("add"), "Fix", self)
        self.fix_button.setToolTip("Add the text's spelling to the dictionary with the same "
                                   "pronunciation, then test again")  # fmt: skip
        detail = QGridLayout()
        detail.addWidget(QLabel("A: without the dictionary", self), 0, 0)
        detail.addWidget(self.wave_a, 1, 0)
        detail.addWidget(QLabel("B: with the dictionary", self), 0, 1)
        detail.addWidget(self.wave_b, 1, 1)
        buttons = QHBoxLayout()
        for button in (self.play_a, self.play_b, self.fix_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.table, 3)
        layout.addLayout(detail, 1)
        layout.addLayout(buttons)

        QShortcut(QKeySequence("A"), self, self._on_play_a_clicked)
        QShortcut(QKeySequence("B"), self, self._on_play_b_clicked)
        self.run_button.clicked.connect(self._on_run_clicked)
        self.cancel_button.clicked.connect(bench.cancel)
        self.play_a.clicked.connect(self._on_play_a_clicked)
        self.play_b.clicked.connect(self._on_play_b_clicked)
        self.fix_button.clicked.connect(self._on_fix_clicked)
        self.default_carrier.toggled.connect(self._on_carrier_toggled)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.finished.connect(bench.cancel)  # closing the window stops the test (and spending)
        bench.rows_reset.connect(self._on_rows_reset)
        bench.row_changed.connect(self._on_row_changed)
        bench.progress.connect(self._on_progress)
        bench.run_finished.connect(self._on_run_finished)
        bench.failed.connect(self._on_bench_failed)
        self.prepare()

    def prepare(self) -> None:
        """Build the rows from the dictionaries and the carrier choice."""
        self.bench.prepare(self._dict_ids, self._text, self.default_carrier.isChecked())

    def selected_index(self) -> int:
        """The highlighted row, or -1."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    @Slot()
    def _on_run_clicked(self) -> None:
        self.summary.setText("Testing…")
        self.bench.run()

    @Slot(bool)
    def _on_carrier_toggled(self, _checked: bool) -> None:
        self.prepare()

    @Slot(object)
    def _on_rows_reset(self, rows: list[BenchRow]) -> None:
        self.table.setRowCount(len(rows))
        for row in rows:
            self._show_row(row)
        self.run_button.setEnabled(bool(rows))
        self.summary.setText(
            f"{len(rows)} rules" if rows else "No rules in the chosen dictionaries."
        )
        self.progress_bar.setValue(0)
        if rows:
            self.table.selectRow(0)

    @Slot(int, object)
    def _on_row_changed(self, _index: int, row: BenchRow) -> None:
        self._show_row(row)
        if row.index == self.selected_index():
            self._on_selection_changed()

    def _show_row(self, row: BenchRow) -> None:
        rule = row.case.rule
        distance = ""
        if row.result is not None and row.result.comparison is not None:
            distance = f"{row.result.comparison.local_distance:.2f}"
        values = (rule.word, rule.pronunciation, rule.dict_name, row.case.carrier or "—",
                  verdict_text(row), distance)  # fmt: skip
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == 4 and row.result is not None:
                item.setForeground(
                    QBrush(QColor(status_colour(VERDICT_COLOURS[row.result.verdict])))
                )
            item.setToolTip(f"{value}\n{row.case.note}" if column == 3 and row.case.note else value)
            self.table.setItem(row.index, column, item)
        self.table.resizeRowToContents(row.index)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    @Slot(object)
    def _on_run_finished(self, summary: RunSummary) -> None:
        verdicts = [r.result.verdict for r in self.bench.rows if r.result is not None]
        changed = verdicts.count(CHANGED)
        if self._failure:
            self.summary.setText(f"Not run: {self._failure}")
            self._failure = ""
            return
        state = "Cancelled" if summary.cancelled else "Done"
        self.summary.setText(
            f"{state} in {summary.seconds:.1f} s: {changed}/{len(self.bench.rows)} rules change "
            f"the audio; {summary.rendered} renders made, {summary.from_cache} from the cache."
        )

    @Slot(str)
    def _on_bench_failed(self, message: str) -> None:
        self._failure = message

    @Slot()
    def _on_selection_changed(self) -> None:
        index = self.selected_index()
        row = self.bench.rows[index] if 0 <= index < len(self.bench.rows) else None
        result = row.result if row else None
        for wave, rendered in ((self.wave_a, result.without if result else None),
                               (self.wave_b, result.with_dict if result else None)):  # fmt: skip
            if rendered is None:
                wave.clear()
            else:
                wave.set_clip(rendered.samples, rendered.sample_rate)
        has_audio = result is not None and result.without is not None
        self.play_a.setEnabled(has_audio)
        self.play_b.setEnabled(has_audio)
        fixable = row is not None and row.case.status == CASE_DIFFERS
        self.fix_button.setVisible(fixable)
        if fixable and row is not None:
            self.fix_button.setText(f"Fix: add '{row.case.found}' to {row.case.rule.dict_name}")

    @Slot()
    def _on_play_a_clicked(self) -> None:
        self.bench.play(self.selected_index(), "a")

    @Slot()
    def _on_play_b_clicked(self) -> None:
        self.bench.play(self.selected_index(), "b")

    @Slot()
    def _on_fix_clicked(self) -> None:
        self.bench.fix_case(self.selected_index())
