"""The pronunciation test bench, Qt-free: does each dictionary rule really change the audio?"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from studio.core.models import PronunciationDict
from studio.core.text import split_sentences
from studio.core.wordmatch import word_status
from studio.library import Backend, RenderLibrary
from studio.pipeline import Rendered, RenderSpec, render_text

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient
    from studio.audio.compare import Comparison, VerdictThresholds  # numpy: on the first run

DEFAULT_CARRIER = "Say {word} again."
CHANGED, NO_CHANGE, ABSENT, CASE_DIFFERS = "changed", "no_change", "absent", "case_differs"


@dataclass(frozen=True)
class BenchRule:
    """One rule under test, with the dictionary it belongs to."""

    dict_id: str
    dict_name: str
    word: str
    pronunciation: str


@dataclass(frozen=True)
class BenchCase:
    """A rule and the sentence it is tested in.

    Attributes:
        rule: The rule.
        carrier: The sentence rendered with and without the dictionary.
        status: "present", "case_differs" or "absent" (of the rule's word in the carrier).
        found: How the text spells the word when only the case differs.
        note: Why the carrier is not the text's own sentence, when it is not.
    """

    rule: BenchRule
    carrier: str
    status: str
    found: str = ""
    note: str = ""


@dataclass(frozen=True)
class CaseResult:
    """The verdict of one case.

    Attributes:
        verdict: "changed", "no_change", "absent" or "case_differs".
        comparison: The audio comparison (None for textual verdicts).
        without, with_dict: The two renders (None for textual verdicts).
        from_cache: How many of the two renders came from the render cache.
    """

    verdict: str
    comparison: Comparison | None = None
    without: Rendered | None = None
    with_dict: Rendered | None = None
    from_cache: int = 0


def rules_of(dictionaries: list[tuple[PronunciationDict, str]]) -> list[BenchRule]:
    """Every rule of the given (dictionary, name) pairs, in order."""
    return [
        BenchRule(d.id, name, item.word, item.pronunciation)
        for d, name in dictionaries
        for item in d.items
    ]


def make_case(rule: BenchRule, text: str = "", other_words: tuple[str, ...] = ()) -> BenchCase:
    """Pick the carrier: the first sentence of `text` with the word, else the default.

    With text, a rule whose word is only there in another case is "case_differs" (the server
    matches case-sensitively), and a word that is not there at all is "absent". Without text,
    the default carrier "Say WORD again." is used. `other_words` are the other words of the
    rule's dictionary: the dictionary applies all of them at once, so a sentence holding one
    of them would credit their change to this rule; such sentences are avoided, and if every
    sentence has one, the default carrier is used instead (with a note saying why).
    """
    default = DEFAULT_CARRIER.format(word=rule.word)
    if not text.strip():
        return BenchCase(rule, default, "present")
    statuses = [(s, *word_status(s, rule.word)) for s in split_sentences(text)]
    with_word = [s for s, status, _found in statuses if status == "present"]
    for sentence in with_word:
        if not any(word_status(sentence, w)[0] == "present" for w in other_words if w != rule.word):
            return BenchCase(rule, sentence, "present")
    if with_word:
        note = "The text's sentences also hold other words of this dictionary."
        return BenchCase(rule, default, "present", note=note)
    for sentence, status, found in statuses:
        if status == "case_differs":
            return BenchCase(rule, sentence, "case_differs", found)
    return BenchCase(rule, "", "absent")


def run_case(
    client: WavesClient,
    library: RenderLibrary | None,
    case: BenchCase,
    spec: RenderSpec,
    backend: Backend,
    dictionaries: list[PronunciationDict],
    cancel: threading.Event | None = None,
    thresholds: VerdictThresholds | None = None,
) -> CaseResult:
    """Render the carrier without and with the rule's dictionary and compare the audio.

    Textual verdicts ("absent", "case_differs") cost no render: the server would not apply
    the rule, so both renders would be the same.
    """
    if case.status == "absent":
        return CaseResult(ABSENT)
    if case.status == "case_differs":
        return CaseResult(CASE_DIFFERS)
    renders = []
    cached = 0
    for ids in ((), (case.rule.dict_id,)):
        this_spec = replace(spec, dictionary_ids=ids)
        if library is None:
            renders.append(render_text(client, case.carrier, this_spec, "none", cancel))
            continue
        done = library.render(
            client,
            case.carrier,
            this_spec,
            backend=backend,
            source="bench",
            mode="none",
            cancel=cancel,
            dictionaries=dictionaries,
        )
        cached += done.from_cache
        renders.append(done.rendered)
    without, with_dict = renders
    from studio.audio.compare import compare

    result = compare(
        without.samples, without.sample_rate, with_dict.samples, with_dict.sample_rate, thresholds
    )
    return CaseResult(CHANGED if result.changed else NO_CHANGE, result, without, with_dict, cached)
