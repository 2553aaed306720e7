"""How a cell of a clerk's sheet reads: the value as the clerk sees it, the words that mark totals,
signatures, sub-headings and empty cells, roles and sexes as clerks write them, the hints and the names
of the warning kinds. Tables and small pure functions for `import_validate.validate_sheet`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from kaltim_desk.domain.money import parse_rupiah
from kaltim_desk.imports.headers import normalize_header

WARNING_LABELS = {
    "nik_male": "NIK laki-laki (disimpan sebagai laki-laki)",
    "nik_region": "NIK terbit di luar wilayah yang dikenal",
    "birth_date_mismatch": "tanggal lahir berbeda dengan NIK",
    "sex_mismatch": "jenis kelamin berbeda dengan NIK",
    "date_invalid": "tanggal lahir tak terbaca (dipakai tanggal dari NIK)",
    "phone_invalid": "no. HP tidak valid (dikosongkan)",
    "village_unknown": "desa/kelurahan tidak dikenal (dikosongkan)",
    "village_ambiguous": "desa/kelurahan ada di beberapa kecamatan (dikosongkan)",
    "village_fuzzy": "ejaan desa/kelurahan dibetulkan",
    "district_unknown": "kecamatan tidak dikenal",
    "district_fuzzy": "ejaan kecamatan dibetulkan",
    "regency_unknown": "kabupaten/kota tidak dikenal",
    "role_unknown": "jabatan tidak dikenal (dicatat anggota)",
    "role_taken": "jabatan sudah terisi di kelompok itu (dicatat anggota)",
    "sex_invalid": "jenis kelamin tak terbaca (dipakai dari NIK)",
    "kk_invalid": "No. KK tidak sah (dikosongkan)",
    "kk_number": "No. KK berupa angka (dikosongkan)",
    "account_number": "no. rekening berupa angka (dikosongkan)",
    "money_invalid": "nilai bantuan tak terbaca (dikosongkan)",
    "decile_invalid": "desil tak terbaca (dikosongkan)",
    "yes_no": "isian kepala keluarga tak terbaca",
    "formula_text": "rumus di kolom teks (dikosongkan)",
    "formula_no_value": "rumus tanpa nilai (dikosongkan)",
    "other": "isian lain dikosongkan",
}

_TOTAL_WORDS = {
    "JUMLAH",
    "TOTAL",
    "JUMLAH TOTAL",
    "GRAND TOTAL",
    "SUB TOTAL",
    "SUBTOTAL",
    "TOTAL KESELURUHAN",
}
_SIGNATURE_WORDS = (
    "MENGETAHUI",
    "KEPALA DINAS",
    "KEPALA BIDANG",
    "KEPALA SEKSI",
    "DIBUAT OLEH",
    "DISUSUN OLEH",
    "TTD",
    "TANDA TANGAN",
    "PETUGAS",
    "PENDAMPING",
    "NIP ",
    "NIP.",
    "PEMBINA",
    "PENATA",
    "AN KEPALA",
    "A N KEPALA",
)
_SUBHEADING = re.compile(r"^(KEC|KECAMATAN|DESA|KEL|KELURAHAN|KUBE|KELOMPOK|KAB|KABUPATEN|KOTA)\b")
_DATE_LINE = re.compile(r"^[A-Z .]+,\s*\d{1,2}\s+[A-Z]+\s+\d{4}$")
SCIENTIFIC = re.compile(r"^\d([.,]\d+)?E\+?\d+$", re.IGNORECASE)
_NONZERO_DIGIT = re.compile(r"[1-9]")
EMPTY_MARKS = {"-", "--", "0", "—", ".", "TIDAK ADA", "TDK ADA", "BELUM ADA", "NIHIL", "N A", "NA"}
# word prefix -> role ("Sekr.", "Bend.", "KETUA KUBE", "Ketua Kelompok"); "Wakil ..." is none of the three
_ROLE_PREFIXES = (
    ("WAKIL", None),
    ("KETU", "ketua"),
    ("SEK", "sekretaris"),
    ("BEND", "bendahara"),
    ("BDH", "bendahara"),
    ("ANG", "anggota"),
    ("AGT", "anggota"),
)
SEX_WORDS = {
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "PR": "P",
    "W": "P",
    "F": "P",
    "L": "L",
    "LAKI LAKI": "L",
    "LAKI": "L",
    "LK": "L",
    "PRIA": "L",
    "M": "L",
}
YES_WORDS = {"YA", "Y", "1", "V", "YES", "BENAR", "KEPALA KELUARGA", "KK"}
NO_WORDS = {"TIDAK", "T", "0", "N", "NO", "BUKAN", ""}
HINTS = {
    "nik_number": "Format kolom NIK sebagai Teks lalu ketik ulang NIK dari KTP/KK (atau awali dengan tanda petik ').",
    "kk_number": "Format kolom No. KK sebagai Teks lalu ketik ulang dari kartu keluarga.",
    "formula": "Ganti rumus dengan isian yang diketik (salin, lalu Tempel Khusus > Nilai), lalu impor lagi.",
    "date": "Tulis tanggal seperti 17-08-1980 atau 17 Agustus 1980.",
    "money": "Tulis jumlah rupiah utuh, mis. 2.000.000 atau Rp 2.000.000.",
    "village": "Periksa ejaan desa/kelurahan dan isi kolom kecamatan agar desa dapat dikenali.",
    "nik": "Periksa NIK pada KTP/KK: 16 digit angka.",
    "role": "Jabatan: Ketua, Sekretaris, Bendahara atau Anggota.",
    "phone": "Tulis nomor seperti 0812-3456-7890.",
    "nik_masked": "Minta ekspor lengkap (terenkripsi, dengan kata sandi) dari kantor pengirim.",
    "duplicate": "Hapus baris ganda atau perbaiki NIK salah satunya.",
    "required": "Kantor mewajibkan isian ini (Pengaturan impor); lengkapi lalu impor lagi.",
    "default": "Perbaiki isian ini pada berkas asli lalu impor lagi.",
}
# columns that hold typed text: a formula there is never what the clerk typed (issue: "KLIK")
TEXT_FIELDS = frozenset(
    {
        "nik",
        "kk_number",
        "name",
        "sex",
        "birth_place",
        "ttl",
        "street",
        "rt",
        "rw",
        "rt_rw",
        "village",
        "district",
        "regency",
        "phone",
        "household_head",
        "business_type",
        "group_name",
        "role",
        "welfare_source",
        "bank_name",
        "bank_account",
        "notes",
    }
)
# fields that may be required by an office setting, and the person field each fills
REQUIRABLE = {
    "birth_date": "birth_date",
    "village": "village_code",
    "phone": "phone",
    "kk_number": "kk_number",
    "group_name": "group_name",
    "role": "role",
    "birth_place": "birth_place",
    "business_type": "business_type",
}


def shown(v: Any) -> str:
    """A cell as the clerk sees it: 25709 not 25709.0, 12-05-1980 for a date."""
    if v is None:
        return ""
    if type(v) is str:  # the usual cell, first
        return " ".join(v.split()) if ("\n" in v or "  " in v or v != v.strip()) else v
    if isinstance(v, bool):
        return "YA" if v else "TIDAK"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.15g}"
    if isinstance(v, datetime):
        return f"{v:%d-%m-%Y}" if not (v.hour or v.minute or v.second) else f"{v:%d-%m-%Y %H:%M}"
    if isinstance(v, date):
        return f"{v:%d-%m-%Y}"
    s = str(v)
    return " ".join(s.split()) if ("\n" in s or "  " in s or s != s.strip()) else s


def raw_text(v: Any) -> str:
    """Text as typed (for names and free text, which the registry cleans itself)."""
    if v is None:
        return ""
    if type(v) is str:
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime | date):
        return shown(v)
    return str(v)


def is_empty_mark(s: str) -> bool:
    """ "-", "0", "tidak ada"...: a cell that says "nothing" rather than holding a value."""
    if len(s) > 12 or ("(" not in s and _NONZERO_DIGIT.search(s)):
        return False  # no mark has a digit 1-9, and only a note in brackets could hide one
    return s.strip() in EMPTY_MARKS or normalize_header(s) in EMPTY_MARKS


@lru_cache(maxsize=4096)
def rupiah(value: str | int | float) -> int:
    """`parse_rupiah`, remembered: a sheet repeats the same amount down its rows."""
    return parse_rupiah(value)


@lru_cache(maxsize=1024)
def role_of(text: Any) -> str | None:
    """ "Sekr.", "Bend.", "KETUA KUBE", "Ketua Kelompok" -> the role; "" -> member; unknown -> None."""
    norm = normalize_header(text)
    if not norm:
        return "anggota"
    for word in norm.split():
        for prefix, role in _ROLE_PREFIXES:
            if word.startswith(prefix):
                return role
    return None


def row_kind(cells: Sequence[Any]) -> str | None:
    """'blank', 'total', 'signature', 'subheading' or None (a data row)."""
    values = [v for v in cells if v not in (None, "")]
    if not values:
        return "blank"
    texts = [normalize_header(v) for v in values]
    if any(
        t in _TOTAL_WORDS or t.startswith(("JUMLAH ", "TOTAL ", "SUB TOTAL ", "SUBTOTAL ")) for t in texts
    ):
        return "total"
    joined = " ".join(str(v).upper() for v in values)
    if any(w in joined for w in _SIGNATURE_WORDS) or any(
        _DATE_LINE.match(str(v).upper().strip()) for v in values if isinstance(v, str)
    ):
        return "signature"
    strings = [v for v in values if isinstance(v, str)]
    if len(strings) == 1 and len(values) <= 2 and _SUBHEADING.match(normalize_header(strings[0])):
        return "subheading"
    return None
