"""What every waves-local engine offers: a voice list and one-sentence synthesis."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import numpy.typing as npt

from studio.core.models import Voice

FloatArray = npt.NDArray[np.float32]


class EngineUnavailableError(Exception):
    """The engine cannot run here (binary or model missing); the message says what to do."""


class Engine(ABC):
    """A speech engine. Implementations are thread-safe: the server calls them from a pool.

    Attributes:
        name: "piper", "espeak" or "tone".
        inline: True when a sentence renders in well under a millisecond: the server then
            runs it on its event loop, where a hop to a worker thread would cost more than
            the work itself.
    """

    name: str = ""
    inline: bool = False

    @abstractmethod
    def voices(self) -> list[Voice]:
        """The voices this engine offers, with the contract's tags (§5.1)."""

    @abstractmethod
    def synthesize(
        self, sentence: str, voice_id: str, speed: float, sample_rate: int
    ) -> tuple[FloatArray, int]:
        """Render one sentence.

        Args:
            sentence: Text of one sentence (dictionary rules already applied).
            voice_id: One of `voices()`.
            speed: 0.5–2.0; 2.0 takes about half as long as 1.0.
            sample_rate: The rate the caller wants; engines with a fixed rate ignore it.

        Returns:
            Mono float32 samples in [-1, 1] and their sample rate.

        Raises:
            EngineUnavailableError: The engine cannot run on this machine.
        """
