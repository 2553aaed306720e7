"""Validating every row of an imported sheet, before anything is stored (RELIABILITY R12-R15).

Every row under the header ends in exactly one status:
- ``ok``: valid and new; it will be imported if the user confirms;
- ``exists``: a person with this NIK is already registered ("sudah ada"); skipped, so importing the same
  file twice adds nothing;
- ``skipped``: a blank row, the column-number row under the header, a total row or the signature block
  at the bottom, said so in `reason`;
- ``rejected``: at least one problem; each `Problem` names the sheet, row, column, value (NIK/KK
  masked), rule and an Indonesian hint.

Person fields are checked by the registry's own `people.validate_person`, so an import accepts exactly
what the form accepts. Village, sub-district and regency given by NAME are resolved to region codes here
(case, spacing and "Kel."/"Desa"/"Kec." prefixes ignored); an unknown or ambiguous name is a problem.
Cells that can not be trusted are refused: a NIK/KK/account typed as a number (its last digit is gone), a
formula without a cached value, an impossible date, an amount that is not whole rupiah.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desk.core.dto import PersonInput
from kaltim_desk.core.errors import DomainError, ValidationFailed
from kaltim_desk.domain.dates import DateParseError, parse_date_flexible, parse_place_and_date
from kaltim_desk.domain.money import MoneyError, parse_rupiah
from kaltim_desk.domain.nik import check_kk, check_nik, mask_kk, mask_nik, normalize_nik
from kaltim_desk.imports.mapping import (
    FIELDS,
    IGNORED_FIELDS,
    HeaderGuess,
    is_column_number_row,
    normalize_header,
)
from kaltim_desk.imports.reader import SheetGrid, col_letter
from kaltim_desk.models.region import Region

OK, EXISTS, SKIPPED, REJECTED = "ok", "exists", "skipped", "rejected"
STATUS_LABELS = {OK: "siap diimpor", EXISTS: "sudah ada", SKIPPED: "dilewati", REJECTED: "ditolak"}

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
_DATE_LINE = re.compile(r"^[A-Z .]+,\s*\d{1,2}\s+[A-Z]+\s+\d{4}$")
_ROLES = {
    "KETUA": "ketua",
    "KETUA KUBE": "ketua",
    "KETUA KELOMPOK": "ketua",
    "SEKRETARIS": "sekretaris",
    "SEKERTARIS": "sekretaris",
    "SEKR": "sekretaris",
    "SEK": "sekretaris",
    "BENDAHARA": "bendahara",
    "BEND": "bendahara",
    "BENDAHARI": "bendahara",
    "ANGGOTA": "anggota",
    "": "anggota",
}
_SEX = {
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "PR": "P",
    "W": "P",
    "L": "L",
    "LAKI LAKI": "L",
    "LAKI": "L",
    "LK": "L",
    "PRIA": "L",
}
_YES = {"YA", "Y", "1", "V", "YES", "BENAR", "KEPALA KELUARGA", "KK"}
_NO = {"TIDAK", "T", "0", "N", "NO", "BUKAN", ""}
_HINTS = {
    "nik_number": "Format kolom NIK sebagai Teks lalu ketik ulang NIK dari KTP/KK (atau awali dengan tanda petik ').",
    "kk_number": "Format kolom No. KK sebagai Teks lalu ketik ulang dari kartu keluarga.",
    "formula": "Buka berkas di Excel, biarkan rumus dihitung, simpan, lalu impor lagi; atau ganti rumus dengan nilainya.",
    "date": "Tulis tanggal seperti 17-08-1980 atau 17 Agustus 1980 (tahun 4 digit).",
    "money": "Tulis jumlah rupiah utuh, mis. 2.000.000 atau Rp 2.000.000.",
    "village": "Periksa ejaan desa/kelurahan dan isi kolom kecamatan agar desa dapat dikenali.",
    "nik": "Periksa NIK pada KTP/KK: 16 digit angka.",
    "role": "Jabatan: Ketua, Sekretaris, Bendahara atau Anggota.",
    "nik_masked": "Minta ekspor lengkap (terenkripsi, dengan kata sandi) dari kantor pengirim.",
    "duplicate": "Hapus baris ganda atau perbaiki NIK salah satunya.",
    "default": "Perbaiki isian ini pada berkas asli lalu impor lagi.",
}


class ImportCancelled(DomainError):
    def __init__(self) -> None:
        super().__init__("cancelled", "Pemeriksaan berkas dibatalkan; tidak ada yang disimpan.")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # as Excel numbers it (1-based)
    column: str  # "C (NIK)"
    value: str  # NIK/KK masked
    rule: str
    message: str
    hint: str


@dataclass
class RowResult:
    row: int  # 1-based Excel row number
    status: str
    reason: str = ""
    person: PersonInput | None = None
    group_name: str = ""
    role: str = "anggota"
    aid_value: int | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cells: list[Any] = field(default_factory=list)  # the original row, for the problem report

    @property
    def nik(self) -> str:
        return self.person.nik if self.person else ""


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.date().isoformat() if not (v.hour or v.minute or v.second) else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return " ".join(str(v).split()) if isinstance(v, str) and ("\n" in v or "  " in v) else str(v).strip()


def _raw_text(v: Any) -> str:
    """Text exactly as typed (for names and free text, which the registry cleans itself)."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _compact(s: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", s.upper())


_VILLAGE_PREFIX = re.compile(r"^(KELURAHAN|KEL|DESA|DS)\b\.?\s*")
_DISTRICT_PREFIX = re.compile(r"^(KECAMATAN|KEC)\b\.?\s*")
_REGENCY_PREFIX = re.compile(r"^(KABUPATEN|KAB|KOTA|KOTAMADYA)\b\.?\s*")


def _key(name: str, prefix: re.Pattern[str]) -> str:
    s = " ".join(name.upper().replace(".", ". ").split())
    s = prefix.sub("", s)
    return _compact(s)


class RegionResolver:
    """Village/sub-district/regency names -> codes, within the office's region."""

    def __init__(self, session: Session, scope: str = "64") -> None:
        self.villages: dict[str, list[str]] = defaultdict(list)
        self.districts: dict[str, list[str]] = defaultdict(list)
        self.regencies: dict[str, list[str]] = defaultdict(list)
        self.codes: dict[str, tuple[int, str]] = {}
        for code, name, level in session.execute(select(Region.code, Region.name, Region.level)):
            self.codes[code] = (level, name)
            if scope and not (code == scope or code.startswith(scope + ".") or scope.startswith(code)):
                continue
            if level == 4:
                self.villages[_key(name, _VILLAGE_PREFIX)].append(code)
            elif level == 3:
                self.districts[_key(name, _DISTRICT_PREFIX)].append(code)
            elif level == 2:
                self.regencies[_key(name, _REGENCY_PREFIX)].append(code)

    def _as_code(self, text: str, level: int) -> str | None:
        digits = re.sub(r"[^0-9]", "", text)
        if not digits or len(digits) != {2: 4, 3: 6, 4: 10}[level] or re.search(r"[A-Za-z]", text):
            return None
        code = ".".join(p for p in (digits[:2], digits[2:4], digits[4:6], digits[6:]) if p)
        return code if self.codes.get(code, (0, ""))[0] == level else None

    def resolve(self, village: str, district: str, regency: str) -> tuple[str | None, str | None, str]:
        """(village code, problem rule, message)."""
        reg_codes: list[str] = []
        if regency:
            reg_codes = [c for c in [self._as_code(regency, 2)] if c] or self.regencies.get(
                _key(regency, _REGENCY_PREFIX), []
            )
            if not reg_codes:
                return None, "regency_unknown", f"Kabupaten/kota '{regency}' tidak dikenal"
        dist_codes: list[str] = []
        if district:
            dist_codes = [c for c in [self._as_code(district, 3)] if c] or self.districts.get(
                _key(district, _DISTRICT_PREFIX), []
            )
            if reg_codes:
                dist_codes = [c for c in dist_codes if c[:5] in reg_codes]
            if not dist_codes:
                return (
                    None,
                    "district_unknown",
                    f"Kecamatan '{district}' tidak dikenal" + (f" di {regency}" if regency else ""),
                )
        if not village:
            return None, None, ""
        direct = self._as_code(village, 4)
        if direct:
            return direct, None, ""
        cands = self.villages.get(_key(village, _VILLAGE_PREFIX), [])
        if dist_codes:
            cands = [c for c in cands if c[:8] in dist_codes]
        elif reg_codes:
            cands = [c for c in cands if c[:5] in reg_codes]
        if not cands:
            where = f" di Kecamatan {district}" if district else ""
            return None, "village_unknown", f"Desa/kelurahan '{village}' tidak dikenal{where}"
        if len(cands) > 1:
            names = ", ".join(sorted({self.codes[c[:8]][1] for c in cands if c[:8] in self.codes}))
            return (
                None,
                "village_ambiguous",
                (f"Desa/kelurahan '{village}' ada di beberapa kecamatan ({names}); isi kolom kecamatan"),
            )
        return cands[0], None, ""


def _row_kind(cells: Sequence[Any]) -> str | None:
    """'blank', 'total', 'signature' or None (a data row)."""
    texts = [normalize_header(v) for v in cells if v not in (None, "")]
    if not texts:
        return "blank"
    if any(t in _TOTAL_WORDS or t.startswith("JUMLAH ") for t in texts):
        return "total"
    joined = " ".join(str(v).upper() for v in cells if v not in (None, ""))
    if any(w in joined for w in _SIGNATURE_WORDS) or any(
        _DATE_LINE.match(str(v).upper().strip()) for v in cells if isinstance(v, str)
    ):
        return "signature"
    return None


def validate_sheet(
    session: Session,
    grid: SheetGrid,
    guess: HeaderGuess,
    *,
    default_sex: str = "P",
    region_scope: str = "64",
    progress: Callable[[int, int, str], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[RowResult]:
    """Validate every row under the header of `grid` (see the module docstring); nothing is stored."""
    from kaltim_desk.services.registry.people import PersonChecks, validate_person

    resolver = RegionResolver(session, region_scope)
    col_of = {f: c for c, f in guess.mapping.items()}
    # The registry's lookups, read once for the sheet; who holds the sheet's NIKs, in a few queries.
    checks = PersonChecks.load(session)
    nik_col = col_of.get("nik")
    if nik_col is not None:
        checks.prefetch(
            session,
            (
                normalize_nik(_text(row[nik_col]))
                for row in grid.rows[guess.row + 1 :]
                if nik_col < len(row) and isinstance(row[nik_col], str)
            ),
        )
    mapped_cols = {c for c, f in guess.mapping.items() if f not in IGNORED_FIELDS}
    sheet = grid.name
    results: list[RowResult] = []
    seen_nik: dict[str, int] = {}
    group_roles: dict[tuple[str, str], int] = {}
    in_signature = False
    total = max(len(grid.rows) - guess.row - 1, 1)

    def colname(f: str) -> str:
        c = col_of[f]
        return f"{col_letter(c)} ({guess.headers.get(c, FIELDS[f][0])})"

    for r in range(guess.row + 1, len(grid.rows)):
        done = r - guess.row
        if done % 500 == 0:
            if is_cancelled is not None and is_cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(done, total, sheet)
        cells = list(grid.rows[r])
        excel_row = r + 1
        res = RowResult(excel_row, OK, cells=cells)
        results.append(res)

        def get(f: str, cells: list[Any] = cells) -> Any:
            c = col_of.get(f)
            if c is None or c >= len(cells):
                return None
            return cells[c]

        def problem(
            f: str,
            rule: str,
            message: str,
            hint_key: str = "default",
            value: Any = None,
            res: RowResult = res,
            excel_row: int = excel_row,
        ) -> None:
            v = get(f) if value is None else value
            shown = _text(v)
            if f in ("nik", "kk_number") and shown:
                shown = (
                    (mask_nik if f == "nik" else mask_kk)(normalize_nik(shown))
                    if isinstance(v, str)
                    else "(angka)"
                )
            res.problems.append(
                Problem(
                    sheet,
                    excel_row,
                    colname(f) if f in col_of else f,
                    shown,
                    rule,
                    message,
                    _HINTS.get(hint_key, _HINTS["default"]),
                )
            )

        nik_raw, name_raw = get("nik"), get("name")
        kind = _row_kind(cells)
        if r == guess.row + 1 and is_column_number_row(cells):
            res.status, res.reason = SKIPPED, "baris nomor kolom di bawah judul"
            continue
        if kind == "blank":
            res.status, res.reason = SKIPPED, "baris kosong"
            continue
        has_nik = isinstance(nik_raw, int | float) or sum(ch.isdigit() for ch in _text(nik_raw)) >= 6
        if kind == "total" and not has_nik:
            res.status, res.reason = SKIPPED, "baris jumlah/total"
            continue
        if (kind == "signature" or in_signature) and not has_nik:
            in_signature = True
            res.status, res.reason = SKIPPED, "bagian tanda tangan/keterangan di bawah tabel"
            continue
        if not has_nik and name_raw in (None, ""):
            # some other text in a data row: refuse it rather than silently drop it
            problem(
                "nik", "nik_empty", "NIK dan nama kosong, tetapi baris berisi data lain", "nik"
            ) if "nik" in col_of else None
            res.status = REJECTED
            if not res.problems:
                res.problems.append(
                    Problem(
                        sheet,
                        excel_row,
                        "-",
                        "",
                        "row_unreadable",
                        "Baris tanpa NIK dan nama",
                        _HINTS["default"],
                    )
                )
            continue

        # formulas whose value was never calculated: refused, not read as empty
        for c in mapped_cols:
            if (r, c) in grid.formula_no_value:
                f = guess.mapping[c]
                problem(
                    f,
                    "formula_no_value",
                    f"Sel {col_letter(c)}{excel_row} berisi rumus tanpa nilai tersimpan",
                    "formula",
                    value="(rumus)",
                )

        values: dict[str, Any] = {}
        # identity numbers: text only (R12)
        if isinstance(nik_raw, int | float) and not isinstance(nik_raw, bool):
            res_nik = check_nik(nik_raw)
            problem(
                "nik",
                "nik_number",
                res_nik.errors[0].message if res_nik.errors else "NIK berupa angka",
                "nik_number",
            )
            nik_text = ""
        else:
            nik_text = normalize_nik(_text(nik_raw))
            if "*" in nik_text:
                problem(
                    "nik",
                    "nik_masked",
                    "NIK disamarkan (berisi *); berkas dengan NIK tersamar tidak dapat diimpor",
                    "nik_masked",
                )
                nik_text = ""
        kk_raw = get("kk_number")
        if isinstance(kk_raw, int | float) and not isinstance(kk_raw, bool):
            res_kk = check_kk(kk_raw)
            problem(
                "kk_number",
                "kk_number",
                res_kk.errors[0].message if res_kk.errors else "No. KK berupa angka",
                "kk_number",
            )
            kk_text = ""
        else:
            kk_text = _text(kk_raw)
        acct_raw = get("bank_account")
        if isinstance(acct_raw, int | float) and not isinstance(acct_raw, bool):
            problem(
                "bank_account",
                "account_number",
                "Nomor rekening tersimpan sebagai angka; digit awal/akhirnya bisa hilang",
                "nik_number",
            )
            acct_raw = None

        # birth place and date
        birth_place = _raw_text(get("birth_place")).strip()
        birth_date: date | None = None
        bd = get("birth_date")
        if bd not in (None, ""):
            try:
                birth_date = parse_date_flexible(bd if not isinstance(bd, datetime) else bd.date())
            except DateParseError as exc:
                problem("birth_date", "date_invalid", str(exc), "date")
        ttl = get("ttl")
        if ttl not in (None, "") and birth_date is None:
            if isinstance(ttl, date):
                birth_date = ttl if not isinstance(ttl, datetime) else ttl.date()
            else:
                try:
                    place, when = parse_place_and_date(_raw_text(ttl))
                    birth_date = when
                    birth_place = birth_place or place
                except DateParseError as exc:
                    problem("ttl", "date_invalid", str(exc), "date")

        sex_raw = normalize_header(get("sex"))
        sex = _SEX.get(sex_raw, "?" if sex_raw else default_sex)
        if sex == "?":
            problem("sex", "sex_invalid", f"Jenis kelamin '{_text(get('sex'))}' tidak dikenal (P atau L)")
            sex = default_sex

        rt, rw = _text(get("rt")), _text(get("rw"))
        if "rt_rw" in col_of and not (rt or rw):
            parts = re.split(r"[/\\\-. ]+", _text(get("rt_rw")))
            parts = [p for p in parts if p]
            rt = parts[0] if parts else ""
            rw = parts[1] if len(parts) > 1 else ""

        village_code = ""
        v_text, d_text, g_text = _text(get("village")), _text(get("district")), _text(get("regency"))
        if v_text or d_text or g_text:
            code, rule, msg = resolver.resolve(v_text, d_text, g_text)
            if rule:
                f = {"regency_unknown": "regency", "district_unknown": "district"}.get(rule, "village")
                problem(f, rule, msg, "village")
            elif code:
                village_code = code

        hh = normalize_header(get("household_head"))
        household_head = hh in _YES
        if hh and hh not in _YES and hh not in _NO:
            problem(
                "household_head",
                "yes_no",
                f"Isian kepala keluarga '{_text(get('household_head'))}' harus YA atau TIDAK",
            )

        decile: int | None = None
        dv = get("welfare_decile")
        if dv not in (None, ""):
            try:
                decile = int(float(_text(dv)))
            except ValueError:
                problem("welfare_decile", "decile_invalid", "Desil harus angka 1-10")

        aid = get("aid_value")
        if aid not in (None, ""):
            try:
                res.aid_value = parse_rupiah(aid)
            except MoneyError as exc:
                problem("aid_value", "money_invalid", str(exc), "money")

        role_text = normalize_header(get("role"))
        role = _ROLES.get(role_text)
        if role is None:
            problem("role", "role_invalid", f"Jabatan '{_text(get('role'))}' tidak dikenal", "role")
            role = "anggota"
        res.group_name = " ".join(_raw_text(get("group_name")).split()).upper()
        res.role = role

        phone_raw = get("phone")
        phone = _text(phone_raw)
        person = PersonInput(
            nik=nik_text,
            name=_raw_text(name_raw),
            sex=sex,
            kk_number=kk_text,
            birth_place=birth_place,
            birth_date=birth_date,
            village_code=village_code,
            rt=rt,
            rw=rw,
            street=_raw_text(get("street")),
            phone=phone,
            is_household_head=household_head,
            welfare_source=_text(get("welfare_source")).upper() or "NONE",
            welfare_decile=decile,
            business_type=_raw_text(get("business_type")).strip(),
            bank_name=_raw_text(get("bank_name")).strip(),
            bank_account=_text(acct_raw),
            notes=_raw_text(get("notes")),
        )
        res.person = person
        values["nik"] = nik_text

        exists_msg = ""
        if nik_text or not any(p.rule in ("nik_number", "nik_masked") for p in res.problems):
            try:
                cleaned, warnings = validate_person(session, person, checks=checks)
                res.warnings.extend(warnings)
                res.person = replace(person, name=cleaned["name"])
            except ValidationFailed as exc:
                for p in exc.problems:
                    _person_problem(p, res, problem, col_of)
                    if p.code == "nik_duplicate":
                        exists_msg = p.message
            except DomainError as exc:
                _person_problem(exc, res, problem, col_of)
                if exc.code == "nik_duplicate":
                    exists_msg = exc.message

        if exists_msg:
            res.status, res.reason = EXISTS, "sudah ada: " + exists_msg
            res.problems = [p for p in res.problems if p.rule != "nik_duplicate"]
            continue
        if nik_text and nik_text in seen_nik and not res.problems:
            problem(
                "nik",
                "nik_repeated",
                f"NIK sama dengan baris {seen_nik[nik_text]} di berkas ini",
                "duplicate",
            )
        if res.group_name and role != "anggota" and not res.problems:
            key = (res.group_name, role)
            if key in group_roles:
                problem(
                    "role",
                    "role_taken",
                    f"{role.capitalize()} kelompok {res.group_name} sudah diisi di baris {group_roles[key]}",
                    "role",
                )
            else:
                group_roles[key] = excel_row
        if res.problems:
            res.status = REJECTED
            res.reason = "; ".join(p.message for p in res.problems)
        else:
            seen_nik.setdefault(nik_text, excel_row)
    if progress is not None:
        progress(total, total, sheet)
    return results


_FIELD_OF_PERSON = {
    "nik": "nik",
    "name": "name",
    "sex": "sex",
    "kk_number": "kk_number",
    "phone": "phone",
    "village_code": "village",
    "rt": "rt",
    "rw": "rw",
    "birth_date": "birth_date",
    "welfare_source": "welfare_source",
    "welfare_decile": "welfare_decile",
    "bank_account": "bank_account",
    "birth_place": "birth_place",
    "street": "street",
    "business_type": "business_type",
    "notes": "notes",
    "bank_name": "bank_name",
}


def _person_problem(
    exc: DomainError, res: RowResult, problem: Callable[..., None], col_of: dict[str, int]
) -> None:
    f = _FIELD_OF_PERSON.get(exc.field or "", exc.field or "")
    if f == "birth_date" and "birth_date" not in col_of and "ttl" in col_of:
        f = "ttl"
    hint = "nik" if exc.code.startswith("nik") else "date" if "date" in exc.code else "default"
    problem(f, exc.code, exc.message, hint, value="" if f not in col_of else None)
