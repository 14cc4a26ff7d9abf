"""The voice browser's table model and filter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)
from PySide6.QtWidgets import QWidget

from studio.core.models import Voice
from studio.services.voices import VoiceCatalog
from studio.ui.row_model import RowTableModel

COLUMNS = ("★", "Name", "Languages", "Gender", "Accent", "Age", "Kind")
ANY = "Any"
Index = QModelIndex | QPersistentModelIndex


class VoiceTableModel(RowTableModel[Voice]):
    """Voices as table rows; favourites sort first, then recently used, then by name."""

    columns = COLUMNS

    def __init__(self, catalog: VoiceCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._favourites: set[str] = set()
        self.reload()

    def reload(self) -> None:
        """Rebuild rows from the catalogue, favourites pinned on top."""
        self._favourites = set(self._catalog.favourites())  # read once, not per painted cell
        self.set_items(self._catalog.ordered_voices())

    @property
    def voices(self) -> list[Voice]:
        """The voices shown, in order."""
        return self.items

    def tooltip(self, voice: Voice) -> str:
        """Name and id."""
        return f"{voice.display_name} ({voice.voice_id})"

    def cells(self, voice: Voice) -> tuple[str, ...]:
        """Star, name, languages, gender, accent, age and kind."""
        return (
            "★" if voice.voice_id in self._favourites else "",
            voice.display_name,
            ", ".join(name.title() for name in voice.languages),
            voice.gender.title(),
            voice.accent.title(),
            voice.age.title(),
            _clone_kind(voice) if voice.is_clone else "Catalogue",
        )


def _clone_kind(voice: Voice) -> str:
    """ "Your clone", its status unless completed, and its creation date."""
    parts = ["Your clone"]
    if voice.status and voice.status != "completed":
        parts.append(voice.status)
    if voice.created_at:
        parts.append(voice.created_at[:10])
    return " · ".join(parts)


class VoiceFilter(QSortFilterProxyModel):
    """Filters voices by search text, language, gender, accent, clone and favourite."""

    def __init__(self, catalog: VoiceCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.search = ""
        self.language = ANY
        self.gender = ANY
        self.accent = ANY
        self.clones_only = False
        self.favourites_only = False

    def update(self, **values: Any) -> None:
        """Change some criteria and refilter."""
        self.beginFilterChange()
        for name, value in values.items():
            setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, VoiceTableModel)
        voice = model.voices[row]
        haystack = " ".join(
            (
                voice.display_name,
                voice.voice_id,
                voice.accent,
                voice.gender,
                *voice.languages,
                *voice.usecases,
                *voice.emotions,
            )
        ).lower()
        return (
            all(word in haystack for word in self.search.lower().split())
            and (self.language == ANY or self.language.lower() in voice.languages)
            and (self.gender == ANY or voice.gender.lower() == self.gender.lower())
            and (self.accent == ANY or voice.accent.lower() == self.accent.lower())
            and (not self.clones_only or voice.is_clone)
            and (not self.favourites_only or self._catalog.is_favourite(voice.voice_id))
        )
