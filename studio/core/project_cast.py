"""The cast of a script project: speakers with their voice settings, and the cast itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.core import contract as c
from studio.core.errors import ValidationError

NARRATOR = "Narrator"
MAX_NAME_CHARS = 40
# A palette that stays readable on light and dark themes; new speakers take the next one.
PALETTE: tuple[str, ...] = (
    "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c",
)  # fmt: skip
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def check_speed(speed: float) -> float:
    """A speaking speed within the API's range."""
    if not c.SPEED_MIN <= speed <= c.SPEED_MAX:
        raise ValidationError(f"Speed must be {c.SPEED_MIN}–{c.SPEED_MAX}.", "speed")
    return float(speed)


@dataclass(frozen=True)
class Speaker:
    """One voice of the cast: who speaks a block, and how.

    Attributes:
        speaker_id: Stable id (names can change).
        name: Shown on the block's chip; unique in the cast, case-insensitively.
        colour: "#rrggbb" of the chip.
        voice_id, model, language, speed: Request settings for this speaker's segments.
        dictionaries: Pronunciation dictionary ids applied, in order.
    """

    speaker_id: str
    name: str
    colour: str = PALETTE[0]
    voice_id: str = ""
    model: str = c.DEFAULT_MODEL
    language: str = c.DEFAULT_LANGUAGE
    speed: float = c.DEFAULT_SPEED
    dictionaries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > MAX_NAME_CHARS:
            raise ValidationError(f"A speaker name has 1–{MAX_NAME_CHARS} characters.", "name")
        if not _COLOUR.match(self.colour):
            raise ValidationError("A speaker colour looks like #4c72b0.", "colour")
        check_speed(self.speed)


@dataclass(frozen=True)
class Cast:
    """The speakers of a project, in the order the cast panel lists them (never empty)."""

    speakers: tuple[Speaker, ...]

    def __post_init__(self) -> None:
        if not self.speakers:
            raise ValidationError("A project needs at least one speaker.", "cast")
        names = [s.name.casefold() for s in self.speakers]
        if len(set(names)) != len(names):
            raise ValidationError("Two speakers cannot share a name.", "name")

    def get(self, speaker_id: str) -> Speaker:
        """The speaker with this id; the first speaker when it is gone (a dangling reference)."""
        for speaker in self.speakers:
            if speaker.speaker_id == speaker_id:
                return speaker
        return self.speakers[0]

    def by_name(self, name: str) -> Speaker | None:
        """The speaker called `name` (case-insensitive), if any."""
        folded = name.strip().casefold()
        return next((s for s in self.speakers if s.name.casefold() == folded), None)
