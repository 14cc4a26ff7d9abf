"""File names of a split export (one file per chapter or per segment) from a template; the
export itself is studio.project_export, which the CLI and the window share."""

from __future__ import annotations

import string
from collections.abc import Sequence

from studio.audio.filenames import sanitize_stem
from studio.core.errors import ExportError
from studio.core.export_choices import PIECE_TEMPLATE

DEFAULT_TEMPLATE = PIECE_TEMPLATE
_FIELDS = {"n", "title", "project"}


def piece_names(template: str, titles: Sequence[str], project: str, ext: str) -> list[str]:
    """File names from a template with {n} (1-based), {title} and {project}; unique, safe.

    Raises:
        ExportError: the template uses another field or is malformed.
    """
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError as exc:
        raise ExportError(f"The file name template is malformed: {exc}.") from exc
    unknown = fields - _FIELDS
    if unknown:
        raise ExportError(
            f"The file name template may use {{n}}, {{title}} and {{project}}, not "
            f"{{{sorted(unknown)[0]}}}."
        )
    names: list[str] = []
    seen: set[str] = set()
    for n, title in enumerate(titles, start=1):
        try:
            stem = sanitize_stem(template.format(n=n, title=title, project=project))
        except (ValueError, IndexError, KeyError) as exc:
            raise ExportError(f"The file name template is malformed: {exc}.") from exc
        name, copy = f"{stem}.{ext}", 2
        while name.lower() in seen:
            name, copy = f"{stem}-{copy}.{ext}", copy + 1
        seen.add(name.lower())
        names.append(name)
    return names
