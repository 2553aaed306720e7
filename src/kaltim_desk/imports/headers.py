"""Which field a column header names, for the many ways regency offices word their headers.

A header is normalised (`normalize_header`: upper case, parenthesised notes and punctuation dropped), then
its words are brought to one spelling each (`canon`: "TGL"/"TANGGAL" -> TANGGAL, "DLM" -> DALAM,
"KEL"/"KELURAHAN" -> KELURAHAN, "NO"/"NOMOR" -> NO ...). The field is then found by, in order:
1. the exact spellings in `FIELDS` (after the same canonical form);
2. word rules (`_by_words`): a header holding NIK is the NIK, "NAMA" with KUBE/KELOMPOK is the group's
   name, TEMPAT with TANGGAL and LAHIR is the combined "Tempat, tgl lahir" ...; a group header written
   above a two-row header ("KUBE" over "NAMA | JABATAN", "TEMPAT/TGL LAHIR" over "TEMPAT | TANGGAL") is
   passed as `context` and settles what the lower cell alone can not;
3. rapidfuzz against every known spelling, for misspellings ("KECEMATAN", "JABTAN"), at a high cut-off
   so that an unrelated column is left unmapped (and listed as such) rather than guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

# field -> (label shown to the user, header spellings seen in real files)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "no": ("Nomor urut", ("NO", "NOMOR", "NO URUT", "NOMOR URUT", "NMR", "NO URT")),
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
            "NO INDUK KEPENDUDUKAN",
            "NIK PENERIMA",
            "KTP",
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
            "NAMA LENGKAP PENERIMA",
            "NAMA ANGGOTA",
            "NAMA KPM",
            "NAMA PENERIMA MANFAAT",
            "NAMA SESUAI KTP",
            "NAMA PESERTA",
            "NAMA IBU",
            "NAMA PEREMPUAN",
        ),
    ),
    "sex": ("Jenis kelamin", ("JENIS KELAMIN", "JK", "L P", "KELAMIN", "SEX", "GENDER", "J K")),
    "birth_place": ("Tempat lahir", ("TEMPAT LAHIR", "TMP LAHIR", "TEMPAT")),
    "birth_date": ("Tanggal lahir", ("TANGGAL LAHIR", "TGL LAHIR", "TGL LHR", "TANGGAL LHR", "TGL")),
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
        (
            "NO HP",
            "HP",
            "NO TELP",
            "NO TELEPON",
            "TELEPON",
            "NOMOR HP",
            "NO HP WA",
            "WA",
            "NO WA",
            "TELP",
            "NO TELP HP",
            "KONTAK",
        ),
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
    "role": (
        "Jabatan",
        (
            "JABATAN",
            "JABATAN DALAM KUBE",
            "JABATAN KELOMPOK",
            "POSISI",
            "JABATAN DI KUBE",
            "JABATAN DLM KUBE",
            "KEDUDUKAN",
            "KEDUDUKAN DALAM KUBE",
            "STATUS DALAM KUBE",
            "PERAN",
        ),
    ),
    "welfare_source": ("Sumber data", ("SUMBER DATA", "DTKS DTSEN", "STATUS DTKS")),
    "welfare_decile": ("Desil", ("DESIL",)),
    "bank_name": ("Nama bank", ("NAMA BANK", "BANK")),
    "bank_account": ("No. rekening", ("NO REKENING", "NOMOR REKENING", "REKENING", "NO REK")),
    "notes": ("Keterangan", ("KETERANGAN", "KET", "CATATAN")),
    "nik_key": ("Kunci NIK (diabaikan)", ("KUNCI NIK",)),
}
# Columns that are recognised (so they are not reported as unmapped) but not stored.
IGNORED_FIELDS = ("no", "nik_key", "budget_year", "funding_source")
FUZZY_CUTOFF = 88

_PAREN = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[^0-9A-Z]+")
# one spelling per word
_WORDS = {
    "TGL": "TANGGAL",
    "TANGGAL": "TANGGAL",
    "TANGAL": "TANGGAL",
    "LHR": "LAHIR",
    "NOMOR": "NO",
    "NMR": "NO",
    "NOMER": "NO",
    "DLM": "DALAM",
    "DI": "DALAM",
    "KEL": "KELURAHAN",
    "KELURAHAN": "KELURAHAN",
    "DS": "DESA",
    "KECAMATAN": "KEC",
    "KABUPATEN": "KAB",
    "TMP": "TEMPAT",
    "TPT": "TEMPAT",
    "TELEPON": "TELP",
    "TELPON": "TELP",
    "TLP": "TELP",
    "TELEPHONE": "TELP",
    "HANDPHONE": "HP",
    "WHATSAPP": "WA",
    "PONSEL": "HP",
    "REK": "REKENING",
    "KET": "KETERANGAN",
    "KLP": "KELOMPOK",
    "KEL0MPOK": "KELOMPOK",
    "ANGG": "ANGGOTA",
    "PENERIMA": "PENERIMA",
    "PENDUDUK": "PENDUDUK",
}


def normalize_header(text: Any) -> str:
    """Upper case, parenthesised notes and punctuation removed, spaces collapsed ("No. KK" -> "NO KK")."""
    if text is None:
        return ""
    s = _PAREN.sub(" ", str(text).upper())
    return " ".join(_PUNCT.sub(" ", s).split())


def canon(text: Any) -> str:
    """`normalize_header` with every word in one spelling ("Tgl Lhr" -> "TANGGAL LAHIR")."""
    return " ".join(_WORDS.get(w, w) for w in normalize_header(text).split())


SYNONYMS: dict[str, str] = {}
# spellings as written and in canonical form, for fuzzy matching of misspelt headers
_FUZZY: dict[str, str] = {}
for _field, (_label, _spellings) in FIELDS.items():
    for _s in _spellings:
        SYNONYMS.setdefault(canon(_s), _field)
        for _k in (canon(_s), normalize_header(_s)):
            if len(_k) >= 4:
                _FUZZY.setdefault(_k, _field)


def add_synonym(header: str, field: str) -> None:
    """Recognise `header` as `field` (our own export's headers read back as themselves)."""
    SYNONYMS.setdefault(canon(header), field)
    classify.cache_clear()


def _by_words(words: set[str], ctx: set[str]) -> str | None:
    """Word rules: what a header says in its own words, with the group header above it as context."""
    both = words | ctx
    if "KUNCI" in words:
        return "nik_key"
    if "IBU" in words and "KANDUNG" in words:
        return None  # "Nama Ibu Kandung": the mother's name, not ours to store
    if "NIK" in words or ("INDUK" in words and "KEPENDUDUKAN" in both):
        return "nik"
    if {"KEPALA", "KELUARGA"} <= words:
        return "household_head"
    if "KK" in words or "NKK" in words or {"KARTU", "KELUARGA"} <= words:
        return "kk_number"
    if words & {"JABATAN", "KEDUDUKAN", "POSISI", "PERAN"}:
        return "role"
    if "TTL" in words or ({"TEMPAT", "TANGGAL"} <= words and "LAHIR" in both):
        return "ttl"
    if "TANGGAL" in words and "LAHIR" in both:
        return "birth_date"
    if "TEMPAT" in words and "LAHIR" in both:
        return "birth_place"
    if "LAHIR" in words and "TANGGAL" in ctx:
        return "birth_date"
    if "LAHIR" in words and "TEMPAT" in ctx:
        return "birth_place"
    if words & {"HP", "WA", "TELP", "KONTAK"}:
        return "phone"
    if "REKENING" in words:
        return "bank_account"
    if "BANK" in words:
        return "bank_name"
    if words & {"DESA", "KELURAHAN"}:
        return "village"
    if "KEC" in words:
        return "district"
    if words & {"KAB", "KOTA"}:
        return "regency"
    if "RT" in words and "RW" in words:
        return "rt_rw"
    if "USAHA" in words:
        return "business_type"
    if words & {"BANTUAN", "NOMINAL"} or ("NILAI" in words and "BANTUAN" in ctx):
        return "aid_value"
    if "DESIL" in words:
        return "welfare_decile"
    if words & {"DTKS", "DTSEN"}:
        return "welfare_source"
    if "NAMA" in words:
        if both & {"KUBE", "KELOMPOK"}:
            return "group_name"
        if "BANK" in both:
            return "bank_name"
        return "name"
    if words & {"KUBE", "KELOMPOK"}:
        return "group_name"
    if words & {"KELAMIN", "JK"}:
        return "sex"
    if words & {"ALAMAT", "JALAN", "DUSUN"}:
        return "street"
    if words & {"KETERANGAN", "CATATAN"}:
        return "notes"
    return None


@lru_cache(maxsize=4096)
def classify(header: str, context: str = "") -> str | None:
    """The field `header` names (see the module docstring), or None. `context`: the group header written
    above it in a two-row header, "" if none."""
    key = canon(header)
    if not key:
        return None
    ctx_key = canon(context) if context and canon(context) != key else ""
    if ctx_key:
        # the lower cell read with its group: "NAMA" under "KUBE" is the group's name
        for combined in (f"{key} {ctx_key}", f"{ctx_key} {key}"):
            if combined in SYNONYMS and SYNONYMS[combined] != SYNONYMS.get(key):
                return SYNONYMS[combined]
        by_words = _by_words(set(key.split()), set(ctx_key.split()))
        if by_words is not None:
            return by_words
    if key in SYNONYMS:
        return SYNONYMS[key]
    by_words = _by_words(set(key.split()), set())
    if by_words is not None:
        return by_words
    if len(key) < 4:
        return None
    hit = process.extractOne(key, list(_FUZZY), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return _FUZZY[hit[0]] if hit else None


def field_label(field: str) -> str:
    return FIELDS[field][0] if field in FIELDS else field


def field_from_user(text: str) -> str | None:
    """A field named by a clerk on the command line: its key ("role"), its label ("Jabatan") or any header
    spelling of it ("jabatan dlm kube"); "-"/"abaikan"/"ignore" is "leave this column out" ("")."""
    t = " ".join(text.split()).strip()
    if t.lower() in ("-", "abaikan", "ignore", "lewati"):
        return ""
    if t in FIELDS:
        return t
    for key, (label, _s) in FIELDS.items():
        if normalize_header(label) == normalize_header(t):
            return key
    return classify(t)
