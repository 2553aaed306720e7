"""The problem report: a workbook a clerk can read on screen, print, and fix the original sheet with.

Three sheets, each with widths, wrapped text, a frozen header row and A4 landscape fitted to the width:
- "Ringkasan": the file and sheet, what happened to the rows, which column went to which field, the
  columns left unmapped, the warnings per kind and the other sheets that hold NIK rows;
- "Masalah": one line per problem (the row refused) and per warning (the row imported, a field left
  empty or read differently), the Indonesian message first, then the hint, row, column, value;
- "Hasil": every row of the sheet as it was (NIK/KK masked), with its status and what was wrong, the
  refused cells in red and the warned ones in yellow; skipped rows (blank, total, repeated header,
  signature) say "DILEWATI" and why, never "refused".
Every text is written as an inline string, so a value that starts with "=" stays text (R10).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaltim_desk.domain.nik import mask_kk, mask_nik, normalize_nik
from kaltim_desk.exports.xlsx_stream import Style, XlsxStream
from kaltim_desk.fileio import atomic_path
from kaltim_desk.imports.reader import col_letter
from kaltim_desk.services.excel.import_validate import OK, STATUS_LABELS, shown

# `preview` below is an `imports.ImportPreview` (typed Any: that module imports this one)
ImportPreview = Any

HEAD = Style(bold=True, fill="FCE4D6", border=True, center_wrap=True)
WRAP = Style(border=True, center_wrap=True)
CELL = Style(border=True)
REFUSED = Style(border=True, fill="F4B6B6")
WARNED = Style(border=True, fill="FFF2A8")
TITLE = Style(bold=True, size=13)
BOLD = Style(bold=True)

PROBLEM_HEADERS = ("MASALAH", "SARAN", "JENIS", "BARIS", "KOLOM", "NILAI", "KODE")
PROBLEM_WIDTHS = (60, 45, 12, 8, 24, 22, 18)


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


def write_problem_report(preview: ImportPreview, target: Path | str) -> Path:
    target = Path(target)
    width = max([len(r.cells) for r in preview.rows] + [max(preview.headers, default=-1) + 1])
    with atomic_path(target, suffix=".xlsx.part") as tmp:
        book = XlsxStream(tmp)
        try:
            head, wrap, cell = book.style_attr(HEAD), book.style_attr(WRAP), book.style_attr(CELL)
            refused, warned = book.style_attr(REFUSED), book.style_attr(WARNED)
            title, bold = book.style_attr(TITLE), book.style_attr(BOLD)

            ws = book.sheet("Ringkasan", widths=(22, 100), fit_a4_landscape=True)
            ws.append_cells([(f"Laporan pemeriksaan impor: {preview.file.name}", title)])
            ws.append_cells([(preview.summary(), "")])
            for label, text in _summary_lines(preview):
                ws.append_cells([(label, bold), (text, "")])
            ws.close()

            ws = book.sheet(
                "Masalah", widths=PROBLEM_WIDTHS, freeze_row=1, print_title_row=1, fit_a4_landscape=True
            )
            ws.append_cells([(h, head) for h in PROBLEM_HEADERS])
            items = [(p, "DITOLAK") for r in preview.rows for p in r.problems]
            items += [(w, "PERINGATAN") for w in preview.warnings]
            items.sort(key=lambda it: (it[0].row, it[1] != "DITOLAK"))
            for p, kind in items:
                fill = refused if kind == "DITOLAK" else warned
                ws.append_cells(
                    [
                        (p.message, wrap),
                        (p.hint, wrap),
                        (kind, fill),
                        (p.row, cell),
                        (p.column, wrap),
                        (p.value, cell),
                        (p.rule, cell),
                    ]
                )
            ws.close(autofilter=f"A1:G{len(items) + 1}")

            headers = [preview.headers.get(c) or col_letter(c) for c in range(width)]
            widths = [8, 13, 50] + [min(max(len(h), 8) + 2, 30) for h in headers]
            ws = book.sheet("Hasil", widths=widths, freeze_row=1, print_title_row=1, fit_a4_landscape=True)
            ws.append_cells([(h, head) for h in ["BARIS", "STATUS", "KETERANGAN", *headers]])
            for r in preview.rows:
                cells = _masked(preview, r.cells) + [None] * (width - len(r.cells))
                bad = {p.col for p in r.problems if p.col is not None}
                odd = {w.col for w in r.warnings if w.col is not None}
                msg = r.reason if r.status != OK else r.warning_text
                status_style = refused if r.status == "rejected" else warned if r.warnings else cell
                row: list[tuple[Any, str] | None] = [
                    (r.row, cell),
                    (STATUS_LABELS[r.status].upper(), status_style),
                    (msg, wrap),
                ]
                for c, v in enumerate(cells[:width]):
                    style = refused if c in bad else warned if c in odd else cell
                    row.append((_value(v), style))
                ws.append_cells(row)
            ws.close()
            book.close()
        except BaseException:
            book.abandon()
            raise
    return target
