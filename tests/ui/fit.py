"""Helpers that find clipped text: labels, buttons and combo boxes narrower than their text."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QStyle,
    QStyleOptionComboBox,
    QToolButton,
    QWidget,
)


def combo_text_room(combo: QComboBox) -> int:
    """Pixels the combo box's edit field has for its text (icon included)."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return field.width() - 4  # Fusion's text margin inside the field


def clipped(root: QWidget, all_items: bool = True) -> list[str]:
    """Describe every visible widget under `root` whose text does not fit.

    Labels that wrap are skipped (they grow instead); a combo box is checked for its current
    text, or for every item when `all_items` (fixed lists such as a backend choice).
    """
    problems = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.width() <= 0:
            continue
        metrics = widget.fontMetrics()
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.pixmap().isNull():
            text = widget.text()
            if text and "<" not in text:
                needed = metrics.horizontalAdvance(text.replace("&", ""))
                if needed > widget.contentsRect().width():
                    problems.append(f"label {text!r}: {needed} > {widget.contentsRect().width()}")
        elif isinstance(widget, QAbstractButton) and not isinstance(widget, QToolButton):
            if widget.text() and widget.width() < widget.sizeHint().width():
                problems.append(
                    f"button {widget.text()!r}: {widget.width()} < {widget.sizeHint().width()}"
                )
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            room = combo_text_room(widget)
            icon = widget.iconSize().width() + 4 if not widget.itemIcon(0).isNull() else 0
            texts = (
                [widget.itemText(i) for i in range(widget.count())]
                if all_items
                else [widget.currentText()]
            )
            for text in texts:
                needed = metrics.horizontalAdvance(text) + icon
                if needed > room:
                    name = widget.accessibleName() or widget.objectName()
                    problems.append(f"combo {name!r} item {text!r}: {needed} > {room}")
    return problems
