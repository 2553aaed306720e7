"""Upward-reporting exports: which rows go into which sheet, who may export, and the export log.

Decisions where the issue left room (documented here, the one place that does them):
- Aid counted in a report is the grants from "approved" on (approved, agreement signed, disbursing,
  disbursed, accountability received, closed); proposed, verified, rejected and cancelled grants are not
  aid yet. The BNBA lists only people who received aid (in budget year Y with `--year Y`, in any year
  without), and the recaps count only those people and the KUBE that received aid: a registered woman
  who received nothing is not a recipient.
- A KUBE grant is shown in the BNBA split over the group's members (integer rupiah; the remainder of the
  division goes to the first members, chair first), so the BNBA total equals the recap total exactly.
- Masked by default (exports/masking.py, docs/SECURITY.md): NIK and No. KK show their region digits
  only, the birth year stands in for the birth date, and `KUNCI NIK` is an HMAC-SHA256 fingerprint of the
  NIK under the province's key (setting `excel.nik_key`, installed from the province's key file; without
  it the column stays empty and the export says so). A full export (officer/admin, with a reason,
  audited, password-encrypted) carries the NIK and the birth date themselves.
- Audit first, then the file: the export's log and audit rows are written (and the database's write lock
  taken) before a byte of the file; when they can not be written (a read-only session, a busy or full
  database) no file is made, and a file whose transaction is later rolled back is deleted.
- Export sequence numbers count per office (its region code) over every export it makes, full or masked.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from kaltim_desk import __version__, dialect
from kaltim_desk.core import audit, big_reads
from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.permissions import require
from kaltim_desk.core.progress import Progress
from kaltim_desk.core.settings import get_raw, office_profile, set_raw
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.phone import PhoneError, format_phone_local
from kaltim_desk.exports import layouts, masking
from kaltim_desk.exports.workbook import SheetData, TitleBlock, WrittenWorkbook, write_report
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.import_batch import ExportLog
from kaltim_desk.models.person import Person
from kaltim_desk.models.region import Region
from kaltim_desk.models.vocabulary import (
    GRANT_GRANTED,
    GroupStatus,
    MemberRole,
    TrainingStatus,
    member_role_labels,
)
from kaltim_desk.services.monitoring.survival import SurvivalRow, survival_rows, survival_totals

COUNTED_GRANT_STATUSES = GRANT_GRANTED
NIK_KEY_SETTING = "excel.nik_key"
NO_KEY_WARNING = (
    "Kunci NIK provinsi belum dipasang: kolom KUNCI NIK kosong, sehingga provinsi tidak dapat mencari "
    "NIK ganda dari berkas ini. Minta berkas kunci ke Dinas Sosial Provinsi dan pasang dengan "
    "`kaltim-desk nik-key install BERKAS`."
)
READ_ONLY_MESSAGE = (
    "Basis data ini dibuka hanya-baca (PC lain sedang memegang kunci penulisan), jadi ekspor tidak dapat "
    "dicatat di jejak audit dan tidak dibuat. Buat ekspor di PC yang sedang menulis, atau tunggu sampai "
    "PC itu menutup aplikasi lalu buka ulang."
)
ROLE_ORDER: dict[str, int] = {r: i for i, r in enumerate(MemberRole)}
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
    nik_key_missing: bool = False  # a BNBA without the province key: its KUNCI NIK column is empty


def nik_key(session: Session) -> str | None:
    """The province's NIK key installed in this office, or None (none, or an unusable/public one)."""
    raw = str(get_raw(session, NIK_KEY_SETTING, "") or "")
    try:
        return masking.check_key(raw)
    except masking.KeyFileError:
        return None


def install_nik_key(session: Session, key_file_text: str) -> str:
    """Install the province's key from its key file's text (admin); returns the key id. Audited with
    the id only, never the key."""
    require(session, "settings.edit")
    try:
        key = masking.parse_key_file(key_file_text)
    except masking.KeyFileError as exc:
        raise DomainError("nik_key_invalid", f"Berkas kunci NIK ditolak: {exc}.", field="key") from exc
    previous = nik_key(session)
    set_raw(session, NIK_KEY_SETTING, key)
    kid = masking.key_id(key)
    audit.record(
        session,
        "settings.nik_key",
        "setting",
        NIK_KEY_SETTING,
        key_id=kid,
        previous_key_id=masking.key_id(previous) if previous else None,
    )
    return kid


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
        for pid, gname, role, _st in big_reads.streamed(
            session,
            select(GroupMember.person_id, KubeGroup.name, GroupMember.role, KubeGroup.status)
            .join(KubeGroup, KubeGroup.id == GroupMember.group_id)
            .where(KubeGroup.status != GroupStatus.INACTIVE)
            .order_by(KubeGroup.status),
        ):
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
            for gid, pid, role in big_reads.streamed(
                self.session,
                select(GroupMember.group_id, GroupMember.person_id, GroupMember.role).where(
                    GroupMember.group_id.in_(group_ids)
                ),
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
        big_reads.release(members)

    def _count_groups(self) -> None:
        stmt = select(KubeGroup.id, KubeGroup.village_code, KubeGroup.business_type, KubeGroup.status)
        for gid, vc, btype, _status in self.session.execute(stmt):
            aid = self.group_aid.get(gid, [])
            if not aid:  # a KUBE counts where it received aid, like a person
                continue
            vc = vc or ""
            reg = self.names.get(vc[:5], "(tanpa wilayah)")
            dist = (reg, self.names.get(vc[:8], "(tanpa kecamatan)"))
            bt = btype or "(tidak diisi)"
            for agg in (self.by_regency[reg], self.by_district["\x00".join(dist)], self.by_business[bt]):
                agg.groups += 1
                for amount, src in aid:
                    agg.aid[src] += amount

    def release(self) -> None:
        """Let go of the per-person maps a piece at a time (see `core.big_reads`)."""
        big_reads.release(self.shares, self.current, self.person_aid_groups, self.group_aid)

    def total_people(self) -> int:
        return len(self.shares)

    def people(self, full: bool) -> Iterator[tuple[Any, ...]]:
        """BNBA rows of the people who received aid (in the layout's visible column order), accumulating
        the recaps on the way."""
        key_text = nik_key(self.session)
        key = key_text.encode("utf-8") if key_text else None
        fingerprint, mask = masking.fingerprint, masking.mask_id
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
        n = 0
        # Core execution on the session's connection: no ORM row processing for 100,000 rows
        conn = self.session.connection()
        for p in conn.execute(stmt.execution_options(yield_per=5000)):
            shares = self.shares.get(p.id)
            if not shares:
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
                p.nik if full else mask(p.nik),
                (p.kk_number if full else mask(p.kk_number)) if p.kk_number else "",
                p.name,
                p.sex,
                p.birth_place or "",
                p.birth_date if full else (p.birth_date.year if p.birth_date else None),
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
                member_role_labels().get(group[1], "").upper() if group else "",
                aid,
                sources,
                years,
                fingerprint(key, p.nik) if key else "",
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
    # The recap sheet's own capitals (its headings predate the screen labels; kept so the sheet reads as before).
    status: dict[str, str] = {
        TrainingStatus.PLANNED: "DIRENCANAKAN",
        TrainingStatus.RUNNING: "BERJALAN",
        TrainingStatus.FINISHED: "SELESAI",
        TrainingStatus.CANCELLED: "BATAL",
    }
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


def _survival_sheet_rows(rows: Sequence[SurvivalRow]) -> list[list[Any]]:
    return [
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
            r.revenue_n,
            r.revenue_baseline if r.revenue_n else None,
            r.revenue_latest if r.revenue_n else None,
            r.revenue_change,
        ]
        for i, r in enumerate(rows, start=1)
    ]


def _survival_sheets(session: Session, year: int | None, today: date | None, full: bool) -> list[SheetData]:
    """The survival workbook: per intake, regency and horizon; summed per intake; how it is counted."""
    today = today or date.today()
    rows = survival_rows(session, year, today)
    totals = survival_totals(rows)
    notes = [[f"Dihitung per {format_date_id(today)}."], *([line] for line in layouts.SURVIVAL_NOTE_LINES)]
    return [
        SheetData(layouts.SURVIVAL, _survival_sheet_rows(rows), len(rows), full),
        SheetData(layouts.SURVIVAL_INTAKES, _survival_sheet_rows(totals), len(totals), full),
        SheetData(layouts.SURVIVAL_NOTES, notes, len(notes), full),
    ]


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
    today: date | None = None,
) -> ExportResult:
    """Write report `kind` (bnba, recap, training, survival) to `target`. A full export needs the
    "export.full" role, a reason and a password (the file is encrypted); every export is logged and
    audited, and numbered in the office's export sequence. `today`: the date the survival table is
    counted at (default: today)."""
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
    if dialect.is_read_only(session):
        raise DomainError("read_only", READ_ONLY_MESSAGE)
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
    key = nik_key(session)
    sheets: list[SheetData] = []
    done_with_rows = contextlib.ExitStack()  # the per-person maps, let go of once the file is written
    if kind in ("bnba", "recap"):
        data = _Dataset(session, year)
        done_with_rows.callback(data.release)
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
        expected = data.total_people()
    elif kind == "training":
        rows = _training_rows(session, year)
        sheets.append(SheetData(layouts.TRAINING, rows, len(rows), full))
        expected = len(rows)
    else:
        sheets += _survival_sheets(session, year, today, full)
        expected = sheets[0].count
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
        "nik_key_id": masking.key_id(key) if key else "",
        "app_version": __version__,
    }
    # Audit first, then the file: these rows take the database's write lock; if they can not be
    # written nothing below runs, so no file exists without its record.
    log = ExportLog(
        office_code=office_code,
        sequence=sequence,
        kind=kind,
        is_full=full,
        reason=reason or None,
        actor=actor.username,
        row_count=expected,
        checksum="",
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
        rows=expected,
        file=target.name,
        reason=reason or None,
    )
    session.flush()
    meta["audit_head"] = audit.format_head(audit.chain_head(session))  # the chain with this export in it
    with done_with_rows:
        written: WrittenWorkbook = write_report(
            target,
            sheets,
            title,
            meta,
            password=password if full else None,
            progress=progress,
            is_cancelled=is_cancelled,
        )
    delete_on_rollback(session, target)
    first_rows = next(iter(written.row_counts.values()), 0)
    log.row_count, log.checksum = first_rows, written.checksum
    session.flush()
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
        nik_key_missing=kind == "bnba" and key is None,
    )


_PENDING_FILES = "export_files_until_commit"


def delete_on_rollback(session: Session, path: Path) -> None:
    """Delete `path` if the session's transaction is rolled back instead of committed (its audit row is
    gone then, so the file must go too)."""
    session.info.setdefault(_PENDING_FILES, []).append(Path(path))


@event.listens_for(Session, "after_commit")
def _keep_exported_files(session: Session) -> None:
    session.info.pop(_PENDING_FILES, None)


@event.listens_for(Session, "after_transaction_end")
def _delete_exported_files(session: Session, transaction: Any) -> None:
    """The outermost transaction ended without a commit (which would have cleared the list): rolled
    back. A savepoint ending inside it changes nothing."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(_PENDING_FILES, ()):
        with contextlib.suppress(OSError):
            path.unlink()


def _lazy(fn: Callable[[], Iterator[list[Any]]]) -> Iterator[list[Any]]:
    """Rows produced only when the writer reaches the sheet (after the BNBA pass filled the recaps)."""
    yield from fn()


def _now_text() -> str:
    from kaltim_desk.models.base import utcnow

    return utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
