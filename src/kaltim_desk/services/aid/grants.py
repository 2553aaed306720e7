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

The gates themselves are in `grant_gates.py`, the Bantuan page's list in `grant_list.py` and the papers
(agreement, BAST, receipt, group summary) in `papers.py`.

Amounts are whole rupiah (int). Goods grants take their amount from their items; cash grants split their
amount into tranches by the programme's plan ("50,50"), the last tranche taking the rounding remainder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from kaltim_desk.core import audit
from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.errors import ConflictError, DomainError, NotFound, ValidationFailed
from kaltim_desk.core.numbering import issue_number, issued_for
from kaltim_desk.core.permissions import require
from kaltim_desk.documents.model import ItemDTO, TrancheDTO
from kaltim_desk.domain.money import MoneyError, parse_rupiah
from kaltim_desk.domain.text import clean_text
from kaltim_desk.models.grant import AID_FORMS, Grant, GrantItem, GrantStatusChange, Programme, Tranche
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.vocabulary import AidForm, GroupStatus
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid.grant_gates import (
    _approval_problems,
    _ceiling_problems,
    _conflicts,
    _recipient_name,
    _rp,
    _tranche_problems,
)
from kaltim_desk.services.aid.programmes import parse_tranche_plan

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
        if group.status == GroupStatus.INACTIVE:
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


def take_step(
    session: Session,
    grant_id: int,
    step: R.Transition,
    *,
    on: date | None = None,
    reason: str = "",
    bank_reference: str = "",
    version: int | None = None,
) -> GrantDTO:
    """Take one arrow of the aid flow (a button of the grant editor) with the use case that records it:
    a cash grant's disbursement pays its next unpaid tranche, a goods grant's records the hand-over (BAST);
    `on` is the step's date, `reason` that of a refusal or cancellation."""
    if step.target == R.VERIFIED:
        return verify_grant(session, grant_id, version)
    if step.target == R.APPROVED:
        return approve_grant(session, grant_id, version)
    if step.target == R.SIGNED:
        return sign_agreement(session, grant_id, on, version)
    if step.action == "grant.disburse":
        grant = _load(session, grant_id)
        if grant.form == AidForm.GOODS:
            return record_handover(session, grant_id, on, version)
        nxt = next((t for t in grant.tranches if t.paid_on is None), None)
        if nxt is None:
            raise DomainError("tranche_none", "Semua tahap bantuan ini sudah dibayar.", field="tranche")
        return pay_tranche(
            session, grant_id, nxt.seq, paid_on=on, bank_reference=bank_reference, version=version
        )
    if step.target == R.ACCOUNTABILITY:
        return record_accountability(session, grant_id, on, version)
    if step.target == R.CLOSED:
        return close_grant(session, grant_id, on, version)
    if step.target == R.REJECTED:
        return reject_grant(session, grant_id, reason, version)
    if step.target == R.CANCELLED:
        return cancel_grant(session, grant_id, reason, version)
    raise DomainError("grant_step", f"Langkah bantuan tidak dikenal: {step.label}.")


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
