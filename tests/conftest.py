"""Shared fixtures. Qt runs offscreen unless QT_QPA_PLATFORM says otherwise."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports PySide6
os.environ.setdefault("STUDIO_NO_ERROR_WINDOWS", "1")
os.environ.pop("SMALLEST_API_KEY", None)  # a developer's own key never reaches a test

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from studio.services.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings backed by a throwaway INI file, never the user's profile."""
    return Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
