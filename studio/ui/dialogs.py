"""Modal questions in one place, so tests can monkeypatch them (STYLE §5)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)


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


def name_dialog(parent: QWidget | None, title: str, label: str, text: str) -> QInputDialog:
    """A text prompt wide enough for its title and a long name (QInputDialog.getText's is not)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    metrics = dialog.fontMetrics()
    # Room for the title beside the window buttons, and ~40 characters of name. QInputDialog
    # sizes itself to its layout, so the width goes on the line edit it holds.
    width = max(metrics.horizontalAdvance(title) + 160, metrics.averageCharWidth() * 40)
    field = dialog.findChild(QLineEdit)
    if field is not None:
        field.setMinimumWidth(width)
    return dialog


def ask_name(parent: QWidget | None, title: str, label: str, text: str) -> str | None:
    """Ask for a name; None when cancelled."""
    dialog = name_dialog(parent, title, label, text)
    return dialog.textValue() if dialog.exec() else None


def pick_colour(parent: QWidget | None, title: str, colour: str) -> str | None:
    """Ask for a colour, starting from `colour`; "#rrggbb", or None when cancelled."""
    picked = QColorDialog.getColor(QColor(colour), parent, title)
    return picked.name() if picked.isValid() else None


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """A plain notice (used for the crash dialog)."""
    QMessageBox.information(parent, title, text)


def choose(parent: QWidget | None, title: str, text: str, choices: list[str]) -> int:
    """A decision between several named choices (and Cancel); returns the index chosen, or -1
    when cancelled. The first choice is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)  # fmt: skip
    buttons = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole) for label in choices]
    box.addButton(QMessageBox.StandardButton.Cancel)
    if buttons:
        box.setDefaultButton(buttons[0])
    box.exec()
    clicked = box.clickedButton()
    return next((i for i, button in enumerate(buttons) if button is clicked), -1)


def folder_name(parent: QWidget | None, title: str, folder: str) -> str:
    """Ask for a folder; "" when cancelled."""
    return QFileDialog.getExistingDirectory(parent, title, folder)
