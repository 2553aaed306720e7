"""Assembling the aid papers: the agreement, the hand-over minutes (BAST), a receipt and the group summary.

The service reads the grant, issues the paper's number on first print (a reprint reuses it) and returns
a frozen DTO (`documents/model.py`); `documents/` renders it with no session held.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
from kaltim_desk.models.grant import Grant, Programme
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.vocabulary import group_status_labels
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid.grant_list import grant_ids_of_programme
from kaltim_desk.services.aid.grants import _disbursed_on, _dto, _ensure_agreement_number, _load
from kaltim_desk.services.registry import groups, regions


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
            address=_address(
                session,
                chair.street if chair else None,
                chair.rt if chair else None,
                chair.rw if chair else None,
                group.village_code,
            ),
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
        position="Penerima bantuan perorangan",
        address=_address(session, person.street, person.rt, person.rw, person.village_code),
        bank_name=person.bank_name or "",
        bank_account=person.bank_account or "",
        bank_holder=person.bank_holder or "",
    )


def _numbered(session: Session, kind: str, purpose: str, entity_id: int, when: date | None = None) -> str:
    return issued_for(session, purpose, entity_id) or issue_number(
        session, kind, purpose=purpose, entity_id=entity_id, when=when
    )


def _base_doc(session: Session, grant: Grant) -> AidDoc:
    letterhead, profile = _letterhead(session)
    rules = R.aid_rules(session)
    programme = session.get(Programme, grant.programme_id)
    assert programme is not None
    dto = _dto(session, grant)
    members = _members(session, grant.group_id, masked=False) if grant.group_id is not None else ()
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
        party2=_party(session, grant),
        items=dto.items,
        tranches=dto.tranches,
        members=members,
        duty_stamp_threshold=rules.duty_stamp_threshold,
        agreement_number=grant.agreement_number or "",
        agreement_date=grant.agreement_signed_on,
    )


def _printable(session: Session, grant: Grant, what: str, statuses: frozenset[str]) -> None:
    require(session, "grant.print")
    if grant.status not in statuses:
        raise DomainError(
            "not_printable",
            f"{what} belum dapat dicetak: bantuan berstatus {R.status_labels()[grant.status]}.",
        )


def agreement_document(session: Session, grant_id: int) -> AidDoc:
    """The agreement (perjanjian) of an approved grant; the first print issues its number."""
    grant = _load(session, grant_id)
    _printable(session, grant, "Perjanjian", R.PRINTABLE_STATUSES)
    _ensure_agreement_number(session, grant)
    return _base_doc(session, grant)


def handover_document(session: Session, grant_id: int) -> AidDoc:
    """The hand-over minutes (BAST): goods after signing; cash once a tranche was paid."""
    grant = _load(session, grant_id)
    ok = frozenset({R.SIGNED, R.DISBURSING, R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED})
    _printable(session, grant, "Berita acara serah terima", ok)
    _ensure_agreement_number(session, grant)
    when = grant.handover_on or _disbursed_on(grant) or date.today()
    number = _numbered(session, "handover", "handover", grant.id, when=when)
    return replace(_base_doc(session, grant), document_number=number, document_date=when)


def receipt_document(session: Session, grant_id: int, seq: int | None = None) -> AidDoc:
    """The receipt (kuitansi) of tranche `seq` (default: the last one paid) of a cash grant."""
    grant = _load(session, grant_id)
    if grant.form != "cash":
        raise DomainError(
            "goods_no_receipt", "Kuitansi hanya untuk bantuan uang; bantuan barang memakai BAST."
        )
    _printable(
        session,
        grant,
        "Kuitansi",
        frozenset({R.SIGNED, R.DISBURSING, R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED}),
    )
    paid = [t for t in grant.tranches if t.paid_on is not None]
    if seq is None:
        if not paid:
            raise DomainError(
                "no_tranche_paid",
                "Belum ada tahap yang dibayar; kuitansi belum dapat dicetak.",
                field="tranche",
            )
        tranche = paid[-1]
    else:
        found = next((t for t in grant.tranches if t.seq == seq), None)
        if found is None:
            raise DomainError("tranche_unknown", f"Tahap {seq} tidak ada pada bantuan ini.", field="tranche")
        if found.paid_on is None:
            raise DomainError(
                "tranche_unpaid", f"Tahap {seq} belum dibayar; kuitansi belum dapat dicetak.", field="tranche"
            )
        tranche = found
    if not tranche.receipt_number:
        tranche.receipt_number = _numbered(session, "receipt", "receipt", tranche.id, when=tranche.paid_on)
        session.flush()
    _ensure_agreement_number(session, grant)
    base = _base_doc(session, grant)
    tdto = next(t for t in base.tranches if t.seq == tranche.seq)
    return replace(
        base, document_number=tranche.receipt_number or "", document_date=tranche.paid_on, tranche=tdto
    )


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
    grant_rows = session.execute(
        select(Programme.name, Programme.budget_year, Grant.form, Grant.amount, Grant.status)
        .join(Programme, Programme.id == Grant.programme_id)
        .where(Grant.group_id == group.id)
        .order_by(Grant.id)
    ).all()
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
            (f"{r[0]} ({r[1]})", forms.get(r[2], r[2]), int(r[3]), labels.get(r[4], r[4])) for r in grant_rows
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
