"""Finding the header row and proposing a column mapping for the spreadsheets clerks really have.

A header cell is normalised (upper case, punctuation and parenthesised notes removed, spaces collapsed:
"No. KK" -> "NO KK", "TEMPAT, TGL LAHIR" -> "TEMPAT TGL LAHIR", "NIK (16 digit)" -> "NIK") and looked up in
`SYNONYMS`. The header row is the row among the first `SCAN_ROWS` that maps the most distinct fields and
names at least a NIK or a name column; title rows above it are ignored. The user confirms or corrects the
proposal; a confirmed mapping can be saved as a preset (header text -> field) and applied to the next file
of the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kaltim_desk.exports import layouts

SCAN_ROWS = 30

# field -> (label shown to the user, header spellings seen in real files)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "no": ("Nomor urut", ("NO", "NOMOR", "NO URUT", "NOMOR URUT", "NMR")),
    "nik": (
        "NIK",
        (
            "NIK",
            "NO NIK",
            "NOMOR NIK",
            "NIK KTP",
            "NO KTP",
            "NOMOR KTP",
            "NOMOR INDUK KEPENDUDUKAN",
            "NIK PENERIMA",
        ),
    ),
    "kk_number": (
        "No. KK",
        ("NO KK", "NOMOR KK", "KK", "NKK", "NO KARTU KELUARGA", "NOMOR KARTU KELUARGA", "NO NKK"),
    ),
    "name": (
        "Nama",
        (
            "NAMA",
            "NAMA LENGKAP",
            "NAMA PENERIMA",
            "NAMA ANGGOTA",
            "NAMA KPM",
            "NAMA PENERIMA MANFAAT",
            "NAMA SESUAI KTP",
            "NAMA PESERTA",
        ),
    ),
    "sex": ("Jenis kelamin", ("JENIS KELAMIN", "JK", "L P", "KELAMIN", "SEX", "GENDER", "J K")),
    "birth_place": ("Tempat lahir", ("TEMPAT LAHIR", "TMP LAHIR", "TEMPAT")),
    "birth_date": ("Tanggal lahir", ("TANGGAL LAHIR", "TGL LAHIR", "TGL LHR", "TANGGAL LHR")),
    "ttl": (
        "Tempat, tanggal lahir",
        ("TEMPAT TGL LAHIR", "TTL", "TEMPAT TANGGAL LAHIR", "TEMPAT DAN TANGGAL LAHIR", "TEMPAT TGL LHR"),
    ),
    "street": ("Alamat", ("ALAMAT", "ALAMAT LENGKAP", "JALAN", "ALAMAT RUMAH", "DUSUN", "ALAMAT JALAN")),
    "rt": ("RT", ("RT",)),
    "rw": ("RW", ("RW",)),
    "rt_rw": ("RT/RW", ("RT RW",)),
    "village": (
        "Desa/kelurahan",
        ("DESA", "KELURAHAN", "DESA KEL", "DESA KELURAHAN", "KEL DESA", "KELURAHAN DESA", "KEL", "DS KEL"),
    ),
    "district": ("Kecamatan", ("KEC", "KECAMATAN")),
    "regency": ("Kabupaten/kota", ("KAB KOTA", "KABUPATEN KOTA", "KABUPATEN", "KOTA", "KAB")),
    "phone": (
        "No. HP",
        ("NO HP", "HP", "NO TELP", "NO TELEPON", "TELEPON", "NOMOR HP", "NO HP WA", "WA", "NO WA", "TELP"),
    ),
    "household_head": (
        "Kepala keluarga",
        ("KEPALA KELUARGA", "KK PEREMPUAN", "PEKKA", "STATUS KEPALA KELUARGA"),
    ),
    "business_type": (
        "Jenis usaha",
        ("JENIS USAHA", "USAHA", "BIDANG USAHA", "JENIS KEGIATAN USAHA", "JENIS USAHA KUBE"),
    ),
    "aid_value": (
        "Nilai bantuan",
        (
            "NILAI BANTUAN",
            "BANTUAN",
            "JUMLAH BANTUAN",
            "NOMINAL",
            "NOMINAL BANTUAN",
            "BESAR BANTUAN",
            "NILAI",
        ),
    ),
    "funding_source": ("Sumber dana", ("SUMBER DANA", "SUMBER ANGGARAN")),
    "budget_year": ("Tahun anggaran", ("TAHUN ANGGARAN", "TAHUN")),
    "group_name": ("Nama KUBE", ("NAMA KUBE", "KUBE", "NAMA KELOMPOK", "KELOMPOK", "NAMA KELOMPOK KUBE")),
    "role": ("Jabatan", ("JABATAN", "JABATAN DALAM KUBE", "JABATAN KELOMPOK", "POSISI", "JABATAN DI KUBE")),
    "welfare_source": ("Sumber data", ("SUMBER DATA", "DTKS DTSEN", "STATUS DTKS")),
    "welfare_decile": ("Desil", ("DESIL",)),
    "bank_name": ("Nama bank", ("NAMA BANK", "BANK")),
    "bank_account": ("No. rekening", ("NO REKENING", "NOMOR REKENING", "REKENING", "NO REK")),
    "notes": ("Keterangan", ("KETERANGAN", "KET", "CATATAN")),
    "nik_key": ("Kunci NIK (diabaikan)", ("KUNCI NIK",)),
}
IGNORED_FIELDS = ("no", "nik_key", "budget_year", "funding_source")

_PAREN = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[^0-9A-Z]+")


def normalize_header(text: Any) -> str:
    if text is None:
        return ""
    s = _PAREN.sub(" ", str(text).upper())
    return " ".join(_PUNCT.sub(" ", s).split())


SYNONYMS: dict[str, str] = {}
for _field, (_label, _spellings) in FIELDS.items():
    for _s in _spellings:
        SYNONYMS.setdefault(normalize_header(_s), _field)
# Our own export's headers read back as themselves (the round trip).
for _col in layouts.BNBA.columns:
    if _col.masked_only:  # a masked export's birth year is not a field a person can be imported from
        continue
    SYNONYMS.setdefault(
        normalize_header(_col.header), {"household_head": "household_head"}.get(_col.key, _col.key)
    )


def field_for(header: Any) -> str | None:
    return SYNONYMS.get(normalize_header(header))


@dataclass(frozen=True)
class HeaderGuess:
    row: int  # 0-based
    mapping: dict[int, str]  # column index -> field
    headers: dict[int, str]  # column index -> header text as written

    @property
    def fields(self) -> set[str]:
        return set(self.mapping.values())


def map_row(row: Sequence[Any]) -> tuple[dict[int, str], dict[int, str]]:
    mapping: dict[int, str] = {}
    headers: dict[int, str] = {}
    used: set[str] = set()
    for c, v in enumerate(row):
        if v in (None, ""):
            continue
        headers[c] = " ".join(str(v).split())
        f = field_for(v)
        if f and f not in used:
            mapping[c] = f
            used.add(f)
    return mapping, headers


def detect_header(rows: Sequence[Sequence[Any]]) -> HeaderGuess | None:
    """The most header-like row among the first SCAN_ROWS, or None."""
    best: HeaderGuess | None = None
    for r, row in enumerate(rows[:SCAN_ROWS]):
        mapping, headers = map_row(row)
        fields = set(mapping.values())
        if len(fields) < 2 or not ({"nik", "name"} & fields):
            continue
        if best is None or len(fields) > len(best.fields):
            best = HeaderGuess(r, mapping, headers)
    return best


def apply_preset(rows: Sequence[Sequence[Any]], preset: dict[str, Any]) -> HeaderGuess | None:
    """Use a saved preset: its header row if it names one, else detection; its header->field choices win."""
    columns: dict[str, str] = {normalize_header(k): v for k, v in (preset.get("columns") or {}).items()}
    row_index = preset.get("header_row")
    candidates = [int(row_index)] if isinstance(row_index, int) else range(min(SCAN_ROWS, len(rows)))
    best: HeaderGuess | None = None
    for r in candidates:
        if r >= len(rows):
            continue
        mapping, headers = map_row(rows[r])
        for c, text in headers.items():
            f = columns.get(normalize_header(text))
            if f:
                mapping = {k: v for k, v in mapping.items() if v != f}
                mapping[c] = f
        fields = set(mapping.values())
        if len(fields) >= 2 and (best is None or len(fields) > len(best.fields)):
            best = HeaderGuess(r, mapping, headers)
    return best


def is_column_number_row(row: Sequence[Any]) -> bool:
    """The "1 2 3 4 ..." row many templates put under the header."""
    values = [v for v in row if v not in (None, "")]
    if len(values) < 3:
        return False
    nums = []
    for v in values:
        s = str(v).strip().strip("()")
        try:
            f = float(s)
        except ValueError:
            return False
        if not f.is_integer():
            return False
        nums.append(int(f))
    return nums == list(range(nums[0], nums[0] + len(nums)))
