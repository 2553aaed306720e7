"""The look of messages shown beside a form: one colour for problems, one for success, one for hints,
everywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

ERROR_COLOR = "#b00020"
OK_COLOR = "#1b7f2a"
ERROR_STYLE = f"color: {ERROR_COLOR};"
HINT_STYLE = "color: #37474f;"  # a quieter text explaining a field, dark enough to read at 125%


def error_label(name: str = "message") -> QLabel:
    """An (initially empty) word-wrapped label for a form's problem message, findable by `name`."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label
