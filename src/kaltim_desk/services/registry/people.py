"""Registering beneficiaries: validate, create, edit, search, deactivate (never hard-delete)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

from sqlalchemy import and_, func, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kaltim_desk.core import audit
from kaltim_desk.core.bulk_insert import insert_many, rows_where_in
from kaltim_desk.core.dto import (
    MARITAL_STATUSES,
    VULNERABILITY_CATEGORIES,
    WELFARE_SOURCES,
    PageFilter,
    PersonDTO,
    PersonInput,
)
from kaltim_desk.core.errors import ConflictError, DomainError, NotFound, ValidationFailed
from kaltim_desk.core.lengths import NOTES_MAX, length_problems
from kaltim_desk.core.permissions import require
from kaltim_desk.core.settings import registry_rules
from kaltim_desk.domain.nik import (
    NikResult,
    check_kk,
    check_nik,
    mask_kk,
    mask_nik,
    nik_record_warnings,
    normalize_nik,
)
from kaltim_desk.domain.text import TextError, clean_name, clean_text, shorten
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.region import Region
from kaltim_desk.models.vocabulary import GroupStatus
from kaltim_desk.services.registry import regions, search

MASKED_FIELDS = {"nik": mask_nik, "kk_number": mask_kk, "bank_account": lambda v: "****" + v[-3:] if v else v}


def _masked(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in values.items():
        if isinstance(v, str) and k in MASKED_FIELDS and v:
            v = MASKED_FIELDS[k](v)
        out[k] = v.isoformat() if isinstance(v, date) else v
    return out


def _digits_field(value: str, field: str, label: str, max_len: int) -> str | None:
    v = normalize_nik(value) if value else ""
    if not v:
        return None
    if not v.isdigit() or len(v) > max_len:
        raise DomainError(
            "bad_digits", f"{label} hanya boleh berisi angka (paling banyak {max_len}).", field=field
        )
    return v


@dataclass
class PersonChecks:
    """What `validate_person` looks up in the database, read once: the sub-district codes a NIK may
    carry, the village codes, the registry rules, and (for a batch) who already holds which NIK.

    A form builds one per save (`load`); an import builds one for the whole sheet and `prefetch`es the
    holders of the sheet's NIKs in a few queries instead of one query per row.
    """

    known_regions: set[str]
    villages: set[str]
    rules: Any
    holders: dict[str, tuple[int, str]] = dataclasses.field(default_factory=dict)
    prefetched: set[str] = dataclasses.field(default_factory=set)
    today: date = dataclasses.field(default_factory=date.today)  # one day for the whole batch
    checked_niks: dict[str, NikResult] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> PersonChecks:
        return cls(
            known_regions=regions.known_nik_prefixes(session),
            villages=set(session.scalars(select(Region.code).where(Region.level == 4))),
            rules=registry_rules(session),
        )

    def prefetch(self, session: Session, niks: Any, chunk: int = 900) -> None:
        """Look up the holders of many NIKs at once (900 per query, under SQLite's variable limit)."""
        wanted = sorted({n for n in niks if n} - self.prefetched)
        for i in range(0, len(wanted), chunk):
            part = wanted[i : i + chunk]
            table: Any = Person.__table__
            for pid, nik, name in rows_where_in(session, table, ("id", "nik", "name"), "nik", part):
                self.holders[nik] = (pid, name)
            self.prefetched.update(part)

    def check_nik(self, nik: str) -> NikResult:
        """`check_nik` against the known regions (no record compared: `nik_record_warnings` does that),
        remembered: an import checks each row's NIK in its own loop and again in `validate_person`."""
        result = self.checked_niks.get(nik)
        if result is None:
            result = self.checked_niks[nik] = check_nik(
                nik, known_regions=self.known_regions, reference=self.today
            )
        return result

    def holder(self, session: Session, nik: str) -> tuple[int, str] | None:
        if nik in self.prefetched:
            return self.holders.get(nik)
        row = session.execute(select(Person.id, Person.name).where(Person.nik == nik)).first()
        return (row.id, row.name) if row is not None else None


@functools.cache
def _phones() -> ModuleType:
    """`domain.phone`, imported the first time a phone is checked: phonenumbers' metadata costs ~0.15 s
    of the app's cold start, and only a saved form or an import needs it."""
    from kaltim_desk.domain import phone  # lazy: phonenumbers' metadata

    return phone


def _check_nik_of(
    session: Session,
    data: PersonInput,
    values: dict[str, Any],
    warnings: list[str],
    checks: PersonChecks,
    person_id: int | None,
) -> None:
    """`validate_person`'s NIK: possible, compared with the record's birth date and sex, not held by
    another person."""
    res = checks.check_nik(data.nik)
    if not res.ok or res.info is None:
        first = res.errors[0]
        raise DomainError(f"nik_{str(first.code).lower()}", first.message, field="nik")
    compared = nik_record_warnings(res.info, birth_date=data.birth_date, sex=values.get("sex"))
    for w in (*res.warnings, *compared):
        if str(w.code).upper() == "MALE_NIK" and not checks.rules.warn_male_nik:
            continue
        warnings.append(w.message)
    values["nik"] = res.nik
    holder = checks.holder(session, res.nik)
    if holder is not None and holder[0] != person_id:
        group = _current_group(session, holder[0])
        where = f" (kelompok {group[1]})" if group else ""
        raise DomainError(
            "nik_duplicate",
            f"NIK {mask_nik(res.nik)} sudah terdaftar atas nama {holder[1]}{where}.",
            field="nik",
        )


def _check_choices(data: PersonInput, values: dict[str, Any]) -> None:
    """`validate_person`'s fields chosen from a list (welfare source and decile, marital status,
    vulnerability); the first one wrong raises."""
    ws = (data.welfare_source or "NONE").strip().upper()
    if ws not in WELFARE_SOURCES:
        raise DomainError(
            "welfare_source_invalid",
            "Sumber data kesejahteraan harus DTSEN, DTKS, P3KE atau NONE.",
            field="welfare_source",
        )
    values["welfare_source"] = ws
    dec = data.welfare_decile
    if dec is not None and not 1 <= int(dec) <= 10:
        raise DomainError("decile_invalid", "Desil harus antara 1 dan 10.", field="welfare_decile")
    values["welfare_decile"] = dec
    ms = (data.marital_status or "").strip()
    if ms and ms not in MARITAL_STATUSES:
        raise DomainError(
            "marital_invalid", f"Status perkawinan tidak dikenal: {shorten(ms)}.", field="marital_status"
        )
    values["marital_status"] = ms or None
    vc = (data.vulnerability or "").strip()
    if vc and vc not in VULNERABILITY_CATEGORIES:
        raise DomainError(
            "vulnerability_invalid",
            f"Kategori kerentanan tidak dikenal: {shorten(vc)}.",
            field="vulnerability",
        )
    values["vulnerability"] = vc or None


def validate_person(
    session: Session,
    data: PersonInput,
    *,
    person_id: int | None = None,
    checks: PersonChecks | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Clean and check a person's fields. Returns column values and warnings; raises ValidationFailed
    with every field problem found (so a form can mark them all at once). `checks` carries the
    lookups when many people are validated in a row (an import)."""
    checks = checks or PersonChecks.load(session)
    problems: list[DomainError] = []
    warnings: list[str] = []
    values: dict[str, Any] = {}
    # Each field's check in turn, every problem collected; straight code rather than a closure per
    # field, since an import runs this for every row of a sheet.
    try:
        values["name"] = clean_name(data.name).upper()
    except TextError:
        problems.append(DomainError("name_required", "Nama wajib diisi.", field="name"))

    s = (data.sex or "").strip().upper()
    if s in ("P", "L"):
        values["sex"] = s
    else:
        problems.append(
            DomainError("bad_sex", "Jenis kelamin harus P (perempuan) atau L (laki-laki).", field="sex")
        )

    try:
        _check_nik_of(session, data, values, warnings, checks, person_id)
    except DomainError as exc:
        problems.append(exc)

    if not (data.kk_number or "").strip():
        values["kk_number"] = None
    else:
        kk = check_kk(data.kk_number)
        if kk.ok:
            values["kk_number"] = kk.kk
        else:
            problems.append(DomainError("kk_invalid", kk.errors[0].message, field="kk_number"))

    if not (data.phone or "").strip():
        values["phone"] = None
    else:
        phones = _phones()
        try:
            values["phone"] = phones.normalize_phone(data.phone)
        except phones.PhoneError as exc:
            problems.append(DomainError("phone_invalid", str(exc), field="phone"))

    code = (data.village_code or "").strip()
    if not code:
        values["village_code"] = None
    elif code in checks.villages:
        values["village_code"] = code
    else:
        problems.append(
            DomainError(
                "village_unknown", f"Kode desa/kelurahan {shorten(code)} tidak dikenal.", field="village_code"
            )
        )

    for key, label in (("rt", "RT"), ("rw", "RW")):
        raw = (getattr(data, key) or "").strip()
        if raw and (not raw.isdigit() or len(raw) > 3):
            problems.append(DomainError("rt_rw_invalid", f"{label} harus angka 1-3 digit.", field=key))
            break
        values[key] = raw.zfill(3) if raw else None

    try:
        _check_choices(data, values)
    except DomainError as exc:
        problems.append(exc)

    today = checks.today
    if data.birth_date and not date(1900, 1, 1) <= data.birth_date <= today:
        problems.append(DomainError("birth_date_invalid", "Tanggal lahir tidak mungkin.", field="birth_date"))
    elif data.welfare_checked_on and data.welfare_checked_on > today:
        problems.append(
            DomainError(
                "checked_on_future", "Tanggal cek data tidak boleh di masa depan.", field="welfare_checked_on"
            )
        )
    else:
        values["birth_date"] = data.birth_date
        values["welfare_checked_on"] = data.welfare_checked_on

    try:
        values["bank_account"] = _digits_field(data.bank_account, "bank_account", "Nomor rekening", 30)
    except DomainError as exc:
        problems.append(exc)

    for key in ("birth_place", "street", "business_type", "bank_name", "bank_holder", "notes"):
        raw = getattr(data, key)
        values[key] = (clean_text(raw) or None) if raw else None
    if values.get("birth_place"):
        values["birth_place"] = values["birth_place"].upper()
    values["is_household_head"] = bool(data.is_household_head)
    # Last, on the cleaned values as they would be stored (upper-casing can lengthen a name).
    problems.extend(length_problems(Person, values, extra_limits={"notes": NOTES_MAX}))

    if problems:
        raise ValidationFailed(problems)
    return values, warnings


def register_person(session: Session, data: PersonInput, *, import_batch_id: int | None = None) -> PersonDTO:
    """Register a new beneficiary; refuses a duplicate NIK naming the existing holder."""
    require(session, "person.create")
    values, warnings = validate_person(session, data)
    person = Person(**values, import_batch_id=import_batch_id)
    session.add(person)
    session.flush()
    audit.record(session, "person.create", "person", person.id, after=_masked(values))
    return _dto(session, person, tuple(warnings))


def register_imported_people(
    session: Session,
    rows: list[tuple[int, PersonInput]],
    *,
    import_batch_id: int,
    validated: Mapping[int, dict[str, Any]] | None = None,
) -> tuple[dict[int, int], list[tuple[int, str]]]:
    """Register the people of one import batch: each checked by the same rules as `register_person` (the
    lookups loaded once, the batch's NIK holders prefetched), then all stored in one INSERT.

    `rows` are (sheet row, input). Returns the new person id per sheet row and the rows refused now, with
    the reason (someone registered the NIK since the preview, or the NIK appears twice in the batch). The
    batch's own audit row (``import.commit``) records who added them from which file; each person carries
    its `import_batch_id`, so no per-person audit row is written (one per row made a 10,000-row import take
    minutes).

    `validated`: the values `validate_person` returned for a row in the preview, by sheet row; such a row
    is not validated again unless its NIK has been taken since (then the check says by whom)."""
    require(session, "person.create")
    checks = PersonChecks.load(session)
    checks.prefetch(session, (normalize_nik(data.nik or "") for _row, data in rows))
    accepted: list[tuple[int, dict[str, Any]]] = []
    refused: list[tuple[int, str]] = []
    for row, data in rows:
        before = validated.get(row) if validated else None
        try:
            if before is not None and checks.holder(session, before["nik"]) is None:
                values = before
            else:
                values, _warnings = validate_person(session, data, checks=checks)
        except DomainError as exc:
            refused.append((row, exc.message))
            continue
        checks.holders[values["nik"]] = (0, values["name"])  # a second row with this NIK is a duplicate
        checks.prefetched.add(values["nik"])
        accepted.append((row, dict(values, import_batch_id=import_batch_id)))
    if not accepted:
        return {}, refused
    # one executemany of plain tuples (`insert_many`), the name index filled in one statement after it
    # (`bulk_indexing`), then the ids by NIK: INSERT .. RETURNING with sort_by_parameter_order runs row
    # by row on SQLite and splices the results back quadratically (10,000 people: minutes)
    with search.bulk_indexing(session):
        insert_many(session, Person.__table__, [v for _row, v in accepted])  # type: ignore[arg-type]
    id_of = dict(
        session.execute(select(Person.nik, Person.id).where(Person.import_batch_id == import_batch_id)).all()
    )
    return {row: id_of[v["nik"]] for row, v in accepted}, refused


def update_person(session: Session, person_id: int, version: int, data: PersonInput) -> PersonDTO:
    """Edit a person opened at `version`; a concurrent edit since then is a ConflictError."""
    require(session, "person.edit")
    person = _load(session, person_id)
    if person.version != version:
        raise ConflictError(f"Data penerima {person.name}")
    values, warnings = validate_person(session, data, person_id=person_id)
    before = {k: getattr(person, k) for k in values}
    for k, v in values.items():
        setattr(person, k, v)
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(f"Data penerima {values['name']}") from exc
    diff = audit.changes(_masked(before), _masked(values))
    if diff:
        audit.record(session, "person.edit", "person", person.id, changes=diff)
    return _dto(session, person, tuple(warnings))


def deactivate_person(session: Session, person_id: int, reason: str) -> PersonDTO:
    """Mark a person inactive (moved away, deceased, duplicate...). Records stay; nothing is deleted."""
    require(session, "person.deactivate")
    reason = clean_text(reason or "")
    if not reason:
        raise DomainError("reason_required", "Alasan penonaktifan wajib diisi.", field="reason")
    too_long = length_problems(Person, {"deactivated_reason": reason})
    if too_long:
        raise DomainError(too_long[0].code, too_long[0].message, field="reason")
    person = _load(session, person_id)
    if not person.is_active:
        raise DomainError("already_inactive", f"{person.name} sudah nonaktif.")
    person.is_active = False
    person.deactivated_reason = reason
    person.deactivated_at = utcnow()
    session.flush()
    audit.record(session, "person.deactivate", "person", person.id, reason=reason)
    return _dto(session, person)


def reactivate_person(session: Session, person_id: int) -> PersonDTO:
    require(session, "person.deactivate")
    person = _load(session, person_id)
    person.is_active = True
    person.deactivated_reason = None
    person.deactivated_at = None
    session.flush()
    audit.record(session, "person.reactivate", "person", person.id)
    return _dto(session, person)


def get_person(session: Session, person_id: int) -> PersonDTO:
    require(session, "person.view")
    return _dto(session, _load(session, person_id))


def find_by_nik(session: Session, nik: str) -> PersonDTO | None:
    require(session, "person.view")
    person = session.scalar(select(Person).where(Person.nik == normalize_nik(nik)))
    return _dto(session, person) if person else None


# --- table paging (count + page), used by the people page and exports ------------------------------


@dataclass(frozen=True)
class PersonRow:
    id: int
    nik: str  # in full: the people page shows it only to a role allowed `person.view_full_id`
    nik_masked: str  # what every list shows by default
    name: str
    birth_date: date | None
    village_name: str
    district_name: str
    regency_name: str
    group_name: str
    business_type: str
    is_active: bool


SORT_COLUMNS = {
    "name": Person.name,
    "nik": Person.nik,
    "birth_date": Person.birth_date,
    "village": Person.village_code,
    "business_type": Person.business_type,
    "created": Person.id,
}


def prefix_range(column: Any, prefix: str, *, dotted: bool = False) -> Any:
    """`column` starts with `prefix`, written as a range so that the column's index is used."""
    if dotted:
        return or_(column == prefix, and_(column >= prefix + ".", column < prefix + "/"))
    return and_(column >= prefix, column < prefix + "\uffff")


def text_condition(text: str, session: Session | None = None) -> Any:
    """Search by name (every typed word starts a word of the name) or by NIK (digits: a NIK prefix).

    With a session, the database's search index answers (`services/registry/search.py`: FTS5 on SQLite,
    pg_trgm on PostgreSQL); without one, the same rule as plain LIKEs."""
    from kaltim_desk.services.registry import search

    if session is not None:
        return search.condition_for_session(session, text)
    return search.person_text_condition("", text)


# Sorts an index can walk in order; with many matches page_people walks it (services/registry/search.py).
INDEXED_SORTS = frozenset({"name", "nik", "village", "business_type", "created"})
# Beyond this many matches, sorting them costs more than walking the sort index. Names cluster in
# name order (every NUR sits together, so a walk for "nur" reads all of A-M first: 3 s at 1,000,000),
# so only the huge sets of a first letter walk; a NIK prefix is spread evenly and walks sooner.
# As a share of the table (its largest id, read from the primary key at no cost), with a floor:
MANY_MATCHES = {"name": (0.15, 5_000), "nik": (0.01, 2_000)}
# Counting: NIK-index lookups cost ~4x a row of a plain table scan, so the scan wins past ~N/4.
COUNT_SCAN_MATCHES = 200_000


def _filtered(stmt: Any, f: PageFilter, session: Session | None = None, *, text_cond: Any = None) -> Any:
    cond = (
        text_cond if text_cond is not None else (text_condition(f.text, session) if f.text.strip() else None)
    )
    if cond is not None:
        stmt = stmt.where(cond)
    if f.region_code:
        if f.region_code.count(".") == 3:
            stmt = stmt.where(Person.village_code == f.region_code)
        else:
            stmt = stmt.where(prefix_range(Person.village_code, f.region_code, dotted=True))
    if f.status == "active":
        stmt = stmt.where(Person.is_active.is_(True))
    elif f.status == "inactive":
        stmt = stmt.where(Person.is_active.is_(False))
    return stmt


def _many(session: Session, typed: str) -> int:
    share, floor = MANY_MATCHES["nik" if search.nik_prefix(typed) else "name"]
    size = int(session.scalar(select(func.max(Person.id))) or 0)
    return max(floor, int(size * share))


def count_people(session: Session, f: PageFilter) -> int:
    require(session, "person.view")
    text_cond = None
    if search.nik_prefix(f.text) and search.many_matches(session, f.text, COUNT_SCAN_MATCHES):
        # "64" matches every Kaltim NIK: reading the table once (1M rows, ~0.2 s) beats a million
        # lookups from the NIK index to each row's status (~5 s).
        text_cond = search.residual_condition(f.text)
    stmt = _filtered(select(func.count()).select_from(Person), f, session, text_cond=text_cond)
    return int(session.scalar(stmt) or 0)


def page_people(
    session: Session,
    f: PageFilter,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[PersonRow]:
    """One page of people rows, filtered and sorted in SQL."""
    require(session, "person.view")
    col = SORT_COLUMNS.get(sort, Person.name)
    order: list[Any] = [
        col.desc() if descending else col.asc(),
        Person.id.desc() if descending else Person.id.asc(),
    ]
    cols = (
        Person.id,
        Person.nik,
        Person.name,
        Person.birth_date,
        Person.village_code,
        Person.business_type,
        Person.is_active,
    )
    bound = (
        search.name_order_bound(
            session,
            f.text,
            offset + limit,
            descending=descending,
            restrict=(lambda stmt: _filtered(stmt, dataclasses.replace(f, text=""), session))
            if f.region_code or f.status
            else None,
        )
        if f.text.strip() and sort == "name"
        else None
    )
    if bound is not None:
        rows = _name_search_page(session, f, bound, cols, descending, offset, limit)
    else:
        text_cond = None
        if (
            f.text.strip()
            and sort in INDEXED_SORTS
            and search.many_matches(session, f.text, _many(session, f.text))
        ):
            # Thousands of matches: walk the sort index and test rows, rather than sort every match.
            text_cond = search.residual_condition(f.text)
        if text_cond is None and sort == "name" and not f.region_code and search.nik_prefix(f.text):
            # A NIK prefix sorted by name: the page's ids come from ix_person_nik_name alone (nik, name,
            # is_active), so thousands of matches are sorted without reading their rows; then 200 rows.
            ids = list(
                session.scalars(
                    _filtered(select(Person.id), f, session).order_by(*order).offset(offset).limit(limit)
                )
            )
            by_id = {r.id: r for r in session.execute(select(*cols).where(Person.id.in_(ids)))}
            rows = [by_id[i] for i in ids if i in by_id]
        else:
            stmt = _filtered(select(*cols), f, session, text_cond=text_cond)
            rows = list(session.execute(stmt.order_by(*order).offset(offset).limit(limit)).all())
    names = region_names(session, {r.village_code for r in rows if r.village_code})
    groups = current_groups(session, [r.id for r in rows])
    out = []
    for r in rows:
        vc = r.village_code or ""
        out.append(
            PersonRow(
                id=r.id,
                nik=r.nik,
                nik_masked=mask_nik(r.nik),
                name=r.name,
                birth_date=r.birth_date,
                village_name=names.get(vc, ""),
                district_name=names.get(vc[:8], ""),
                regency_name=names.get(vc[:5], ""),
                group_name=groups.get(r.id, ("", ""))[1] if r.id in groups else "",
                business_type=r.business_type or "",
                is_active=bool(r.is_active),
            )
        )
    return out


def _name_search_page(
    session: Session,
    f: PageFilter,
    bound: search.NameOrderBound,
    cols: tuple[Any, ...],
    descending: bool,
    offset: int,
    limit: int,
) -> list[Any]:
    """A page of a name search in name order, from the matches up to `bound` (services/registry/search.py): the
    matches of the earlier buckets (fewer than a page, sorted), and those of the bound's own bucket,
    read in name order from the name index when the bucket is one name prefix, else sorted too."""
    ws = search.words(f.text)
    plain = dataclasses.replace(f, text="")
    key = (Person.name.desc(), Person.id.desc()) if descending else (Person.name, Person.id)
    if bound.prefix is None:
        ids = search.fts_ids(ws, from_=bound.start) if descending else search.fts_ids(ws, below=bound.end)
        stmt = _filtered(select(*cols), plain, session).where(Person.id.in_(ids))
        return list(session.execute(stmt.order_by(*key).offset(offset).limit(limit)).all())
    outside = search.fts_ids(ws, from_=bound.end) if descending else search.fts_ids(ws, below=bound.start)
    before = _filtered(select(*cols), plain, session).where(Person.id.in_(outside))
    # `id + 0`: no index may answer the IN, so SQLite walks the name index through the prefix's range
    # (in order, stopping after `need` rows) and tests each row against the bucket's matches.
    inside = search.fts_ids(ws, from_=bound.start, below=bound.end)
    # every name that starts with the prefix (six capitals/spaces) and no other: up to the prefix with
    # its last character stepped on ("YULIAN" -> "YULIAO"), whatever characters follow it
    p = bound.prefix
    starts_with = and_(Person.name >= p, Person.name < p[:-1] + chr(ord(p[-1]) + 1))
    walk = (
        _filtered(select(*cols), plain, session)
        .where(starts_with, (Person.id + 0).in_(inside))
        .order_by(*key)
        .limit(offset + limit)
        .subquery()
    )
    both = union_all(before, select(walk)).subquery()
    order = (both.c.name.desc(), both.c.id.desc()) if descending else (both.c.name, both.c.id)
    return list(session.execute(select(both).order_by(*order).offset(offset).limit(limit)).all())


def region_names(session: Session, village_codes: set[str]) -> dict[str, str]:
    """Names for villages and their sub-districts and regencies, in one query."""
    codes: set[str] = set()
    for c in village_codes:
        codes.update((c, c[:8], c[:5]))
    if not codes:
        return {}
    return dict(session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all())  # type: ignore[arg-type]


def current_groups(session: Session, person_ids: list[int]) -> dict[int, tuple[int, str, str]]:
    """person id -> (group id, group name, role) of the group each person is in now (not inactive)."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(GroupMember.person_id, KubeGroup.id, KubeGroup.name, GroupMember.role, KubeGroup.status)
        .join(KubeGroup, KubeGroup.id == GroupMember.group_id)
        .where(GroupMember.person_id.in_(person_ids), KubeGroup.status != GroupStatus.INACTIVE)
        .order_by(KubeGroup.status)  # "active" sorts before "forming"
    ).all()
    out: dict[int, tuple[int, str, str]] = {}
    for pid, gid, gname, role, _status in rows:
        out.setdefault(pid, (gid, gname, role))
    return out


def _current_group(session: Session, person_id: int) -> tuple[int, str, str] | None:
    return current_groups(session, [person_id]).get(person_id)


def _load(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("Penerima", person_id)
    return person


def _dto(session: Session, p: Person, warnings: tuple[str, ...] = ()) -> PersonDTO:
    village, district, regency = regions.village_path(session, p.village_code)
    group = _current_group(session, p.id)
    return PersonDTO(
        id=p.id,
        nik=p.nik,
        name=p.name,
        sex=p.sex,
        kk_number=p.kk_number,
        birth_place=p.birth_place,
        birth_date=p.birth_date,
        village_code=p.village_code,
        village_name=village,
        district_name=district,
        regency_name=regency,
        rt=p.rt,
        rw=p.rw,
        street=p.street,
        phone=p.phone,
        marital_status=p.marital_status,
        is_household_head=p.is_household_head,
        vulnerability=p.vulnerability,
        welfare_source=p.welfare_source,
        welfare_decile=p.welfare_decile,
        welfare_checked_on=p.welfare_checked_on,
        business_type=p.business_type,
        bank_name=p.bank_name,
        bank_account=p.bank_account,
        bank_holder=p.bank_holder,
        notes=p.notes,
        is_active=p.is_active,
        deactivated_reason=p.deactivated_reason,
        version=p.version,
        created_at=p.created_at,
        updated_at=p.updated_at,
        group_id=group[0] if group else None,
        group_name=group[1] if group else None,
        group_role=group[2] if group else None,
        warnings=warnings,
    )
