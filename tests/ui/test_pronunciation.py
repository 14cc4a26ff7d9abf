"""The pronunciation test bench and the editor's dictionary marks, against waves-local."""

import pytest
from PySide6.QtCore import QPoint, Qt

from studio.core.models import PronunciationItem
from studio.testbench import ABSENT, CASE_DIFFERS, CHANGED, NO_CHANGE

pytestmark = pytest.mark.gui


def _dictionary(qtbot, studio, name, rules):
    """Create a dictionary through the app and return its id."""
    dictionaries = studio.services.dictionaries
    dictionaries.create(name, [PronunciationItem(w, p) for w, p in rules])
    qtbot.wait_until(lambda: any(d.name == name for d in dictionaries.dictionaries), timeout=5000)
    return next(d.id for d in dictionaries.dictionaries if d.name == name)


def _run(qtbot, studio, dict_ids, text, default_carrier=False, timeout=60000):
    """Prepare and run the bench; return its rows by word."""
    bench = studio.services.bench
    bench.prepare(dict_ids, text, default_carrier)
    with qtbot.wait_signal(bench.run_finished, timeout=timeout) as done:
        bench.run()
    return {row.case.rule.word: row for row in bench.rows}, done.args[0]


@pytest.fixture
def piper_studio(make_studio, make_waves_local):
    """A studio on waves-local's real Piper voice (the engine the thresholds are tuned on)."""
    server = make_waves_local(engine="piper")
    studio = make_studio(server=server)
    studio.services.settings.set("synthesis/voice_id", "joe")
    return studio


@pytest.mark.slow
def test_verdicts_on_piper(qtbot, piper_studio) -> None:
    """A real respelling is 'changed'; a rule that reads the word as itself is 'no audible
    change'; a word missing from the text is 'word not in text'; lower case is 'case differs'."""
    dict_id = _dictionary(
        qtbot,
        piper_studio,
        "Tech",
        [
            ("MySQL", "my sequel"),
            ("hello", "hello"),
            ("Kubernetes", "koo ber net ease"),
            ("Postgres", "post gress"),
        ],
    )
    text = "We moved MySQL to the cloud. Then I said hello to the team. our kubernetes is fine."
    rows, summary = _run(qtbot, piper_studio, [dict_id], text)
    assert rows["MySQL"].result.verdict == CHANGED
    assert rows["hello"].result.verdict == NO_CHANGE
    assert rows["Postgres"].result.verdict == ABSENT
    assert rows["Kubernetes"].result.verdict == CASE_DIFFERS
    assert rows["Kubernetes"].case.found == "kubernetes"
    assert summary.rendered == 4  # two rows rendered twice; the textual verdicts cost nothing

    bench = piper_studio.services.bench
    index = rows["Kubernetes"].index
    with qtbot.wait_signal(bench.run_finished, timeout=60000):
        assert bench.fix_case(index)
    fixed = bench.rows[index]
    assert fixed.result.verdict == CHANGED
    entry = piper_studio.services.dictionaries.find(dict_id)
    assert ("kubernetes", "koo ber net ease") in [
        (i.word, i.pronunciation) for i in entry.dictionary.items
    ]


def test_second_run_renders_nothing(qtbot, make_studio, waves_local) -> None:
    """A re-run serves every A/B render from the cache: no synthesis request at all."""
    studio = make_studio()
    dict_id = _dictionary(
        qtbot, studio, "Tones", [("alpha", "omega delta gamma"), ("red", "blue green")]
    )
    _run(qtbot, studio, [dict_id], "", default_carrier=True)
    waves_local.stats.reset()
    rows, summary = _run(qtbot, studio, [dict_id], "", default_carrier=True)
    assert waves_local.stats.requests("/waves/v1/tts") == 0
    assert summary.rendered == 0 and summary.from_cache == 4
    assert all(r.result.verdict == CHANGED for r in rows.values())


def test_ab_plays_both_renders(qtbot, make_studio) -> None:
    """A and B play the two renders of a row."""
    studio = make_studio()
    dict_id = _dictionary(qtbot, studio, "AB", [("alpha", "omega delta")])
    _run(qtbot, studio, [dict_id], "", default_carrier=True)
    bench = studio.services.bench
    assert bench.play(0, "a") and bench.play(0, "b")
    qtbot.wait_until(lambda: sum(c[0] == "play" for c in studio.player.calls) >= 2, timeout=2000)


def test_bench_dialog_shows_verdicts(qtbot, make_studio) -> None:
    """The dialog lists each rule with its sentence and verdict, and offers the case fix."""
    studio = make_studio()
    dict_id = _dictionary(qtbot, studio, "Dialog", [("Alpha", "omega")])
    studio.services.settings.set("synthesis/dictionary_ids", [dict_id])
    studio.window.editor_panel.set_text("alpha and beta.")
    studio.window.take_flows.open_pronunciation_bench()
    dialog = studio.window.flows.dialog
    with qtbot.wait_signal(studio.services.bench.run_finished, timeout=10000):
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert "Case differs" in dialog.table.item(0, 4).text()
    dialog.table.selectRow(0)
    assert dialog.fix_button.isVisible() and "'alpha'" in dialog.fix_button.text()


def test_editor_marks_covered_and_case_only_words(qtbot, make_studio, monkeypatch) -> None:
    """Covered words are underlined; a case-only match warns and its fix adds the spelling."""
    studio = make_studio()
    dict_id = _dictionary(qtbot, studio, "Marks", [("MySQL", "my sequel")])
    studio.services.settings.set("synthesis/dictionary_ids", [dict_id])
    editor = studio.window.editor_panel.editor
    editor.setPlainText("MySQL and mysql")
    formats = editor.document().firstBlock().layout().formats()
    styles = {(f.start, f.length): f.format.underlineStyle() for f in formats}
    from PySide6.QtGui import QTextCharFormat, QTextDocument

    assert styles[(0, 5)] == QTextCharFormat.UnderlineStyle.DotLine
    assert styles[(10, 5)] == QTextCharFormat.UnderlineStyle.WaveUnderline
    found = editor.document().find("mysql", 0, QTextDocument.FindFlag.FindCaseSensitively)
    rect = editor.cursorRect(found)
    match = editor.match_at(QPoint(rect.center().x() - 2, rect.center().y()))
    assert match is not None and not match.exact and match.found == "mysql"
    rule = editor.highlighter.rule_for("MySQL")
    with qtbot.wait_signal(studio.services.dictionaries.dictionaries_changed, timeout=5000):
        editor.add_variant_requested.emit("mysql", rule)
    qtbot.wait_until(
        lambda: all(
            f.format.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
            for f in editor.document().firstBlock().layout().formats()
        ),
        timeout=3000,
    )
