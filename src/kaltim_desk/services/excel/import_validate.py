"""Validating every row of an imported sheet, before anything is stored (RELIABILITY R12-R15).

Every row under the header ends in exactly one status:
- ``ok``: valid and new; it will be imported if the user confirms;
- ``exists``: a person with this NIK is already registered ("sudah ada"); skipped, so importing the same
  file twice adds nothing;
- ``skipped``: a blank row, the column-number row under the header, a repeated header row, a sub-heading,
  a total row or the signature block at the bottom, said so in `reason`;
- ``rejected``: the row can not be a person: its NIK or its name is missing or can not be trusted (a NIK
  typed as a number has lost its last digit; a formula's cached value is not what the clerk typed), or the
  NIK repeats an earlier row of the file. Each `Problem` names the sheet, row, column, value as the clerk
  sees it (NIK/KK masked), rule and an Indonesian hint.

Only NIK and name refuse a row (plus the fields an office makes required, `ImportRules`). Everything else
that is wrong is left empty, or read the way the clerk meant it, with a warning (`RowResult.warnings`,
same shape as a problem): an invalid phone or "-", an unknown village, an unreadable date (the NIK's
birth date is used), an unknown role (stored as a member), a second chair in one KUBE (a member), a
formula in a text column. A man's NIK is stored as a man (the sex the NIK states, unless the sheet's
sex column says otherwise) with a warning: DOMAIN.md calls it a warning worth showing, not an error, and
storing him as a woman would make the registry lie.

Person fields are checked by the registry's own `people.validate_person`, so an import accepts exactly
what the form accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kaltim_desk.core.dto import PersonInput, person_input
from kaltim_desk.core.errors import DomainError, ValidationFailed
from kaltim_desk.core.progress import Cancelled
from kaltim_desk.domain.dates import DateParseError, parse_date_flexible, parse_place_and_date
from kaltim_desk.domain.money import MoneyError, parse_rupiah
from kaltim_desk.domain.nik import check_kk, check_nik, mask_kk, mask_nik, normalize_nik
from kaltim_desk.domain.text import clip_message, shorten
from kaltim_desk.imports.headers import FIELDS, IGNORED_FIELDS, canon, normalize_header
from kaltim_desk.imports.mapping import HeaderGuess, is_column_number_row
from kaltim_desk.imports.reader import SheetGrid, col_letter
from kaltim_desk.models.vocabulary import MemberRole
from kaltim_desk.services.excel.import_cells import (
    HINTS,
    NO_WORDS,
    REQUIRABLE,
    SCIENTIFIC,
    SEX_WORDS,
    TEXT_FIELDS,
    WARNING_LABELS,
    YES_WORDS,
    is_empty_mark,
    raw_text,
    role_of,
    row_kind,
    rupiah,
    shown,
)
from kaltim_desk.services.excel.import_regions import RegionResolver
from kaltim_desk.services.registry.groups import check_group_name
from kaltim_desk.services.registry.people import PersonChecks, validate_person

__all__ = [
    "EXISTS",
    "OK",
    "REJECTED",
    "SKIPPED",
    "STATUS_LABELS",
    "WARNING_LABELS",
    "ImportCancelled",
    "ImportRules",
    "Problem",
    "RegionResolver",
    "RowResult",
    "validate_sheet",
]

OK, EXISTS, SKIPPED, REJECTED = "ok", "exists", "skipped", "rejected"
STATUS_LABELS = {OK: "siap diimpor", EXISTS: "sudah ada", SKIPPED: "dilewati", REJECTED: "ditolak"}


# warning kind -> what the summary calls it
@dataclass(frozen=True)
class ImportRules:
    """Office setting: which fields besides NIK and name an imported row must have (else refused)."""

    SECTION = "import"

    required_fields: tuple[str, ...] = ()


class ImportCancelled(DomainError, Cancelled):
    def __init__(self) -> None:
        super().__init__("cancelled", "Pemeriksaan berkas dibatalkan; tidak ada yang disimpan.")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # as Excel numbers it (1-based)
    column: str  # "C (NIK)"
    value: str  # as the clerk sees it; NIK/KK masked
    rule: str
    message: str
    hint: str
    col: int | None = None  # 0-based column index, for highlighting in the report


@dataclass
class RowResult:
    row: int  # 1-based Excel row number
    status: str
    reason: str = ""
    person: PersonInput | None = None
    group_name: str = ""
    role: str = MemberRole.MEMBER.value
    aid_value: int | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    cells: list[Any] = field(default_factory=list)  # the original row, for the problem report
    values: dict[str, Any] | None = None  # the person's columns as `validate_person` cleaned them

    @property
    def nik(self) -> str:
        return self.person.nik if self.person else ""

    @property
    def warning_text(self) -> str:
        return "; ".join(w.message for w in self.warnings)


def validate_sheet(
    session: Session,
    grid: SheetGrid,
    guess: HeaderGuess,
    *,
    default_sex: str = "P",
    region_scope: str = "64",
    rules: ImportRules | None = None,
    formula_cells: set[tuple[int, int]] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[RowResult]:
    """Validate every row under the header of `grid` (see the module docstring); nothing is stored."""
    rules = rules or ImportRules()
    required_in_order = sorted({f for f in rules.required_fields if f in REQUIRABLE})
    resolver = RegionResolver(session, region_scope)
    col_of = {f: c for c, f in guess.mapping.items()}
    checks = PersonChecks.load(session)
    nik_col = col_of.get("nik")
    if nik_col is not None:
        checks.prefetch(
            session,
            (
                normalize_nik(row[nik_col])
                for row in grid.rows[guess.row + 1 :]
                if nik_col < len(row) and isinstance(row[nik_col], str)
            ),
        )
    # a header repeated down the sheet (printed pages glued together) is skipped, not refused
    header_keys = {c: canon(h.split(" / ")[-1]) for c, h in guess.headers.items() if h}
    text_cols = {c for c, f in guess.mapping.items() if f in TEXT_FIELDS}
    # every formula cell (the caller asks the workbook: `OpenedWorkbook.formula_cells`), and those
    # without a cached value the reader found
    formula_cells = (formula_cells or set()) | grid.formula_no_value
    formula_rows = {r for r, _c in formula_cells}
    mapped_cols = {c for c, f in guess.mapping.items() if f not in IGNORED_FIELDS}
    sheet = grid.name
    results: list[RowResult] = []
    seen_nik: dict[str, int] = {}
    group_roles: dict[tuple[str, str], int] = {}
    group_names: dict[str, DomainError | None] = {}  # a KUBE's name repeats down its rows: checked once
    in_signature = False
    total = max(len(grid.rows) - guess.row - 1, 1)

    if "phone" in col_of:
        from kaltim_desk.domain.phone import PhoneError, normalize_phone  # lazy: phonenumbers' metadata
    colnames = {
        f: f"{col_letter(c)} ({guess.headers.get(c, FIELDS.get(f, (f,))[0])})" for f, c in col_of.items()
    }

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

        width = len(cells)
        row_values = {f: cells[c] for f, c in col_of.items() if c < width}
        get = row_values.get

        def note(
            f: str,
            rule: str,
            message: str,
            hint_key: str = "default",
            value: Any = None,
            *,
            warn: bool = False,
            res: RowResult = res,
            excel_row: int = excel_row,
            get: Callable[[str], Any] = get,
        ) -> None:
            v = get(f) if value is None else value
            text = shown(v)
            if f in ("nik", "kk_number") and text and value is None:
                text = (
                    (mask_nik if f == "nik" else mask_kk)(normalize_nik(text)) if isinstance(v, str) else text
                )
            item = Problem(
                sheet,
                excel_row,
                colnames[f] if f in colnames else FIELDS.get(f, (f,))[0],
                shorten(text),  # a cell may hold 32,767 characters; the report shows the start
                rule,
                clip_message(message),  # messages quote cells too
                HINTS.get(hint_key, HINTS["default"]),
                col_of.get(f),
            )
            (res.warnings if warn else res.problems).append(item)

        def problem(f: str, rule: str, message: str, hint_key: str = "default", value: Any = None) -> None:
            note(f, rule, message, hint_key, value)

        def warn(f: str, rule: str, message: str, hint_key: str = "default", value: Any = None) -> None:
            note(f, rule, message, hint_key, value, warn=True)

        nik_raw, name_raw = get("nik"), get("name")
        if r == guess.row + 1 and is_column_number_row(cells):
            res.status, res.reason = SKIPPED, "baris nomor kolom di bawah judul"
            continue
        nik_text_raw = shown(nik_raw)
        has_nik = (
            isinstance(nik_raw, int | float)
            or nik_text_raw[:6].isdigit()
            or sum(map(str.isdigit, nik_text_raw)) >= 6
        )
        if not has_nik:
            kind = row_kind(cells)
            if kind == "blank":
                res.status, res.reason = SKIPPED, "baris kosong"
                continue
            if kind == "total":
                res.status, res.reason = SKIPPED, "baris jumlah/total"
                continue
            if kind == "signature" or in_signature:
                in_signature = True
                res.status, res.reason = SKIPPED, "bagian tanda tangan/keterangan di bawah tabel"
                continue
            if kind == "subheading":
                res.status, res.reason = SKIPPED, "baris subjudul (nama kecamatan/desa/kelompok)"
                continue
            same = sum(
                1
                for c, h in header_keys.items()
                if c < len(cells) and cells[c] not in (None, "") and canon(shown(cells[c])) == h
            )
            if same >= max(2, len(header_keys) // 2):
                res.status, res.reason = SKIPPED, "baris judul kolom berulang"
                continue
            if name_raw in (None, "") and is_column_number_row(cells):
                res.status, res.reason = SKIPPED, "baris nomor kolom"
                continue

        # formulas: never stored from a cached value in a text column; without a value nowhere
        dropped: set[str] = set()
        for c in mapped_cols if r in formula_rows else ():
            if (r, c) not in formula_cells:
                continue
            f = guess.mapping[c]
            no_value = (r, c) in grid.formula_no_value
            if f in ("nik", "name"):
                problem(
                    f,
                    "formula",
                    f"Sel {col_letter(c)}{excel_row} berisi rumus, bukan {FIELDS[f][0]} yang diketik"
                    + (" (dan rumusnya belum dihitung)" if no_value else ""),
                    "formula",
                    value="(rumus)",
                )
            elif c in text_cols or no_value:
                warn(
                    f,
                    "formula_no_value" if no_value else "formula_text",
                    f"Sel {col_letter(c)}{excel_row} berisi rumus"
                    + (" tanpa nilai tersimpan" if no_value else ", bukan isian yang diketik")
                    + "; dikosongkan",
                    "formula",
                    value="(rumus)",
                )
                dropped.add(f)

        if dropped:
            kept_values = {f: v for f, v in row_values.items() if f not in dropped}
            val = kept_values.get
        else:
            val = get

        # the NIK: text only (R12), a possible number, not masked
        info = None
        nik_text = ""
        if isinstance(nik_raw, int | float) and not isinstance(nik_raw, bool):
            res_nik = check_nik(nik_raw)
            problem(
                "nik",
                "nik_number",
                res_nik.errors[0].message if res_nik.errors else "NIK berupa angka",
                "nik_number",
                value="(angka)",
            )
        elif not (res.problems and any(p.col is not None and p.col == nik_col for p in res.problems)):
            raw = nik_text_raw.strip()
            if SCIENTIFIC.match(raw.replace(" ", "")):
                problem(
                    "nik",
                    "nik_scientific",
                    f"NIK tertulis sebagai angka ilmiah ({raw}); digit-digitnya sudah hilang",
                    "nik_number",
                    value=raw,
                )
            else:
                nik_text = normalize_nik(raw)
                if "*" in nik_text:
                    problem(
                        "nik",
                        "nik_masked",
                        "NIK disamarkan (berisi *); berkas dengan NIK tersamar tidak dapat diimpor",
                        "nik_masked",
                    )
                    nik_text = ""
                else:
                    checked = checks.check_nik(nik_text)
                    if not checked.ok:
                        first = checked.errors[0]
                        rule = f"nik_{str(first.code).lower()}"
                        problem("nik", rule, first.message, "nik")
                        nik_text = ""
                    else:
                        info = checked.info
                        for w in checked.warnings:
                            if str(w.code) == "UNKNOWN_REGION":
                                warn("nik", "nik_region", w.message, "nik")
        name_text = raw_text(val("name")).strip()
        if not name_text and not any(p.col == col_of.get("name") for p in res.problems):
            problem("name", "name_required", "Nama kosong", value="")

        # birth place and date: as written, the NIK's date when empty or unreadable
        nik_birth = info.birth_date if info else None
        birth_place = raw_text(val("birth_place")).strip()
        birth_date: date | None = None
        bd = val("birth_date")
        if bd not in (None, ""):
            try:
                birth_date = parse_date_flexible(bd, century_from=nik_birth, excel_serials=True)
            except DateParseError as exc:
                tail = "; dipakai tanggal lahir dari NIK" if nik_birth else ""
                warn("birth_date", "date_invalid", f"{exc}{tail}", "date")
        ttl = val("ttl")
        if ttl not in (None, "") and birth_date is None:
            if isinstance(ttl, date):
                birth_date = ttl.date() if isinstance(ttl, datetime) else ttl
            else:
                try:
                    place, when = parse_place_and_date(raw_text(ttl), century_from=nik_birth)
                    birth_date = when
                    birth_place = birth_place or place
                except DateParseError as exc:
                    tail = "; dipakai tanggal lahir dari NIK" if nik_birth else ""
                    warn("ttl", "date_invalid", f"{exc}{tail}", "date")
                    if not birth_place:
                        birth_place = re.split(r"[,;/]", raw_text(ttl))[0].strip()
        if birth_date is not None and nik_birth is not None and birth_date != nik_birth:
            f = "birth_date" if "birth_date" in col_of else "ttl"
            warn(
                f,
                "birth_date_mismatch",
                f"Tanggal lahir {birth_date:%d-%m-%Y} berbeda dengan tanggal dalam NIK ({nik_birth:%d-%m-%Y})",
                "date",
            )
        if birth_date is None:
            birth_date = nik_birth

        # sex: the sheet's column, else what the NIK says
        nik_sex = info.sex if info else None
        sex_raw = normalize_header(val("sex"))
        sex = SEX_WORDS.get(sex_raw) if sex_raw else None
        if sex_raw and sex is None:
            warn("sex", "sex_invalid", f"Jenis kelamin '{shown(get('sex'))}' tidak dikenal (P atau L)")
        if nik_sex == "L":
            warn(
                "nik",
                "nik_male",
                "NIK ini milik laki-laki (tanggal lahir 01-31); disimpan sebagai laki-laki, periksa kembali",
                "nik",
            )
        if sex and nik_sex and sex != nik_sex:
            warn(
                "sex",
                "sex_mismatch",
                f"Jenis kelamin '{shown(get('sex'))}' berbeda dengan NIK "
                f"({'perempuan' if nik_sex == 'P' else 'laki-laki'})",
            )
        sex = sex or nik_sex or default_sex

        rt, rw = shown(val("rt")), shown(val("rw"))
        if "rt_rw" in col_of and not (rt or rw):
            parts = [p for p in re.split(r"[/\\\-. ]+", shown(val("rt_rw"))) if p]
            rt = parts[0] if parts else ""
            rw = parts[1] if len(parts) > 1 else ""
        for key, text in (("rt", rt), ("rw", rw)) if rt or rw else ():
            if text and (not text.isdigit() or len(text) > 3):
                f = key if key in col_of else "rt_rw"
                if not is_empty_mark(text):
                    warn(f, "rt_rw_invalid", f"{key.upper()} '{text}' bukan angka 1-3 digit; dikosongkan")
                if key == "rt":
                    rt = ""
                else:
                    rw = ""

        village_code = ""
        v_text, d_text, g_text = shown(val("village")), shown(val("district")), shown(val("regency"))
        if v_text or d_text or g_text:
            resolved = resolver.resolve(v_text, d_text, g_text)
            for f, rule, msg in resolved.notes:
                warn(f if f in col_of else "village", rule, msg, "village")
            village_code = resolved.code or ""

        hh = normalize_header(val("household_head"))
        household_head = hh in YES_WORDS
        if hh and hh not in YES_WORDS and hh not in NO_WORDS:
            warn(
                "household_head",
                "yes_no",
                f"Isian kepala keluarga '{shown(get('household_head'))}' bukan YA/TIDAK",
            )

        decile: int | None = None
        dv = val("welfare_decile")
        if dv not in (None, ""):
            try:
                decile = int(float(shown(dv)))
                if not 1 <= decile <= 10:
                    raise ValueError
            except ValueError:
                warn("welfare_decile", "decile_invalid", f"Desil '{shown(dv)}' harus angka 1-10; dikosongkan")
                decile = None

        aid = val("aid_value")
        if aid not in (None, "") and not (isinstance(aid, str) and is_empty_mark(aid)):
            try:
                res.aid_value = rupiah(aid) if isinstance(aid, str | int | float) else parse_rupiah(aid)
            except MoneyError as exc:
                warn("aid_value", "money_invalid", f"{exc}; dikosongkan", "money")

        role = role_of(val("role"))
        if role is None:
            warn(
                "role",
                "role_unknown",
                f"Jabatan '{shown(get('role'))}' tidak dikenal; dicatat sebagai anggota",
                "role",
            )
            role = MemberRole.MEMBER.value
        res.group_name = " ".join(raw_text(val("group_name")).split()).upper()
        if res.group_name and is_empty_mark(res.group_name):
            res.group_name = ""
        if res.group_name:
            if res.group_name not in group_names:
                try:
                    check_group_name(res.group_name)
                    group_names[res.group_name] = None
                except DomainError as exc:
                    group_names[res.group_name] = exc
            refused = group_names[res.group_name]
            if refused is not None:
                problem("group_name", refused.code, refused.message)

        phone = shown(val("phone"))
        if phone and is_empty_mark(phone):
            warn("phone", "phone_invalid", f"No. HP '{phone}' bukan nomor; dikosongkan", "phone")
            phone = ""
        elif phone:
            try:
                phone = normalize_phone(val("phone"))
            except PhoneError as exc:
                warn("phone", "phone_invalid", f"{exc}; dikosongkan", "phone")
                phone = ""

        kk_raw = val("kk_number")
        kk_text = ""
        if isinstance(kk_raw, int | float) and not isinstance(kk_raw, bool):
            warn(
                "kk_number",
                "kk_number",
                "No. KK tersimpan sebagai angka (digit terakhirnya hilang); dikosongkan",
                "kk_number",
                value="(angka)",
            )
        elif kk_raw not in (None, "") and not is_empty_mark(str(kk_raw)):
            res_kk = check_kk(shown(kk_raw))
            if res_kk.ok:
                kk_text = res_kk.kk
            else:
                warn("kk_number", "kk_invalid", f"{res_kk.errors[0].message}; dikosongkan", "kk_number")
        acct_raw = val("bank_account")
        if isinstance(acct_raw, int | float) and not isinstance(acct_raw, bool):
            warn(
                "bank_account",
                "account_number",
                "Nomor rekening tersimpan sebagai angka (digit awal/akhirnya bisa hilang); dikosongkan",
                "nik_number",
                value="(angka)",
            )
            acct_raw = None

        welfare = shown(val("welfare_source")).upper() or "NONE"
        person = person_input(  # the constructor's result, a tenth of its cost (10,000 rows)
            {
                "nik": nik_text,
                "name": name_text,
                "sex": sex,
                "kk_number": kk_text,
                "birth_place": birth_place,
                "birth_date": birth_date,
                "village_code": village_code,
                "rt": rt,
                "rw": rw,
                "street": raw_text(val("street")),
                "phone": phone,
                "is_household_head": household_head,
                "welfare_source": welfare if welfare in ("DTSEN", "DTKS", "P3KE", "NONE") else "NONE",
                "welfare_decile": decile,
                "business_type": raw_text(val("business_type")).strip(),
                "bank_name": raw_text(val("bank_name")).strip(),
                "bank_account": shown(acct_raw),
                "notes": raw_text(val("notes")),
            }
        )
        if welfare not in ("DTSEN", "DTKS", "P3KE", "NONE"):
            warn("welfare_source", "other", f"Sumber data '{welfare}' bukan DTSEN/DTKS/P3KE; dikosongkan")
        res.person = person

        exists_msg = ""
        if nik_text and not res.problems:
            for _attempt in range(2):
                try:
                    cleaned, _w = validate_person(session, person, checks=checks)
                    if cleaned["name"] != person.name:  # the name as stored (half the cost of `replace`)
                        person = person_input({**vars(person), "name": cleaned["name"]})
                    res.values = cleaned
                    break
                except ValidationFailed as exc:
                    blanks: dict[str, Any] = {}
                    for p in exc.problems:
                        if p.code == "nik_duplicate":
                            exists_msg = p.message
                        elif p.field in ("nik", "name") or _attempt:
                            _person_problem(p, problem, col_of)
                        else:
                            f = _FIELD_OF_PERSON.get(p.field or "", p.field or "other")
                            warn(f if f in col_of else "other", "other", f"{p.message} Dikosongkan.")
                            if p.field:
                                blanks[p.field] = None if p.field in ("birth_date", "welfare_decile") else ""
                    if exists_msg or res.problems or not blanks:
                        break
                    person = replace(person, **blanks)
            res.person = person

        if exists_msg:
            res.status, res.reason = EXISTS, "sudah ada: " + exists_msg
            continue
        if nik_text and nik_text in seen_nik and not res.problems:
            problem(
                "nik",
                "nik_repeated",
                f"NIK sama dengan baris {seen_nik[nik_text]} di berkas ini",
                "duplicate",
            )
        for f in required_in_order:
            target = REQUIRABLE[f]
            value = res.group_name if f == "group_name" else getattr(person, target, "")
            if f == "role" and (val("role") in (None, "")):
                value = ""
            if not value:
                problem(f, "required_missing", f"{FIELDS[f][0]} wajib diisi (pengaturan kantor)", "required")
        if res.group_name and role != MemberRole.MEMBER and not res.problems:
            key2 = (res.group_name, role)
            if key2 in group_roles:
                warn(
                    "role",
                    "role_taken",
                    f"{role.capitalize()} kelompok {res.group_name} sudah diisi di baris {group_roles[key2]}; "
                    "dicatat sebagai anggota",
                    "role",
                )
                role = MemberRole.MEMBER.value
            else:
                group_roles[key2] = excel_row
        res.role = role
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


def _person_problem(exc: DomainError, problem: Callable[..., None], col_of: dict[str, int]) -> None:
    f = _FIELD_OF_PERSON.get(exc.field or "", exc.field or "")
    hint = "nik" if exc.code.startswith("nik") else "date" if "date" in exc.code else "default"
    problem(f, exc.code, exc.message, hint, value="" if f not in col_of else None)
