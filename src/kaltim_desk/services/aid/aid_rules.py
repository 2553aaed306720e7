"""The rules of the aid flow in one place: the statuses, which action moves a grant from which status to
which, who may take each action, and the office settings that switch gates on or off.

Status flow (DOMAIN.md "Aid comes in two shapes"):

    proposed -> verified -> approved -> agreement_signed -> disbursing -> disbursed
             -> accountability_received -> closed
    cash:  agreement_signed -> disbursing (a tranche paid, more to come) -> disbursed (all paid);
           a single-tranche grant goes straight to disbursed.
    goods: agreement_signed -> disbursed on the hand-over (BAST) with the item list.
    rejected (from proposed/verified) and cancelled (from proposed..agreement_signed) need a reason;
    once money has moved (disbursing and later) a grant can no longer be cancelled.

Roles: `TRANSITIONS` maps each (from, to) to an action; the roles allowed to take each action are the
rows of `services/permissions.PERMISSIONS` ("grant.verify": officer, admin ...). Clerks propose and
record (payments, hand-overs, accountability reports); officers verify, approve, sign, reject, cancel and
close; admins may do everything. `allowed_transitions(role, status)` is what the grant editor shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kaltim_desk.core.permissions import allowed
from kaltim_desk.core.settings import load_section
from kaltim_desk.models.vocabulary import (
    GRANT_DEAD,
    GRANT_EDITABLE,
    GRANT_GRANTED,
    GrantStatus,
    aid_form_labels,
    grant_status_labels,
)

PROPOSED = GrantStatus.PROPOSED
VERIFIED = GrantStatus.VERIFIED
APPROVED = GrantStatus.APPROVED
SIGNED = GrantStatus.SIGNED
DISBURSING = GrantStatus.DISBURSING
DISBURSED = GrantStatus.DISBURSED
ACCOUNTABILITY = GrantStatus.ACCOUNTABILITY
CLOSED = GrantStatus.CLOSED
REJECTED = GrantStatus.REJECTED
CANCELLED = GrantStatus.CANCELLED

STATUSES = tuple(GrantStatus)

# Grants in these statuses no longer count against ceilings nor against "one grant per person".
DEAD_STATUSES = GRANT_DEAD
# Amount, items, tranche plan and recipient can be changed only before approval.
EDITABLE_STATUSES = GRANT_EDITABLE
# The agreement can be printed once the grant is approved (it is printed, then signed).
PRINTABLE_STATUSES = GRANT_GRANTED


def status_labels() -> dict[str, str]:
    return grant_status_labels()


def form_labels() -> dict[str, str]:
    return aid_form_labels()


@dataclass(frozen=True)
class Transition:
    """One arrow of the flow: the action (a PERMISSIONS key) and the step's button text."""

    source: str
    target: str
    action: str
    label: str
    needs_reason: bool = False
    forms: frozenset[str] = frozenset({"cash", "goods"})


_CASH = frozenset({"cash"})
_GOODS = frozenset({"goods"})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(PROPOSED, VERIFIED, "grant.verify", "Verifikasi"),
    Transition(VERIFIED, APPROVED, "grant.approve", "Setujui"),
    Transition(APPROVED, SIGNED, "grant.sign", "Catat perjanjian ditandatangani"),
    # cash: each tranche payment moves the grant; the last one makes it disbursed
    Transition(SIGNED, DISBURSING, "grant.disburse", "Catat pembayaran tahap", forms=_CASH),
    Transition(SIGNED, DISBURSED, "grant.disburse", "Catat pembayaran tahap", forms=_CASH),
    Transition(DISBURSING, DISBURSING, "grant.disburse", "Catat pembayaran tahap", forms=_CASH),
    Transition(DISBURSING, DISBURSED, "grant.disburse", "Catat pembayaran tahap", forms=_CASH),
    # goods: the hand-over (BAST) disburses the whole grant at once
    Transition(SIGNED, DISBURSED, "grant.disburse", "Catat serah terima barang", forms=_GOODS),
    Transition(DISBURSED, ACCOUNTABILITY, "grant.accountability", "Catat LPJ diterima"),
    Transition(ACCOUNTABILITY, CLOSED, "grant.close", "Tutup bantuan"),
    Transition(PROPOSED, REJECTED, "grant.reject", "Tolak", needs_reason=True),
    Transition(VERIFIED, REJECTED, "grant.reject", "Tolak", needs_reason=True),
    Transition(PROPOSED, CANCELLED, "grant.cancel", "Batalkan", needs_reason=True),
    Transition(VERIFIED, CANCELLED, "grant.cancel", "Batalkan", needs_reason=True),
    Transition(APPROVED, CANCELLED, "grant.cancel", "Batalkan", needs_reason=True),
    Transition(SIGNED, CANCELLED, "grant.cancel", "Batalkan", needs_reason=True),
)


def find_transition(source: str, target: str, form: str) -> Transition | None:
    return next(
        (t for t in TRANSITIONS if t.source == source and t.target == target and form in t.forms), None
    )


def transitions_from(status: str, form: str) -> list[Transition]:
    """Every arrow out of `status` for a grant of `form`, whoever may take it."""
    return [t for t in TRANSITIONS if t.source == status and form in t.forms]


def allowed_transitions(role: str, status: str, form: str) -> list[Transition]:
    """The arrows out of `status` that `role` may take (the editor's buttons)."""
    return [t for t in transitions_from(status, form) if allowed(role, t.action)]


@dataclass(frozen=True)
class AidRules:
    """Office settings of the aid flow (Pengaturan > Aturan program)."""

    SECTION = "aid"

    # The second and later tranches wait for a monitoring visit recorded after the previous payment.
    second_tranche_requires_visit: bool = True
    # Agreements and receipts above this amount carry a Rp10.000 duty stamp (meterai) box.
    duty_stamp_threshold: int = 5_000_000
    # Where agreements are signed, if not the office's city.
    signing_place: str = ""


def aid_rules(session: Session) -> AidRules:
    return load_section(session, AidRules)
