"""Every sheet layout of the upward-reporting workbooks, declared in ONE place.

A province template change (a renamed header, another column, a different width or number format) is an
edit of this file only: the writer (`workbook.py`), the services that fill the rows (`services/excel/exports.py`)
and the importer's header synonyms read the layouts from here. A column's `key` names the value in the row
dicts the service produces; `kind` decides the cell type and number format:

- ``text``: user-typed text, always written as a string cell (a value that starts with ``= + - @`` or a
  line break gets the quote prefix, RELIABILITY R10);
- ``id``: identity numbers (NIK, No. KK, phone, account): string cells, never numbers (R12);
- ``int`` / ``money`` / ``percent`` / ``date``: typed cells with the number format below; ``plain``: a
  number in the General format (row numbers), the cheapest cell to write.

`total` columns are summed into a JUMLAH row under the data (written as values, not formulas, so that
every reader, including our own importer, sees the number). `full_only` columns appear only in a full
(unmasked, encrypted) export (DOMAIN.md: phone and bank account are left out of files that leave the
office unless needed).
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
}


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    width: float = 14
    kind: str = "text"  # text | id | plain | int | money | percent | date
    total: bool = False
    full_only: bool = False

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
        return tuple(c for c in self.columns if full or not c.full_only)


BNBA = SheetLayout(
    key="bnba",
    sheet_name="BNBA",
    title="DAFTAR PENERIMA BANTUAN BY NAME BY ADDRESS (BNBA)",
    columns=(
        Col("no", "NO", 6, "plain"),
        Col("nik", "NIK", 20, "id"),
        Col("kk_number", "NO. KK", 20, "id"),
        Col("name", "NAMA", 28),
        Col("sex", "JENIS KELAMIN", 8),
        Col("birth_place", "TEMPAT LAHIR", 16),
        Col("birth_date", "TANGGAL LAHIR", 13, "date"),
        Col("street", "ALAMAT", 30),
        Col("rt", "RT", 6, "id"),
        Col("rw", "RW", 6, "id"),
        Col("village", "DESA/KELURAHAN", 22),
        Col("district", "KECAMATAN", 18),
        Col("regency", "KABUPATEN/KOTA", 20),
        Col("phone", "NO. HP", 16, "id", full_only=True),
        Col("household_head", "KEPALA KELUARGA", 10),
        Col("business_type", "JENIS USAHA", 18),
        Col("group_name", "NAMA KUBE", 22),
        Col("role", "JABATAN", 12),
        Col("aid_value", "NILAI BANTUAN", 16, "money", total=True),
        Col("funding_source", "SUMBER DANA", 10),
        Col("budget_year", "TAHUN ANGGARAN", 10),
        Col("nik_key", "KUNCI NIK", 24, "id"),
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

SURVIVAL = SheetLayout(
    key="survival",
    sheet_name="Keberlanjutan",
    title="KEBERLANJUTAN USAHA PENERIMA",
    columns=(
        Col("no", "NO", 6, "plain"),
        Col("intake_year", "TAHUN ANGKATAN", 10, "int"),
        Col("regency", "KABUPATEN/KOTA", 24),
        Col("months", "BULAN SETELAH BANTUAN", 12, "int"),
        Col("running", "MASIH BERJALAN", 12, "int", total=True),
        Col("paused", "BERHENTI SEMENTARA", 12, "int", total=True),
        Col("closed", "TUTUP", 10, "int", total=True),
        Col("changed", "BERGANTI USAHA", 12, "int", total=True),
        Col("unknown", "TIDAK DIKETAHUI", 12, "int", total=True),
        Col("total", "JUMLAH", 10, "int", total=True),
        Col("share_running", "PERSEN BERJALAN", 12, "percent"),
    ),
)

CONFLICTS = SheetLayout(
    key="conflicts",
    sheet_name="Konflik",
    title="NIK GANDA ANTARKANTOR / ANTARKELOMPOK",
    columns=(
        Col("no", "NO", 6, "plain"),
        Col("nik", "NIK", 20, "id"),
        Col("nik_key", "KUNCI NIK", 24, "id"),
        Col("kind", "JENIS KONFLIK", 22),
        Col("name", "NAMA", 26),
        Col("office", "KANTOR", 14),
        Col("group_name", "NAMA KUBE", 22),
        Col("file", "BERKAS", 28),
        Col("row", "BARIS", 8, "int"),
    ),
)

SOURCES = SheetLayout(
    key="sources",
    sheet_name="Sumber",
    title="BERKAS KABUPATEN/KOTA YANG DIGABUNG",
    columns=(
        Col("no", "NO", 6, "plain"),
        Col("file", "BERKAS", 30),
        Col("office", "KANTOR", 14),
        Col("sequence", "NO. URUT EKSPOR", 10, "int"),
        Col("exported_at", "WAKTU EKSPOR", 20),
        Col("rows", "JUMLAH BARIS", 10, "int", total=True),
        Col("status", "STATUS", 14),
        Col("reason", "KETERANGAN", 50),
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
    "survival": (SURVIVAL,),
}

REPORT_TITLES = {
    "bnba": "Daftar penerima (BNBA) dan rekap",
    "recap": "Rekap per kabupaten/kota, kecamatan dan jenis usaha",
    "training": "Pelatihan dan sertifikat",
    "survival": "Keberlanjutan usaha",
}
