"""Every sheet layout of the upward-reporting workbooks, declared in ONE place.

A province template change (a renamed header, another column, a different width or number format) is an
edit of this file only: the writer (`workbook.py`), the services that fill the rows (`services/excel/exports.py`)
and the importer's header synonyms read the layouts from here. A column's `key` names the value in the row
dicts the service produces; `kind` decides the cell type and number format:

- ``text``: user-typed text, always written as a string cell (a value that starts with ``= + - @`` or a
  line break gets the quote prefix, RELIABILITY R10);
- ``id``: identity numbers (NIK, No. KK, phone, account): string cells, never numbers (R12);
- ``int`` / ``money`` / ``percent`` / ``date``: typed cells with the number format below; ``year``: a
  whole number without a thousands separator (2025, never "2,025"); ``plain``: a number in the General
  format (row numbers), the cheapest cell to write.

`total` columns are summed into a JUMLAH row under the data (written as values, not formulas, so that
every reader, including our own importer, sees the number). `full_only` columns appear only in a full
(unmasked, encrypted) export (DOMAIN.md: phone and bank account are left out of files that leave the
office unless needed), `masked_only` ones only in a masked export (the birth year that stands in for the
birth date, docs/SECURITY.md "Ekspor tersamar"). A `technical` column (the NIK fingerprint) is for
programs, not people: it is hidden on screen and never printed, but every reader still gets its values.

Widths are chosen for paper: a sheet is printed A4 landscape fitted to the page width, so the sum of the
widths decides the printed font size. Long text (names, addresses, villages, KUBE) wraps instead of
widening its column, so the masked BNBA's ~210 characters print at about 6.5 pt (the old 355 printed at
4-5 pt). `tests/unit/test_export_print.py` measures it on LibreOffice's PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = "kaltim-desk-excel/1"
META_SHEET = "_META"

NUMBER_FORMATS = {
    "int": "#,##0",
    "money": '"Rp"#,##0',
    "percent": "0.0%",
    "date": "DD/MM/YYYY",
    "year": "0",
}


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    width: float = 14
    kind: str = "text"  # text | id | plain | int | year | money | percent | date
    total: bool = False
    full_only: bool = False
    masked_only: bool = False
    technical: bool = False
    wrap: bool = False  # long text: wrapped over several lines (the row grows) instead of cut off
    masked_width: float | None = None  # a masked value is narrower (``640204**********``)

    def width_for(self, full: bool) -> float:
        return self.width if full or self.masked_width is None else self.masked_width

    @property
    def number_format(self) -> str | None:
        return NUMBER_FORMATS.get(self.kind)


@dataclass(frozen=True)
class SheetLayout:
    key: str
    sheet_name: str  # at most 31 characters (Excel's limit)
    title: str
    columns: tuple[Col, ...]
    totals_label: str = "JUMLAH"

    def visible_columns(self, full: bool) -> tuple[Col, ...]:
        return tuple(c for c in self.columns if not ((c.full_only and not full) or (c.masked_only and full)))


BNBA = SheetLayout(
    key="bnba",
    sheet_name="BNBA",
    title="DAFTAR PENERIMA BANTUAN BY NAME BY ADDRESS (BNBA)",
    columns=(
        Col("no", "NO", 5, "plain"),
        Col("nik", "NIK", 17, "id", masked_width=13.5),
        Col("kk_number", "NO. KK", 17, "id", masked_width=13.5),
        Col("name", "NAMA", 18, wrap=True),
        Col("sex", "JENIS KELAMIN", 9),
        Col("birth_place", "TEMPAT LAHIR", 13, wrap=True),
        Col("birth_date", "TANGGAL LAHIR", 10.5, "date", full_only=True),
        Col("birth_year", "TAHUN LAHIR", 7, "year", masked_only=True),
        Col("street", "ALAMAT", 16, wrap=True),
        Col("rt", "RT", 4, "id"),
        Col("rw", "RW", 4, "id"),
        Col("village", "DESA/KELURAHAN", 12, wrap=True),
        Col("district", "KECAMATAN", 11, wrap=True),
        Col("regency", "KABUPATEN/KOTA", 12, wrap=True),
        Col("phone", "NO. HP", 13, "id", full_only=True),
        Col("household_head", "KEPALA KELUARGA", 10),
        Col("business_type", "JENIS USAHA", 11, wrap=True),
        Col("group_name", "NAMA KUBE", 13, wrap=True),
        Col("role", "JABATAN", 13),
        Col("aid_value", "NILAI BANTUAN", 13, "money", total=True),
        Col("funding_source", "SUMBER DANA", 8),
        Col("budget_year", "TAHUN ANGGARAN", 10),
        Col("nik_key", "KUNCI NIK", 34, "id", technical=True),
    ),
)

_RECAP_MEASURES = (
    Col("groups", "JUMLAH KUBE", 12, "int", total=True),
    Col("recipients", "JUMLAH PENERIMA", 12, "int", total=True),
    Col("women_heads", "PEREMPUAN KEPALA KELUARGA", 14, "int", total=True),
    Col("aid_apbd", "BANTUAN APBD", 18, "money", total=True),
    Col("aid_apbdp", "BANTUAN APBD-P", 18, "money", total=True),
    Col("aid_apbn", "BANTUAN APBN", 18, "money", total=True),
    Col("aid_total", "TOTAL BANTUAN", 18, "money", total=True),
)

RECAP_REGENCY = SheetLayout(
    key="recap_regency",
    sheet_name="Rekap Kab-Kota",
    title="REKAPITULASI PER KABUPATEN/KOTA",
    columns=(Col("no", "NO", 6, "plain"), Col("regency", "KABUPATEN/KOTA", 26), *_RECAP_MEASURES),
)

RECAP_DISTRICT = SheetLayout(
    key="recap_district",
    sheet_name="Rekap Kecamatan",
    title="REKAPITULASI PER KECAMATAN",
    columns=(
        Col("no", "NO", 6, "plain"),
        Col("regency", "KABUPATEN/KOTA", 24),
        Col("district", "KECAMATAN", 24),
        *_RECAP_MEASURES,
    ),
)

BUSINESS = SheetLayout(
    key="business",
    sheet_name="Jenis Usaha",
    title="BANTUAN MENURUT JENIS USAHA",
    columns=(
        Col("no", "NO", 6, "plain"),
        Col("business_type", "JENIS USAHA", 26),
        Col("groups", "JUMLAH KUBE", 12, "int", total=True),
        Col("recipients", "JUMLAH PENERIMA", 12, "int", total=True),
        Col("aid_total", "NILAI BANTUAN", 18, "money", total=True),
    ),
)

TRAINING = SheetLayout(
    key="training",
    sheet_name="Pelatihan",
    title="PELATIHAN DAN SERTIFIKAT",
    columns=(
        Col("no", "NO", 6, "plain"),
        Col("title", "NAMA PELATIHAN", 32),
        Col("place", "TEMPAT", 20),
        Col("start_date", "TANGGAL MULAI", 13, "date"),
        Col("end_date", "TANGGAL SELESAI", 13, "date"),
        Col("hours", "JP", 6, "int", total=True),
        Col("participants", "JUMLAH PESERTA", 12, "int", total=True),
        Col("certificates", "SERTIFIKAT TERBIT", 12, "int", total=True),
        Col("revoked", "SERTIFIKAT DICABUT", 12, "int", total=True),
        Col("status", "STATUS", 12),
    ),
)

# The one survival workbook (`export survival` and `report survival` both write it): the table per
# intake, regency/city and horizon, the same summed over regencies, and how it is counted.


def _survival_columns(totals: bool) -> tuple[Col, ...]:
    """The survival table's columns; `totals`: the counts get a JUMLAH row under the data."""
    return (
        Col("no", "NO", 6, "plain"),
        Col("intake_year", "TAHUN ANGKATAN", 10, "year"),
        Col("regency", "KABUPATEN/KOTA", 24),
        Col("months", "BULAN SETELAH BANTUAN", 12, "int"),
        Col("running", "MASIH BERJALAN", 12, "int", total=totals),
        Col("paused", "BERHENTI SEMENTARA", 12, "int", total=totals),
        Col("closed", "TUTUP", 10, "int", total=totals),
        Col("changed", "BERGANTI USAHA", 12, "int", total=totals),
        Col("unknown", "TIDAK DIKETAHUI", 12, "int", total=totals),
        Col("total", "JUMLAH", 10, "int", total=totals),
        Col("share_running", "PERSEN BERJALAN", 12, "percent"),
        Col("revenue_n", "USAHA DGN DATA OMZET", 12, "int"),
        Col("revenue_baseline", "OMZET AWAL (RP/BLN)", 16, "money"),
        Col("revenue_latest", "OMZET SAAT ITU (RP/BLN)", 16, "money"),
        Col("revenue_change", "PERUBAHAN OMZET", 12, "percent"),
    )


SURVIVAL = SheetLayout(
    key="survival",
    sheet_name="Keberlanjutan",
    title="KEBERLANJUTAN USAHA PENERIMA",
    columns=_survival_columns(totals=True),
)

SURVIVAL_INTAKES = SheetLayout(
    key="survival_intakes",
    sheet_name="Rekap per angkatan",
    title="KEBERLANJUTAN USAHA PER ANGKATAN (SEMUA KABUPATEN/KOTA)",
    columns=_survival_columns(totals=False),
)

SURVIVAL_NOTES = SheetLayout(
    key="survival_notes",
    sheet_name="Keterangan",
    title="CARA MENGHITUNG KEBERLANJUTAN USAHA",
    columns=(Col("note", "KETERANGAN", 110),),
)
SURVIVAL_NOTE_LINES = (
    "Status pada bulan ke-n = status kunjungan terakhir sampai tanggal penyaluran + n bulan.",
    "Usaha tanpa kunjungan dihitung 'tidak diketahui', tidak pernah dianggap berjalan.",
    "Usaha yang belum berumur n bulan tidak dihitung pada kolom bulan ke-n.",
    "Omzet awal = omzet pada kunjungan pertama yang mencatat omzet.",
)

CONFLICTS = SheetLayout(
    key="conflicts",
    sheet_name="Konflik",
    title="NIK GANDA ANTARKANTOR / ANTARKELOMPOK",
    columns=(
        Col("no", "NO", 5, "plain"),
        Col("nik", "NIK", 18, "id"),
        Col("kind", "JENIS KONFLIK", 22, wrap=True),
        Col("name", "NAMA", 20, wrap=True),
        Col("office", "KANTOR", 8),
        Col("office_name", "NAMA KANTOR", 20, wrap=True),
        Col("group_name", "NAMA KUBE", 16, wrap=True),
        Col("aid_value", "NILAI BANTUAN", 14, "money"),
        Col("budget_year", "TAHUN ANGGARAN", 9),
        Col("file", "BERKAS", 20, wrap=True),
        Col("row", "BARIS", 7, "int"),
        Col("nik_key", "KUNCI NIK", 34, "id", technical=True),
    ),
)

SOURCES = SheetLayout(
    key="sources",
    sheet_name="Sumber",
    title="BERKAS KABUPATEN/KOTA YANG DIGABUNG",
    columns=(
        Col("no", "NO", 5, "plain"),
        Col("file", "BERKAS", 24, wrap=True),
        Col("office", "KANTOR", 8),
        Col("office_name", "NAMA KANTOR", 22, wrap=True),
        Col("sequence", "NO. URUT EKSPOR", 9, "int"),
        Col("exported_at", "WAKTU EKSPOR", 19),
        Col("rows", "BARIS DIGABUNG", 10, "int", total=True),
        Col("status", "STATUS", 11),
        Col("reason", "KETERANGAN", 44, wrap=True),
    ),
)

# The problem report an import writes: the original columns come first (copied), then these.
PROBLEM_COLUMNS = (
    Col("sheet", "LEMBAR", 14),
    Col("row", "BARIS", 8, "int"),
    Col("column", "KOLOM", 16),
    Col("value", "NILAI", 22),
    Col("rule", "ATURAN", 18),
    Col("message", "MASALAH", 50),
    Col("hint", "SARAN", 40),
)

# Which sheets each report kind holds, in order.
REPORTS: dict[str, tuple[SheetLayout, ...]] = {
    "bnba": (BNBA, RECAP_REGENCY, RECAP_DISTRICT, BUSINESS),
    "recap": (RECAP_REGENCY, RECAP_DISTRICT, BUSINESS),
    "training": (TRAINING,),
    "survival": (SURVIVAL, SURVIVAL_INTAKES, SURVIVAL_NOTES),
}

REPORT_TITLES = {
    "bnba": "Daftar penerima (BNBA) dan rekap",
    "recap": "Rekap per kabupaten/kota, kecamatan dan jenis usaha",
    "training": "Pelatihan dan sertifikat",
    "survival": "Keberlanjutan usaha",
}
