"""Pendampingan: the mentoring visits (a paged table like every list page) and the overdue visits, per
mentor and per sub-district, computed in the background."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.i18n import _
from kaltim_desk.models.vocabulary import business_status_labels
from kaltim_desk.services.monitoring import schedule, visits
from kaltim_desk.services.monitoring.schedule import OverdueCount, ScheduledVisit
from kaltim_desk.services.monitoring.visits import RecipientOption
from kaltim_desk.views.dialogs.visit_editor import VisitEditor
from kaltim_desk.views.pages.table_page import FIT_ROWS, TablePage
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import Column, SessionSource, long_date

Index = QModelIndex | QPersistentModelIndex
Overdue = tuple[
    list[ScheduledVisit], list[OverdueCount], list[OverdueCount]
]  # rows, per mentor, per district


_date = long_date


class ListTableModel(QAbstractTableModel):
    """A read-only table over a list of frozen rows already in memory (small lists: overdue counts)."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = ()) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: list[Any] = list(rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        col = self.columns[index.column()]
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = getattr(row, col.key, None)
            if col.fmt is not None:
                return col.fmt(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].header
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None


def make_table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(24)
    # the summaries are short: every column as wide as its words
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # ... measured on a screenful of rows: the overdue list of a province runs to thousands
    view.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
    return view


def visit_columns() -> list[Column]:
    labels = business_status_labels()
    return [
        Column("visited_on", _("Tanggal"), "visited_on", _date),
        Column("recipient_name", _("Yang dikunjungi")),
        Column(
            "recipient_kind",
            _("Jenis"),
            None,
            lambda k: _("Perorangan") if k == "Perorangan" else _("Kelompok"),
        ),
        Column("mentor_name", _("Pendamping"), "mentor"),
        Column("business_status", _("Status usaha"), "status", lambda s: labels.get(s, s)),
        Column(
            "monthly_revenue",
            _("Omzet/bulan"),
            "revenue",
            lambda v: format_rupiah(v) if v is not None else "",
            align_right=True,
        ),
        Column("district_name", _("Kecamatan")),
        Column("regency_name", _("Kab/Kota")),
        Column("photo_count", _("Foto"), None, lambda n: str(n) if n else "", align_right=True),
    ]


def overdue_columns() -> list[Column]:
    return [
        Column("recipient_name", _("Penerima")),
        Column(
            "recipient_kind",
            _("Jenis"),
            None,
            lambda k: _("Perorangan") if k == "Perorangan" else _("Kelompok"),
        ),
        Column("mentor_name", _("Pendamping")),
        Column("district_name", _("Kecamatan")),
        Column("months", _("Bulan ke-"), None, str, align_right=True),
        Column("due_on", _("Jatuh tempo"), None, _date),
        Column("days_overdue", _("Terlambat (hari)"), None, str, align_right=True),
    ]


def count_columns(first: str, with_detail: bool) -> list[Column]:
    cols = [Column("key", first)]
    if with_detail:
        cols.append(Column("detail", _("Kab/Kota")))
    cols += [
        Column("count", _("Terlambat"), None, str, align_right=True),
        Column("oldest_due", _("Jatuh tempo terlama"), None, _date),
    ]
    return cols


class VisitsTable(TablePage):
    def __init__(self, ctx: AppContext) -> None:
        self.title = _("Kunjungan pendampingan")
        self.search_placeholder = _("Cari pendamping, penerima atau kelompok…")
        statuses = [("", _("Semua status usaha")), *business_status_labels().items()]
        super().__init__(
            ctx,
            SessionSource(ctx, visits.count_visits, visits.page_visits),
            visit_columns(),
            "visited_on",
            statuses,
        )
        self.model.descending = True  # newest visits first
        self.empty_hint = _("Belum ada kunjungan. Klik Catat kunjungan sesudah mendampingi penerima.")
        self.add_button(
            _("Catat kunjungan"), self.add, name="add", permission="visit.create", shortcut="Ctrl+N"
        )
        self.add_button(_("Ubah"), self.edit, name="edit", permission="visit.edit", shortcut="Ctrl+E")
        for col, width in ((0, 130), (1, 220), (2, 90), (3, 170), (4, 130), (5, 120), (6, 140), (7, 150)):
            self.table.setColumnWidth(col, width)

    def add(self) -> None:
        editor = VisitEditor(self.ctx, None, self)
        if editor.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def edit(self) -> None:
        vid = self.selected_id()
        if vid is not None:
            self.open_item(vid)

    def open_item(self, item_id: int) -> None:
        if not self.ctx.can("visit.edit"):
            return
        try:
            with self.ctx.read() as s:
                visit = visits.get_visit(s, item_id)
        except Exception as exc:
            self.ctx.prompts.error(self, self.title, describe_error(exc))
            return
        editor = VisitEditor(self.ctx, visit, self)
        if editor.exec() == QDialog.DialogCode.Accepted:
            self.refresh()


class OverduePanel(QWidget):
    """Overdue visits: counts per mentor and per sub-district; picking one narrows the list below."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.all_rows: list[ScheduledVisit] = []
        self.summary = QLabel()
        self.summary.setObjectName("overdue_summary")
        self.summary.setWordWrap(True)
        self.by_mentor = ListTableModel(count_columns(_("Pendamping"), False))
        self.by_district = ListTableModel(count_columns(_("Kecamatan"), True))
        self.detail = ListTableModel(overdue_columns())
        self.mentor_view = make_table(self.by_mentor, "overdue_by_mentor")
        self.district_view = make_table(self.by_district, "overdue_by_district")
        self.detail_view = make_table(self.detail, "overdue_list")
        self.record = QPushButton(_("Catat kunjungan untuk yang dipilih"))
        self.record.setObjectName("record_overdue")
        self.record.clicked.connect(self.record_selected)
        if not ctx.can("visit.create"):
            self.record.hide()
        self.show_all = QPushButton(_("Tampilkan semua"))
        self.show_all.setObjectName("show_all_overdue")
        self.show_all.clicked.connect(lambda: self._filter(None))

        top = QSplitter(Qt.Orientation.Horizontal)
        for title, view in (
            (_("Per pendamping"), self.mentor_view),
            (_("Per kecamatan"), self.district_view),
        ):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(QLabel(f"<b>{title}</b>"))
            lay.addWidget(view)
            top.addWidget(box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_all)
        buttons.addStretch(1)
        buttons.addWidget(self.record)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.detail_view)
        split.setSizes([200, 400])
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.mentor_view.clicked.connect(self._mentor_picked)
        self.district_view.clicked.connect(self._district_picked)
        self.detail_view.doubleClicked.connect(lambda _i: self.record_selected())

    def refresh(self) -> None:
        self.summary.setText(_("Menghitung jadwal kunjungan…"))

        def work(_state: Any) -> Overdue:
            with self.ctx.read() as s:
                rows = schedule.overdue_visits(s)
            # grouped here too: a province's overdue list runs to tens of thousands of rows
            return rows, schedule.overdue_by_mentor(rows), schedule.overdue_by_district(rows)

        self.ctx.tasks.run(work, on_done=self._apply, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(describe_error(exc))

    def _apply(self, result: Overdue) -> None:
        rows, by_mentor, by_district = result
        self.all_rows = rows
        self.by_mentor.set_rows(by_mentor)
        self.by_district.set_rows(by_district)
        self.detail.set_rows(rows)
        if rows:
            self.summary.setText(
                _(
                    "{n} kunjungan terlambat (lewat jatuh tempo dan masa tenggang). Pilih pendamping atau "
                    "kecamatan untuk menyaring daftar."
                ).format(n=len(rows))
            )
        else:
            self.summary.setText(_("Tidak ada kunjungan yang terlambat."))
        for view in (self.mentor_view, self.district_view, self.detail_view):
            view.resizeColumnsToContents()

    def _mentor_picked(self, index: QModelIndex) -> None:
        picked = self.by_mentor.row_at(index.row())
        if picked is not None:
            self._filter(lambda r: r.mentor_name == picked.key)

    def _district_picked(self, index: QModelIndex) -> None:
        picked = self.by_district.row_at(index.row())
        if picked is not None:
            self._filter(
                lambda r: (
                    (r.district_name or "(tanpa wilayah)") == picked.key and r.regency_name == picked.detail
                )
            )

    def _filter(self, pred: Any) -> None:
        self.detail.set_rows([r for r in self.all_rows if pred is None or pred(r)])

    def record_selected(self) -> None:
        sel = self.detail_view.selectionModel().selectedRows()
        if not sel:
            self.ctx.prompts.info(self, _("Pendampingan"), _("Pilih dahulu kunjungan terlambat di daftar."))
            return
        r: ScheduledVisit = self.detail.row_at(sel[0].row())
        kind, rid = ("person", r.person_id) if r.person_id is not None else ("group", r.group_id)
        option = RecipientOption(kind, int(rid or 0), r.recipient_name)
        editor = VisitEditor(self.ctx, None, self, recipient=option, grant_id=r.grant_id)
        if editor.exec() == QDialog.DialogCode.Accepted:
            self.refresh()


class Page(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = _("Pendampingan")
        self.visits = VisitsTable(ctx)
        self.overdue = OverduePanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("monitoring_tabs")
        self.tabs.addTab(self.visits, _("Kunjungan"))
        self.tabs.addTab(self.overdue, _("Kunjungan terlambat"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        self.visits.refresh()
        self.overdue.refresh()
