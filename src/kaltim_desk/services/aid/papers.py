"""Assembling the aid papers: the agreement, the hand-over minutes (BAST), a receipt and the group summary.

A paper records an event that happened: a cash BAST and a receipt per paid tranche, a goods BAST once the
hand-over was recorded, refused (with no number taken) before. The service reads the grant, issues the
paper's number and stores what it says on first print (`core/issued_documents.py`); a reprint revives
that, identical, as a SALINAN unless an allowed role asks for an original. It returns a frozen DTO
(`documents/model.py`); `documents/` renders it with no session held.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desk.core import issued_documents
from kaltim_desk.core.document_rules import DocumentRules, document_rules, needs_duty_stamp, treasury_for
from kaltim_desk.core.errors import DomainError, NotFound
from kaltim_desk.core.numbering import issue_number, issued_for
from kaltim_desk.core.permissions import require
from kaltim_desk.core.settings import office_profile
from kaltim_desk.documents.model import (
    AidDoc,
    GroupSummaryDoc,
    Letterhead,
    MemberLine,
    PartyDTO,
    SignatoryDTO,
)
from kaltim_desk.domain.nik import mask_nik
from kaltim_desk.domain.terbilang import terbilang_rupiah
from kaltim_desk.models.grant import Grant, Programme, Tranche
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.vocabulary import GRANT_DELIVERED, MemberRole, group_status_labels, member_role_labels
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid.grant_list import grant_ids_of_programme
from kaltim_desk.services.aid.grants import _dto, _ensure_agreement_number, _load
from kaltim_desk.services.registry import regions


def _signatories(profile: Any) -> tuple[tuple[str, SignatoryDTO], ...]:
    return tuple(
        (key, SignatoryDTO(d.get("name", ""), d.get("position", ""), d.get("rank", ""), d.get("nip", "")))
        for key, d in profile.signatories.items()
    )


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
    order: dict[str, int] = {r: i for i, r in enumerate(MemberRole)}
    labels = member_role_labels()
    rows = session.execute(
        select(Person.name, Person.nik, GroupMember.role, Person.business_type)
        .join(GroupMember, GroupMember.person_id == Person.id)
        .where(GroupMember.group_id == group_id)
    ).all()
    rows = sorted(rows, key=lambda r: (order.get(r.role, 9), r.name))
    lines = [
        MemberLine(
            r.name,
            mask_nik(r.nik) if masked else r.nik,
            labels.get(r.role, r.role),
            r.business_type or "",
        )
        for r in rows
    ]
    return tuple(lines)


def _party(session: Session, grant: Grant) -> PartyDTO:
    if grant.group_id is not None:
        group = session.get(KubeGroup, grant.group_id)
        assert group is not None
        chair = session.execute(
            select(Person)
            .join(GroupMember, GroupMember.person_id == Person.id)
            .where(GroupMember.group_id == group.id, GroupMember.role == MemberRole.CHAIR)
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
RECEIVED_STATUSES = GRANT_DELIVERED


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
        status=group_status_labels().get(group.status, group.status),
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
