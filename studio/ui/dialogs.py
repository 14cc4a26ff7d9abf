"""Modal questions in one place, so tests can monkeypatch them (STYLE §5)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def ask(parent: QWidget | None, title: str, text: str, default_yes: bool = False) -> bool:
    """A yes/no decision (overwrite? discard? delete?)."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    default = QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, title, text, buttons, default)
    return answer == QMessageBox.StandardButton.Yes


def save_file_name(
    parent: QWidget | None, title: str, suggested_path: str, filters: list[str], selected: str
) -> tuple[str, str]:
    """Ask where to save; returns (path, chosen filter) or ("", "") when cancelled.

    The overwrite question is ours (through `ask`), so the native one is turned off.
    """
    path, chosen = QFileDialog.getSaveFileName(
        parent,
        title,
        suggested_path,
        ";;".join(filters),
        selected,
        QFileDialog.Option.DontConfirmOverwrite,
    )
    return path, chosen


def open_file_name(parent: QWidget | None, title: str, folder: str, filters: list[str]) -> str:
    """Ask for a file to open; "" when cancelled."""
    path, _chosen = QFileDialog.getOpenFileName(parent, title, folder, ";;".join(filters))
    return path


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """A plain notice (used for the crash dialog)."""
    QMessageBox.information(parent, title, text)
