"""Validate input rows against the contract and plan the job: items, names, a dry-run summary."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from studio.audio.export import file_extension
from studio.batch.inputs import MAX_ITEM_CHARS, InputTable
from studio.batch.names import ID_TEMPLATE, ROW_TEMPLATE, NameAllocator, render_stem, stem_from_out
from studio.core import contract as c
from studio.core.batch import ItemSpec
from studio.core.errors import ValidationError
from studio.core.text import split_text

EXPORT_FORMATS: tuple[str, ...] = ("wav", "mp3", "flac", "ogg", "pcm", "ulaw", "alaw")
_DICT_SPLIT = str.maketrans({";": " ", ",": " ", "|": " "})


@dataclass(frozen=True)
class BatchDefaults:
    """Settings for cells a row leaves empty (the window's current controls, or CLI flags).

    Attributes:
        voice_id, model, language, speed, sample_rate, export_format, dictionary_ids: As in
            ItemSpec.
        template: Output name template; "" picks "{id}" when there are ids, else
            "{row:04d}-{first_words}".
    """

    voice_id: str
    model: str = c.DEFAULT_MODEL
    language: str = c.DEFAULT_LANGUAGE
    speed: float = c.DEFAULT_SPEED
    sample_rate: int = 24000
    export_format: str = "wav"
    dictionary_ids: tuple[str, ...] = ()
    template: str = ""


@dataclass(frozen=True)
class PlannedRow:
    """One input row after validation.

    Attributes:
        row: Its number in the input.
        cells: Its raw cells.
        errors: Column name to message ("" for the whole row). Empty when the row is valid.
        item: What will be rendered (None for an invalid row).
        requests: How many API requests it takes.
    """

    row: int
    cells: dict[str, str]
    errors: dict[str, str]
    item: ItemSpec | None
    requests: int = 0


@dataclass
class BatchPlan:
    """The dry run: every row, valid or not, and totals.

    Attributes:
        table: The input as read.
        rows: One PlannedRow per input row.
        template: The name template used.
        defaults: The defaults it was planned with (to plan again for another folder).
    """

    table: InputTable
    rows: list[PlannedRow] = field(default_factory=list)
    template: str = ""
    defaults: BatchDefaults | None = None

    @property
    def items(self) -> list[ItemSpec]:
        """The valid rows' items, in order."""
        return [r.item for r in self.rows if r.item is not None]

    @property
    def invalid(self) -> list[PlannedRow]:
        """Rows that will not be rendered."""
        return [r for r in self.rows if r.errors]

    @property
    def chars(self) -> int:
        """Characters to render."""
        return sum(len(r.item.text) for r in self.rows if r.item is not None)

    @property
    def requests(self) -> int:
        """API requests to send (before retries)."""
        return sum(r.requests for r in self.rows)

    def estimate_s(self, chars_per_s: float) -> float | None:
        """Estimated run time at a throughput (None when there is no figure yet)."""
        return self.chars / chars_per_s if chars_per_s > 0 else None

    def summary(self, chars_per_s: float = 0.0) -> str:
        """One paragraph for the terminal or the panel."""
        est = self.estimate_s(chars_per_s)
        timing = (
            f"about {format_duration(est)} at the last job's {chars_per_s:,.0f} characters/s"
            if est is not None
            else "no time estimate yet (no earlier job to measure)"
        )
        return (
            f"{len(self.rows)} rows: {len(self.items)} to render, {len(self.invalid)} invalid; "
            f"{self.chars:,} characters in {self.requests:,} requests; {timing}."
        )


def format_duration(seconds: float) -> str:
    """ "1 h 05 min", "3 min 20 s", "12 s"."""
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    if s >= 60:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s} s"


def plan_batch(
    table: InputTable,
    defaults: BatchDefaults,
    out_dir: Path | None,
    *,
    known_voices: Collection[str] | None = None,
) -> BatchPlan:
    """Validate every row and name every output (names avoid files already in `out_dir`).

    Raises:
        ValidationError: the name template is unusable.
    """
    has_ids = "id" in table.columns
    template = defaults.template or (ID_TEMPLATE if has_ids else ROW_TEMPLATE)
    from studio.batch.names import check_template

    check_template(template)
    names = NameAllocator(out_dir)
    plan = BatchPlan(table, template=template, defaults=defaults)
    for raw in table.rows:
        errors: dict[str, str] = {"": "; ".join(raw.problems)} if raw.problems else {}
        cells = raw.cells
        for column, value in cells.items():
            if "\x00" in value:
                errors[column] = "contains NUL bytes (a binary file or a broken export)"
        settings = _settings(cells, defaults, errors, known_voices)
        text = cells.get("text", "")
        if "text" not in errors:
            if not text.strip():
                errors["text"] = "is empty"
            elif len(text) > MAX_ITEM_CHARS:
                errors["text"] = (
                    f"has {len(text):,} characters; one row can hold at most {MAX_ITEM_CHARS:,}"
                )
        if errors or settings is None:
            plan.rows.append(PlannedRow(raw.row, cells, errors, None))
            continue
        voice, model, language, speed, rate, fmt, dicts = settings
        key = cells.get("id", "").strip()
        out = cells.get("out", "").strip()
        row_template = template if key or not has_ids or template != ID_TEMPLATE else ROW_TEMPLATE
        stem = stem_from_out(out) if out else render_stem(
            row_template, key=key, row=raw.row, voice=voice, text=text, lang=language, speed=speed
        )  # fmt: skip
        item = ItemSpec(
            raw.row, key, text, voice, model, language, speed, rate, fmt,
            names.allocate(stem, file_extension(fmt)), dicts,
        )  # fmt: skip
        plan.rows.append(PlannedRow(raw.row, cells, {}, item, len(split_text(text))))
    return plan


_Settings = tuple[str, str, str, float, int, str, tuple[str, ...]]


def _settings(
    cells: dict[str, str],
    d: BatchDefaults,
    errors: dict[str, str],
    known_voices: Collection[str] | None,
) -> _Settings | None:
    """The row's render settings with defaults filled in; problems go into `errors`."""

    def cell(name: str) -> str:
        return cells.get(name, "").strip()

    voice = cell("voice") or d.voice_id
    if not voice:
        errors["voice"] = "is empty and no default voice is set"
    elif known_voices is not None and voice not in known_voices:
        errors["voice"] = f"'{voice}' is not a voice of this server"
    model = cell("model") or d.model
    if model not in c.TTS_MODELS:
        errors["model"] = f"'{model}' is not a model (use {' or '.join(c.TTS_MODELS)})"
    language = cell("language") or d.language
    if language not in c.languages_for(model):
        errors["language"] = f"'{language}' is not a language of {model}"
    speed = d.speed
    if cell("speed"):
        try:
            speed = float(cell("speed").replace(",", "."))
        except ValueError:
            errors["speed"] = f"'{cell('speed')}' is not a number"
    if "speed" not in errors and not c.SPEED_MIN <= speed <= c.SPEED_MAX:
        errors["speed"] = f"{speed:g} is outside {c.SPEED_MIN}-{c.SPEED_MAX}"
    rate = d.sample_rate
    if cell("sample_rate"):
        try:
            rate = int(cell("sample_rate"))
        except ValueError:
            rate = 0
        if rate not in c.SAMPLE_RATES:
            errors["sample_rate"] = (
                f"'{cell('sample_rate')}' is not one of {', '.join(map(str, c.SAMPLE_RATES))}"
            )
    fmt = (cell("format") or d.export_format).lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        errors["format"] = f"'{fmt}' is not one of {', '.join(EXPORT_FORMATS)}"
    dicts = tuple(cell("dicts").translate(_DICT_SPLIT).split()) or d.dictionary_ids
    bad = [x for x in dicts if not c.DICT_ID_PATTERN.match(x)]
    if bad:
        errors["dicts"] = f"'{bad[0]}' is not a dictionary id (24 hex digits)"
    if errors:
        return None
    return voice, model, language, speed, rate, fmt, dicts


def plan_or_raise(table: InputTable, defaults: BatchDefaults, out_dir: Path) -> BatchPlan:
    """plan_batch, refusing a plan with nothing valid to render."""
    plan = plan_batch(table, defaults, out_dir)
    if not plan.items:
        raise ValidationError("No row can be rendered; fix the errors listed above.")
    return plan
