"""Upward-reporting exports: which rows go into which sheet, who may export, and the export log.

Decisions where the issue left room (documented here, the one place that does them):
- Aid counted in a report is the grants from "approved" on (approved, agreement signed, disbursing,
  disbursed, accountability received, closed); proposed, verified, rejected and cancelled grants are not
  aid yet. `--year Y` keeps only programmes of budget year Y and lists only the people who received aid
  in that year; without a year every active person is listed and all years' aid is counted.
- A KUBE grant is shown in the BNBA split over the group's members (integer rupiah; the remainder of the
  division goes to the first members, chair first), so the BNBA total equals the recap total exactly.
- NIK/KK are masked by default. Every BNBA row carries `KUNCI NIK`: a keyed BLAKE2b MAC of the NIK under the
  province's exchange key (setting `excel.nik_key`; a built-in key when none is set, whose id the
  metadata names). The province finds the same woman in two offices by that key without any office
  sending full NIKs; a full export (officer/admin, with a reason, audited, password-encrypted) carries
  the NIK itself.
- Export sequence numbers count per office (its region code) over every export it makes, full or masked.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desk import __version__
from kaltim_desk.core import audit
from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.permissions import require
from kaltim_desk.core.progress import Progress
from kaltim_desk.core.settings import get_raw, office_profile
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.nik import mask_kk, mask_nik
from kaltim_desk.domain.phone import PhoneError, format_phone_local
from kaltim_desk.exports import layouts
from kaltim_desk.exports.workbook import SheetData, TitleBlock, WrittenWorkbook, write_report
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.import_batch import ExportLog
from kaltim_desk.models.person import Person
from kaltim_desk.models.region import Region
from kaltim_desk.models.vocabulary import GRANT_GRANTED

COUNTED_GRANT_STATUSES = GRANT_GRANTED
DEFAULT_NIK_KEY = "kaltim-desk/nik-key/v1"
ROLE_LABELS = {"ketua": "KETUA", "sekretaris": "SEKRETARIS", "bendahara": "BENDAHARA", "anggota": "ANGGOTA"}
ROLE_ORDER = {"ketua": 0, "sekretaris": 1, "bendahara": 2, "anggota": 3}
KINDS = tuple(layouts.REPORTS)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    kind: str
    sequence: int
    office_code: str
    rows: int
    checksum: str
    full: bool
    encrypted: bool
    row_counts: dict[str, int] = field(default_factory=dict)


def nik_key(session: Session) -> str:
    return str(get_raw(session, "excel.nik_key", "") or DEFAULT_NIK_KEY)


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


@functools.lru_cache(maxsize=8)
def _mac_key(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def nik_hash(key: str, nik: str) -> str:
    """Keyed BLAKE2b (a MAC: without the key, the NIK can not be recovered by trying all NIKs) of the
    NIK, 96 bits, as 24 hex digits. One C call per row, cheap at 100,000 rows."""
    return hashlib.blake2b(nik.encode("ascii", "replace"), key=_mac_key(key), digest_size=12).hexdigest()


# --- the data ----------------------------------------------------------------------------------------


@dataclass
class _Agg:
    groups: int = 0
    recipients: int = 0
    women_heads: int = 0
    aid: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def row(self) -> list[Any]:
        apbd, apbdp, apbn = self.aid.get("APBD", 0), self.aid.get("APBD-P", 0), self.aid.get("APBN", 0)
        return [self.groups, self.recipients, self.women_heads, apbd, apbdp, apbn, sum(self.aid.values())]


class _Dataset:
    """Grants and memberships loaded once; the people are streamed for the BNBA while the recaps
    accumulate."""

    def __init__(self, session: Session, year: int | None) -> None:
        self.session, self.year = session, year
        self.names: dict[str, str] = dict(session.execute(select(Region.code, Region.name)).all())  # type: ignore[arg-type]
        self.shares: dict[int, list[tuple[int, str, int]]] = defaultdict(list)  # person -> (amount, src, yr)
        self.group_aid: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.person_aid_groups: set[int] = set()
        self._load_grants()
        self.current: dict[int, tuple[str, str]] = {}
        rows = session.execute(
            select(GroupMember.person_id, KubeGroup.name, GroupMember.role, KubeGroup.status)
            .join(KubeGroup, KubeGroup.id == GroupMember.group_id)
            .where(KubeGroup.status != "inactive")
            .order_by(KubeGroup.status)
        ).all()
        for pid, gname, role, _st in rows:
            self.current.setdefault(pid, (gname, role))
        self.by_regency: dict[str, _Agg] = defaultdict(_Agg)
        self.by_district: dict[str, _Agg] = defaultdict(_Agg)
        self.by_business: dict[str, _Agg] = defaultdict(_Agg)
        self._count_groups()

    def _load_grants(self) -> None:
        from kaltim_desk.models.grant import Grant, Programme

        stmt = (
            select(
                Grant.id,
                Grant.group_id,
                Grant.person_id,
                Grant.amount,
                Programme.funding_source,
                Programme.budget_year,
            )
            .join(Programme, Programme.id == Grant.programme_id)
            .where(Grant.status.in_(COUNTED_GRANT_STATUSES))
            .order_by(Grant.id)
        )
        if self.year is not None:
            stmt = stmt.where(Programme.budget_year == self.year)
        grants = self.session.execute(stmt).all()
        group_ids = {g.group_id for g in grants if g.group_id is not None}
        members: dict[int, list[tuple[int, int]]] = defaultdict(list)
        if group_ids:
            for gid, pid, role in self.session.execute(
                select(GroupMember.group_id, GroupMember.person_id, GroupMember.role).where(
                    GroupMember.group_id.in_(group_ids)
                )
            ):
                members[gid].append((ROLE_ORDER.get(role, 9), pid))
        for g in grants:
            amount = int(g.amount or 0)
            if g.person_id is not None:
                self.shares[g.person_id].append((amount, g.funding_source, g.budget_year))
                continue
            self.group_aid[g.group_id].append((amount, g.funding_source))
            people = [pid for _o, pid in sorted(members.get(g.group_id, []))]
            if not people:
                continue
            base, rest = divmod(amount, len(people))
            for i, pid in enumerate(people):
                self.shares[pid].append((base + (1 if i < rest else 0), g.funding_source, g.budget_year))
                self.person_aid_groups.add(pid)

    def _count_groups(self) -> None:
        stmt = select(KubeGroup.id, KubeGroup.village_code, KubeGroup.business_type, KubeGroup.status)
        for gid, vc, btype, status in self.session.execute(stmt):
            aid = self.group_aid.get(gid, [])
            if self.year is not None and not aid:
                continue
            if self.year is None and status != "active" and not aid:
                continue
            vc = vc or ""
            reg = self.names.get(vc[:5], "(tanpa wilayah)")
            dist = (reg, self.names.get(vc[:8], "(tanpa kecamatan)"))
            bt = btype or "(tidak diisi)"
            for agg in (self.by_regency[reg], self.by_district["\x00".join(dist)], self.by_business[bt]):
                agg.groups += 1
                for amount, src in aid:
                    agg.aid[src] += amount

    def total_people(self) -> int:
        stmt = select(func.count()).select_from(Person)
        if self.year is None:
            stmt = stmt.where(Person.is_active.is_(True))
            return int(self.session.scalar(stmt) or 0)
        return len(self.shares)

    def people(self, full: bool) -> Iterator[tuple[Any, ...]]:
        """BNBA rows (in the layout's visible column order), accumulating the recaps on the way."""
        key = nik_key(self.session)
        names = self.names
        stmt = select(
            Person.id,
            Person.nik,
            Person.kk_number,
            Person.name,
            Person.sex,
            Person.birth_place,
            Person.birth_date,
            Person.street,
            Person.rt,
            Person.rw,
            Person.village_code,
            Person.phone,
            Person.is_household_head,
            Person.business_type,
            Person.is_active,
        ).order_by(Person.village_code, Person.name, Person.id)
        if self.year is None:
            stmt = stmt.where(Person.is_active.is_(True))
        n = 0
        # Core execution on the session's connection: no ORM row processing for 100,000 rows
        conn = self.session.connection()
        for p in conn.execute(stmt.execution_options(yield_per=5000)):
            shares = self.shares.get(p.id)
            if self.year is not None and not shares:
                continue
            n += 1
            vc = p.village_code or ""
            regency = names.get(vc[:5], "")
            district = names.get(vc[:8], "")
            group = self.current.get(p.id)
            aid = sum(s[0] for s in shares) if shares else 0
            sources = ", ".join(sorted({s[1] for s in shares})) if shares else ""
            years = ", ".join(str(y) for y in sorted({s[2] for s in shares})) if shares else ""
            head = bool(p.is_household_head)
            row: list[Any] = [
                n,
                p.nik if full else _mask16(p.nik, mask_nik),
                (p.kk_number if full else _mask16(p.kk_number, mask_kk)) if p.kk_number else "",
                p.name,
                p.sex,
                p.birth_place or "",
                p.birth_date,
                p.street or "",
                p.rt or "",
                p.rw or "",
                names.get(vc, ""),
                district,
                regency,
            ]
            if full:
                row.append(_phone(p.phone))
            row += [
                "YA" if head else "TIDAK",
                p.business_type or "",
                group[0] if group else "",
                ROLE_LABELS.get(group[1], "") if group else "",
                aid,
                sources,
                years,
                nik_hash(key, p.nik),
            ]
            # recaps: a person counts once where she lives, her aid where she lives (group aid is
            # counted with the group, in _count_groups, so only her own grants are added here)
            bt = p.business_type or "(tidak diisi)"
            for agg in (
                self.by_regency[regency or "(tanpa wilayah)"],
                self.by_district[(regency or "(tanpa wilayah)") + "\x00" + (district or "(tanpa kecamatan)")],
                self.by_business[bt],
            ):
                agg.recipients += 1
                if head and p.sex == "P":
                    agg.women_heads += 1
            yield tuple(row)
        self._add_person_grants()

    def _add_person_grants(self) -> None:
        """Individual (UEP) grants into the recaps, by where the person lives and her business type."""
        from kaltim_desk.models.grant import Grant, Programme

        stmt = (
            select(Person.village_code, Person.business_type, Grant.amount, Programme.funding_source)
            .join(Grant, Grant.person_id == Person.id)
            .join(Programme, Programme.id == Grant.programme_id)
            .where(Grant.status.in_(COUNTED_GRANT_STATUSES))
        )
        if self.year is not None:
            stmt = stmt.where(Programme.budget_year == self.year)
        for vc, bt, amount, src in self.session.execute(stmt):
            vc = vc or ""
            reg = self.names.get(vc[:5], "") or "(tanpa wilayah)"
            dist = self.names.get(vc[:8], "") or "(tanpa kecamatan)"
            for agg in (
                self.by_regency[reg],
                self.by_district[reg + "\x00" + dist],
                self.by_business[bt or "(tidak diisi)"],
            ):
                agg.aid[src] += int(amount or 0)

    def recap_regency(self) -> Iterator[list[Any]]:
        for i, (name, agg) in enumerate(sorted(self.by_regency.items()), start=1):
            yield [i, name, *agg.row()]

    def recap_district(self) -> Iterator[list[Any]]:
        for i, (key, agg) in enumerate(sorted(self.by_district.items()), start=1):
            reg, dist = key.split("\x00")
            yield [i, reg, dist, *agg.row()]

    def business(self) -> Iterator[list[Any]]:
        for i, (name, agg) in enumerate(sorted(self.by_business.items()), start=1):
            yield [i, name, agg.groups, agg.recipients, sum(agg.aid.values())]


def _mask16(value: str, fallback: Callable[[str], str]) -> str:
    """The stored NIK/KK (16 digits already) masked without re-normalising it; anything else the slow way."""
    if len(value) == 16 and value.isdigit():
        return value[:6] + "******" + value[12:]
    return fallback(value)


def _phone(e164: str | None) -> str:
    if not e164:
        return ""
    try:
        return format_phone_local(e164).replace(" ", "")
    except PhoneError:
        return e164


def _training_rows(session: Session, year: int | None) -> list[list[Any]]:
    from kaltim_desk.models.training import Certificate, Participant, Training

    stmt = select(Training).order_by(Training.start_date, Training.id)
    if year is not None:
        stmt = stmt.where(Training.start_date >= date(year, 1, 1), Training.start_date <= date(year, 12, 31))
    trainings = list(session.scalars(stmt))
    parts = dict(
        session.execute(select(Participant.training_id, func.count()).group_by(Participant.training_id)).all()  # type: ignore[arg-type]
    )
    certs: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for tid, revoked in session.execute(
        select(Participant.training_id, Certificate.revoked_at).join(
            Certificate, Certificate.participant_id == Participant.id
        )
    ):
        certs[tid][1 if revoked is not None else 0] += 1
    status = {"planned": "DIRENCANAKAN", "running": "BERJALAN", "finished": "SELESAI", "cancelled": "BATAL"}
    return [
        [
            i,
            t.title,
            t.place or "",
            t.start_date,
            t.end_date,
            t.hours,
            int(parts.get(t.id, 0)),
            certs[t.id][0],
            certs[t.id][1],
            status.get(t.status, t.status),
        ]
        for i, t in enumerate(trainings, start=1)
    ]


def _survival_rows(session: Session, year: int | None) -> list[list[Any]]:
    from kaltim_desk.services.monitoring.survival import survival_rows

    out = []
    for i, r in enumerate(survival_rows(session, year), start=1):
        out.append(
            [
                i,
                r.intake_year,
                r.regency_name,
                r.months,
                r.running,
                r.paused,
                r.closed,
                r.changed,
                r.unknown,
                r.total,
                float(r.share_running) if r.share_running is not None else None,
            ]
        )
    return out


# --- the use case --------------------------------------------------------------------------------------


def next_sequence(session: Session, office_code: str) -> int:
    last = session.scalar(select(func.max(ExportLog.sequence)).where(ExportLog.office_code == office_code))
    return int(last or 0) + 1


def export_report(
    session: Session,
    kind: str,
    target: Path | str,
    *,
    year: int | None = None,
    full: bool = False,
    reason: str = "",
    password: str | None = None,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write report `kind` (bnba, recap, training, survival) to `target`. A full export needs the
    "export.full" role, a reason and a password (the file is encrypted); every export is logged and
    audited, and numbered in the office's export sequence."""
    if kind not in layouts.REPORTS:
        raise DomainError("export_kind", f"Jenis laporan tidak dikenal: {kind}. Pilih: {', '.join(KINDS)}.")
    require(session, "export.full" if full else "export.masked")
    reason = " ".join((reason or "").split())
    if full:
        if not reason:
            raise DomainError(
                "reason_required",
                "Ekspor lengkap (NIK tidak disamarkan) wajib disertai alasan.",
                field="reason",
            )
        if not password or len(password) < 8:
            raise DomainError(
                "password_required",
                "Ekspor lengkap disimpan terenkripsi: isi kata sandi berkas minimal 8 karakter.",
                field="password",
            )
    if year is not None and not 2000 <= year <= 2100:
        raise DomainError("year_invalid", f"Tahun {year} tidak masuk akal.", field="year")
    target = Path(target)
    office = office_profile(session)
    office_code = office.region_code
    sequence = next_sequence(session, office_code)
    actor = current_actor(session)
    region_name = session.scalar(select(Region.name).where(Region.code == office_code)) or ""
    title = TitleBlock(
        office=f"{office.agency_name} {region_name}".strip().upper(),
        period=f"Tahun anggaran {year}" if year else "Semua tahun",
        printed=format_date_id(date.today()),
    )
    sheets: list[SheetData] = []
    if kind in ("bnba", "recap"):
        data = _Dataset(session, year)
        if kind == "bnba":
            sheets.append(SheetData(layouts.BNBA, data.people(full), data.total_people(), full))
        else:
            for _row in data.people(full):
                pass
        sheets += [
            SheetData(layouts.RECAP_REGENCY, _lazy(data.recap_regency), 20, full),
            SheetData(layouts.RECAP_DISTRICT, _lazy(data.recap_district), 100, full),
            SheetData(layouts.BUSINESS, _lazy(data.business), 10, full),
        ]
    elif kind == "training":
        rows = _training_rows(session, year)
        sheets.append(SheetData(layouts.TRAINING, rows, len(rows), full))
    else:
        rows = _survival_rows(session, year)
        sheets.append(SheetData(layouts.SURVIVAL, rows, len(rows), full))
    meta = {
        "office_code": office_code,
        "office_name": title.office,
        "region_code": office_code,
        "sequence": sequence,
        "kind": kind,
        "mode": "full" if full else "masked",
        "year": year or "",
        "exported_by": actor.username,
        "exported_at": _now_text(),
        "nik_key_id": key_id(nik_key(session)),
        "app_version": __version__,
        "audit_head": audit.format_head(audit.chain_head(session)),
    }
    written: WrittenWorkbook = write_report(
        target,
        sheets,
        title,
        meta,
        password=password if full else None,
        progress=progress,
        is_cancelled=is_cancelled,
    )
    first_rows = next(iter(written.row_counts.values()), 0)
    log = ExportLog(
        office_code=office_code,
        sequence=sequence,
        kind=kind,
        is_full=full,
        reason=reason or None,
        actor=actor.username,
        row_count=first_rows,
        checksum=written.checksum,
        file_name=target.name[:255],
    )
    session.add(log)
    session.flush()
    audit.record(
        session,
        "export.full" if full else "export.masked",
        "export",
        log.id,
        kind=kind,
        year=year,
        sequence=sequence,
        rows=first_rows,
        file=target.name,
        reason=reason or None,
    )
    return ExportResult(
        target,
        kind,
        sequence,
        office_code,
        first_rows,
        written.checksum,
        full,
        written.encrypted,
        dict(written.row_counts),
    )


def _lazy(fn: Callable[[], Iterator[list[Any]]]) -> Iterator[list[Any]]:
    """Rows produced only when the writer reaches the sheet (after the BNBA pass filled the recaps)."""
    yield from fn()


def _now_text() -> str:
    from kaltim_desk.models.base import utcnow

    return utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
