"""The gates a grant passes (see `grants.py` for which step checks which): an active recipient that
meets the group rules, the programme's ceilings and budget, one grant per person per programme, complete
content before approval, and the second-tranche visit; plus the integrity check over stored grants."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select, union_all
from sqlalchemy.orm import Session

from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.models.grant import Grant, Programme, Tranche
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.vocabulary import group_status_labels
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.monitoring import visits
from kaltim_desk.services.registry import groups


def _rp(n: int) -> str:
    return format_rupiah(int(n))


def _recipient_name(session: Session, grant: Grant) -> str:
    if grant.group_id is not None:
        return session.scalar(select(KubeGroup.name).where(KubeGroup.id == grant.group_id)) or ""
    return session.scalar(select(Person.name).where(Person.id == grant.person_id)) or ""


# --- recipient, ceiling and one-grant gates ----------------------------------------------------------


def _recipient_people(session: Session, grant: Grant) -> list[int]:
    if grant.person_id is not None:
        return [grant.person_id]
    return list(session.scalars(select(GroupMember.person_id).where(GroupMember.group_id == grant.group_id)))


def _conflicts(session: Session, grant: Grant) -> list[str]:
    """Other live grants of the same programme that already reach one of this grant's people."""
    people = _recipient_people(session, grant)
    if not people and grant.group_id is None:
        return []
    live = (
        (Grant.programme_id == grant.programme_id)
        & Grant.status.not_in(R.DEAD_STATUSES)
        & (Grant.id != (grant.id or -1))
    )
    out: list[str] = []
    rows = session.execute(
        select(Person.name, Grant.id)
        .join(Grant, Grant.person_id == Person.id)
        .where(live, Person.id.in_(people))
    ).all()
    for name, gid in rows:
        out.append(f"{name} sudah menerima bantuan perorangan #{gid} dalam program ini")
    group_rows = session.execute(
        select(Person.name, KubeGroup.name, Grant.id)
        .join(GroupMember, GroupMember.person_id == Person.id)
        .join(KubeGroup, KubeGroup.id == GroupMember.group_id)
        .join(Grant, Grant.group_id == KubeGroup.id)
        .where(live, or_(Person.id.in_(people), KubeGroup.id == (grant.group_id or -1)))
    ).all()
    seen: set[int] = set()
    for person_name, group_name, gid in group_rows:
        if gid in seen:
            continue
        seen.add(gid)
        if grant.group_id is not None and group_name == _recipient_name(session, grant):
            out.append(f"Kelompok {group_name} sudah menerima bantuan #{gid} dalam program ini")
        else:
            out.append(
                f"{person_name} sudah menerima bantuan program ini lewat kelompok {group_name} (bantuan #{gid})"
            )
    return out


def _ceiling_problems(session: Session, grant: Grant, programme: Programme) -> list[str]:
    out: list[str] = []
    live = (
        (Grant.programme_id == programme.id)
        & Grant.status.not_in(R.DEAD_STATUSES)
        & (Grant.id != (grant.id or -1))
    )
    if grant.group_id is not None:
        others = session.scalar(
            select(func.coalesce(func.sum(Grant.amount), 0)).where(live, Grant.group_id == grant.group_id)
        )
        ceiling, who = programme.ceiling_per_group, "kelompok"
    else:
        others = session.scalar(
            select(func.coalesce(func.sum(Grant.amount), 0)).where(live, Grant.person_id == grant.person_id)
        )
        ceiling, who = programme.ceiling_per_person, "orang"
    total = int(others or 0) + grant.amount
    if total > ceiling:
        out.append(
            f"Jumlah bantuan {_rp(total)} melebihi pagu per {who} program {programme.name} ({_rp(ceiling)})"
        )
    if programme.total_budget is not None:
        committed = int(session.scalar(select(func.coalesce(func.sum(Grant.amount), 0)).where(live)) or 0)
        if committed + grant.amount > programme.total_budget:
            left = max(0, programme.total_budget - committed)
            out.append(
                f"Total anggaran program {programme.name} tidak cukup: sisa {_rp(left)}, "
                f"diminta {_rp(grant.amount)}"
            )
    return out


def _recipient_problems(session: Session, grant: Grant) -> list[str]:
    if grant.group_id is not None:
        group = session.get(KubeGroup, grant.group_id)
        if group is None:
            return ["Kelompok penerima tidak ditemukan"]
        out = []
        if group.status != "active":
            label = group_status_labels().get(group.status, group.status).lower()
            out.append(f"Kelompok {group.name} belum aktif (status: {label})")
        unmet = [c.message for c in groups.rule_checks(session, group.id) if c.blocking and not c.ok]
        if unmet:
            out.append(f"Kelompok {group.name} belum memenuhi syarat: " + "; ".join(unmet))
        return out
    person = session.get(Person, grant.person_id)
    if person is None:
        return ["Penerima tidak ditemukan"]
    if not person.is_active:
        return [f"{person.name} berstatus nonaktif"]
    return []


def _content_problems(grant: Grant) -> list[str]:
    out = []
    if grant.amount <= 0:
        out.append("Nilai bantuan belum diisi")
    if grant.form == "goods":
        if not grant.items:
            out.append("Daftar barang masih kosong")
        elif sum(i.quantity * i.unit_price for i in grant.items) != grant.amount:
            out.append("Nilai bantuan tidak sama dengan jumlah nilai barang")
    else:
        if not grant.tranches:
            out.append("Rencana tahap pembayaran belum ada")
        elif sum(t.planned_amount for t in grant.tranches) != grant.amount:
            out.append("Jumlah tahap pembayaran tidak sama dengan nilai bantuan")
    return out


def _approval_problems(session: Session, grant: Grant) -> list[str]:
    """Everything that must hold for verify, approve and sign."""
    programme = session.get(Programme, grant.programme_id)
    assert programme is not None
    return (
        _recipient_problems(session, grant)
        + _content_problems(grant)
        + _ceiling_problems(session, grant, programme)
        + _conflicts(session, grant)
    )


def _visit_gate(session: Session, grant: Grant, since: date) -> str | None:
    """The second-tranche gate: None when open, else the reason it is closed."""
    rules = R.aid_rules(session)
    if not rules.second_tranche_requires_visit:
        return None
    if visits.visit_recorded_for_grant(session, grant.id, since=since):
        return None
    return (
        "Tahap berikutnya menunggu kunjungan pendampingan yang dicatat pada atau setelah "
        f"pembayaran tahap sebelumnya ({since:%d-%m-%Y})"
    )


def _tranche_problems(session: Session, grant: Grant, tranche: Tranche, paid_on: date | None) -> list[str]:
    out = []
    if grant.status not in (R.SIGNED, R.DISBURSING):
        out.append("Pembayaran baru dapat dicatat setelah perjanjian ditandatangani")
        return out
    earlier = [t for t in grant.tranches if t.seq < tranche.seq]
    unpaid = [t for t in earlier if t.paid_on is None]
    if unpaid:
        out.append(f"Tahap {unpaid[0].seq} belum dibayar; pembayaran harus berurutan")
        return out
    if paid_on is not None:
        if paid_on > date.today():
            out.append("Tanggal pembayaran tidak boleh di masa depan")
        if grant.agreement_signed_on and paid_on < grant.agreement_signed_on:
            out.append("Tanggal pembayaran sebelum tanggal perjanjian ditandatangani")
    if earlier:
        prev = earlier[-1]
        assert prev.paid_on is not None
        if paid_on is not None and paid_on < prev.paid_on:
            out.append(f"Tanggal pembayaran sebelum pembayaran tahap {prev.seq}")
        reason = _visit_gate(session, grant, prev.paid_on)
        if reason:
            out.append(reason)
    return out


# --- integrity check (services/checks.py CHECKS) ----------------------------------------------


def check_aid(session: Session) -> tuple[bool, str]:
    """The aid rules over the stored grants: ceilings per recipient and the programme's budget, one grant
    per person per programme (a group grant counting for each member), and paid tranches never above the
    amount. Each rule is one grouped query over all live grants, so the check grows with the number of
    grants, not with its square (one query per grant over the programme's other grants took 194 s at
    100,000 people); the first problems found, in grant order, are described as the grant screens would."""
    live = Grant.status.not_in(R.DEAD_STATUSES)
    programmes = {p.id: p for p in session.scalars(select(Programme))}
    found: list[tuple[int, int, str]] = []  # (grant id, rule order, message)

    for who, column in (("kelompok", Grant.group_id), ("orang", Grant.person_id)):
        totals = session.execute(
            select(Grant.programme_id, func.sum(Grant.amount), func.min(Grant.id))
            .where(live, column.is_not(None))
            .group_by(Grant.programme_id, column)
        )
        for programme_id, total, first in totals:
            programme = programmes[programme_id]
            ceiling = programme.ceiling_per_group if who == "kelompok" else programme.ceiling_per_person
            if int(total) > ceiling:
                found.append(
                    (
                        first,
                        0,
                        f"Jumlah bantuan {_rp(total)} melebihi pagu per {who} program {programme.name} "
                        f"({_rp(ceiling)})",
                    )
                )
    budgets = session.execute(
        select(Grant.programme_id, func.sum(Grant.amount), func.min(Grant.id))
        .where(live)
        .group_by(Grant.programme_id)
    )
    for programme_id, total, first in budgets:
        programme = programmes[programme_id]
        if programme.total_budget is not None and int(total) > programme.total_budget:
            amount = int(session.scalar(select(Grant.amount).where(Grant.id == first)) or 0)
            left = max(0, programme.total_budget - (int(total) - amount))
            found.append(
                (
                    first,
                    1,
                    f"Total anggaran program {programme.name} tidak cukup: sisa {_rp(left)}, diminta {_rp(amount)}",
                )
            )

    # every person a live grant reaches: herself for a personal grant, each member for a group grant
    reach = union_all(
        select(
            Grant.programme_id.label("programme_id"),
            Grant.id.label("grant_id"),
            Grant.person_id.label("person_id"),
        ).where(live, Grant.person_id.is_not(None)),
        select(Grant.programme_id, Grant.id, GroupMember.person_id)
        .join(GroupMember, GroupMember.group_id == Grant.group_id)
        .where(live, Grant.group_id.is_not(None)),
    ).subquery()
    twice = session.execute(
        select(func.min(reach.c.grant_id))
        .group_by(reach.c.programme_id, reach.c.person_id)
        .having(func.count(func.distinct(reach.c.grant_id)) > 1)
        .order_by(func.min(reach.c.grant_id))
        .limit(5)
    ).scalars()
    for first_id in dict.fromkeys(twice):  # the grant that met the other first, as the grant screens say
        grant = session.get(Grant, first_id)
        conflicts = _conflicts(session, grant) if grant is not None else []
        if grant is not None and conflicts:
            found.append((grant.id, 2, conflicts[0]))

    paid = session.execute(
        select(Grant.id, Grant.amount, func.sum(Tranche.paid_amount))
        .join(Tranche, Tranche.grant_id == Grant.id)
        .where(live)
        .group_by(Grant.id, Grant.amount)
        .having(func.coalesce(func.sum(Tranche.paid_amount), 0) > Grant.amount)
    )
    for paid_id, amount, paid_total in paid:
        found.append((paid_id, 3, f"tersalur {_rp(paid_total or 0)} melebihi nilai {_rp(amount)}"))

    if found:
        found.sort()
        return False, "; ".join(f"bantuan #{gid}: {message}" for gid, _order, message in found[:5])
    return True, "pagu dan satu bantuan per orang per program terpenuhi"
