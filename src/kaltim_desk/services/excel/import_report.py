"""The problem report: a workbook a clerk can read on screen, print, and fix the original sheet with.

Three sheets, each with widths, wrapped text, a frozen header row and A4 landscape fitted to the width:
- "Ringkasan": the file and sheet, what happened to the rows, which column went to which field, the
  columns left unmapped, the warnings per kind and the other sheets that hold NIK rows;
- "Masalah": one line per problem (the row refused) and per warning (the row imported, a field left
  empty or read differently), the Indonesian message first, then the hint, row, column, value;
- "Hasil": every row of the sheet as it was (NIK/KK masked), with its status and what was wrong, the
  refused cells in red and the warned ones in yellow; skipped rows (blank, total, repeated header,
  signature) say "DILEWATI" and why, never "refused".
Written with openpyxl (a report is read by people, not streamed: it sets row heights that fit the
wrapped messages, which every reader then draws inside their rows); a text that starts like a formula
is written as quoted text, never a formula (R10).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaltim_desk.domain.nik import mask_kk, mask_nik, normalize_nik
from kaltim_desk.domain.text import FORMULA_STARTS
from kaltim_desk.fileio import atomic_path
from kaltim_desk.imports.reader import col_letter
from kaltim_desk.services.excel.import_cells import shown
from kaltim_desk.services.excel.import_validate import OK, STATUS_LABELS

# `preview` below is an `imports.ImportPreview` (typed Any: that module imports this one)
ImportPreview = Any

PROBLEM_HEADERS = ("MASALAH", "SARAN", "JENIS", "BARIS", "KOLOM", "NILAI", "KODE")
PROBLEM_WIDTHS = (60, 45, 12, 8, 24, 22, 18)
REFUSED_FILL, WARNED_FILL, HEAD_FILL = "F4B6B6", "FFF2A8", "FCE4D6"
_LINE_HEIGHT = 13  # points per wrapped line at 10 pt


def _masked(preview: ImportPreview, cells: list[Any]) -> list[Any]:
    out = list(cells)
    for c, f in preview.mapping.items():
        if c >= len(out) or f not in ("nik", "kk_number"):
            continue
        v = out[c]
        if isinstance(v, str) and v.strip():
            out[c] = (mask_nik if f == "nik" else mask_kk)(normalize_nik(v))
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out[c] = "(angka)"
    return out


def _value(v: Any) -> Any:
    if v is None or isinstance(v, bool | int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return shown(v)


def _summary_lines(preview: ImportPreview) -> list[tuple[str, str]]:
    c = preview.counts
    lines: list[tuple[str, str]] = [
        ("Berkas", preview.file.name),
        ("Lembar", preview.sheet),
        ("Baris judul", str(preview.header_row + 1)),
        ("Baris dibaca", str(c["read"])),
        ("Dapat diimpor", str(c["ok"])),
        ("Sudah ada", str(c["exists"])),
        ("Dilewati", str(c["skipped"])),
        ("Ditolak", str(c["rejected"])),
        ("", ""),
        ("Kolom yang dibaca", ""),
    ]
    lines += [("", line) for line in preview.mapping_lines()]
    unmapped = preview.unmapped_lines()
    lines.append(("Kolom tidak dipakai", "" if unmapped else "(tidak ada)"))
    lines += [("", line) for line in unmapped]
    warn = preview.warning_lines(first=0)
    lines.append(("Peringatan", "" if warn else "(tidak ada)"))
    lines += [("", line) for line in warn]
    if preview.sheet_notes:
        lines.append(("Lembar lain", ""))
        lines += [("", n) for n in preview.sheet_notes]
    return lines


class _Writer:
    """openpyxl with the few things the report needs: styled rows, heights that fit wrapped text (so no
    reader, LibreOffice included, draws a long message over the next row), and text that is never a
    formula (R10)."""

    def __init__(self) -> None:
        from openpyxl import Workbook  # lazy: only a saved report needs it
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=13)
        self.widths: dict[str, list[float]] = {}
        self.fills = {
            k: PatternFill("solid", fgColor="FF" + k) for k in (REFUSED_FILL, WARNED_FILL, HEAD_FILL)
        }

    def sheet(self, name: str, widths: list[float], *, header: bool = True) -> Any:
        from openpyxl.utils import get_column_letter  # lazy: with openpyxl above

        ws = self.wb.create_sheet(name)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.center.text = "Halaman &P dari &N"
        if header:
            ws.freeze_panes = "A2"
            ws.print_title_rows = "1:1"
        self.widths[name] = widths
        return ws

    def row(
        self, ws: Any, values: list[Any], fills: dict[int, str] | None = None, *, head: bool = False
    ) -> None:
        ws.append([None] * len(values))
        r = ws.max_row
        widths = self.widths[ws.title]
        lines = 1
        for i, v in enumerate(values):
            cell = ws.cell(row=r, column=i + 1)
            cell.value = v
            if isinstance(v, str) and v[:1] in FORMULA_STARTS:
                cell.data_type = "s"  # text, never a formula (R10)
                cell.quotePrefix = True
            cell.border = self.border
            cell.alignment = self.center if head else self.wrap
            if head:
                cell.font = self.bold
                cell.fill = self.fills[HEAD_FILL]
            elif fills and i in fills:
                cell.fill = self.fills[fills[i]]
            if isinstance(v, str) and i < len(widths):
                lines = max(
                    lines,
                    sum(-(-max(len(part), 1) // max(int(widths[i] * 1.1), 1)) for part in v.split("\n")),
                )
        if lines > 1:
            ws.row_dimensions[r].height = min(lines, 12) * _LINE_HEIGHT + 2


def write_problem_report(preview: ImportPreview, target: Path | str) -> Path:
    target = Path(target)
    width = max([len(r.cells) for r in preview.rows] + [max(preview.headers, default=-1) + 1])
    out = _Writer()

    ws = out.sheet("Ringkasan", [22, 100], header=False)
    ws.append([f"Laporan pemeriksaan impor: {preview.file.name}"])
    ws.cell(row=1, column=1).font = out.title
    ws.append([preview.summary()])
    for label, text in _summary_lines(preview):
        ws.append([label, text])
        ws.cell(row=ws.max_row, column=1).font = out.bold

    ws = out.sheet("Masalah", list(PROBLEM_WIDTHS))
    out.row(ws, list(PROBLEM_HEADERS), head=True)
    items = [(p, "DITOLAK") for r in preview.rows for p in r.problems]
    items += [(w, "PERINGATAN") for w in preview.warnings]
    items.sort(key=lambda it: (it[0].row, it[1] != "DITOLAK"))
    for p, kind in items:
        out.row(
            ws,
            [p.message, p.hint, kind, p.row, p.column, p.value, p.rule],
            {2: REFUSED_FILL if kind == "DITOLAK" else WARNED_FILL},
        )
    ws.auto_filter.ref = f"A1:G{len(items) + 1}"

    headers = [preview.headers.get(c) or col_letter(c) for c in range(width)]
    widths = [8, 13, 50] + [min(max(len(h), 8) + 2, 30) for h in headers]
    ws = out.sheet("Hasil", [float(w) for w in widths])
    out.row(ws, ["BARIS", "STATUS", "KETERANGAN", *headers], head=True)
    for r in preview.rows:
        cells = _masked(preview, r.cells) + [None] * (width - len(r.cells))
        fills: dict[int, str] = {}
        for w in r.warnings:
            if w.col is not None:
                fills[w.col + 3] = WARNED_FILL
        for p in r.problems:
            if p.col is not None:
                fills[p.col + 3] = REFUSED_FILL
        if r.status == "rejected":
            fills[1] = REFUSED_FILL
        elif r.warnings:
            fills[1] = WARNED_FILL
        msg = r.reason if r.status != OK else r.warning_text
        out.row(ws, [r.row, STATUS_LABELS[r.status].upper(), msg, *[_value(v) for v in cells[:width]]], fills)
    with atomic_path(target, suffix=".xlsx.part") as tmp:
        out.wb.save(tmp)
    return target
