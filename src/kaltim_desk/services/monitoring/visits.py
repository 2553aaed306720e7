"""Mentoring visits (pendampingan): record and edit them, list them, attach photos, and answer the aid
feature's second-tranche gate ("has the recipient been visited since the first tranche?").

A visit belongs to one recipient, a person or a KUBE group. For a group grant a visit to any current member
of the group counts as a visit to the group (mentors often meet the chair at her stall); for a grant to
one person only a visit to that person counts. A visit that names the grant itself always counts.

Photos are copied beside the database, `<db folder>/attachments/visits/<visit id>/`, never into a
temporary folder (the PDF pipeline cleans those), with their SHA-256 kept so that a replaced or damaged
file is noticed (`verify_photos`).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from kaltim_desk.config import data_dir, sqlite_path
from kaltim_desk.core import audit
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.core.errors import ConflictError, DomainError, NotFound, ValidationFailed
from kaltim_desk.core.permissions import require
from kaltim_desk.domain.text import TextError, clean_name, clean_text
from kaltim_desk.fileio import atomic_path
from kaltim_desk.models.grant import Grant
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.monitoring import BUSINESS_STATUSES, VISIT_TOPICS, Visit, VisitPhoto
from kaltim_desk.models.person import Person
from kaltim_desk.models.vocabulary import BusinessStatus
from kaltim_desk.services.registry.people import prefix_range, region_names

__all__ = [
    "BUSINESS_STATUSES",
    "TOPIC_LABELS",
    "VISIT_TOPICS",
    "PhotoDTO",
    "RecipientOption",
    "VisitDTO",
    "VisitInput",
    "VisitRow",
    "attach_photo",
    "attachments_root",
    "count_visits",
    "get_visit",
    "known_mentors",
    "page_visits",
    "record_visit",
    "remove_photo",
    "search_recipients",
    "update_visit",
    "verify_photos",
    "visit_recorded_for_grant",
    "visit_recorded_for_recipient",
]

TOPIC_LABELS = {
    "business_management": "Manajemen usaha",
    "financial_literacy": "Literasi keuangan",
    "bookkeeping": "Pembukuan",
    "product": "Produk",
    "marketing": "Pemasaran",
    "group_management": "Pengelolaan kelompok",
    "other": "Lainnya",
}
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic")
MAX_PHOTO_BYTES = 20 * 1024 * 1024
# A visit after today is a typing mistake; a visit long before the programme existed is one too.
EARLIEST_VISIT = date(2015, 1, 1)


@dataclass(frozen=True)
class VisitInput:
    """What the visit editor supplies."""

    visited_on: date | None
    mentor_name: str
    person_id: int | None = None
    group_id: int | None = None
    grant_id: int | None = None
    topics: tuple[str, ...] = ()
    business_status: str = BusinessStatus.RUNNING
    monthly_revenue: int | None = None
    monthly_profit: int | None = None
    workers: int | None = None
    problems: str = ""
    follow_up: str = ""


@dataclass(frozen=True)
class PhotoDTO:
    id: int
    file_name: str  # relative to the attachments folder
    caption: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class VisitDTO:
    id: int
    visited_on: date
    mentor_name: str
    person_id: int | None
    group_id: int | None
    grant_id: int | None
    recipient_name: str
    topics: tuple[str, ...]
    business_status: str
    monthly_revenue: int | None
    monthly_profit: int | None
    workers: int | None
    problems: str
    follow_up: str
    version: int
    photos: tuple[PhotoDTO, ...] = ()

    def to_input(self) -> VisitInput:
        return VisitInput(
            visited_on=self.visited_on,
            mentor_name=self.mentor_name,
            person_id=self.person_id,
            group_id=self.group_id,
            grant_id=self.grant_id,
            topics=self.topics,
            business_status=self.business_status,
            monthly_revenue=self.monthly_revenue,
            monthly_profit=self.monthly_profit,
            workers=self.workers,
            problems=self.problems,
            follow_up=self.follow_up,
        )


@dataclass(frozen=True)
class RecipientOption:
    kind: str  # "person" or "group"
    id: int
    label: str


# --- validation and saving ---------------------------------------------------------------------------


def _validate(session: Session, data: VisitInput) -> dict[str, Any]:
    problems: list[DomainError] = []
    values: dict[str, Any] = {}

    def guard(fn: Any) -> None:
        try:
            fn()
        except DomainError as exc:
            problems.append(exc)

    def when() -> None:
        if data.visited_on is None:
            raise DomainError("visit_date_required", "Tanggal kunjungan wajib diisi.", field="visited_on")
        if data.visited_on > date.today():
            raise DomainError(
                "visit_date_future", "Tanggal kunjungan tidak boleh di masa depan.", field="visited_on"
            )
        if data.visited_on < EARLIEST_VISIT:
            raise DomainError("visit_date_old", "Tanggal kunjungan terlalu lama.", field="visited_on")
        values["visited_on"] = data.visited_on

    def mentor() -> None:
        try:
            values["mentor_name"] = clean_name(data.mentor_name)
        except TextError as exc:
            raise DomainError("mentor_required", "Nama pendamping wajib diisi.", field="mentor_name") from exc

    def recipient() -> None:
        if (data.person_id is None) == (data.group_id is None):
            raise DomainError(
                "visit_recipient",
                "Pilih satu penerima yang dikunjungi: perorangan atau kelompok.",
                field="recipient",
            )
        if data.person_id is not None and session.get(Person, data.person_id) is None:
            raise DomainError("visit_recipient", "Penerima tidak ditemukan.", field="recipient")
        if data.group_id is not None and session.get(KubeGroup, data.group_id) is None:
            raise DomainError("visit_recipient", "Kelompok tidak ditemukan.", field="recipient")
        if data.grant_id is not None:
            grant = session.get(Grant, data.grant_id)
            if grant is None:
                raise DomainError("visit_grant", "Bantuan yang dirujuk tidak ditemukan.", field="grant_id")
            same = (data.person_id is not None and grant.person_id == data.person_id) or (
                data.group_id is not None and grant.group_id == data.group_id
            )
            if not same and grant.group_id is not None and data.person_id is not None:
                same = (
                    session.scalar(
                        select(func.count())
                        .select_from(GroupMember)
                        .where(
                            GroupMember.group_id == grant.group_id, GroupMember.person_id == data.person_id
                        )
                    )
                    or 0
                ) > 0
            if not same:
                raise DomainError(
                    "visit_grant", "Bantuan yang dirujuk bukan milik penerima ini.", field="grant_id"
                )
        values["person_id"] = data.person_id
        values["group_id"] = data.group_id
        values["grant_id"] = data.grant_id

    def status() -> None:
        if data.business_status not in BUSINESS_STATUSES:
            raise DomainError("visit_status", "Status usaha harus dipilih.", field="business_status")
        values["business_status"] = data.business_status

    def topics() -> None:
        unknown = [t for t in data.topics if t not in VISIT_TOPICS]
        if unknown:
            raise DomainError("visit_topic", f"Topik tidak dikenal: {unknown[0]}.", field="topics")
        ordered = [t for t in VISIT_TOPICS if t in set(data.topics)]
        values["topics"] = ";".join(ordered)

    def numbers() -> None:
        for key, label in (("monthly_revenue", "Omzet per bulan"), ("workers", "Jumlah pekerja")):
            v = getattr(data, key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                raise DomainError("visit_number", f"{label} harus bilangan bulat, tidak negatif.", field=key)
            values[key] = v
        p = data.monthly_profit
        if p is not None and (isinstance(p, bool) or not isinstance(p, int)):
            raise DomainError(
                "visit_number", "Laba per bulan harus bilangan bulat rupiah.", field="monthly_profit"
            )
        if p is not None and data.monthly_revenue is not None and p > data.monthly_revenue:
            raise DomainError(
                "visit_profit", "Laba per bulan tidak mungkin melebihi omzet.", field="monthly_profit"
            )
        values["monthly_profit"] = p

    def texts() -> None:
        for key in ("problems", "follow_up"):
            raw = getattr(data, key) or ""
            # clean each line (control and bidi characters go) but keep the mentor's line breaks
            lines = [clean_text(line) for line in raw.splitlines()]
            text = "\n".join(lines).strip()
            if len(text) > 4000:
                raise DomainError("visit_text", "Teks terlalu panjang (maksimal 4000 karakter).", field=key)
            values[key] = text or None

    for fn in (when, mentor, recipient, status, topics, numbers, texts):
        guard(fn)
    if problems:
        raise ValidationFailed(problems)
    return values


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def record_visit(session: Session, data: VisitInput) -> VisitDTO:
    """Save a new visit."""
    require(session, "visit.create")
    values = _validate(session, data)
    visit = Visit(**values)
    session.add(visit)
    session.flush()
    audit.record(session, "visit.create", "visit", visit.id, values=_audit_values(values))
    return _dto(session, visit)


def update_visit(session: Session, visit_id: int, version: int, data: VisitInput) -> VisitDTO:
    """Change a visit; `version` is the one the editor opened (someone else's save in between is refused)."""
    require(session, "visit.edit")
    visit = _load(session, visit_id)
    if visit.version != version:
        raise ConflictError("Kunjungan")
    values = _validate(session, data)
    before = {k: getattr(visit, k) for k in values}
    for k, v in values.items():
        setattr(visit, k, v)
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError("Kunjungan") from exc
    audit.record(
        session,
        "visit.edit",
        "visit",
        visit.id,
        changes=audit.changes(_audit_values(before), _audit_values(values)),
    )
    return _dto(session, visit)


def get_visit(session: Session, visit_id: int) -> VisitDTO:
    require(session, "visit.view")
    return _dto(session, _load(session, visit_id))


def _load(session: Session, visit_id: int) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound("Kunjungan", visit_id)
    return visit


def _recipient_name(session: Session, person_id: int | None, group_id: int | None) -> str:
    if person_id is not None:
        return session.scalar(select(Person.name).where(Person.id == person_id)) or ""
    if group_id is not None:
        return session.scalar(select(KubeGroup.name).where(KubeGroup.id == group_id)) or ""
    return ""


def _dto(session: Session, v: Visit) -> VisitDTO:
    return VisitDTO(
        id=v.id,
        visited_on=v.visited_on,
        mentor_name=v.mentor_name,
        person_id=v.person_id,
        group_id=v.group_id,
        grant_id=v.grant_id,
        recipient_name=_recipient_name(session, v.person_id, v.group_id),
        topics=tuple(t for t in (v.topics or "").split(";") if t),
        business_status=v.business_status,
        monthly_revenue=v.monthly_revenue,
        monthly_profit=v.monthly_profit,
        workers=v.workers,
        problems=v.problems or "",
        follow_up=v.follow_up or "",
        version=v.version,
        photos=tuple(PhotoDTO(p.id, p.file_name, p.caption or "", p.sha256, p.size_bytes) for p in v.photos),
    )


def known_mentors(session: Session, limit: int = 200) -> list[str]:
    """Mentor names already used, most frequent first (for the editor's completer)."""
    rows = session.execute(
        select(Visit.mentor_name, func.count())
        .group_by(Visit.mentor_name)
        .order_by(func.count().desc(), Visit.mentor_name)
        .limit(limit)
    ).all()
    return [r[0] for r in rows]


def search_recipients(session: Session, text: str, limit: int = 30) -> list[RecipientOption]:
    """People and groups whose name contains `text` (or whose NIK starts with it), for the editor."""
    t = text.strip()
    if len(t) < 2:
        return []
    pattern = "%" + t.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    out: list[RecipientOption] = []
    groups = session.execute(
        select(KubeGroup.id, KubeGroup.name)
        .where(func.upper(KubeGroup.name).like(pattern, escape="\\"))
        .order_by(KubeGroup.name)
        .limit(limit)
    ).all()
    out += [RecipientOption("group", g.id, f"{g.name} (kelompok)") for g in groups]
    cond = prefix_range(Person.nik, t) if t.isdigit() else Person.name.like(pattern, escape="\\")
    people = session.execute(
        select(Person.id, Person.name, Person.nik).where(cond).order_by(Person.name).limit(limit)
    ).all()
    out += [RecipientOption("person", p.id, f"{p.name} ({p.nik[:6]}…{p.nik[-4:]})") for p in people]
    return out[:limit]


def recipient_grants(
    session: Session, *, person_id: int | None = None, group_id: int | None = None
) -> list[tuple[int, str]]:
    """(grant id, label) of the recipient's grants, newest first, for the editor's "Bantuan" choice."""
    from kaltim_desk.models.grant import Programme

    conds = []
    if person_id is not None:
        conds.append(Grant.person_id == person_id)
    if group_id is not None:
        conds.append(Grant.group_id == group_id)
    if not conds:
        return []
    rows = session.execute(
        select(Grant.id, Grant.amount, Grant.status, Programme.name, Programme.budget_year)
        .join(Programme, Programme.id == Grant.programme_id)
        .where(or_(*conds), Grant.status.not_in(("rejected", "cancelled")))
        .order_by(Programme.budget_year.desc(), Grant.id.desc())
    ).all()
    from kaltim_desk.domain.money import format_rupiah

    out = []
    for r in rows:
        name = r.name if str(r.budget_year) in r.name else f"{r.name} ({r.budget_year})"
        out.append((r.id, f"{name} - {format_rupiah(int(r.amount or 0))}"))
    return out


# --- the list page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitRow:
    id: int
    visited_on: date
    mentor_name: str
    recipient_name: str
    recipient_kind: str  # "Perorangan" / "Kelompok"
    village_name: str
    district_name: str
    regency_name: str
    business_status: str
    monthly_revenue: int | None
    photo_count: int


VISIT_SORT = {
    "visited_on": Visit.visited_on,
    "mentor": Visit.mentor_name,
    "status": Visit.business_status,
    "revenue": Visit.monthly_revenue,
}


def _visit_query(columns: list[Any], f: PageFilter) -> Select[Any]:
    village = func.coalesce(Person.village_code, KubeGroup.village_code)
    stmt = (
        select(*columns)
        .select_from(Visit)
        .outerjoin(Person, Person.id == Visit.person_id)
        .outerjoin(KubeGroup, KubeGroup.id == Visit.group_id)
    )
    t = f.text.strip()
    if t:
        pattern = "%" + t.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                func.upper(Visit.mentor_name).like(pattern, escape="\\"),
                Person.name.like(pattern, escape="\\"),
                func.upper(KubeGroup.name).like(pattern, escape="\\"),
            )
        )
    if f.region_code:
        stmt = stmt.where(prefix_range(village, f.region_code, dotted=True))
    if f.status:
        stmt = stmt.where(Visit.business_status == f.status)
    extra = dict(f.extra)
    if extra.get("mentor"):
        stmt = stmt.where(Visit.mentor_name == extra["mentor"])
    return stmt


def count_visits(session: Session, f: PageFilter) -> int:
    require(session, "visit.view")
    return int(session.scalar(_visit_query([func.count(Visit.id)], f)) or 0)


def page_visits(
    session: Session,
    f: PageFilter,
    sort: str = "visited_on",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> list[VisitRow]:
    require(session, "visit.view")
    col = VISIT_SORT.get(sort, Visit.visited_on)
    order: list[Any] = [
        col.desc() if descending else col.asc(),
        Visit.id.desc() if descending else Visit.id.asc(),
    ]
    village = func.coalesce(Person.village_code, KubeGroup.village_code).label("village_code")
    photo_count = select(func.count(VisitPhoto.id)).where(VisitPhoto.visit_id == Visit.id).scalar_subquery()
    stmt = _visit_query(
        [
            Visit.id,
            Visit.visited_on,
            Visit.mentor_name,
            Visit.person_id,
            func.coalesce(Person.name, KubeGroup.name, literal("")).label("recipient_name"),
            village,
            Visit.business_status,
            Visit.monthly_revenue,
            photo_count.label("photo_count"),
        ],
        f,
    )
    rows = session.execute(stmt.order_by(*order).offset(offset).limit(limit)).all()
    names = region_names(session, {r.village_code for r in rows if r.village_code})
    out = []
    for r in rows:
        vc = r.village_code or ""
        out.append(
            VisitRow(
                id=r.id,
                visited_on=r.visited_on,
                mentor_name=r.mentor_name,
                recipient_name=r.recipient_name,
                recipient_kind="Perorangan" if r.person_id is not None else "Kelompok",
                village_name=names.get(vc, ""),
                district_name=names.get(vc[:8], ""),
                regency_name=names.get(vc[:5], ""),
                business_status=r.business_status,
                monthly_revenue=r.monthly_revenue,
                photo_count=int(r.photo_count or 0),
            )
        )
    return out


# --- the second-tranche gate -----------------------------------------------------------------------


def recipient_condition(
    person_id: int | None, group_id: int | None, grant_id: int | None = None, visit: Any = Visit
) -> Any:
    """SQL condition: `visit` (the Visit entity or an alias) is a visit to this recipient.

    Group: the group itself or any of its current members. Person: that person. A visit that names the
    grant counts whoever it was recorded against.
    """
    conds = []
    if group_id is not None:
        member = aliased(GroupMember)
        conds.append(visit.group_id == group_id)
        conds.append(visit.person_id.in_(select(member.person_id).where(member.group_id == group_id)))
    if person_id is not None:
        conds.append(visit.person_id == person_id)
    if grant_id is not None:
        conds.append(visit.grant_id == grant_id)
    if not conds:
        return literal(False)
    return or_(*conds)


def visit_recorded_for_recipient(
    session: Session,
    *,
    since: date,
    person_id: int | None = None,
    group_id: int | None = None,
    grant_id: int | None = None,
) -> bool:
    """True when a visit to the recipient dated on or after `since` exists."""
    cond = recipient_condition(person_id, group_id, grant_id)
    return bool(session.scalar(select(exists().where(cond, Visit.visited_on >= since))))


def visit_recorded_for_grant(session: Session, grant_id: int, since: date) -> bool:
    """The aid feature's second-tranche gate: has the grant's recipient (the person; or the group or any
    of its members) been visited on or after `since` (normally the first tranche's payment date)?"""
    grant = session.get(Grant, grant_id)
    if grant is None:
        raise NotFound("Bantuan", grant_id)
    return visit_recorded_for_recipient(
        session,
        since=since,
        person_id=grant.person_id,
        group_id=grant.group_id,
        grant_id=grant_id,
    )


# --- photos ---------------------------------------------------------------------------------------


def attachments_root(session: Session) -> Path:
    """`<db folder>/attachments` for a SQLite file; the per-user data folder for a server database."""
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    path = sqlite_path(url)
    base = path.parent if path is not None else data_dir()
    return base / "attachments"


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def attach_photo(session: Session, visit_id: int, source: Path, caption: str = "") -> PhotoDTO:
    """Copy a photo into the visit's attachment folder (atomically) and record it with its SHA-256.

    The same picture attached twice to one visit is refused. If the unit of work later rolls back, the
    copied file stays as an unreferenced file (harmless; `verify_photos` only looks at recorded photos).
    """
    require(session, "visit.edit")
    visit = _load(session, visit_id)
    source = Path(source)
    if not source.is_file():
        raise DomainError("photo_missing", f"Berkas foto {source.name} tidak ditemukan.", field="photos")
    if source.suffix.lower() not in PHOTO_SUFFIXES:
        raise DomainError("photo_type", "Foto harus berupa berkas JPG, PNG, WEBP atau HEIC.", field="photos")
    size = source.stat().st_size
    if size > MAX_PHOTO_BYTES:
        raise DomainError("photo_size", "Foto lebih dari 20 MB; perkecil dahulu.", field="photos")
    digest = _sha256(source)
    if any(p.sha256 == digest for p in visit.photos):
        raise DomainError("photo_duplicate", "Foto yang sama sudah dilampirkan.", field="photos")
    stem = _SAFE.sub("_", source.stem)[:60].strip("_") or "foto"
    relative = f"visits/{visit.id}/{digest[:12]}-{stem}{source.suffix.lower()}"
    target = attachments_root(session) / relative
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
    if _sha256(target) != digest:
        target.unlink(missing_ok=True)
        raise DomainError("photo_copy", "Salinan foto tidak sama dengan aslinya; ulangi.", field="photos")
    cap = clean_text(caption)[:200] or None
    photo = VisitPhoto(visit_id=visit.id, file_name=relative, sha256=digest, size_bytes=size, caption=cap)
    session.add(photo)
    session.flush()
    audit.record(session, "visit.photo_add", "visit", visit.id, file=relative, sha256=digest)
    return PhotoDTO(photo.id, relative, cap or "", digest, size)


def remove_photo(session: Session, photo_id: int) -> None:
    """Forget a photo (the file is kept: deleting evidence is not a clerk's click)."""
    require(session, "visit.edit")
    photo = session.get(VisitPhoto, photo_id)
    if photo is None:
        raise NotFound("Foto", photo_id)
    audit.record(session, "visit.photo_remove", "visit", photo.visit_id, file=photo.file_name)
    session.delete(photo)
    session.flush()


def verify_photos(session: Session, visit_id: int) -> list[tuple[PhotoDTO, str]]:
    """Each photo of the visit with "ok", "missing" or "changed" (its SHA-256 no longer matches)."""
    require(session, "visit.view")
    visit = _load(session, visit_id)
    root = attachments_root(session)
    out = []
    for p in visit.photos:
        dto = PhotoDTO(p.id, p.file_name, p.caption or "", p.sha256, p.size_bytes)
        path = root / p.file_name
        if not path.is_file():
            out.append((dto, "missing"))
        else:
            out.append((dto, "ok" if _sha256(path) == p.sha256 else "changed"))
    return out


def photo_path(session: Session, photo: PhotoDTO) -> Path:
    return attachments_root(session) / photo.file_name


def photo_file_problems(session: Session) -> tuple[int, list[str]]:
    """(photos recorded, problems) for the integrity check: each recorded photo's file must exist with
    its recorded size. Cheap enough for every start; the full SHA-256 is checked when a visit is opened
    (`verify_photos`)."""
    root = attachments_root(session)
    n, problems = 0, []
    for vid, name, size in session.execute(
        select(VisitPhoto.visit_id, VisitPhoto.file_name, VisitPhoto.size_bytes)
    ).yield_per(2000):
        n += 1
        path = root / name
        if not path.is_file():
            problems.append(f"foto kunjungan #{vid} hilang: {name}")
        elif path.stat().st_size != size:
            problems.append(f"foto kunjungan #{vid} berubah: {name}")
    return n, problems
