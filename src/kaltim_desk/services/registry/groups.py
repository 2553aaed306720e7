"""Forming KUBE groups: members and their roles, the rules a group meets before it becomes active."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from kaltim_desk.core import audit
from kaltim_desk.core.bulk_insert import insert_many
from kaltim_desk.core.dto import GroupDTO, GroupInput, MemberDTO, PageFilter, RuleCheck
from kaltim_desk.core.errors import ConflictError, DomainError, NotFound, ValidationFailed
from kaltim_desk.core.lengths import NOTES_MAX, length_problems
from kaltim_desk.core.permissions import require
from kaltim_desk.core.settings import registry_rules
from kaltim_desk.domain.nik import mask_nik
from kaltim_desk.domain.text import TextError, clean_name, clean_text, shorten
from kaltim_desk.models import vocabulary
from kaltim_desk.models.group import MEMBER_ROLES, GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.region import Region
from kaltim_desk.models.vocabulary import GroupStatus, MemberRole
from kaltim_desk.services.registry import regions
from kaltim_desk.services.registry.people import prefix_range, region_names

OFFICER_ROLES = vocabulary.OFFICER_ROLES


GROUP_LABELS = {"name": "Nama kelompok"}


def check_group_name(name: str) -> str:
    """A group name as it would be stored (cleaned, upper case), or DomainError: empty or too long.
    Imports check the names in a sheet with it before anything is saved."""
    try:
        cleaned = clean_name(name).upper()
    except TextError as exc:
        raise DomainError("group_name_required", "Nama kelompok wajib diisi.", field="name") from exc
    too_long = length_problems(KubeGroup, {"name": cleaned}, labels=GROUP_LABELS)
    if too_long:
        raise too_long[0]
    return cleaned


def _validate(session: Session, data: GroupInput, villages: set[str] | None = None) -> dict[str, Any]:
    """Clean and check a group's fields; `villages` (the village codes, loaded once) when many groups are
    checked in a row (an import), instead of a lookup per group."""
    problems: list[DomainError] = []
    values: dict[str, Any] = {}
    try:
        values["name"] = clean_name(data.name).upper()
    except TextError:
        problems.append(DomainError("group_name_required", "Nama kelompok wajib diisi.", field="name"))
    code = (data.village_code or "").strip()
    if code:
        if villages is not None:
            known = code in villages
        else:
            region = session.get(Region, code)
            known = region is not None and region.level == 4
        if not known:
            problems.append(
                DomainError(
                    "village_unknown",
                    f"Kode desa/kelurahan {shorten(code)} tidak dikenal.",
                    field="village_code",
                )
            )
    values["village_code"] = code or None
    if data.formed_on and data.formed_on > date.today():
        problems.append(
            DomainError("formed_future", "Tanggal pembentukan tidak boleh di masa depan.", field="formed_on")
        )
    values["formed_on"] = data.formed_on
    acct = "".join(ch for ch in (data.bank_account or "") if not ch.isspace() and ch not in ".-")
    if acct and not acct.isdigit():
        problems.append(
            DomainError("bad_digits", "Nomor rekening hanya boleh berisi angka.", field="bank_account")
        )
    values["bank_account"] = acct or None
    for key in ("business_type", "bank_name", "bank_holder", "notes"):
        values[key] = clean_text(getattr(data, key) or "") or None
    problems.extend(
        length_problems(KubeGroup, values, extra_limits={"notes": NOTES_MAX}, labels=GROUP_LABELS)
    )
    if problems:
        raise ValidationFailed(problems)
    return values


def create_group(session: Session, data: GroupInput, *, import_batch_id: int | None = None) -> GroupDTO:
    """A new group starts "forming"; members and officers are added before it can be activated."""
    require(session, "group.create")
    values = _validate(session, data)
    group = KubeGroup(**values, status=GroupStatus.FORMING, import_batch_id=import_batch_id)
    session.add(group)
    session.flush()
    audit.record(
        session, "group.create", "group", group.id, after={k: str(v) for k, v in values.items() if v}
    )
    return _dto(session, group)


@dataclass(frozen=True)
class ImportedMember:
    """A person of an import batch to be added to a group named in the file, in the order wanted."""

    row: int
    person_id: int
    role: str


def create_imported_groups(
    session: Session, planned: dict[str, tuple[GroupInput, list[ImportedMember]]], *, import_batch_id: int
) -> tuple[int, list[tuple[int, str]]]:
    """Create the KUBE groups an import names (status "forming") with their members, in one INSERT each for
    the groups and the memberships, by the rules of `create_group` and `add_member`: a group that already
    exists is not changed, one officer per role, no more members than the office's maximum.

    The members are people of the same batch, new, active and in no group yet. Returns the number of groups
    created and, per refused member, (sheet row, reason). The batch's audit row records the groups (each
    carries its `import_batch_id`)."""
    require(session, "group.create")
    if not planned:
        return 0, []
    rules = registry_rules(session)
    names = list(planned)
    existing: set[str] = set()
    for i in range(0, len(names), 900):
        existing.update(
            session.scalars(
                select(func.upper(KubeGroup.name)).where(
                    func.upper(KubeGroup.name).in_(names[i : i + 900]),
                    KubeGroup.status != GroupStatus.INACTIVE,
                )
            )
        )
    villages = set(session.scalars(select(Region.code).where(Region.level == 4)))
    warnings: list[tuple[int, str]] = []
    new_groups: list[tuple[str, dict[str, Any], list[ImportedMember]]] = []
    for name, (data, members) in planned.items():
        if name.upper() in existing:
            warnings += [
                (m.row, f"Kelompok {name} sudah ada; tambahkan anggota ini lewat halaman Kelompok.")
                for m in members
            ]
            continue
        try:
            values = _validate(session, data, villages)
        except DomainError as exc:
            warnings += [(m.row, f"Kelompok {name} tidak dapat dibuat: {exc.message}") for m in members]
            continue
        new_groups.append((name, values, members))
    if not new_groups:
        return 0, warnings
    # one executemany, then the ids by name (unique within the batch): see people.register_imported_people
    insert_many(
        session,
        KubeGroup.__table__,  # type: ignore[arg-type]
        [
            dict(values, status=GroupStatus.FORMING.value, import_batch_id=import_batch_id)
            for _n, values, _m in new_groups
        ],
    )
    id_of = dict(
        session.execute(
            select(KubeGroup.name, KubeGroup.id).where(KubeGroup.import_batch_id == import_batch_id)
        ).all()
    )
    ids = [id_of[values["name"]] for _n, values, _m in new_groups]
    today = date.today()
    memberships: list[dict[str, Any]] = []
    for group_id, (name, _values, members) in zip(ids, new_groups, strict=True):
        taken: set[str] = set()
        size = 0
        for m in members:
            if m.role not in MEMBER_ROLES:
                warnings.append(
                    (m.row, f"Tidak dapat masuk kelompok {name}: Jabatan tidak dikenal: {m.role}.")
                )
                continue
            if m.role in OFFICER_ROLES and m.role in taken:
                warnings.append(
                    (
                        m.row,
                        f"Tidak dapat masuk kelompok {name}: kelompok sudah punya "
                        f"{vocabulary.member_role_labels()[m.role].lower()}.",
                    )
                )
                continue
            if size >= rules.group_max_size:
                warnings.append(
                    (
                        m.row,
                        f"Tidak dapat masuk kelompok {name}: kelompok sudah berisi {size} anggota "
                        f"(maksimum {rules.group_max_size}).",
                    )
                )
                continue
            taken.add(m.role)
            size += 1
            memberships.append(
                {"group_id": group_id, "person_id": m.person_id, "role": m.role, "joined_on": today}
            )
    if memberships:
        insert_many(session, GroupMember.__table__, memberships)  # type: ignore[arg-type]
    return len(new_groups), warnings


def update_group(session: Session, group_id: int, version: int, data: GroupInput) -> GroupDTO:
    require(session, "group.edit")
    group = _load(session, group_id)
    if group.version != version:
        raise ConflictError(f"Data kelompok {group.name}")
    values = _validate(session, data)
    before = {k: getattr(group, k) for k in values}
    for k, v in values.items():
        setattr(group, k, v)
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(f"Data kelompok {group.name}") from exc
    diff = audit.changes({k: str(v) for k, v in before.items()}, {k: str(v) for k, v in values.items()})
    if diff:
        audit.record(session, "group.edit", "group", group.id, changes=diff)
    return _dto(session, group)


def add_member(
    session: Session, group_id: int, person_id: int, role: str = MemberRole.MEMBER.value
) -> GroupDTO:
    """Add a person; refused when she is already in this or another current group, or the group is full."""
    require(session, "group.edit")
    group = _load(session, group_id)
    if group.status == GroupStatus.INACTIVE:
        raise DomainError("group_inactive", f"Kelompok {group.name} sudah nonaktif.")
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("Penerima", person_id)
    if not person.is_active:
        raise DomainError(
            "person_inactive", f"{person.name} berstatus nonaktif dan tidak dapat menjadi anggota."
        )
    if any(m.person_id == person_id for m in group.members):
        raise DomainError("member_twice", f"{person.name} sudah menjadi anggota kelompok ini.")
    other = session.execute(
        select(KubeGroup.name)
        .join(GroupMember, GroupMember.group_id == KubeGroup.id)
        .where(
            GroupMember.person_id == person_id,
            KubeGroup.status != GroupStatus.INACTIVE,
            KubeGroup.id != group_id,
        )
    ).scalar()
    if other:
        raise DomainError("member_other_group", f"{person.name} sudah menjadi anggota kelompok {other}.")
    rules = registry_rules(session)
    if len(group.members) >= rules.group_max_size:
        raise DomainError(
            "group_full",
            f"Kelompok sudah berisi {len(group.members)} anggota (maksimum {rules.group_max_size}).",
        )
    _check_role(group, role, person_id=None)
    group.members.append(GroupMember(person_id=person_id, role=role, joined_on=date.today()))
    session.flush()
    audit.record(session, "group.add_member", "group", group.id, person_id=person_id, role=role)
    return _dto(session, group)


def set_role(session: Session, group_id: int, person_id: int, role: str) -> GroupDTO:
    require(session, "group.edit")
    group = _load(session, group_id)
    member = next((m for m in group.members if m.person_id == person_id), None)
    if member is None:
        raise DomainError("not_member", "Orang ini bukan anggota kelompok.")
    _check_role(group, role, person_id=person_id)
    old = member.role
    member.role = role
    session.flush()
    audit.record(
        session, "group.set_role", "group", group.id, person_id=person_id, changes={"role": [old, role]}
    )
    return _dto(session, group)


def remove_member(session: Session, group_id: int, person_id: int) -> GroupDTO:
    """Remove a member. An active group may not drop below its officers or its minimum size."""
    require(session, "group.edit")
    group = _load(session, group_id)
    member = next((m for m in group.members if m.person_id == person_id), None)
    if member is None:
        raise DomainError("not_member", "Orang ini bukan anggota kelompok.")
    if group.status == GroupStatus.ACTIVE:
        rules = registry_rules(session)
        if member.role in OFFICER_ROLES:
            raise DomainError(
                "officer_required",
                f"{vocabulary.member_role_labels()[member.role]} kelompok aktif tidak dapat dikeluarkan; tunjuk penggantinya dulu.",
            )
        if len(group.members) - 1 < rules.group_min_size:
            raise DomainError("group_too_small", f"Kelompok aktif minimal {rules.group_min_size} anggota.")
    group.members.remove(member)
    session.flush()
    audit.record(session, "group.remove_member", "group", group.id, person_id=person_id)
    return _dto(session, group)


def _check_role(group: KubeGroup, role: str, *, person_id: int | None) -> None:
    """An officer role (chair, secretary, treasurer) is held by one member at a time."""
    if role not in MEMBER_ROLES:
        raise DomainError("bad_role", f"Jabatan tidak dikenal: {role}.", field="role")
    if role in OFFICER_ROLES:
        holder = next((m for m in group.members if m.role == role and m.person_id != person_id), None)
        if holder is not None:
            session = object_session(group)
            person = session.get(Person, holder.person_id) if session else None
            raise DomainError(
                "role_taken",
                f"Kelompok sudah punya {vocabulary.member_role_labels()[role].lower()} ({person.name if person else holder.person_id}).",
                field="role",
            )


def rule_checks(session: Session, group_id: int) -> list[RuleCheck]:
    """The rules an active group must meet, each with whether it is met now (shown in the editor)."""
    group = _load(session, group_id)
    return _rule_checks(session, group)


def _rule_checks(session: Session, group: KubeGroup) -> list[RuleCheck]:
    rules = registry_rules(session)
    n = len(group.members)
    roles = Counter(m.role for m in group.members)
    checks = [
        RuleCheck(
            "size",
            f"Jumlah anggota {n} (syarat {rules.group_min_size}-{rules.group_max_size}, target {rules.group_target_size})",
            rules.group_min_size <= n <= rules.group_max_size,
        )
    ]
    for role in OFFICER_ROLES:
        have = roles.get(role, 0)
        checks.append(
            RuleCheck(
                f"has_{role}",
                f"{vocabulary.member_role_labels()[role]}: "
                + ("ada" if have == 1 else "belum ada" if have == 0 else f"{have} orang"),
                have == 1,
            )
        )
    ids = [m.person_id for m in group.members]
    if ids:
        districts = {
            (vc or "")[:8] for vc in session.scalars(select(Person.village_code).where(Person.id.in_(ids)))
        }
        districts.discard("")
        checks.append(
            RuleCheck(
                "same_district",
                "Anggota tinggal di satu kecamatan"
                if len(districts) <= 1
                else f"Anggota tersebar di {len(districts)} kecamatan",
                len(districts) <= 1,
                blocking=False,
            )
        )
    return checks


def activate_group(session: Session, group_id: int) -> GroupDTO:
    """Make a group active: only when every blocking rule is met."""
    require(session, "group.activate")
    group = _load(session, group_id)
    if group.status == GroupStatus.ACTIVE:
        return _dto(session, group)
    unmet = [c for c in _rule_checks(session, group) if c.blocking and not c.ok]
    if unmet:
        raise DomainError(
            "group_rules_unmet",
            "Kelompok belum dapat diaktifkan: " + "; ".join(c.message for c in unmet) + ".",
        )
    ids = [m.person_id for m in group.members]
    clash = session.execute(
        select(Person.name, KubeGroup.name)
        .join(GroupMember, GroupMember.person_id == Person.id)
        .join(KubeGroup, KubeGroup.id == GroupMember.group_id)
        .where(Person.id.in_(ids), KubeGroup.status == GroupStatus.ACTIVE, KubeGroup.id != group.id)
    ).first()
    if clash:
        raise DomainError(
            "member_other_group", f"{clash[0]} sudah menjadi anggota kelompok aktif {clash[1]}."
        )
    old = group.status
    group.status = GroupStatus.ACTIVE.value
    session.flush()
    audit.record(session, "group.status", "group", group.id, changes={"status": [old, "active"]})
    return _dto(session, group)


def deactivate_group(session: Session, group_id: int, reason: str) -> GroupDTO:
    require(session, "group.deactivate")
    reason = clean_text(reason or "")
    if not reason:
        raise DomainError("reason_required", "Alasan penonaktifan wajib diisi.", field="reason")
    group = _load(session, group_id)
    old = group.status
    group.status = GroupStatus.INACTIVE.value
    session.flush()
    audit.record(
        session,
        "group.status",
        "group",
        group.id,
        changes={"status": [old, GroupStatus.INACTIVE.value]},
        reason=reason,
    )
    return _dto(session, group)


def get_group(session: Session, group_id: int) -> GroupDTO:
    require(session, "group.view")
    return _dto(session, _load(session, group_id))


# --- table paging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    village_name: str
    district_name: str
    regency_name: str
    business_type: str
    member_count: int
    chair_name: str
    status: str


GROUP_SORT = {
    "name": KubeGroup.name,
    "village": KubeGroup.village_code,
    "business_type": KubeGroup.business_type,
    "status": KubeGroup.status,
    "created": KubeGroup.id,
}


def _group_filtered(stmt: Any, f: PageFilter) -> Any:
    if f.text.strip():
        t = "%" + f.text.strip().upper().replace("%", "").replace("_", "") + "%"
        # upper(): SQLite's LIKE ignores ASCII case, PostgreSQL's does not; names are stored as typed
        stmt = stmt.where(func.upper(KubeGroup.name).like(t))
    if f.region_code:
        stmt = stmt.where(
            prefix_range(KubeGroup.village_code, f.region_code, dotted=f.region_code.count(".") < 3)
        )
    if f.status:
        stmt = stmt.where(KubeGroup.status == f.status)
    return stmt


def count_groups(session: Session, f: PageFilter) -> int:
    require(session, "group.view")
    return int(session.scalar(_group_filtered(select(func.count()).select_from(KubeGroup), f)) or 0)


def page_groups(
    session: Session,
    f: PageFilter,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[GroupRow]:
    require(session, "group.view")
    col = GROUP_SORT.get(sort, KubeGroup.name)
    stmt = _group_filtered(
        select(
            KubeGroup.id, KubeGroup.name, KubeGroup.village_code, KubeGroup.business_type, KubeGroup.status
        ),
        f,
    )
    stmt = stmt.order_by(col.desc() if descending else col.asc(), KubeGroup.id).offset(offset).limit(limit)
    rows = session.execute(stmt).all()
    ids = [r.id for r in rows]
    counts = (
        dict(
            session.execute(
                select(GroupMember.group_id, func.count())
                .where(GroupMember.group_id.in_(ids))
                .group_by(GroupMember.group_id)
            ).all()
        )
        if ids
        else {}
    )
    chairs = (
        dict(
            session.execute(
                select(GroupMember.group_id, Person.name)
                .join(Person, Person.id == GroupMember.person_id)
                .where(GroupMember.group_id.in_(ids), GroupMember.role == MemberRole.CHAIR)
            ).all()
        )
        if ids
        else {}
    )
    names = region_names(session, {r.village_code for r in rows if r.village_code})
    return [
        GroupRow(
            id=r.id,
            name=r.name,
            village_name=names.get(r.village_code or "", ""),
            district_name=names.get((r.village_code or "")[:8], ""),
            regency_name=names.get((r.village_code or "")[:5], ""),
            business_type=r.business_type or "",
            member_count=int(counts.get(r.id, 0)),
            chair_name=str(chairs.get(r.id, "")),
            status=r.status,
        )
        for r in rows
    ]


def _load(session: Session, group_id: int) -> KubeGroup:
    group = session.get(KubeGroup, group_id)
    if group is None:
        raise NotFound("Kelompok", group_id)
    return group


def _dto(session: Session, g: KubeGroup) -> GroupDTO:
    village, district, regency = regions.village_path(session, g.village_code)
    ids = [m.person_id for m in g.members]
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    order: dict[str, int] = {r: i for i, r in enumerate(MEMBER_ROLES)}
    members = sorted(
        (
            MemberDTO(m.person_id, people[m.person_id].name, mask_nik(people[m.person_id].nik), m.role)
            for m in g.members
        ),
        key=lambda m: (order[m.role], m.name),
    )
    return GroupDTO(
        id=g.id,
        name=g.name,
        village_code=g.village_code,
        village_name=village,
        district_name=district,
        regency_name=regency,
        business_type=g.business_type,
        formed_on=g.formed_on,
        bank_name=g.bank_name,
        bank_account=g.bank_account,
        bank_holder=g.bank_holder,
        status=g.status,
        notes=g.notes,
        version=g.version,
        members=tuple(members),
    )
