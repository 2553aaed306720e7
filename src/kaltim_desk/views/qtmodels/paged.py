"""A table model over a paging row source: it holds only the rows fetched so far, asks the source for
the count and the first page in the background, and fetches further pages in the background as the view
scrolls (`canFetchMore`/`fetchMore`). Filtering and sorting happen in SQL, so 1,000,000 rows open
instantly, and no read ever runs on the GUI thread: the window never freezes while a page is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from kaltim_desk.core.dto import PageFilter
from kaltim_desk.i18n import _, language
from kaltim_desk.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex


_ID_LOCALE = QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)
_EN_LOCALE = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def long_date(d: date | None) -> str:
    """A date in a table cell as on the documents: "17 Agustus 1980" (empty for none); in the English
    interface "17 August 1980".

    The same text as `domain.dates.format_date_id` (babel), from Qt's own copy of the same CLDR data:
    babel loads its locale file on first use (~50 ms), which the first page painted would pay."""
    if d is None:
        return ""
    locale = _EN_LOCALE if language() == "en" else _ID_LOCALE
    return locale.toString(QDate(d.year, d.month, d.day), "d MMMM yyyy")


def short_region(name: str | None) -> str:
    """Shorten "Kabupaten Kutai Kartanegara" to "Kab. Kutai Kartanegara", so the part that tells the
    regencies apart stays visible in a narrow column."""
    return (name or "").replace("Kabupaten ", "Kab. ")


@dataclass(frozen=True)
class Column:
    key: str  # attribute of the row object
    header: str
    sort_key: str | None = None  # the source's sort name, None: not sortable
    fmt: Callable[[Any], str] | None = None
    align_right: bool = False


class RowSource:
    """What a paged model reads: a count and a page, each opening its own read session."""

    def count(self, f: PageFilter) -> int:
        raise NotImplementedError

    def page(self, f: PageFilter, sort: str, descending: bool, offset: int, limit: int) -> Sequence[Any]:
        raise NotImplementedError


class PagedTableModel(QAbstractTableModel):
    loaded = Signal(int)  # total matching rows, after a (re)load
    rows_ready = Signal()  # the first page is in (the count may still be coming)
    failed = Signal(object)
    fetching = Signal(bool)  # a further page is being read (True) or has come (False)

    PAGE = 200

    def __init__(
        self, source: RowSource, columns: Sequence[Column], tasks: TaskRunner, default_sort: str
    ) -> None:
        super().__init__()
        self.source, self.columns, self.tasks = source, list(columns), tasks
        self.rows: list[Any] = []
        self.total = 0
        self.counting = False  # True between rows_ready and loaded
        self.filter = PageFilter()
        self.sort_key, self.descending = default_sort, False
        self._generation = 0
        self._display: dict[tuple[int, int], Any] = {}
        self._counted: tuple[int, int] | None = None  # (generation, total) when the count came first
        self._rows_gen = -1  # the reload whose rows are shown
        self._fetching = False  # a further page is being read in the background
        self.nothing_at_all = False  # the last count found no row whatever the filter (an empty office)

    # --- loading -------------------------------------------------------------------------------------
    def reload(self, f: PageFilter | None = None) -> None:
        """Fetch the first page and count the matches, as two background tasks; a newer reload wins
        over an older one.

        Why two: at 1,000,000 people the first page takes milliseconds (an index walk) while the exact
        count reads every matching index entry (~0.1-0.5 s). The rows are shown as soon as they
        arrive (`rows_ready`); the count follows (`loaded`). A count whose reload is already stale by
        the time a worker picks it up is skipped, so fast typing does not queue counts.
        """
        if f is not None:
            self.filter = f
        self._generation += 1
        gen, flt, sort, desc = self._generation, self.filter, self.sort_key, self.descending

        def first_page(_state: Any) -> tuple[int, Sequence[Any]]:
            return gen, self.source.page(flt, sort, desc, 0, self.PAGE)

        def count(_state: Any) -> tuple[int, int | None, bool]:
            if gen != self._generation:
                return gen, None, False
            total = self.source.count(flt)
            # No match: is the table empty whatever the filter? The page then says what to do first.
            nothing = (
                not total
                and not (flt.text or flt.region_code or flt.extra)
                and (not flt.status or not self.source.count(PageFilter()))
            )
            return gen, total, nothing

        self.counting = True
        if self._fetching:  # a page still being read belongs to the old filter: it is dropped
            self._set_fetching(False)
        self.tasks.run(first_page, on_done=self._apply_rows, on_error=self._failed(gen))
        self.tasks.run(count, on_done=self._apply_count, on_error=self._failed(gen))

    def _failed(self, gen: int) -> Any:
        def report(exc: BaseException) -> None:
            if gen == self._generation:
                self.failed.emit(exc)

        return report

    def _apply_rows(self, result: tuple[int, Sequence[Any]]) -> None:
        gen, rows = result
        if gen != self._generation:
            return  # a newer filter was typed meanwhile
        self.beginResetModel()
        self._display.clear()
        self.rows = list(rows)
        self._rows_gen = gen
        counted = self._counted
        if counted is not None and counted[0] == gen:
            self.total = max(counted[1], len(self.rows))
        else:  # until the count comes: one more than shown if the page was full (canFetchMore)
            self.total = len(self.rows) + (1 if len(self.rows) >= self.PAGE else 0)
        self.endResetModel()
        self.rows_ready.emit()
        if counted is not None and counted[0] == gen:
            self._finish_count(counted[1])

    def _apply_count(self, result: tuple[int, int | None, bool]) -> None:
        gen, total, nothing = result
        if gen != self._generation or total is None:
            return
        self.nothing_at_all = nothing
        if self._rows_gen != gen:
            self._counted = (gen, total)  # the rows come later; _apply_rows finishes
            return
        self.total = max(total, len(self.rows))
        self._finish_count(total)

    def _finish_count(self, total: int) -> None:
        self._counted = None
        self.counting = False
        self.loaded.emit(total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Read the next page in the background (deep in a 1,000,000-row table an OFFSET page takes
        a while); the view asks again once the rows are in and it still shows the end."""
        if parent.isValid() or self._fetching or len(self.rows) >= self.total:
            return
        gen, flt, sort, desc, offset = (
            self._generation,
            self.filter,
            self.sort_key,
            self.descending,
            len(self.rows),
        )

        def more(_state: Any) -> tuple[int, int, list[Any]]:
            return gen, offset, list(self.source.page(flt, sort, desc, offset, self.PAGE))

        def failed(exc: BaseException) -> None:
            if gen == self._generation:
                self._set_fetching(False)
                self.failed.emit(exc)

        self._set_fetching(True)
        self.tasks.run(more, on_done=self._apply_more, on_error=failed)

    def _set_fetching(self, on: bool) -> None:
        self._fetching = on
        self.fetching.emit(on)

    def _apply_more(self, result: tuple[int, int, list[Any]]) -> None:
        gen, offset, more = result
        if gen != self._generation:
            return  # the filter or sort changed meanwhile: these rows belong to the old list
        self._set_fetching(False)
        if offset != len(self.rows):
            return
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # --- the model -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        col = self.columns[index.column()]
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # A long name or place may be elided in a narrow column: its tooltip shows it whole.
            # Qt asks for the same cell again on every repaint; formatting (dates through babel) is
            # the costly part of painting, so each cell's text is made once per load.
            cell = (index.row(), index.column())
            text = self._display.get(cell)
            if text is None:
                value = getattr(row, col.key, None)
                text = col.fmt(value) if col.fmt is not None else ("" if value is None else str(value))
                self._display[cell] = text
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return getattr(row, "id", None)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            column = self.columns[section]
            if column.sort_key is None:
                return _("{column}: kolom ini tidak dapat diurutkan").format(column=column.header)
            return _("Klik untuk mengurutkan menurut {column}").format(column=column.header.lower())
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].header
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        key = self.columns[column].sort_key or self.sort_key
        descending = order == Qt.SortOrder.DescendingOrder
        if self._generation == 0 and (key, descending) == (self.sort_key, self.descending):
            # The view announcing the default sort while the page is built: the page's first
            # refresh() loads it; a second query of a 1,000,000-row table for the same rows is waste.
            return
        self.sort_key, self.descending = key, descending
        self.reload()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None


class SessionSource(RowSource):
    """A row source over two service functions `count(session, f)` and `page(session, f, ...)`;
    each call opens its own read session (safe on a worker thread)."""

    def __init__(self, ctx: Any, count: Callable[..., int], page: Callable[..., Sequence[Any]]) -> None:
        self.ctx, self._count, self._page = ctx, count, page

    def count(self, f: PageFilter) -> int:
        with self.ctx.read() as s:
            return self._count(s, f)

    def page(self, f: PageFilter, sort: str, descending: bool, offset: int, limit: int) -> Sequence[Any]:
        with self.ctx.read() as s:
            return self._page(s, f, sort, descending, offset, limit)
