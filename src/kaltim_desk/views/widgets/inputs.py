"""Input widgets the forms share."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit


def password_edit(name: str) -> QLineEdit:
    """A line edit that shows dots instead of what is typed, findable by `name` (tests, tab order)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit
