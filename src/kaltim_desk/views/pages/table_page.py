"""The shape every list page shares: a search box (search-as-you-type), region and status filters, a
paged table sorted in SQL, a count of matching rows, and action buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
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
from kaltim_desk.views.widgets.flow_layout import FlowLayout
from kaltim_desk.views.widgets.region_filter import RegionPicker

SEARCH_DELAY_MS = 180
MAX_COLUMN = 260


class TablePage(QWidget):
    title = ""
    search_placeholder = ""
    empty_hint = ""  # what to do on an empty page, e.g. "Klik Tambah atau Impor dari Excel"
    # Buttons that act on the selected row: greyed out while no row is selected, and offered on the
    # row's context menu (right click) with the page's "new" button.
    SELECTION_BUTTONS = frozenset({"edit", "deactivate", "attendance", "issue", "print_pdf", "print_folder"})

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
        self._sorted_by = (default_col, Qt.SortOrder.AscendingOrder)
        # A click on a column the source can not sort must not move the arrow there (the rows stay
        # sorted by the previous column, and the arrow says which).
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.row_buttons: list[QPushButton] = []
        self.menu_buttons: list[QPushButton] = []
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())

        # The buttons wrap to a second line rather than squeeze their words on a narrow screen.
        self.buttons = FlowLayout()
        top = QHBoxLayout()
        heading = QLabel(f"<h2>{self.title}</h2>")
        heading.setObjectName("heading")
        top.addWidget(heading, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(12)
        top.addLayout(self.buttons, 1)
        # Search and status (and a page's own filters, inserted here) on one line, the three region
        # pickers on the next: on one line they squeezed each other's words at 125%.
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        if self.region is not None:
            regions = QHBoxLayout()
            regions.addWidget(self.region, 3)
            regions.addStretch(1)
            layout.addLayout(regions)
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
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self).activated.connect(self.search.setFocus)

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
        elif name in self.SELECTION_BUTTONS:
            self.row_buttons.append(button)
            self.menu_buttons.append(button)
            button.setEnabled(self.selected_id() is not None)
        elif name == "add":
            self.menu_buttons.append(button)
        self.buttons.addWidget(button)
        return button

    def _selection_changed(self) -> None:
        chosen = self.selected_id() is not None
        for button in self.row_buttons:
            button.setEnabled(chosen)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for button in self.menu_buttons:
            if button.isEnabled():
                action = menu.addAction(button.text().replace("&&", "&"))
                action.triggered.connect(button.click)
        if not menu.isEmpty():
            menu.exec(self.table.viewport().mapToGlobal(pos))

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

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if 0 <= column < len(self.model.columns) and self.model.columns[column].sort_key is None:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self._sorted_by)
            header.blockSignals(False)
            return
        self._sorted_by = (column, order)

    def fit_columns(self) -> None:
        """Each column as wide as its header and the rows on screen, a long text column at most
        MAX_COLUMN px (its cells elide, the tooltip shows them whole); done on the first rows only, so
        the columns do not jump while the clerk scrolls or searches."""
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            self.table.resizeColumnToContents(col)
            width = max(
                header.sectionSizeFromContents(col).width(), min(self.table.columnWidth(col), MAX_COLUMN)
            )
            self.table.setColumnWidth(col, width)
        self._fitted = True

    def _loaded(self, total: int) -> None:
        if not getattr(self, "_fitted", False) and total:
            self.fit_columns()
        self._selection_changed()
        text = _("{n} data ditemukan").format(n=f"{total:,}".replace(",", "."))
        f = self.current_filter()
        if not total and self.empty_hint and not (f.text or f.region_code or f.extra) and self._nothing_yet():
            text = self.empty_hint  # an empty office says what to do first
        self.count_label.setText(text)

    def _nothing_yet(self) -> bool:
        """No row at all, whatever the status filter (not merely no active one)."""
        try:
            return not self.model.source.count(PageFilter())
        except Exception:
            return False

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
