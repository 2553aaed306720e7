"""The shape every list page shares: a search box (search-as-you-type), region and status filters, a
paged table sorted in SQL, a count of matching rows, and action buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.i18n import _
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import Column, PagedTableModel, RowSource
from kaltim_desk.views.widgets.region_filter import RegionPicker

SEARCH_DELAY_MS = 180


class TablePage(QWidget):
    title = ""
    search_placeholder = ""

    def __init__(
        self,
        ctx: AppContext,
        source: RowSource,
        columns: Sequence[Column],
        default_sort: str,
        statuses: Sequence[tuple[str, str]],
        *,
        with_region: bool = True,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = PagedTableModel(source, columns, ctx.tasks, default_sort)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.search_placeholder)
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setObjectName("status_filter")
        for value, label in statuses:
            self.status.addItem(label, value)
        self.region = RegionPicker(ctx) if with_region else None
        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")
        self.table = QTableView()
        self.table.setObjectName("table")
        self.table.setModel(self.model)
        default_col = next((i for i, c in enumerate(columns) if c.sort_key == default_sort), 0)
        # The indicator is set before sorting is enabled, which sorts once by it (the model's default).
        self.table.horizontalHeader().setSortIndicator(default_col, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._activated)

        self.buttons = QHBoxLayout()
        top = QHBoxLayout()
        heading = QLabel(f"<h2>{self.title}</h2>")
        top.addWidget(heading)
        top.addStretch(1)
        top.addLayout(self.buttons)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        if self.region is not None:
            filters.addWidget(self.region, 3)
        filters.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        if self.region is not None:
            self.region.changed.connect(lambda _c: self.refresh())
        self.model.loaded.connect(self._loaded)
        self.model.rows_ready.connect(self._rows_ready)
        self.model.failed.connect(lambda e: self.ctx.prompts.error(self, self.title, describe_error(e)))
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)

    def add_button(
        self, text: str, slot: Any, *, name: str, permission: str | None = None, shortcut: str | None = None
    ) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
            button.setToolTip(f"{text} ({shortcut})")
        if permission and not self.ctx.can(permission):
            button.hide()
        self.buttons.addWidget(button)
        return button

    def current_filter(self) -> PageFilter:
        return PageFilter(
            text=self.search.text(),
            region_code=self.region.code() if self.region is not None else "",
            status=self.status.currentData() or "",
        )

    def refresh(self) -> None:
        self._timer.stop()
        self.model.reload(self.current_filter())

    def _rows_ready(self) -> None:
        if self.model.counting:  # the rows are shown; the count of a big table follows
            self.count_label.setText(_("Menghitung…"))

    def _loaded(self, total: int) -> None:
        self.count_label.setText(_("{n} data ditemukan").format(n=f"{total:,}".replace(",", ".")))

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = self.model.row_at(rows[0].row())
        return getattr(row, "id", None)

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_item(row.id)

    def open_item(self, item_id: int) -> None:
        """Double-click or Enter on a row; pages override."""
