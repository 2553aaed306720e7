"""Grants: proposing aid to a KUBE group or one woman, moving it through the status flow, and the gates
that can not be skipped (see `services/aid/aid_rules.py` for the flow and the role table).

Gates, each checked by the service that takes the step (and listed by `next_step_blockers` so the grant
editor can say which one blocks and why):

* a group grant needs an ACTIVE group that meets the group rules (size, chair, secretary, treasurer);
  a personal grant needs an active person (checked at verify, approve and sign: a proposal may be made
  while a group is still forming);
* totals never exceed the programme's ceiling per group / per person, nor its total budget;
* one person receives at most one grant per programme. Decision: a group grant counts for EACH of the
  group's current members, so a member of a group that receives aid in a programme can not also receive
  a personal grant in it, and a group can not receive aid while one of its members already has a grant
  in the same programme (this also means a group gets at most one grant per programme);
* no tranche (and no hand-over of goods) before the agreement is signed; payments in order;
* the second and later tranches only after a monitoring visit recorded on or after the previous payment
  (`services.monitoring.visits.visit_recorded_for_grant`); `AidRules.second_tranche_requires_visit` switches the
  gate off.

Amounts are whole rupiah (int). Goods grants take their amount from their items; cash grants split their
amount into tranches by the programme's plan ("50,50"), the last tranche taking the rounding remainder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from kaltim_desk.core import audit, issued_documents
from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.document_rules import DocumentRules, document_rules, needs_duty_stamp, treasury_for
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.core.errors import ConflictError, DomainError, NotFound, ValidationFailed
from kaltim_desk.core.numbering import issue_number, issued_for
from kaltim_desk.core.permissions import require
from kaltim_desk.core.settings import office_profile
from kaltim_desk.domain.money import MoneyError, format_rupiah, parse_rupiah
from kaltim_desk.domain.nik import mask_nik
from kaltim_desk.domain.terbilang import terbilang_rupiah
from kaltim_desk.domain.text import clean_text
from kaltim_desk.models.grant import AID_FORMS, Grant, GrantItem, GrantStatusChange, Programme, Tranche
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid.programmes import parse_tranche_plan
from kaltim_desk.services.monitoring import visits
from kaltim_desk.services.registry import groups, regions

# The monitoring feature's module, imported lazily by the second-tranche gate.

# --- inputs and DTOs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantInput:
    programme_id: int
    group_id: int | None = None
    person_id: int | None = None
    form: str = "cash"
    amount: Any = 0  # int or typed text ("Rp5.000.000"); goods grants take the sum of their items
    notes: str = ""


@dataclass(frozen=True)
class ItemInput:
    description: str
    quantity: Any = 1
    unit: str = "unit"
    unit_price: Any = 0


@dataclass(frozen=True)
class ItemDTO:
    id: int
    description: str
    quantity: int
    unit: str
    unit_price: int

    @property
    def line_total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class TrancheDTO:
    id: int
    seq: int
    planned_share_pct: int
    planned_amount: int
    paid_on: date | None
    paid_amount: int | None
    bank_reference: str | None
    receipt_number: str | None

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


@dataclass(frozen=True)
class StatusChangeDTO:
    from_status: str | None
    to_status: str
    at: datetime
    actor: str
    reason: str | None


@dataclass(frozen=True)
class GrantDTO:
    id: int
    programme_id: int
    programme_label: str
    group_id: int | None
    person_id: int | None
    recipient_name: str
    form: str
    amount: int
    status: str
    agreement_number: str | None
    agreement_signed_on: date | None
    handover_on: date | None
    accountability_received_on: date | None
    closed_on: date | None
    status_reason: str | None
    notes: str | None
    version: int
    items: tuple[ItemDTO, ...] = ()
    tranches: tuple[TrancheDTO, ...] = ()
    history: tuple[StatusChangeDTO, ...] = ()

    @property
    def recipient_kind(self) -> str:
        return "group" if self.group_id is not None else "person"

    @property
    def paid_total(self) -> int:
        return sum(t.paid_amount or 0 for t in self.tranches)

    @property
    def next_tranche(self) -> TrancheDTO | None:
        return next((t for t in self.tranches if not t.is_paid), None)


@dataclass(frozen=True)
class StepCheck:
    """A forward step of a grant and what blocks it now (empty `reasons`: the step can be taken)."""

    target: str
    label: str
    action: str
    reasons: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.reasons


# --- helpers -----------------------------------------------------------------------------------------


def _load(session: Session, grant_id: int) -> Grant:
    grant = session.get(Grant, grant_id)
    if grant is None:
        raise NotFound("Bantuan", grant_id)
    return grant


def _check_version(grant: Grant, version: int | None) -> None:
    if version is not None and grant.version != version:
        raise ConflictError(f"Bantuan #{grant.id}")


def _flush(session: Session, grant: Grant) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(f"Bantuan #{grant.id}") from exc


def _amount(value: Any, field: str, label: str) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError("amount_required", f"{label} wajib diisi.", field=field)
    try:
        return parse_rupiah(value)
    except MoneyError as exc:
        raise DomainError("amount_invalid", f"{label}: {exc}.", field=field) from exc


def _rp(n: int) -> str:
    return format_rupiah(int(n))


def _recipient_name(session: Session, grant: Grant) -> str:
    if grant.group_id is not None:
        return session.scalar(select(KubeGroup.name).where(KubeGroup.id == grant.group_id)) or ""
    return session.scalar(select(Person.name).where(Person.id == grant.person_id)) or ""


def _set_status(session: Session, grant: Grant, target: str, reason: str | None = None) -> None:
    source = grant.status
    grant.status = target
    if reason is not None:
        grant.status_reason = reason
    session.add(
        GrantStatusChange(
            grant_id=grant.id,
            from_status=source,
            to_status=target,
            actor=current_actor(session).username,
            reason=reason,
        )
    )
    _flush(session, grant)
    audit.record(
        session, "grant.status", "grant", grant.id, changes={"status": [source, target]}, reason=reason
    )


def _require_transition(session: Session, grant: Grant, target: str) -> R.Transition:
    t = R.find_transition(grant.status, target, grant.form)
    labels = R.status_labels()
    if t is None:
        raise DomainError(
            "transition_invalid",
            f"Bantuan berstatus {labels.get(grant.status, grant.status)} tidak dapat diubah menjadi "
            f"{labels.get(target, target)}.",
        )
    require(session, t.action)
    return t


def _plan_amounts(amount: int, shares: list[int]) -> list[int]:
    """Split `amount` by whole-percent shares; the last tranche takes the rounding remainder."""
    parts = [amount * s // 100 for s in shares[:-1]]
    return [*parts, amount - sum(parts)]


def _replan(grant: Grant, shares: list[int]) -> None:
    if grant.tranches:
        grant.tranches.clear()
        session = object_session(grant)
        if session is not None:
            session.flush()  # delete the old rows before the new ones take their (grant, seq)
    for i, (share, amt) in enumerate(zip(shares, _plan_amounts(grant.amount, shares), strict=True), start=1):
        grant.tranches.append(Tranche(seq=i, planned_share_pct=share, planned_amount=amt))


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
            label = groups.STATUS_LABELS.get(group.status, group.status).lower()
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


# --- use cases: proposing and editing ---------------------------------------------------------------


def create_grant(session: Session, data: GrantInput) -> GrantDTO:
    """Propose aid (status "proposed"). Refused when it would exceed a ceiling or give a person a second
    grant in the programme; the group's readiness is a gate of verification, not of the proposal."""
    require(session, "grant.create")
    programme = session.get(Programme, data.programme_id)
    if programme is None:
        raise DomainError("programme_required", "Program bantuan wajib dipilih.", field="programme_id")
    if (data.group_id is None) == (data.person_id is None):
        raise DomainError(
            "recipient_required", "Pilih satu penerima: kelompok atau perorangan.", field="recipient"
        )
    if data.form not in AID_FORMS:
        raise DomainError("form_invalid", "Bentuk bantuan harus uang atau barang.", field="form")
    if data.group_id is not None:
        group = session.get(KubeGroup, data.group_id)
        if group is None:
            raise NotFound("Kelompok", data.group_id)
        if group.status == "inactive":
            raise DomainError("group_inactive", f"Kelompok {group.name} sudah nonaktif.", field="recipient")
    else:
        person = session.get(Person, data.person_id)
        if person is None:
            raise NotFound("Penerima", data.person_id)
        if not person.is_active:
            raise DomainError("person_inactive", f"{person.name} berstatus nonaktif.", field="recipient")
    amount = 0 if data.form == "goods" else _amount(data.amount, "amount", "Nilai bantuan")
    grant = Grant(
        programme_id=programme.id,
        group_id=data.group_id,
        person_id=data.person_id,
        form=data.form,
        amount=amount,
        status=R.PROPOSED,
        notes=clean_text(data.notes or "") or None,
    )
    problems = _ceiling_problems(session, grant, programme) + _conflicts(session, grant)
    if problems:
        raise DomainError("grant_refused", "; ".join(problems) + ".", field="amount")
    session.add(grant)
    if data.form == "cash":
        _replan(grant, parse_tranche_plan(programme.tranche_plan))
    session.flush()
    session.add(
        GrantStatusChange(
            grant_id=grant.id, from_status=None, to_status=R.PROPOSED, actor=current_actor(session).username
        )
    )
    session.flush()
    audit.record(
        session,
        "grant.create",
        "grant",
        grant.id,
        after={
            "programme_id": programme.id,
            "group_id": data.group_id,
            "person_id": data.person_id,
            "form": data.form,
            "amount": amount,
        },
    )
    return _dto(session, grant)


def _editable(grant: Grant) -> None:
    if grant.status not in R.EDITABLE_STATUSES:
        raise DomainError(
            "grant_locked",
            f"Bantuan berstatus {R.status_labels()[grant.status]} tidak dapat diubah lagi.",
        )


def update_amount(
    session: Session, grant_id: int, version: int | None, amount: Any, notes: str | None = None
) -> GrantDTO:
    """Change a cash grant's amount before approval; its tranches are re-planned with the same shares."""
    require(session, "grant.edit")
    grant = _load(session, grant_id)
    _check_version(grant, version)
    _editable(grant)
    if grant.form != "cash":
        raise DomainError("goods_amount", "Nilai bantuan barang dihitung dari daftar barang.", field="amount")
    new = _amount(amount, "amount", "Nilai bantuan")
    old = grant.amount
    grant.amount = new
    programme = session.get(Programme, grant.programme_id)
    assert programme is not None
    problems = _ceiling_problems(session, grant, programme)
    if problems:
        grant.amount = old
        raise DomainError("ceiling_exceeded", "; ".join(problems) + ".", field="amount")
    _replan(
        grant, [t.planned_share_pct for t in grant.tranches] or parse_tranche_plan(programme.tranche_plan)
    )
    if notes is not None:
        grant.notes = clean_text(notes) or None
    _flush(session, grant)
    audit.record(session, "grant.edit", "grant", grant.id, changes={"amount": [old, new]})
    return _dto(session, grant)


def set_tranche_plan(
    session: Session, grant_id: int, version: int | None, shares: list[int] | str
) -> GrantDTO:
    """Replace a cash grant's tranche plan ("50,50" or [50, 50]) before approval."""
    require(session, "grant.edit")
    grant = _load(session, grant_id)
    _check_version(grant, version)
    _editable(grant)
    if grant.form != "cash":
        raise DomainError("goods_tranches", "Bantuan barang tidak dibayar bertahap.", field="tranche_plan")
    plan = parse_tranche_plan(shares if isinstance(shares, str) else ",".join(str(s) for s in shares))
    old = ",".join(str(t.planned_share_pct) for t in grant.tranches)
    _replan(grant, plan)
    _flush(session, grant)
    audit.record(
        session, "grant.edit", "grant", grant.id, changes={"tranche_plan": [old, ",".join(map(str, plan))]}
    )
    return _dto(session, grant)


def set_items(session: Session, grant_id: int, version: int | None, items: list[ItemInput]) -> GrantDTO:
    """Replace a goods grant's item list before approval; the amount becomes the items' total."""
    require(session, "grant.edit")
    grant = _load(session, grant_id)
    _check_version(grant, version)
    _editable(grant)
    if grant.form != "goods":
        raise DomainError("cash_items", "Daftar barang hanya untuk bantuan barang.", field="items")
    problems: list[DomainError] = []
    rows: list[GrantItem] = []
    for n, item in enumerate(items, start=1):
        desc = clean_text(item.description or "")
        if not desc:
            problems.append(
                DomainError("item_description", f"Barang baris {n}: uraian wajib diisi.", field="description")
            )
            continue
        try:
            qty = int(str(item.quantity).strip())
        except ValueError:
            qty = 0
        if qty <= 0:
            problems.append(
                DomainError(
                    "item_quantity",
                    f"Barang baris {n}: jumlah harus bilangan bulat lebih dari 0.",
                    field="quantity",
                )
            )
            continue
        try:
            price = _amount(item.unit_price, "unit_price", f"Barang baris {n}: harga satuan")
        except DomainError as exc:
            problems.append(exc)
            continue
        rows.append(
            GrantItem(
                description=desc[:200],
                quantity=qty,
                unit=clean_text(item.unit or "") or "unit",
                unit_price=price,
            )
        )
    if problems:
        raise ValidationFailed(problems)
    old_amount = grant.amount
    grant.items.clear()
    grant.items.extend(rows)
    grant.amount = sum(r.quantity * r.unit_price for r in rows)
    programme = session.get(Programme, grant.programme_id)
    assert programme is not None
    over = _ceiling_problems(session, grant, programme)
    if over:
        raise DomainError("ceiling_exceeded", "; ".join(over) + ".", field="items")
    _flush(session, grant)
    audit.record(
        session,
        "grant.edit",
        "grant",
        grant.id,
        changes={"amount": [old_amount, grant.amount]},
        items=len(rows),
    )
    return _dto(session, grant)


# --- use cases: the status flow ----------------------------------------------------------------------


def _approval_step(session: Session, grant_id: int, target: str, version: int | None) -> Grant:
    grant = _load(session, grant_id)
    _check_version(grant, version)
    _require_transition(session, grant, target)
    problems = _approval_problems(session, grant)
    if problems:
        raise DomainError(
            "gate_blocked", f"{R.status_labels()[target]} ditolak: " + "; ".join(problems) + "."
        )
    return grant


def verify_grant(session: Session, grant_id: int, version: int | None = None) -> GrantDTO:
    grant = _approval_step(session, grant_id, R.VERIFIED, version)
    _set_status(session, grant, R.VERIFIED)
    return _dto(session, grant)


def approve_grant(session: Session, grant_id: int, version: int | None = None) -> GrantDTO:
    grant = _approval_step(session, grant_id, R.APPROVED, version)
    _set_status(session, grant, R.APPROVED)
    return _dto(session, grant)


def sign_agreement(
    session: Session, grant_id: int, signed_on: date | None = None, version: int | None = None
) -> GrantDTO:
    """Record the agreement as signed on `signed_on` (default today); its number is issued if the
    agreement was not printed before."""
    signed_on = signed_on or date.today()
    grant = _approval_step(session, grant_id, R.SIGNED, version)
    if signed_on > date.today():
        raise DomainError(
            "date_future", "Tanggal penandatanganan tidak boleh di masa depan.", field="signed_on"
        )
    _ensure_agreement_number(session, grant, when=signed_on)
    grant.agreement_signed_on = signed_on
    _set_status(session, grant, R.SIGNED)
    return _dto(session, grant)


def pay_tranche(
    session: Session,
    grant_id: int,
    seq: int,
    *,
    paid_on: date | None = None,
    paid_amount: Any = None,
    bank_reference: str = "",
    version: int | None = None,
) -> GrantDTO:
    """Record that tranche `seq` was paid to the recipient's account. The grant becomes "disbursing",
    or "disbursed" when it was the last tranche."""
    paid_on = paid_on or date.today()
    grant = _load(session, grant_id)
    _check_version(grant, version)
    if grant.form != "cash":
        raise DomainError(
            "goods_no_tranche", "Bantuan barang disalurkan lewat serah terima, bukan tahap pembayaran."
        )
    tranche = next((t for t in grant.tranches if t.seq == seq), None)
    if tranche is None:
        raise DomainError("tranche_unknown", f"Tahap {seq} tidak ada pada bantuan ini.", field="seq")
    if tranche.paid_on is not None:
        raise DomainError(
            "tranche_paid", f"Tahap {seq} sudah dicatat dibayar pada {tranche.paid_on:%d-%m-%Y}.", field="seq"
        )
    is_last = all(t.paid_on is not None for t in grant.tranches if t.seq != seq)
    target = R.DISBURSED if is_last else R.DISBURSING
    if R.find_transition(grant.status, target, grant.form) is None:
        raise DomainError("gate_blocked", "Pembayaran baru dapat dicatat setelah perjanjian ditandatangani.")
    _require_transition(session, grant, target)
    amount = (
        tranche.planned_amount
        if paid_amount in (None, "")
        else _amount(paid_amount, "paid_amount", "Jumlah dibayar")
    )
    problems = _tranche_problems(session, grant, tranche, paid_on)
    paid_before = sum(t.paid_amount or 0 for t in grant.tranches)
    if amount <= 0:
        problems.append("Jumlah dibayar harus lebih dari 0")
    if paid_before + amount > grant.amount:
        problems.append(f"Jumlah dibayar melebihi sisa bantuan ({_rp(grant.amount - paid_before)})")
    if is_last and paid_before + amount != grant.amount:
        problems.append(f"Tahap terakhir harus melunasi sisa bantuan ({_rp(grant.amount - paid_before)})")
    if problems:
        raise DomainError("gate_blocked", f"Pembayaran tahap {seq} ditolak: " + "; ".join(problems) + ".")
    tranche.paid_on = paid_on
    tranche.paid_amount = amount
    tranche.bank_reference = clean_text(bank_reference or "")[:60] or None
    audit.record(session, "grant.disburse", "grant", grant.id, tranche=seq, amount=amount, paid_on=paid_on)
    _set_status(session, grant, target)
    return _dto(session, grant)


def record_handover(
    session: Session, grant_id: int, handover_on: date | None = None, version: int | None = None
) -> GrantDTO:
    """Goods handed over (BAST signed): the goods grant becomes disbursed."""
    handover_on = handover_on or date.today()
    grant = _load(session, grant_id)
    _check_version(grant, version)
    if grant.form != "goods":
        raise DomainError("cash_no_handover", "Bantuan uang disalurkan lewat tahap pembayaran.")
    if grant.status != R.SIGNED:
        raise DomainError(
            "gate_blocked", "Serah terima baru dapat dicatat setelah perjanjian ditandatangani."
        )
    _require_transition(session, grant, R.DISBURSED)
    problems = []
    if not grant.items:
        problems.append("daftar barang kosong")
    if handover_on > date.today():
        problems.append("tanggal serah terima di masa depan")
    if grant.agreement_signed_on and handover_on < grant.agreement_signed_on:
        problems.append("tanggal serah terima sebelum perjanjian ditandatangani")
    if problems:
        raise DomainError(
            "gate_blocked", "Serah terima ditolak: " + "; ".join(problems) + ".", field="handover_on"
        )
    grant.handover_on = handover_on
    _set_status(session, grant, R.DISBURSED)
    return _dto(session, grant)


def _disbursed_on(grant: Grant) -> date | None:
    if grant.form == "goods":
        return grant.handover_on
    dates = [t.paid_on for t in grant.tranches if t.paid_on]
    return max(dates) if dates else None


def record_accountability(
    session: Session, grant_id: int, received_on: date | None = None, version: int | None = None
) -> GrantDTO:
    """The accountability report (LPJ) arrived."""
    received_on = received_on or date.today()
    grant = _load(session, grant_id)
    _check_version(grant, version)
    _require_transition(session, grant, R.ACCOUNTABILITY)
    last = _disbursed_on(grant)
    if received_on > date.today() or (last and received_on < last):
        raise DomainError(
            "date_invalid",
            "Tanggal LPJ diterima harus setelah penyaluran dan tidak di masa depan.",
            field="received_on",
        )
    grant.accountability_received_on = received_on
    _set_status(session, grant, R.ACCOUNTABILITY)
    return _dto(session, grant)


def close_grant(
    session: Session, grant_id: int, closed_on: date | None = None, version: int | None = None
) -> GrantDTO:
    closed_on = closed_on or date.today()
    grant = _load(session, grant_id)
    _check_version(grant, version)
    _require_transition(session, grant, R.CLOSED)
    grant.closed_on = closed_on
    _set_status(session, grant, R.CLOSED)
    return _dto(session, grant)


def _end(session: Session, grant_id: int, target: str, reason: str, version: int | None) -> GrantDTO:
    grant = _load(session, grant_id)
    _check_version(grant, version)
    _require_transition(session, grant, target)
    reason = clean_text(reason or "")
    if not reason:
        raise DomainError("reason_required", "Alasan wajib diisi.", field="reason")
    _set_status(session, grant, target, reason=reason)
    return _dto(session, grant)


def reject_grant(session: Session, grant_id: int, reason: str, version: int | None = None) -> GrantDTO:
    return _end(session, grant_id, R.REJECTED, reason, version)


def cancel_grant(session: Session, grant_id: int, reason: str, version: int | None = None) -> GrantDTO:
    return _end(session, grant_id, R.CANCELLED, reason, version)


# --- what blocks the next step -----------------------------------------------------------------------


def step_checks(session: Session, grant_id: int) -> list[StepCheck]:
    """The forward steps out of the grant's status, each with the reasons it is blocked now (the role is
    not a reason here: the editor shows only the buttons of the actor's role)."""
    require(session, "grant.view")
    grant = _load(session, grant_id)
    out: list[StepCheck] = []
    for t in R.transitions_from(grant.status, grant.form):
        if t.target in (R.REJECTED, R.CANCELLED):
            continue
        reasons: list[str] = []
        if t.target in (R.VERIFIED, R.APPROVED, R.SIGNED):
            reasons = _approval_problems(session, grant)
        elif t.action == "grant.disburse" and grant.form == "cash":
            nxt = next((x for x in grant.tranches if x.paid_on is None), None)
            remaining = [x for x in grant.tranches if x.paid_on is None]
            # only the arrow that the next payment would take
            if nxt is None or (t.target == R.DISBURSED) != (len(remaining) == 1):
                continue
            reasons = _tranche_problems(session, grant, nxt, None)
            label = f"Catat pembayaran tahap {nxt.seq}"
            out.append(StepCheck(t.target, label, t.action, tuple(reasons)))
            continue
        elif t.action == "grant.disburse":
            reasons = [] if grant.items else ["Daftar barang kosong"]
        out.append(StepCheck(t.target, t.label, t.action, tuple(reasons)))
    return out


def next_step_blockers(session: Session, grant_id: int) -> list[str]:
    """Why the grant can not take its next forward step now (empty: nothing blocks it)."""
    checks = step_checks(session, grant_id)
    return list(checks[0].reasons) if checks else []


# --- reading -----------------------------------------------------------------------------------------


def get_grant(session: Session, grant_id: int) -> GrantDTO:
    require(session, "grant.view")
    return _dto(session, _load(session, grant_id))


def _dto(session: Session, g: Grant) -> GrantDTO:
    programme = session.get(Programme, g.programme_id)
    history = session.scalars(
        select(GrantStatusChange).where(GrantStatusChange.grant_id == g.id).order_by(GrantStatusChange.id)
    ).all()
    return GrantDTO(
        id=g.id,
        programme_id=g.programme_id,
        programme_label=f"{programme.name} ({programme.funding_source} {programme.budget_year})"
        if programme
        else "",
        group_id=g.group_id,
        person_id=g.person_id,
        recipient_name=_recipient_name(session, g),
        form=g.form,
        amount=g.amount,
        status=g.status,
        agreement_number=g.agreement_number,
        agreement_signed_on=g.agreement_signed_on,
        handover_on=g.handover_on,
        accountability_received_on=g.accountability_received_on,
        closed_on=g.closed_on,
        status_reason=g.status_reason,
        notes=g.notes,
        version=g.version,
        items=tuple(ItemDTO(i.id, i.description, i.quantity, i.unit, i.unit_price) for i in g.items),
        tranches=tuple(
            TrancheDTO(
                t.id,
                t.seq,
                t.planned_share_pct,
                t.planned_amount,
                t.paid_on,
                t.paid_amount,
                t.bank_reference,
                t.receipt_number,
            )
            for t in g.tranches
        ),
        history=tuple(StatusChangeDTO(h.from_status, h.to_status, h.at, h.actor, h.reason) for h in history),
    )


@dataclass(frozen=True)
class GrantRow:
    id: int
    programme_name: str
    recipient_name: str
    recipient_kind: str
    form: str
    amount: int
    paid: int
    status: str
    agreement_number: str


GRANT_SORT = {
    "id": Grant.id,
    "amount": Grant.amount,
    "status": Grant.status,
    "programme": Grant.programme_id,
    "agreement": Grant.agreement_number,
}


def _filter_value(f: PageFilter, key: str) -> str:
    return dict(f.extra).get(key, "")


def _grant_filtered(stmt: Any, f: PageFilter) -> Any:
    if f.status:
        stmt = stmt.where(Grant.status == f.status)
    programme = _filter_value(f, "programme_id")
    if programme.isdigit():
        stmt = stmt.where(Grant.programme_id == int(programme))
    if f.text.strip():
        t = "%" + f.text.strip().upper().replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(
            or_(
                Grant.person_id.in_(select(Person.id).where(Person.name.like(t))),
                # upper(): SQLite's LIKE ignores ASCII case, PostgreSQL's does not
                Grant.group_id.in_(select(KubeGroup.id).where(func.upper(KubeGroup.name).like(t))),
                func.upper(Grant.agreement_number).like(t),
            )
        )
    if f.region_code:
        from kaltim_desk.services.registry.people import prefix_range

        dotted = f.region_code.count(".") < 3
        stmt = stmt.where(
            or_(
                Grant.person_id.in_(
                    select(Person.id).where(prefix_range(Person.village_code, f.region_code, dotted=dotted))
                ),
                Grant.group_id.in_(
                    select(KubeGroup.id).where(
                        prefix_range(KubeGroup.village_code, f.region_code, dotted=dotted)
                    )
                ),
            )
        )
    return stmt


def count_grants(session: Session, f: PageFilter) -> int:
    require(session, "grant.view")
    return int(session.scalar(_grant_filtered(select(func.count()).select_from(Grant), f)) or 0)


def page_grants(
    session: Session,
    f: PageFilter,
    sort: str = "id",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[GrantRow]:
    require(session, "grant.view")
    col = GRANT_SORT.get(sort, Grant.id)
    stmt = _grant_filtered(
        select(
            Grant.id,
            Grant.programme_id,
            Grant.group_id,
            Grant.person_id,
            Grant.form,
            Grant.amount,
            Grant.status,
            Grant.agreement_number,
        ),
        f,
    )
    rows = session.execute(
        stmt.order_by(col.desc() if descending else col.asc(), Grant.id).offset(offset).limit(limit)
    ).all()
    ids = [r.id for r in rows]
    programmes = dict(session.execute(select(Programme.id, Programme.name)).all())
    gnames = dict(
        session.execute(
            select(KubeGroup.id, KubeGroup.name).where(
                KubeGroup.id.in_({r.group_id for r in rows if r.group_id})
            )
        ).all()
    )
    pnames = dict(
        session.execute(
            select(Person.id, Person.name).where(Person.id.in_({r.person_id for r in rows if r.person_id}))
        ).all()
    )
    paid = (
        dict(
            session.execute(
                select(Tranche.grant_id, func.coalesce(func.sum(Tranche.paid_amount), 0))
                .where(Tranche.grant_id.in_(ids))
                .group_by(Tranche.grant_id)
            ).all()
        )
        if ids
        else {}
    )
    out = []
    for r in rows:
        paid_amount = int(paid.get(r.id) or 0)
        if r.form == "goods" and r.status in (R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED):
            paid_amount = r.amount
        out.append(
            GrantRow(
                id=r.id,
                programme_name=str(programmes.get(r.programme_id, "")),
                recipient_name=str(gnames.get(r.group_id, "") if r.group_id else pnames.get(r.person_id, "")),
                recipient_kind="group" if r.group_id else "person",
                form=r.form,
                amount=r.amount,
                paid=paid_amount,
                status=r.status,
                agreement_number=r.agreement_number or "",
            )
        )
    return out


def grant_ids_of_programme(session: Session, programme_id: int, *, printable_only: bool = True) -> list[int]:
    require(session, "grant.view")
    stmt = select(Grant.id).where(Grant.programme_id == programme_id).order_by(Grant.id)
    if printable_only:
        stmt = stmt.where(Grant.status.in_(R.PRINTABLE_STATUSES))
    return list(session.scalars(stmt))


# --- documents: the service assembles frozen DTOs, `documents/` renders them -------------------------


@dataclass(frozen=True)
class Letterhead:
    government_name: str
    agency_name: str
    address: str
    phone: str
    email: str
    web: str
    logo_path: str = ""


@dataclass(frozen=True)
class SignatoryDTO:
    name: str
    position: str
    rank: str = ""
    nip: str = ""


# Signatories a document names by role but an office may not have set up: printed with an empty name
# line under the right position rather than under another officer's name.
_UNSET_SIGNATORIES = {"treasurer": SignatoryDTO("", "Bendahara Pengeluaran")}


def _pick(signatories: tuple[tuple[str, SignatoryDTO], ...], key: str) -> SignatoryDTO:
    """The signatory `key` of the office profile; the first one when the key is not set up."""
    for k, s in signatories:
        if k == key:
            return s
    if key in _UNSET_SIGNATORIES:
        return _UNSET_SIGNATORIES[key]
    return signatories[0][1] if signatories else SignatoryDTO("", "")


def _signatories(profile: Any) -> tuple[tuple[str, SignatoryDTO], ...]:
    return tuple(
        (key, SignatoryDTO(d.get("name", ""), d.get("position", ""), d.get("rank", ""), d.get("nip", "")))
        for key, d in profile.signatories.items()
    )


@dataclass(frozen=True)
class PartyDTO:
    """PIHAK KEDUA: the woman, or the group represented by its chair."""

    name: str  # the person who signs
    nik: str
    position: str  # "Ketua KUBE MAWAR"; empty for an individual (she signs for herself)
    address: str
    group_name: str = ""
    bank_name: str = ""
    bank_account: str = ""
    bank_holder: str = ""


@dataclass(frozen=True)
class MemberLine:
    name: str
    nik: str
    role: str
    business_type: str = ""


@dataclass(frozen=True)
class AidDoc:
    """Everything the agreement, the BAST, a receipt and the group summary print about one grant."""

    grant_id: int
    letterhead: Letterhead
    city: str
    programme_name: str
    budget_year: int
    funding_source: str
    form: str
    amount: int
    amount_words: str
    status: str
    signatories: tuple[tuple[str, SignatoryDTO], ...]  # the office profile's, by key ("head", ...)
    party2: PartyDTO
    items: tuple[ItemDTO, ...]
    tranches: tuple[TrancheDTO, ...]
    members: tuple[MemberLine, ...]
    duty_stamp_threshold: int
    agreement_number: str = ""
    agreement_date: date | None = None
    document_number: str = ""  # BAST / receipt number
    document_date: date | None = None
    tranche: TrancheDTO | None = None  # the receipt's (or the cash BAST's) tranche
    treasury: str = "Kas Daerah"  # where unspent aid goes back (APBN: Kas Negara)
    payment_method: str = "transfer"  # "transfer" or "cash" (DocumentRules)
    payment_wording: str = ""  # "melalui transfer ke rekening BRI 0123 atas nama ..." / "secara tunai"
    duty_stamp: bool | None = None  # meterai on this document (DocumentRules); None: above the threshold
    copy_mark: str = ""  # "SALINAN" on a reprint that is a copy

    @property
    def needs_duty_stamp(self) -> bool:
        if self.duty_stamp is not None:
            return self.duty_stamp
        return self.amount > self.duty_stamp_threshold

    def signatory(self, key: str) -> SignatoryDTO:
        return _pick(self.signatories, key)


@dataclass(frozen=True)
class GroupSummaryDoc:
    letterhead: Letterhead
    city: str
    group_name: str
    village: str
    district: str
    regency: str
    business_type: str
    formed_on: date | None
    status: str
    bank: str
    members: tuple[MemberLine, ...]
    grants: tuple[tuple[str, str, int, str], ...]  # programme, form, amount, status label
    signatories: tuple[tuple[str, SignatoryDTO], ...]
    printed_on: date

    def signatory(self, key: str) -> SignatoryDTO:
        return _pick(self.signatories, key)


def _letterhead(session: Session) -> tuple[Letterhead, Any]:
    p = office_profile(session)
    return (
        Letterhead(p.government_name, p.agency_name, p.address, p.phone, p.email, p.web, p.logo_path),
        p,
    )


def _address(
    session: Session, street: str | None, rt: str | None, rw: str | None, village_code: str | None
) -> str:
    village, district, regency = regions.village_path(session, village_code)
    parts = [street or ""]
    if rt:
        parts.append(f"RT {rt}" + (f"/RW {rw}" if rw else ""))
    if village:
        parts.append(f"Kel./Desa {village}")
    if district:
        parts.append(f"Kec. {district}")
    if regency:
        parts.append(regency)
    return ", ".join(p for p in parts if p)


def _members(session: Session, group_id: int, *, masked: bool) -> tuple[MemberLine, ...]:
    order = {"ketua": 0, "sekretaris": 1, "bendahara": 2, "anggota": 3}
    rows = session.execute(
        select(Person.name, Person.nik, GroupMember.role, Person.business_type)
        .join(GroupMember, GroupMember.person_id == Person.id)
        .where(GroupMember.group_id == group_id)
    ).all()
    lines = [
        MemberLine(
            r.name,
            mask_nik(r.nik) if masked else r.nik,
            groups.ROLE_LABELS.get(r.role, r.role),
            r.business_type or "",
        )
        for r in rows
    ]
    return tuple(sorted(lines, key=lambda m: (order.get(m.role.lower(), 9), m.name)))


def _party(session: Session, grant: Grant) -> PartyDTO:
    if grant.group_id is not None:
        group = session.get(KubeGroup, grant.group_id)
        assert group is not None
        chair = session.execute(
            select(Person)
            .join(GroupMember, GroupMember.person_id == Person.id)
            .where(GroupMember.group_id == group.id, GroupMember.role == "ketua")
        ).scalar()
        return PartyDTO(
            name=chair.name if chair else "",
            nik=chair.nik if chair else "",
            position=f"Ketua {group.name}",
            # the group's seat: its village (the chair's street is her home, not the group's address)
            address=_address(session, None, None, None, group.village_code),
            group_name=group.name,
            bank_name=group.bank_name or "",
            bank_account=group.bank_account or "",
            bank_holder=group.bank_holder or "",
        )
    person = session.get(Person, grant.person_id)
    assert person is not None
    return PartyDTO(
        name=person.name,
        nik=person.nik,
        position="",
        address=_address(session, person.street, person.rt, person.rw, person.village_code),
        bank_name=person.bank_name or "",
        bank_account=person.bank_account or "",
        bank_holder=person.bank_holder or "",
    )


def _ensure_agreement_number(session: Session, grant: Grant, when: date | None = None) -> str:
    """The agreement's number: issued once, then reused by every reprint."""
    if grant.agreement_number:
        return grant.agreement_number
    number = issued_for(session, "agreement", grant.id) or issue_number(
        session, "agreement", purpose="agreement", entity_id=grant.id, when=when
    )
    grant.agreement_number = number
    _flush(session, grant)
    audit.record(session, "grant.number", "grant", grant.id, agreement_number=number)
    return number


def _numbered(session: Session, kind: str, purpose: str, entity_id: int, when: date | None = None) -> str:
    return issued_for(session, purpose, entity_id) or issue_number(
        session, kind, purpose=purpose, entity_id=entity_id, when=when
    )


def _payment_wording(rules: DocumentRules, party: PartyDTO) -> tuple[str, str]:
    """The office's payment method and its wording for this recipient's account."""
    bank = " ".join(x for x in (party.bank_name, party.bank_account) if x)
    if party.bank_holder:
        bank = f"{bank} atas nama {party.bank_holder}" if bank else party.bank_holder
    method = rules.payment_method
    wording = rules.payment_wording.get(method, "")
    try:
        return method, wording.format(bank=bank or "PIHAK KEDUA")
    except (KeyError, IndexError, ValueError):
        return method, wording


def _base_doc(session: Session, grant: Grant, kind: str = "agreement") -> AidDoc:
    letterhead, profile = _letterhead(session)
    rules = R.aid_rules(session)
    doc_rules = document_rules(session)
    programme = session.get(Programme, grant.programme_id)
    assert programme is not None
    dto = _dto(session, grant)
    members = _members(session, grant.group_id, masked=False) if grant.group_id is not None else ()
    party = _party(session, grant)
    method, wording = _payment_wording(doc_rules, party)
    return AidDoc(
        grant_id=grant.id,
        letterhead=letterhead,
        city=rules.signing_place or profile.city,
        programme_name=programme.name,
        budget_year=programme.budget_year,
        funding_source=programme.funding_source,
        form=grant.form,
        amount=grant.amount,
        amount_words=terbilang_rupiah(grant.amount),
        status=grant.status,
        signatories=_signatories(profile),
        party2=party,
        items=dto.items,
        tranches=dto.tranches,
        members=members,
        duty_stamp_threshold=rules.duty_stamp_threshold,
        agreement_number=grant.agreement_number or "",
        agreement_date=grant.agreement_signed_on,
        treasury=treasury_for(doc_rules, programme.funding_source),
        payment_method=method,
        payment_wording=wording,
        duty_stamp=needs_duty_stamp(doc_rules, kind, grant.amount, rules.duty_stamp_threshold),
    )


def _printable(session: Session, grant: Grant, what: str, statuses: frozenset[str]) -> None:
    require(session, "grant.print")
    if grant.status not in statuses:
        raise DomainError(
            "not_printable",
            f"{what} belum dapat dicetak: bantuan berstatus {R.status_labels()[grant.status]}.",
        )


def _issued(
    session: Session,
    grant: Grant,
    kind: str,
    entity_id: int,
    build: Callable[[], AidDoc],
    original: bool = False,
) -> AidDoc:
    doc = issued_documents.issue_or_reprint(
        session,
        AidDoc,
        kind=kind,
        entity_id=entity_id,
        grant_id=grant.id,
        build=build,
        number_of=lambda d: d.document_number or d.agreement_number,
        original=original,
    )
    return _with_logo_found(session, doc)


def _with_logo_found(session: Session, doc: AidDoc) -> AidDoc:
    """The stored document with the office's current logo file when the one it was issued with is gone
    (moved, or missing at the first print): the emblem is the office's, not part of what was agreed."""
    stored = doc.letterhead.logo_path
    if stored and Path(stored).is_file():
        return doc
    current = office_profile(session).logo_path
    if current and current != stored and Path(current).is_file():
        return replace(doc, letterhead=replace(doc.letterhead, logo_path=current))
    return doc


def agreement_document(session: Session, grant_id: int, *, original: bool = False) -> AidDoc:
    """The agreement (perjanjian) of an approved grant; the first print issues its number and stores
    what it says, so every reprint is the same agreement (see services/issued_documents.py)."""
    grant = _load(session, grant_id)
    _printable(session, grant, "Perjanjian", R.PRINTABLE_STATUSES)

    def build() -> AidDoc:
        _ensure_agreement_number(session, grant)
        return replace(
            _base_doc(session, grant, "agreement"), agreement_date=grant.agreement_signed_on or date.today()
        )

    return _issued(session, grant, "agreement", grant.id, build, original)


_HANDED_OVER = frozenset({R.SIGNED, R.DISBURSING, R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED})


def _paid_tranche(grant: Grant, seq: int | None, what: str) -> Tranche:
    """Tranche `seq` of a cash grant (default: the last one paid), refused with a clear message when
    it does not exist or was not paid: a receipt and a cash BAST record a payment that happened."""
    paid = [t for t in grant.tranches if t.paid_on is not None]
    if seq is None:
        if not paid:
            raise DomainError(
                "no_tranche_paid",
                f"Belum ada tahap yang dibayar; {what} belum dapat dicetak. "
                "Catat pembayaran tahap lebih dahulu.",
                field="tranche",
            )
        return paid[-1]
    found = next((t for t in grant.tranches if t.seq == seq), None)
    if found is None:
        raise DomainError("tranche_unknown", f"Tahap {seq} tidak ada pada bantuan ini.", field="tranche")
    if found.paid_on is None:
        raise DomainError(
            "tranche_unpaid", f"Tahap {seq} belum dibayar; {what} belum dapat dicetak.", field="tranche"
        )
    return found


def handover_document(
    session: Session, grant_id: int, seq: int | None = None, *, original: bool = False
) -> AidDoc:
    """The hand-over minutes (BAST) of an event that happened:
    goods: one BAST, once the hand-over was recorded (dated and numbered at the hand-over);
    cash: one BAST per paid tranche (`seq`, default the last one paid), dated at its payment, for that
    tranche's amount; refused before any payment. No number is taken before the event."""
    grant = _load(session, grant_id)
    _printable(session, grant, "Berita acara serah terima", _HANDED_OVER)
    if grant.form == "goods":
        if grant.handover_on is None:
            raise DomainError(
                "not_handed_over",
                "BAST barang belum dapat dicetak: serah terima barang belum dicatat. "
                "Catat tanggal serah terima lebih dahulu.",
                field="handover_on",
            )
        when = grant.handover_on

        def build_goods() -> AidDoc:
            _ensure_agreement_number(session, grant)
            number = _numbered(session, "handover", "handover", grant.id, when=when)
            return replace(_base_doc(session, grant, "handover"), document_number=number, document_date=when)

        return _issued(session, grant, "handover", grant.id, build_goods, original)
    tranche = _paid_tranche(grant, seq, "BAST bantuan uang")

    def build_cash() -> AidDoc:
        _ensure_agreement_number(session, grant)
        number = _numbered(session, "handover", "handover_tranche", tranche.id, when=tranche.paid_on)
        base = _base_doc(session, grant, "handover")
        tdto = next(t for t in base.tranches if t.seq == tranche.seq)
        return replace(base, document_number=number, document_date=tranche.paid_on, tranche=tdto)

    return _issued(session, grant, "handover_tranche", tranche.id, build_cash, original)


def receipt_document(
    session: Session, grant_id: int, seq: int | None = None, *, original: bool = False
) -> AidDoc:
    """The receipt (kuitansi) of tranche `seq` (default: the last one paid) of a cash grant."""
    grant = _load(session, grant_id)
    if grant.form != "cash":
        raise DomainError(
            "goods_no_receipt", "Kuitansi hanya untuk bantuan uang; bantuan barang memakai BAST."
        )
    _printable(session, grant, "Kuitansi", _HANDED_OVER)
    tranche = _paid_tranche(grant, seq, "kuitansi")

    def build() -> AidDoc:
        if not tranche.receipt_number:
            tranche.receipt_number = _numbered(
                session, "receipt", "receipt", tranche.id, when=tranche.paid_on
            )
            session.flush()
        _ensure_agreement_number(session, grant)
        base = _base_doc(session, grant, "receipt")
        tdto = next(t for t in base.tranches if t.seq == tranche.seq)
        amount = tdto.paid_amount if tdto.paid_amount is not None else tdto.planned_amount
        return replace(
            base,
            document_number=tranche.receipt_number or "",
            document_date=tranche.paid_on,
            tranche=tdto,
            duty_stamp=needs_duty_stamp(
                document_rules(session), "receipt", amount, base.duty_stamp_threshold
            ),
        )

    return _issued(session, grant, "receipt", tranche.id, build, original)


# A group "received" a grant once money was paid or goods handed over (not proposed, approved,
# rejected or cancelled ones).
RECEIVED_STATUSES = frozenset({R.DISBURSING, R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED})


def group_summary_document(
    session: Session, *, group_id: int | None = None, grant_id: int | None = None
) -> GroupSummaryDoc:
    """One page per group: its members (NIK masked) and every grant it received."""
    require(session, "grant.print")
    if group_id is None:
        if grant_id is None:
            raise DomainError("group_required", "Sebutkan kelompok atau bantuannya.", field="group")
        grant = _load(session, grant_id)
        if grant.group_id is None:
            raise DomainError(
                "not_group_grant",
                f"Bantuan #{grant_id} adalah bantuan perorangan, bukan kelompok.",
                field="grant",
            )
        group_id = grant.group_id
    group = session.get(KubeGroup, group_id)
    if group is None:
        raise NotFound("Kelompok", group_id)
    letterhead, profile = _letterhead(session)
    village, district, regency = regions.village_path(session, group.village_code)
    labels, forms = R.status_labels(), R.form_labels()
    # what the group received: grants with money paid or goods handed over, at what reached it
    received = []
    for g in session.scalars(
        select(Grant)
        .where(Grant.group_id == group.id, Grant.status.in_(RECEIVED_STATUSES))
        .order_by(Grant.id)
    ):
        programme = session.get(Programme, g.programme_id)
        assert programme is not None
        value = g.amount if g.form == "goods" else sum(t.paid_amount or 0 for t in g.tranches if t.paid_on)
        received.append((programme.name, programme.budget_year, g.form, value, g.status))
    return GroupSummaryDoc(
        letterhead=letterhead,
        city=profile.city,
        group_name=group.name,
        village=village,
        district=district,
        regency=regency,
        business_type=group.business_type or "",
        formed_on=group.formed_on,
        status=groups.STATUS_LABELS.get(group.status, group.status),
        bank=" ".join(x for x in (group.bank_name or "", group.bank_account or "") if x),
        members=_members(session, group.id, masked=True),
        grants=tuple(
            (f"{r[0]} ({r[1]})", forms.get(r[2], r[2]), int(r[3]), labels.get(r[4], r[4])) for r in received
        ),
        signatories=_signatories(profile),
        printed_on=date.today(),
    )


def agreement_documents(session: Session, programme_id: int) -> list[AidDoc]:
    """The agreements of every printable grant of a programme (numbers issued as needed)."""
    require(session, "grant.print")
    out = []
    for gid in grant_ids_of_programme(session, programme_id):
        out.append(agreement_document(session, gid))
    return out


# --- integrity check (services/checks.py CHECKS) ----------------------------------------------


def check_aid(session: Session) -> tuple[bool, str]:
    """The aid rules over the stored grants: ceilings per recipient and one grant per person per
    programme (a group grant counting for each member), and paid tranches never above the amount."""
    problems: list[str] = []
    live = Grant.status.not_in(R.DEAD_STATUSES)
    for grant in session.scalars(select(Grant).where(live).order_by(Grant.id)):
        programme = session.get(Programme, grant.programme_id)
        assert programme is not None
        over = _ceiling_problems(session, grant, programme)
        if over:
            problems.append(f"bantuan #{grant.id}: {over[0]}")
        twice = _conflicts(session, grant)
        if twice:
            problems.append(f"bantuan #{grant.id}: {twice[0]}")
        paid = sum(t.paid_amount or 0 for t in grant.tranches)
        if paid > grant.amount:
            problems.append(f"bantuan #{grant.id}: tersalur {_rp(paid)} melebihi nilai {_rp(grant.amount)}")
        if len(problems) >= 5:
            break
    if problems:
        return False, "; ".join(problems[:5])
    return True, "pagu dan satu bantuan per orang per program terpenuhi"
