"""The report workbook writer: rows in (already shaped by a layout), one .xlsx out.

What people expect of a report workbook, for every sheet: a title block (title, office, period, date
printed), a frozen and repeated header row, an autofilter, a JUMLAH row of totals, rupiah and date
formats, A4 landscape fitted to the page width; and a hidden `_META` sheet (see `metadata.py`).

How it stays safe and fast:
- openpyxl's write-only mode streams rows to disk, so 100,000 rows use little memory; most cells are
  passed as plain values (the cheapest path), typed cells reuse one prepared style array per format.
- User text is never a formula (R10): openpyxl would turn a string starting with "=" into a formula, so
  every text that starts with ``= + - @``, tab, CR or LF is written as a string cell (data type "s")
  with the quote prefix and the text number format; it reads back unchanged.
- Identity numbers are strings (R12), never numbers.
- The file is written to a temporary file and moved into place only when complete (R9); a full export is
  encrypted with a password (msoffcrypto-tool, ECMA-376 agile encryption) before it is moved into place.
- Long work reports `progress(done, total, text)` every 1,000 rows and checks `is_cancelled()`; a cancel
  raises `ExportCancelled` and leaves no file behind.
"""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from kaltim_desk.domain.text import is_formula_like
from kaltim_desk.exports.layouts import META_SHEET, SheetLayout
from kaltim_desk.exports.metadata import RowHasher, meta_rows
from kaltim_desk.fileio import atomic_path
from kaltim_desk.services.errors import DomainError

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

HEADER_ROW = 6  # rows 1-4 title block, 5 blank, 6 header, data from 7
_FORMULA_START_CHARS = frozenset("=+-@\t\r\n")
_THIN = Side(style="thin", color="808080")


class ExportCancelled(DomainError):
    def __init__(self) -> None:
        super().__init__("cancelled", "Ekspor dibatalkan; tidak ada berkas yang ditulis.")


@dataclass(frozen=True)
class TitleBlock:
    office: str  # "DINAS SOSIAL KOTA SAMARINDA"
    period: str  # "Tahun anggaran 2025" / "Semua tahun"
    printed: str  # "29 November 2026"


@dataclass
class SheetData:
    layout: SheetLayout
    rows: Iterable[Sequence[Any]]  # values in the order of `layout.visible_columns(full)`
    count: int = 0  # expected rows, for progress
    full: bool = False


@dataclass
class WrittenWorkbook:
    path: Path
    checksum: str
    row_counts: dict[str, int] = field(default_factory=dict)
    encrypted: bool = False


class _Styles:
    """Prepared style arrays, copied onto cells (much cheaper than setting fonts/formats per cell)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._cache: dict[str, Any] = {}

    def template(self, name: str, **attrs: Any) -> Any:
        if name not in self._cache:
            cell = WriteOnlyCell(self.ws)
            for k, v in attrs.items():
                setattr(cell, k, v)
            self._cache[name] = cell._style
        return self._cache[name]

    def cell(self, value: Any, style: Any) -> WriteOnlyCell:
        c = WriteOnlyCell(self.ws, value)
        c._style = copy.copy(style)
        return c

    def text_cell(self, value: str, style: Any) -> WriteOnlyCell:
        """A string cell whatever the text looks like (never a formula)."""
        c = WriteOnlyCell(self.ws)
        c._value = value
        c.data_type = "s"
        c._style = copy.copy(style)
        return c


def _plain(v: Any) -> Any:
    return None if v == "" else v


def _text_converter(styles: _Styles) -> Callable[[Any], Any]:
    """User text: never a formula. Empty -> no cell; formula-like -> a quoted string cell (R10)."""
    quoted = styles.template("quoted", quotePrefix=True, number_format="@")

    def text(v: Any) -> Any:
        if v is None or v == "":
            return None
        if not isinstance(v, str):
            v = str(v)
        if v[0] in _FORMULA_START_CHARS and is_formula_like(v):
            return styles.text_cell(v, quoted)
        return v

    text.is_text = True  # type: ignore[attr-defined]
    return text


def _converters(sheet: SheetData, styles: _Styles) -> list[Callable[[Any], Any]]:
    text = _text_converter(styles)
    out: list[Callable[[Any], Any]] = []
    for col in sheet.layout.visible_columns(sheet.full):
        fmt = col.number_format
        if col.kind == "plain":
            out.append(_plain)
        elif fmt is None:
            out.append(text)
        else:
            out.append(_ReusedCell(styles.ws, styles.template(f"fmt:{fmt}", number_format=fmt)))
    return out


class _ReusedCell:
    """A typed (formatted) cell for one column, reused for every row.

    openpyxl's write-only sheet writes each cell of a row as soon as it is yielded, before it looks at
    the next value, so one prepared cell per column can carry every row's value: no cell object and no
    style lookup per value (the costly part of formatted cells at 100,000 rows)."""

    def __init__(self, ws: Any, style: Any) -> None:
        self.cell = WriteOnlyCell(ws)
        self.cell._style = copy.copy(style)

    def __call__(self, v: Any) -> Any:
        if v is None or v == "":
            return None
        c = self.cell
        c._value = v
        if isinstance(v, int | float) and not isinstance(v, bool):
            c.data_type = "n"
        elif isinstance(v, date):
            c.data_type = "d"
        else:  # anything else is shown as the text it is
            c._value = str(v)
            c.data_type = "s"
        return c


def _write_sheet(
    wb: Workbook,
    sheet: SheetData,
    title: TitleBlock,
    hasher: RowHasher,
    progress: Progress | None,
    is_cancelled: Cancelled | None,
    done_before: int,
    grand_total: int,
) -> int:
    layout = sheet.layout
    cols = layout.visible_columns(sheet.full)
    ws = wb.create_sheet(layout.sheet_name[:31])
    styles = _Styles(ws)
    last_letter = get_column_letter(len(cols))
    for i, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True

    bold_big = styles.template("title", font=Font(bold=True, size=13))
    bold = styles.template("bold", font=Font(bold=True))
    header = styles.template(
        "header",
        font=Font(bold=True),
        fill=PatternFill("solid", fgColor="D9E1F2"),
        border=Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )
    ws.append([styles.text_cell(layout.title, bold_big)])
    ws.append([styles.text_cell(title.office, bold)])
    ws.append([styles.text_cell(f"Periode: {title.period}", bold)])
    ws.append([styles.text_cell(f"Dicetak: {title.printed}", bold)])
    ws.append([])
    ws.append([styles.text_cell(c.header, header) for c in cols])

    conv = _converters(sheet, styles)
    text = _text_converter(styles)
    text_idx = [i for i, f in enumerate(conv) if getattr(f, "is_text", False)]
    other = [(i, f) for i, f in enumerate(conv) if not getattr(f, "is_text", False)]
    width = len(cols)
    totals: list[int | float] = [0] * len(cols)
    total_idx = [i for i, c in enumerate(cols) if c.total]
    hasher.sheet(layout.sheet_name)
    n = 0
    append = ws.append
    for row in sheet.rows:
        hasher.row(row)
        for i in total_idx:
            v = row[i]
            if isinstance(v, int | float):
                totals[i] += v
        if len(row) != width:
            raise ValueError(f"row of {len(row)} values for {width} columns in {layout.sheet_name}")
        out = list(row)
        # text columns inline (most cells): empty -> no cell; formula-like -> quoted string cell
        for i in text_idx:
            v = out[i]
            if v.__class__ is str:
                if not v:
                    out[i] = None
                elif v[0] in _FORMULA_START_CHARS:
                    out[i] = text(v)
            elif v is not None:
                out[i] = text(v)
        for i, f in other:
            out[i] = f(out[i])
        append(out)
        n += 1
        if n % 1000 == 0:
            if is_cancelled is not None and is_cancelled():
                raise ExportCancelled()
            if progress is not None:
                progress(done_before + n, grand_total, layout.sheet_name)
    if total_idx:
        total_row: list[Any] = []
        for i, col in enumerate(cols):
            if i in total_idx:
                total_row.append(
                    styles.cell(
                        totals[i],
                        styles.template(
                            f"total:{col.number_format}",
                            font=Font(bold=True),
                            number_format=col.number_format,
                        ),
                    )
                )
            elif i == min(1, len(cols) - 1):
                total_row.append(styles.text_cell(layout.totals_label, bold))
            else:
                total_row.append(None)
        append(total_row)
    last = HEADER_ROW + max(n, 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{last}"
    return n


def write_report(
    target: Path | str,
    sheets: Sequence[SheetData],
    title: TitleBlock,
    meta: dict[str, Any],
    *,
    password: str | None = None,
    progress: Progress | None = None,
    is_cancelled: Cancelled | None = None,
) -> WrittenWorkbook:
    """Write the sheets and the hidden metadata sheet to `target`, atomically; encrypt when a password is
    given. `meta` holds the metadata values (office_code, sequence, kind, mode...); the row counts, header
    row and checksum are added here."""
    target = Path(target)
    wb = Workbook(write_only=True)
    hasher = RowHasher()
    grand = sum(s.count for s in sheets) or 1
    counts: dict[str, int] = {}
    done = 0
    try:
        for sheet in sheets:
            n = _write_sheet(wb, sheet, title, hasher, progress, is_cancelled, done, grand)
            counts[sheet.layout.sheet_name] = n
            done += n
    except BaseException:
        _abandon(wb)
        raise
    checksum = hasher.hexdigest()
    values = dict(meta)
    values["header_row"] = HEADER_ROW
    values["checksum"] = checksum
    values.setdefault("row_count", next(iter(counts.values()), 0))
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "hidden"
    styles = _Styles(ws)
    quoted = styles.template("quoted", quotePrefix=True, number_format="@")
    for key, value in meta_rows(values, counts):
        ws.append([styles.text_cell(key, quoted), styles.text_cell(value, quoted)])
    if is_cancelled is not None and is_cancelled():
        _abandon(wb)
        raise ExportCancelled()
    if progress is not None:
        progress(done, grand, "menyimpan")
    with atomic_path(target, suffix=".xlsx.part") as tmp:
        if password:
            fd, plain_name = tempfile.mkstemp(dir=target.parent, prefix=".plain-", suffix=".xlsx")
            os.close(fd)
            plain = Path(plain_name)
            try:
                wb.save(plain)
                encrypt_file(plain, tmp, password)
            finally:
                with contextlib.suppress(OSError):
                    plain.unlink()
        else:
            wb.save(tmp)
    return WrittenWorkbook(target, checksum, counts, encrypted=bool(password))


def _abandon(wb: Workbook) -> None:
    """Close the streaming sheets of a workbook that will not be saved (cancel or error), quietly."""
    for ws in wb.worksheets:
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            with contextlib.suppress(Exception):
                rows.close()
            ws._rows = None
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.xf.close()
            with contextlib.suppress(Exception):
                writer.out.close() if hasattr(writer.out, "close") else None
            with contextlib.suppress(OSError, AttributeError, TypeError):
                os.unlink(writer.out)


def encrypt_file(plain: Path, out: Path, password: str) -> None:
    """Encrypt an .xlsx with a password (Excel and LibreOffice ask for it when opening)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    if len(password) < 8:
        raise DomainError("password_short", "Kata sandi berkas minimal 8 karakter.", field="password")
    with open(plain, "rb") as src, open(out, "wb") as dst:
        OOXMLFile(src).encrypt(password, dst)


def write_simple(
    target: Path | str, layout_rows: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> None:
    """A plain workbook of (sheet name, headers, rows) with every text written safely (problem reports)."""
    wb = Workbook(write_only=True)
    for name, headers, rows in layout_rows:
        ws = wb.create_sheet(name[:31])
        styles = _Styles(ws)
        quoted = styles.template("quoted", quotePrefix=True, number_format="@")
        bold = styles.template("bold", font=Font(bold=True), fill=PatternFill("solid", fgColor="FCE4D6"))
        ws.append([styles.text_cell(h, bold) for h in headers])
        ws.freeze_panes = "A2"
        for row in rows:
            out: list[Any] = []
            for v in row:
                if isinstance(v, str) and v and v[0] in _FORMULA_START_CHARS:
                    out.append(styles.text_cell(v, quoted))
                else:
                    out.append(v)
            ws.append(out)
    with atomic_path(target, suffix=".xlsx.part") as tmp:
        wb.save(tmp)
