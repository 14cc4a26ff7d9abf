"""Where a run keeps its files: settings, data (drafts, history, cache) and logs."""

from __future__ import annotations

import configparser
import json
from dataclasses import dataclass
from pathlib import Path

from studio import APP_NAME

# The render-cache size setting (`cache/max_mb`): its default and allowed range, in MB.
CACHE_MB_DEFAULT = 500
CACHE_MB_MIN, CACHE_MB_MAX = 10, 100_000


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

    @property
    def local_data_dir(self) -> Path:
        """The offline voices' data (dictionaries, clones), shared by everything on this profile.

        The app's waves-local, `waves-studio render --local` and a plain `waves-local` (its
        default is the default profile's folder) all read and write here, so a dictionary made
        in one is usable from the others.
        """
        return self.data_dir / "waves-local"

    @classmethod
    def from_folder(cls, folder: Path) -> Profile:
        """Everything under one folder (`--profile DIR`, tests)."""
        return cls(folder / "settings.ini", folder / "data", folder / "logs")

    def cache_limit_bytes(self) -> int:
        """The render-cache limit set in the app (`cache/max_mb`), read without Qt.

        `waves-studio render` opens the same cache: with any other limit it would evict
        renders the app keeps. A missing, unreadable or out-of-range value means the default,
        as in the app.
        """
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read(self.settings_file, encoding="utf-8")
            megabytes = json.loads(parser.get("cache", "max_mb", fallback="null"))
        except (configparser.Error, UnicodeDecodeError, ValueError):
            megabytes = None
        if (
            isinstance(megabytes, bool)
            or not isinstance(megabytes, int)
            or not CACHE_MB_MIN <= megabytes <= CACHE_MB_MAX
        ):
            megabytes = CACHE_MB_DEFAULT
        return megabytes * 1024 * 1024

    @classmethod
    def default(cls) -> Profile:
        """The platform's user folders."""
        import platformdirs

        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.ini",
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )
