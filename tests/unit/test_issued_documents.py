"""A document records an event that happened and never changes after it is issued: a cash BAST exists
only for a paid tranche (one per tranche, refused before any payment, no number taken), a goods BAST only
after the hand-over; the first print stores what the document says, and every reprint (after later
payments or a changed office profile) prints the same text, marked SALINAN unless an allowed role asks
for an original; a stored document altered outside the app is refused and shown by `check`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from sqlalchemy import select

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.settings import OfficeProfile, office_profile, save_section
from kaltim_desk.documents.agreement import render_agreement
from kaltim_desk.documents.handover import render_handover
from kaltim_desk.documents.receipt import render_receipt
from kaltim_desk.models.issued_document import IssuedDocument
from kaltim_desk.models.numbering import IssuedNumber
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid import grants, papers
from kaltim_desk.services.checks import check_documents
from tests.unit.test_grants import (
    MONTHS_AGO,
    TODAY,
    bring_to,
    goods_grant,
    group_grant,
    make_programme,
    open_visit_gate,
)

CLERK = Actor(username="clerk.test", role="clerk", display_name="Operator Uji")


def text_of(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def without_copy_mark(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip() != "SALINAN")


@pytest.fixture
def signed_cash(session: Any, monkeypatch: pytest.MonkeyPatch) -> grants.GrantDTO:
    open_visit_gate(monkeypatch)
    prog = make_programme(session, name="Bantuan KUBE Mandiri")
    g = group_grant(session, prog.id, amount=15_000_000, name="KUBE Mawar Sejati")
    return bring_to(session, g.id, R.SIGNED)


def numbers(session: Any, purpose: str) -> list[str]:
    return list(session.scalars(select(IssuedNumber.number).where(IssuedNumber.purpose == purpose)))


def test_a_cash_bast_before_any_payment_is_refused_and_takes_no_number(session, signed_cash):
    with pytest.raises(
        DomainError, match="Belum ada tahap yang dibayar; BAST bantuan uang belum dapat dicetak"
    ):
        papers.handover_document(session, signed_cash.id)
    with pytest.raises(DomainError, match="Tahap 1 belum dibayar; BAST bantuan uang belum dapat dicetak"):
        papers.handover_document(session, signed_cash.id, 1)
    assert numbers(session, "handover_tranche") == [] and numbers(session, "handover") == []


def test_a_goods_bast_waits_for_the_hand_over(session):
    prog = make_programme(session, aid_form="goods")
    g = bring_to(session, goods_grant(session, prog.id).id, R.SIGNED)
    with pytest.raises(DomainError, match="serah terima barang belum dicatat"):
        papers.handover_document(session, g.id)
    assert numbers(session, "handover") == []
    grants.record_handover(session, g.id, TODAY)
    doc = papers.handover_document(session, g.id)
    assert doc.document_date == TODAY and numbers(session, "handover") == [doc.document_number]


def test_one_bast_per_paid_tranche_each_reprinted_unchanged(session, signed_cash, tmp_path):
    grants.pay_tranche(session, signed_cash.id, 1, paid_on=MONTHS_AGO, bank_reference="TRX-1")
    first = papers.handover_document(session, signed_cash.id)
    assert first.tranche is not None and first.tranche.seq == 1 and first.document_date == MONTHS_AGO
    before = text_of(render_handover(first, tmp_path / "bast1.pdf"))
    assert "Rp7.500.000 (tujuh juta lima ratus ribu rupiah)" in " ".join(before.split())
    assert "SALINAN" not in before

    grants.pay_tranche(session, signed_cash.id, 2, paid_on=TODAY, bank_reference="TRX-2")
    second = papers.handover_document(session, signed_cash.id)  # the last tranche paid: a new BAST
    assert second.tranche is not None and second.tranche.seq == 2
    assert second.document_number != first.document_number and second.document_date == TODAY

    again = papers.handover_document(session, signed_cash.id, 1)
    after = text_of(render_handover(again, tmp_path / "bast1-again.pdf"))
    assert again.document_number == first.document_number
    assert "SALINAN" in after  # a reprint is a copy
    assert without_copy_mark(after) == before  # word for word the same document
    original = papers.handover_document(session, signed_cash.id, 1, original=True)
    assert text_of(render_handover(original, tmp_path / "bast1-original.pdf")) == before


def test_an_agreement_and_a_receipt_reprint_identically_after_later_payments(session, signed_cash, tmp_path):
    agreement = papers.agreement_document(session, signed_cash.id)
    a_before = text_of(render_agreement(agreement, tmp_path / "a1.pdf"))
    grants.pay_tranche(session, signed_cash.id, 1, paid_on=MONTHS_AGO, bank_reference="TRX-1")
    receipt = papers.receipt_document(session, signed_cash.id, 1)
    r_before = text_of(render_receipt(receipt, tmp_path / "k1.pdf"))
    # later: a second payment, and the office changes its name and head
    grants.pay_tranche(session, signed_cash.id, 2, paid_on=TODAY, bank_reference="TRX-2")
    profile = office_profile(session)
    save_section(session, OfficeProfile(**{**profile.__dict__, "agency_name": "DINAS SOSIAL BARU"}))
    a_after = text_of(
        render_agreement(papers.agreement_document(session, signed_cash.id), tmp_path / "a2.pdf")
    )
    r_after = text_of(
        render_receipt(papers.receipt_document(session, signed_cash.id, 1), tmp_path / "k2.pdf")
    )
    assert without_copy_mark(a_after) == a_before and "TRX-2" not in a_after
    assert without_copy_mark(r_after) == r_before
    assert "DINAS SOSIAL BARU" not in a_after + r_after
    # a new event takes the new name: the second tranche's receipt
    r2 = text_of(render_receipt(papers.receipt_document(session, signed_cash.id, 2), tmp_path / "k3.pdf"))
    assert "Dinas Sosial Baru" in r2


def test_only_an_allowed_role_may_print_an_original_again(db, session, signed_cash):
    papers.agreement_document(session, signed_cash.id)
    session.commit()
    with db.session(CLERK) as s:
        assert papers.agreement_document(s, signed_cash.id).copy_mark == "SALINAN"
        with pytest.raises(DomainError, match="sebagai ASLI hanya boleh oleh peran: officer, admin"):
            papers.agreement_document(s, signed_cash.id, original=True)


def test_a_stored_document_altered_outside_the_app_is_refused_and_checked(session, signed_cash):
    papers.agreement_document(session, signed_cash.id)
    assert check_documents(session).ok
    row = session.scalar(select(IssuedDocument).where(IssuedDocument.kind == "agreement"))
    row.snapshot = row.snapshot.replace("15000000", "25000000")
    session.flush()
    with pytest.raises(DomainError, match="tidak cocok dengan sidiknya"):
        papers.agreement_document(session, signed_cash.id)
    result = check_documents(session)
    assert not result.ok and row.number in result.message


def test_check_warns_of_a_missing_logo(session, tmp_path):
    profile = office_profile(session)
    save_section(session, OfficeProfile(**{**profile.__dict__, "logo_path": str(tmp_path / "hilang.png")}))
    result = check_documents(session)
    assert not result.ok and "hilang.png tidak ditemukan" in result.message


def test_a_reprint_finds_the_office_logo_again_when_the_issued_one_was_missing(
    session, signed_cash, tmp_path
):
    from PIL import Image

    profile = office_profile(session)
    save_section(session, OfficeProfile(**{**profile.__dict__, "logo_path": str(tmp_path / "hilang.png")}))
    first = papers.agreement_document(session, signed_cash.id)
    assert first.letterhead.logo_path.endswith("hilang.png")
    logo = tmp_path / "lambang.png"
    Image.new("RGB", (60, 70), (30, 80, 160)).save(logo)
    save_section(session, OfficeProfile(**{**profile.__dict__, "logo_path": str(logo)}))
    again = papers.agreement_document(session, signed_cash.id)
    assert again.letterhead.logo_path == str(logo)  # the emblem prints; the text is the issued one
    assert again.agreement_number == first.agreement_number
