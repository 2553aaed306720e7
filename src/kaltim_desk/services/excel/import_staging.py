"""Committing a validated import in one transaction under an import batch, and rolling a batch back.

Commit: only rows the preview found ``ok`` (and the user kept) are registered, checked again by the form's
rules and stored together (`people.register_imported_people`); KUBE groups named in the file are created
with their members by the rules of `create_group` and `add_member` (`groups.create_imported_groups`; status
"forming": the clerk activates them after checking the rules). The batch's audit row records what came in;
each person and group carries the batch id. A group that already exists in the database is
not changed by an import (its rows are imported as people, with a warning to add them on the Kelompok
page), so that everything an import adds is marked with its batch. A row refused at commit time (someone
registered the NIK meanwhile) is reported, not lost. The caller's unit of work commits all of it at once or
nothing (R1).

Rollback (decided here, since people are never hard-deleted in normal work): a batch can be undone as a
whole only while nothing else refers to what it added: no grant, training participation, visit,
membership in a group outside the batch, no member added to its groups later. Then its people, its groups
and their memberships are removed, the batch is marked rolled back and the audit trail says who and why.
If anything refers to them, the rollback is refused and the message says what holds them; the clerk then
deactivates people one by one as usual.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.dto import GroupInput
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.permissions import require
from kaltim_desk.models.base import Base, utcnow
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.import_batch import ImportBatch
from kaltim_desk.models.person import Person
from kaltim_desk.models.vocabulary import ImportStatus, MemberRole
from kaltim_desk.services.excel.import_validate import EXISTS, OK, REJECTED, RowResult
from kaltim_desk.services.registry import groups, people

ROLE_ORDER: dict[str, int] = {r: i for i, r in enumerate(MemberRole)}


@dataclass
class CommitResult:
    batch_id: int | None
    imported: int
    groups_created: int
    exists: int
    skipped: int
    rejected: int
    late_rejections: list[tuple[int, str]] = field(default_factory=list)  # (row, message)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def message(self) -> str:
        if not self.imported:
            return "Tidak ada baris baru yang diimpor: semua baris sudah ada, dilewati atau ditolak."
        return (
            f"{self.imported} penerima diimpor (batch #{self.batch_id}), {self.groups_created} kelompok baru; "
            f"{self.exists} sudah ada, {self.skipped} dilewati, {self.rejected} ditolak."
        )


def commit_rows(
    session: Session,
    rows: list[RowResult],
    *,
    file_name: str,
    file_sha256: str,
    sheet: str,
    started_at: datetime,
    selected: set[int] | None = None,
) -> CommitResult:
    require(session, "import.run")
    chosen = [
        r for r in rows if r.status == OK and r.person is not None and (selected is None or r.row in selected)
    ]
    counts: defaultdict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.status] += 1
    not_chosen = counts[OK] - len(chosen)
    result = CommitResult(None, 0, 0, counts[EXISTS], counts["skipped"] + not_chosen, counts[REJECTED])
    if not chosen:
        return result
    batch = ImportBatch(
        file_name=file_name[:255],
        file_sha256=file_sha256,
        sheet=sheet[:120],
        started_at=started_at,
        committed_at=utcnow(),
        actor=current_actor(session).username,
        rows_read=len(rows),
        status=ImportStatus.COMMITTED.value,
    )
    session.add(batch)
    session.flush()
    person_of, late = people.register_imported_people(
        session,
        [(r.row, r.person) for r in chosen if r.person is not None],
        import_batch_id=batch.id,
        validated={r.row: r.values for r in chosen if r.values is not None},
    )
    result.late_rejections.extend(late)
    # groups named in the file, their officers first
    planned: dict[str, tuple[GroupInput, list[groups.ImportedMember]]] = {}
    for r in chosen:
        if not r.group_name or r.row not in person_of:
            continue
        if r.group_name not in planned:
            assert r.person is not None
            planned[r.group_name] = (
                GroupInput(
                    name=r.group_name,
                    village_code=r.person.village_code,
                    business_type=r.person.business_type,
                ),
                [],
            )
        planned[r.group_name][1].append(groups.ImportedMember(r.row, person_of[r.row], r.role))
    for _data, members in planned.values():
        members.sort(key=lambda m: (ROLE_ORDER.get(m.role, 9), m.row))
    result.groups_created, group_warnings = groups.create_imported_groups(
        session, planned, import_batch_id=batch.id
    )
    result.warnings.extend(group_warnings)
    result.imported = len(person_of)
    result.rejected += len(result.late_rejections)
    batch.rows_imported = result.imported
    batch.rows_skipped = result.skipped + result.exists
    batch.rows_rejected = result.rejected
    batch.groups_created = result.groups_created
    session.flush()
    audit.record(
        session,
        "import.commit",
        "import_batch",
        batch.id,
        file=file_name,
        sheet=sheet,
        imported=result.imported,
        exists=result.exists,
        skipped=result.skipped,
        rejected=result.rejected,
        groups=result.groups_created,
    )
    result.batch_id = batch.id
    return replace(result)


def _references(session: Session, person_ids: set[int], group_ids: set[int]) -> list[str]:
    """What outside the batch refers to its people or groups (every foreign key in the schema)."""
    held: list[str] = []
    if person_ids or group_ids:
        gm = GroupMember.__table__
        outside = session.scalar(
            select(func.count())
            .select_from(gm)
            .where(
                ((gm.c.person_id.in_(person_ids)) & (gm.c.group_id.not_in(group_ids or {-1})))
                | ((gm.c.group_id.in_(group_ids)) & (gm.c.person_id.not_in(person_ids or {-1})))
            )
        )
        if outside:
            held.append(f"{outside} keanggotaan kelompok di luar impor ini")
    for table in Base.metadata.sorted_tables:
        if table.name in ("person", "kube_group", "group_member"):
            continue
        for fk in table.foreign_keys:
            target = fk.column.table.name
            ids = person_ids if target == "person" else group_ids if target == "kube_group" else None
            if not ids:
                continue
            n = session.scalar(select(func.count()).select_from(table).where(fk.parent.in_(ids)))
            if n:
                held.append(f"{n} data di tabel {table.name}")
    return held


def rollback_batch(session: Session, batch_id: int, reason: str) -> dict[str, int]:
    require(session, "import.rollback")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("reason_required", "Alasan pembatalan impor wajib diisi.", field="reason")
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise DomainError("not_found", f"Impor #{batch_id} tidak ditemukan.")
    if batch.status != ImportStatus.COMMITTED:
        raise DomainError("already_rolled_back", f"Impor #{batch_id} sudah dibatalkan sebelumnya.")
    person_ids = set(session.scalars(select(Person.id).where(Person.import_batch_id == batch_id)))
    group_ids = set(session.scalars(select(KubeGroup.id).where(KubeGroup.import_batch_id == batch_id)))
    held = _references(session, person_ids, group_ids)
    if held:
        raise DomainError(
            "batch_in_use",
            f"Impor #{batch_id} tidak dapat dibatalkan karena datanya sudah dipakai: "
            + "; ".join(held)
            + ". Nonaktifkan penerima satu per satu bila perlu.",
        )
    if group_ids:
        session.execute(delete(GroupMember).where(GroupMember.group_id.in_(group_ids)))
        session.execute(delete(KubeGroup).where(KubeGroup.id.in_(group_ids)))
    if person_ids:
        session.execute(delete(Person).where(Person.id.in_(person_ids)))
    session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(status=ImportStatus.ROLLED_BACK.value, rolled_back_at=utcnow(), rollback_reason=reason[:200])
    )
    session.expire_all()
    audit.record(
        session,
        "import.rollback",
        "import_batch",
        batch_id,
        reason=reason,
        people=len(person_ids),
        groups=len(group_ids),
    )
    return {"people": len(person_ids), "groups": len(group_ids)}


def check_import_batches(session: Session) -> tuple[bool, str]:
    """Integrity: every person and group marked with an import batch belongs to a committed batch (a
    rolled-back batch leaves nothing behind; a batch id without its record means a change behind the
    app's back)."""
    live = select(ImportBatch.id).where(ImportBatch.status == ImportStatus.COMMITTED)
    people_n = session.scalar(
        select(func.count())
        .select_from(Person)
        .where(Person.import_batch_id.is_not(None), Person.import_batch_id.not_in(live))
    )
    groups_n = session.scalar(
        select(func.count())
        .select_from(KubeGroup)
        .where(KubeGroup.import_batch_id.is_not(None), KubeGroup.import_batch_id.not_in(live))
    )
    batches = session.scalar(select(func.count()).select_from(ImportBatch)) or 0
    if people_n or groups_n:
        return (
            False,
            f"{people_n} penerima dan {groups_n} kelompok menunjuk impor yang tidak ada atau sudah dibatalkan",
        )
    return True, f"{batches} impor tercatat, semua data impor utuh"
