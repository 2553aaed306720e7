"""How an editor's small tables and lists fit their box: every column visible, long lines wrapped.

An editor's table may not scroll sideways (the group editor's Jabatan column was off-screen while the
checklist asked for a chair): short columns take their content's width and one text column takes the
rest. A list of reasons (a grant's blockers, a group's checklist) wraps instead of cutting a sentence.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QListView, QTableView


def fit_columns(table: QTableView, *, stretch: int) -> None:
    """Every column as wide as its content, column `stretch` takes what is left; no sideways scroll."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(True)


def wrap_lines(view: QListView) -> None:
    """Long items wrap onto more lines, relaid out when the list is resized."""
    view.setWordWrap(True)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
