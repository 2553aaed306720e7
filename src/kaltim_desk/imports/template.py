"""The import template: the workbook an office hands out so that lists come back importable as they are.

Sheet "Data Penerima" holds the header row our importer recognises without any mapping, NIK and No. KK
columns formatted as text (a NIK typed there keeps its 16 digits, R12), date and amount columns with
their formats, and drop-down lists for role, sex, sub-district and village (validation lists kept on a
hidden sheet "_Daftar", so long lists work in every Excel). Sheet "Petunjuk" says how to fill it in. A
template filled in by hand imports with no mapping and no question; left empty it imports nothing and
refuses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kaltim_desk.fileio import atomic_path

SHEET = "Data Penerima"
LISTS = "_Daftar"
# (header, width, kind): kind "text" columns are formatted as Text ("@")
COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("NO", 5, ""),
    ("NIK", 20, "text"),
    ("NO. KK", 20, "text"),
    ("NAMA LENGKAP", 28, ""),
    ("JENIS KELAMIN", 10, "sex"),
    ("TEMPAT LAHIR", 16, ""),
    ("TANGGAL LAHIR", 14, "date"),
    ("ALAMAT", 28, ""),
    ("RT", 6, "text"),
    ("RW", 6, "text"),
    ("DESA/KELURAHAN", 24, "village"),
    ("KECAMATAN", 20, "district"),
    ("NO. HP", 16, "text"),
    ("JENIS USAHA", 18, ""),
    ("NAMA KUBE", 22, ""),
    ("JABATAN", 14, "role"),
    ("NILAI BANTUAN", 14, "money"),
    ("KETERANGAN", 24, ""),
)
ROLES = ("Ketua", "Sekretaris", "Bendahara", "Anggota")
SEXES = ("P", "L")
DATA_ROWS = 1000  # rows prepared with formats and drop-downs

INSTRUCTIONS = (
    "PETUNJUK PENGISIAN TEMPLAT IMPOR PENERIMA",
    "",
    "1. Isi satu penerima per baris pada lembar 'Data Penerima', mulai baris 2. Jangan ubah baris judul.",
    "2. NIK dan No. KK: 16 digit. Kolomnya sudah berformat Teks; jangan ubah menjadi Angka "
    "(Excel menghapus digit ke-16 dari angka).",
    "3. NIK dan NAMA LENGKAP wajib. Isian lain boleh kosong; yang keliru dikosongkan dengan peringatan.",
    "4. TANGGAL LAHIR seperti 17-08-1980 atau 17 Agustus 1980. Bila kosong, diambil dari NIK.",
    "5. DESA/KELURAHAN dan KECAMATAN: pilih dari daftar (atau ketik namanya).",
    "6. JABATAN: Ketua, Sekretaris, Bendahara atau Anggota; satu ketua, sekretaris dan bendahara per KUBE.",
    "7. NAMA KUBE sama persis untuk semua anggota satu kelompok.",
    "8. NILAI BANTUAN dalam rupiah utuh, mis. 5000000.",
    "9. Simpan sebagai .xlsx lalu impor lewat menu Penerima > Impor dari Excel, atau "
    "'kaltim-desk import BERKAS.xlsx'.",
)


def write_template(
    target: Path | str, districts: Sequence[str], villages: Sequence[str], office_name: str = ""
) -> Path:
    """Write the template to `target` (atomically). `districts`/`villages`: the office's names for the
    drop-down lists."""
    from openpyxl import Workbook  # lazy: openpyxl is only needed for this file
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    target = Path(target)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    head_fill = PatternFill("solid", fgColor="FCE4D6")
    for i, (header, width, kind) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=header)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = cell.column_letter
        ws.column_dimensions[letter].width = width
        fmt = {"text": "@", "date": "DD-MM-YYYY", "money": "#,##0"}.get(kind)
        if fmt:
            for r in range(2, DATA_ROWS + 2):
                ws.cell(row=r, column=i).number_format = fmt
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"

    lists = wb.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    columns = {"role": ROLES, "sex": SEXES, "district": tuple(districts), "village": tuple(villages)}
    for j, (kind, values) in enumerate(columns.items(), start=1):
        lists.cell(row=1, column=j, value=kind)
        for r, v in enumerate(values, start=2):
            lists.cell(row=r, column=j, value=v)
    for i, (_header, _w, kind) in enumerate(COLUMNS, start=1):
        if kind not in columns or not columns[kind]:
            continue
        j = list(columns).index(kind) + 1
        src_letter = lists.cell(row=1, column=j).column_letter
        n = len(columns[kind]) + 1
        dv = DataValidation(
            type="list",
            formula1=f"'{LISTS}'!${src_letter}$2:${src_letter}${n}",
            allow_blank=True,
            showErrorMessage=kind in ("role", "sex"),
            errorTitle="Isian tidak ada di daftar",
            error="Pilih dari daftar.",
        )
        dv.error = "Pilih dari daftar."
        letter = ws.cell(row=1, column=i).column_letter
        dv.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
        ws.add_data_validation(dv)

    info = wb.create_sheet("Petunjuk", 0)
    info.column_dimensions["A"].width = 120
    lines = INSTRUCTIONS + ((f"Kantor: {office_name}",) if office_name else ())
    for r, line in enumerate(lines, start=1):
        c = info.cell(row=r, column=1, value=line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if r == 1:
            c.font = Font(bold=True, size=13)
    wb.active = 1  # open on the data sheet
    with atomic_path(target, suffix=".xlsx.part") as tmp:
        wb.save(tmp)
    return target
