"""The report workbook writer: rows in (already shaped by a layout), one .xlsx out.

What people expect of a report workbook, for every sheet: a title block (title, office, period, date
printed), a frozen header row repeated on every printed page and tall enough for its wrapped labels, an
autofilter, a JUMLAH row of totals, rupiah and date formats (years without a thousands separator), A4
landscape fitted to the page width with "Halaman n dari N" in the footer, technical columns (the NIK
fingerprint) hidden on screen and off paper; and a hidden `_META` sheet (see `metadata.py`).

How it stays safe and fast:
- Rows stream straight into the sheet XML (`xlsx_stream.py`), so 100,000 rows use little memory and
  take ~1.5 µs a cell instead of openpyxl write-only's ~17 µs (bench/RESULTS.md); each column's cell
  kind and style are worked out once per sheet, not per value.
- User text is never a formula (R10): text cells are inline strings, which no spreadsheet evaluates;
  text that starts like a formula (``= + - @``, tab, CR or LF) also gets the quote prefix and the text
  number format, so it stays text when someone edits the cell in Excel. It reads back unchanged.
- Identity numbers are strings (R12), never numbers.
- The file is written to a temporary file and moved into place only when complete (R9); a full export is
  encrypted with a password (msoffcrypto-tool, ECMA-376 agile encryption) before it is moved into place.
- Long work reports `progress(done, total, text)` every 1,000 rows and checks `is_cancelled()`; a cancel
  raises `ExportCancelled` and leaves no file behind.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaltim_desk.core import progress
from kaltim_desk.core.errors import DomainError
from kaltim_desk.exports.layouts import META_SHEET, SheetLayout
from kaltim_desk.exports.metadata import RowHasher, meta_rows
from kaltim_desk.exports.xlsx_stream import NUMBER, PLAIN, TEXT, SheetStream, Style, XlsxStream, column_letter
from kaltim_desk.fileio import atomic_path

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

HEADER_ROW = 6  # rows 1-4 title block, 5 blank, 6 header, data from 7
_GREY = "D9E1F2"
TITLE = Style(bold=True, size=13)
BOLD = Style(bold=True)
HEADER = Style(bold=True, size=8, fill=_GREY, border=True, center_wrap=True)
QUOTED = Style(quote_prefix=True, number_format="@")
FOOTER = "&CHalaman &P dari &N"
LINE_HEIGHT = 12.75  # points per line of 10 pt Arial
HEADER_LINE_HEIGHT = 10.5  # points per line of the 8 pt bold header labels
_DIGIT_PX = 7.0  # one column-width unit, in pixels (Arial 10)
# the width of a capital, in pixels: 8 pt bold (header labels), 10 pt (data: names are in capitals)
_HEADER_PX, _TEXT_PX = 7.8, 9.2


def text_lines(text: str, width: float, char_px: float = _TEXT_PX) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide (whole words; a
    word longer than the line is broken). Capitals count `char_px` pixels, other characters about two
    thirds of that. An estimate on the safe side: a row a little too tall is fine, one too short hides
    a line."""
    room = width * _DIGIT_PX - 6
    if len(text) * char_px <= room:
        return 1
    small = char_px * 0.68
    space = small * 0.6
    lines, used = 1, 0.0
    for word in text.split():
        caps = sum(1 for ch in word if ch.isupper() or ch.isdigit())
        px = caps * char_px + (len(word) - caps) * small
        if used and used + space + px > room:
            lines, used = lines + 1, 0.0
        if px > room:
            extra = math.ceil(px / room) - 1
            lines += extra
            px -= extra * room
        used = px if not used else used + space + px
    return lines


def header_lines(label: str, width: float) -> int:
    """Lines a bold header label wraps to in a column `width` characters wide."""
    return text_lines(label, width, _HEADER_PX)


def header_height(labels: Iterable[tuple[str, float]]) -> float:
    """The header row's height in points for (label, column width) pairs: the most lines any label
    wraps to. LibreOffice keeps a row at the height written, so the wrapped lines must fit in it."""
    lines = max((header_lines(label, width) for label, width in labels), default=1)
    return HEADER_LINE_HEIGHT * lines + 6


class ExportCancelled(DomainError, progress.Cancelled):
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


def _write_sheet(
    book: XlsxStream,
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
    ws = book.sheet(
        layout.sheet_name,
        widths=[c.width_for(sheet.full) for c in cols],
        freeze_row=HEADER_ROW,
        print_title_row=HEADER_ROW,
        fit_a4_landscape=True,
        hidden_columns=[i for i, c in enumerate(cols, start=1) if c.technical],
        footer=FOOTER,
    )
    ws.append_cells([(layout.title, ws.style_attr(TITLE))])
    bold = ws.style_attr(BOLD)
    ws.append_cells([(title.office, bold)])
    ws.append_cells([(f"Periode: {title.period}", bold)])
    ws.append_cells([(f"Dicetak: {title.printed}", bold)])
    ws.skip_row()
    header = ws.style_attr(HEADER)
    ws.append_cells(
        [(c.header, header) for c in cols],
        height=header_height((c.header, c.width_for(sheet.full)) for c in cols if not c.technical),
    )

    kinds = [PLAIN if c.kind == "plain" else TEXT if c.number_format is None else NUMBER for c in cols]
    top = any(c.wrap for c in cols)  # with wrapped text every cell of a row starts at its top
    styles = [ws.style_attr(Style(number_format=c.number_format, wrap=c.wrap, top=top)) for c in cols]
    # wrapped columns: (index, width); a row whose text needs more lines gets that height
    wrapped = [(i, c.width_for(sheet.full)) for i, c in enumerate(cols) if c.wrap]
    quoted = ws.style_attr(QUOTED)
    width = len(cols)
    totals: list[int | float] = [0] * len(cols)
    total_idx = [i for i, c in enumerate(cols) if c.total]
    hasher.sheet(layout.sheet_name)
    n = 0
    append = ws.append_row
    hash_row = hasher.row
    for row in sheet.rows:
        hash_row(row)
        for i in total_idx:
            v = row[i]
            if isinstance(v, int | float):
                totals[i] += v
        if len(row) != width:
            raise ValueError(f"row of {len(row)} values for {width} columns in {layout.sheet_name}")
        height = None
        if wrapped:
            lines = max(text_lines(v, w) if type(v := row[i]) is str else 1 for i, w in wrapped)
            if lines > 1:
                height = LINE_HEIGHT * lines + 1
        append(row, kinds, styles, quoted, height)
        n += 1
        if n % 1000 == 0:
            if is_cancelled is not None and is_cancelled():
                raise ExportCancelled()
            if progress is not None:
                progress(done_before + n, grand_total, layout.sheet_name)
    if total_idx:
        _total_row(ws, cols, totals, total_idx, layout.totals_label, bold)
    last = HEADER_ROW + max(n, 1)
    ws.close(autofilter=f"A{HEADER_ROW}:{column_letter(len(cols))}{last}")
    return n


def _total_row(
    ws: SheetStream,
    cols: Sequence[Any],
    totals: list[int | float],
    total_idx: list[int],
    label: str,
    bold: str,
) -> None:
    """The JUMLAH row under the data: values, not formulas, so every reader sees the numbers."""
    cells: list[tuple[Any, str] | None] = []
    for i, col in enumerate(cols):
        if i in total_idx:
            cells.append((totals[i], ws.style_attr(Style(bold=True, number_format=col.number_format))))
        elif i == min(1, len(cols) - 1):
            cells.append((label, bold))
        else:
            cells.append(None)
    ws.append_cells(cells)


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
    hasher = RowHasher()
    grand = sum(s.count for s in sheets) or 1
    counts: dict[str, int] = {}
    done = 0
    with atomic_path(target, suffix=".xlsx.part") as tmp:
        plain = tmp
        if password:
            fd, plain_name = tempfile.mkstemp(dir=target.parent, prefix=".plain-", suffix=".xlsx")
            os.close(fd)
            plain = Path(plain_name)
        try:
            book = XlsxStream(plain)
            try:
                for sheet in sheets:
                    n = _write_sheet(book, sheet, title, hasher, progress, is_cancelled, done, grand)
                    counts[sheet.layout.sheet_name] = n
                    done += n
                checksum = hasher.hexdigest()
                values = dict(meta)
                values["header_row"] = HEADER_ROW
                values["checksum"] = checksum
                values.setdefault("row_count", next(iter(counts.values()), 0))
                ws = book.sheet(META_SHEET, hidden=True)
                quoted = ws.style_attr(QUOTED)
                for key, value in meta_rows(values, counts):
                    ws.append_cells([(key, quoted), (value, quoted)])
                ws.close()
                if is_cancelled is not None and is_cancelled():
                    raise ExportCancelled()
                if progress is not None:
                    progress(done, grand, "menyimpan")
                book.close()
            except BaseException:
                book.abandon()
                raise
            if password:
                encrypt_file(plain, tmp, password)
        finally:
            if password:
                with contextlib.suppress(OSError):
                    plain.unlink()
    return WrittenWorkbook(target, checksum, counts, encrypted=bool(password))


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
    with atomic_path(target, suffix=".xlsx.part") as tmp:
        book = XlsxStream(tmp)
        try:
            for name, headers, rows in layout_rows:
                ws = book.sheet(name, freeze_row=1)
                head = ws.style_attr(Style(bold=True, fill="FCE4D6"))
                ws.append_cells([(h, head) for h in headers])
                quoted = ws.style_attr(QUOTED)
                for row in rows:
                    ws.append_row(row, [PLAIN] * len(row), [""] * len(row), quoted)
                ws.close()
            book.close()
        except BaseException:
            book.abandon()
            raise
