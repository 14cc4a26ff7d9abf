"""Where a run keeps its files: settings, data (drafts, history, cache) and logs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio import APP_NAME


@dataclass(frozen=True)
class Profile:
    """Where this run keeps its files.

    Attributes:
        settings_file: QSettings INI file.
        data_dir: Drafts, history, cache and the embedded server's data.
        log_dir: Rotating logs.
    """

    settings_file: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def from_folder(cls, folder: Path) -> Profile:
        """Everything under one folder (`--profile DIR`, tests)."""
        return cls(folder / "settings.ini", folder / "data", folder / "logs")

    @classmethod
    def default(cls) -> Profile:
        """The platform's user folders."""
        import platformdirs

        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.ini",
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )
