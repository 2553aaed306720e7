"""Aid documents: each PDF opens, has the expected pages, and its text (pdftotext) holds the parties,
the number, the amount in figures and in words; numbers are never handed out twice, also when two
processes print at once; office templates change the wording without code."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.settings import OfficeProfile, save_section
from kaltim_desk.db import Database
from kaltim_desk.documents.agreement import render_agreement
from kaltim_desk.documents.batch import BatchCancelled, render_agreements
from kaltim_desk.documents.group_summary import render_group_summary
from kaltim_desk.documents.handover import render_handover
from kaltim_desk.documents.receipt import render_receipt
from kaltim_desk.models.grant import Grant
from kaltim_desk.models.numbering import IssuedNumber
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid import grants, papers
from kaltim_desk.services.registry import groups
from tests.conftest import ADMIN
from tests.factories import (
    MONTHS_AGO,
    TODAY,
    bring_to,
    goods_grant,
    group_grant,
    make_programme,
    open_visit_gate,
)

PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(
    not (PDFTOTEXT and PDFINFO),
    reason="poppler-utils (pdftotext, pdfinfo) not installed: apt-get install poppler-utils",
)


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        [PDFTOTEXT, "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())  # in drawing order, on one line: wrapped words join again


def pdf_pages(path: Path) -> int:
    info = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    line = next(x for x in info.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def pdf_fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def signed_cash(session: Any, monkeypatch: pytest.MonkeyPatch) -> grants.GrantDTO:
    open_visit_gate(monkeypatch)
    prog = make_programme(session, name="Bantuan KUBE Mandiri")
    g = group_grant(session, prog.id, amount=15_000_000, name="KUBE Mawar Sejati")
    return bring_to(session, g.id, R.SIGNED)


@needs_poppler
def test_the_agreement_names_parties_number_and_amount_in_figures_and_words(session, signed_cash, tmp_path):
    doc = papers.agreement_document(session, signed_cash.id)
    out = render_agreement(doc, tmp_path / "perjanjian.pdf")
    text = pdf_text(out)
    assert pdf_pages(out) == 2
    assert "PERJANJIAN PEMBERIAN BANTUAN MODAL USAHA" in text
    assert f"Nomor: {signed_cash.agreement_number}" in text
    assert "PEMERINTAH PROVINSI KALIMANTAN TIMUR" in text and "DINAS SOSIAL" in text
    assert "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text
    chair = groups.get_group(session, signed_cash.group_id).members[0]
    assert chair.role == "ketua"
    assert chair.name in text and doc.party2.nik in text  # the chair signs for the group, full NIK
    assert "Ketua KUBE MAWAR SEJATI" in text
    assert "Rp15.000.000 (lima belas juta rupiah)" in text
    assert "Tahap 1 50% Rp7.500.000" in text and "Tahap 2 50% Rp7.500.000" in text
    assert "METERAI" in text and "Rp10.000" in text  # above Rp5.000.000: a duty-stamp box
    assert "Pasal 3" in text and "KEWAJIBAN PIHAK KEDUA" in text
    assert "Kepala Dinas Sosial" in text
    fonts = pdf_fonts(out).splitlines()[2:]
    assert any("DejaVuSerif" in f for f in fonts)
    assert all(f.split()[-5] == "yes" for f in fonts)  # every font embedded


@needs_poppler
def test_an_agreement_carries_a_meterai_place_whatever_its_amount(session, tmp_path):
    prog = make_programme(session, name="UEP Perorangan")
    from tests.factories import make_person

    p = make_person(session, name="Nur Aini")
    g = grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=5_000_000))
    g = bring_to(session, g.id, R.APPROVED)  # printable once approved, before signing
    doc = papers.agreement_document(session, g.id)
    text = pdf_text(render_agreement(doc, tmp_path / "a.pdf"))
    assert "METERAI" in text  # an agreement carries stamp duty at any amount (UU 10/2020)
    assert "NUR AINI" in text and p.nik in text
    assert "Penerima bantuan perorangan" not in text and text.count("Jabatan") == 1  # PIHAK PERTAMA only
    assert "Rp5.000.000 (lima juta rupiah)" in text
    assert "atas nama diri sendiri" in text


def test_an_agreement_is_not_printed_before_approval(session):
    prog = make_programme(session)
    g = group_grant(session, prog.id)
    with pytest.raises(DomainError, match="Perjanjian belum dapat dicetak: bantuan berstatus Diusulkan"):
        papers.agreement_document(session, g.id)


def test_a_reprint_keeps_its_number(session, signed_cash):
    first = papers.agreement_document(session, signed_cash.id).agreement_number
    again = papers.agreement_document(session, signed_cash.id).agreement_number
    assert first == again == signed_cash.agreement_number
    issued = session.scalars(select(IssuedNumber.number).where(IssuedNumber.purpose == "agreement")).all()
    assert issued == [first]


@needs_poppler
def test_the_bast_spells_the_date_and_lists_the_goods(session, tmp_path):
    prog = make_programme(session, aid_form="goods")
    g = bring_to(session, goods_grant(session, prog.id, name="KUBE Jahit Bersama").id, R.SIGNED)
    g = grants.record_handover(session, g.id, date(2025, 8, 18) if date(2025, 8, 18) >= MONTHS_AGO else TODAY)
    doc = papers.handover_document(session, g.id)
    out = render_handover(doc, tmp_path / "bast.pdf")
    text = pdf_text(out)
    assert pdf_pages(out) in (1, 2)
    assert "BERITA ACARA SERAH TERIMA" in text and f"Nomor: {doc.document_number}" in text
    from kaltim_desk.domain.dates import date_in_words

    assert date_in_words(g.handover_on).sentence() in text
    assert "Mesin jahit portable" in text and "Rp5.500.000" in text and "Kain katun" in text
    assert "Rp7.300.000 (tujuh juta tiga ratus ribu rupiah)" in text
    assert f"Perjanjian Nomor {g.agreement_number}" in text
    assert "Mengetahui," in text and "Yang menyerahkan" in text
    assert doc.document_number != g.agreement_number


@needs_poppler
def test_a_receipt_per_tranche(session, signed_cash, tmp_path):
    g = grants.pay_tranche(session, signed_cash.id, 1, paid_on=MONTHS_AGO, bank_reference="TRX-7781")
    with pytest.raises(DomainError, match="Tahap 2 belum dibayar"):
        papers.receipt_document(session, g.id, 2)
    doc = papers.receipt_document(session, g.id, 1)
    out = render_receipt(doc, tmp_path / "kuitansi.pdf")
    text = pdf_text(out)
    assert pdf_pages(out) == 1
    assert "KUITANSI" in text and doc.document_number in text
    assert "Tujuh Juta Lima Ratus Ribu Rupiah" in text and "Rp7.500.000" in text
    assert "tahap 1 (50%)" in text and "TRX-7781" in text
    assert "METERAI" in text  # Rp7.500.000 > Rp5.000.000
    assert doc.party2.name in text
    # the receipt keeps its number on a reprint
    assert papers.receipt_document(session, g.id, 1).document_number == doc.document_number


@needs_poppler
def test_the_group_summary_is_one_page_with_masked_niks(session, signed_cash, tmp_path):
    doc = papers.group_summary_document(session, grant_id=signed_cash.id)
    assert doc.grants == ()  # signed, nothing paid yet: nothing received
    grants.pay_tranche(session, signed_cash.id, 1, paid_on=MONTHS_AGO)
    doc = papers.group_summary_document(session, grant_id=signed_cash.id)
    out = render_group_summary(doc, tmp_path / "ringkasan.pdf")
    text = pdf_text(out)
    assert pdf_pages(out) == 1
    assert "KUBE MAWAR SEJATI" in text and "Anggota (5 orang)" in text
    group = groups.get_group(session, signed_cash.group_id)
    for m in group.members:
        assert m.name in text and m.nik_masked in text
    # what reached the group: the tranche paid, not the grant's full value
    assert "Bantuan KUBE Mandiri" in text and "Rp7.500.000" in text and "Penyaluran bertahap" in text
    assert "Rp15.000.000" not in text


@needs_poppler
def test_a_batch_into_one_pdf_and_into_a_folder(session, tmp_path, monkeypatch):
    open_visit_gate(monkeypatch)
    prog = make_programme(session)
    ids = [
        bring_to(session, group_grant(session, prog.id, name=f"KUBE Batch {i}").id, R.APPROVED).id
        for i in range(3)
    ]
    group_grant(session, prog.id, name="KUBE Belum Disetujui")  # not printable: left out
    docs = papers.agreement_documents(session, prog.id)
    assert [d.grant_id for d in docs] == ids
    seen: list[tuple[int, int]] = []
    out = render_agreements(docs, tmp_path / "semua.pdf", progress=lambda d, t, _s: seen.append((d, t)))
    assert out == [tmp_path / "semua.pdf"]
    assert pdf_pages(tmp_path / "semua.pdf") == 6
    text = pdf_text(tmp_path / "semua.pdf")
    for d in docs:
        assert f"Nomor: {d.agreement_number}" in text
    assert seen == [(1, 3), (2, 3), (3, 3)]
    files = render_agreements(docs, tmp_path / "folder", one_file=False)
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == sorted(p.name for p in files)
    assert len(files) == 3 and all(pdf_pages(p) == 2 for p in files)
    assert "kube-batch-0" in files[0].name


def test_a_cancelled_batch_leaves_no_file(session, signed_cash, tmp_path):
    docs = papers.agreement_documents(session, signed_cash.programme_id) * 3
    calls = {"n": 0}

    def cancel_after_first() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    out_dir = tmp_path / "cetak"
    out_dir.mkdir()
    target = out_dir / "batal.pdf"
    with pytest.raises(BatchCancelled):
        render_agreements(docs, target, is_cancelled=cancel_after_first)
    assert not target.exists()
    assert list(out_dir.iterdir()) == []  # no temporary file left either


@needs_poppler
def test_an_office_template_changes_the_wording(session, signed_cash, tmp_path, monkeypatch):
    from kaltim_desk.config import resource

    own = tmp_path / "config"
    monkeypatch.setenv("KALTIM_DESK_CONFIG_DIR", str(own))
    tpl = json.loads(resource("templates", "agreement.json").read_text("utf-8"))
    tpl["title"] = "NASKAH PERJANJIAN HIBAH {form_upper}"
    (own / "templates").mkdir(parents=True)
    (own / "templates" / "agreement.json").write_text(json.dumps(tpl), "utf-8")
    text = pdf_text(render_agreement(papers.agreement_document(session, signed_cash.id), tmp_path / "x.pdf"))
    assert "NASKAH PERJANJIAN HIBAH UANG" in text
    tpl["title"] = "PERJANJIAN {programe}"
    (own / "templates" / "agreement.json").write_text(json.dumps(tpl), "utf-8")
    with pytest.raises(DomainError, match=r"Isian \{programe\} pada templat agreement tidak dikenal"):
        render_agreement(papers.agreement_document(session, signed_cash.id), tmp_path / "y.pdf")
    assert not (tmp_path / "y.pdf").exists()


@needs_poppler
def test_the_letterhead_comes_from_the_office_profile(session, signed_cash, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 140), (20, 90, 160)).save(logo)
    save_section(
        session,
        OfficeProfile(
            government_name="PEMERINTAH KOTA SAMARINDA",
            agency_name="DINAS SOSIAL DAN PEMBERDAYAAN MASYARAKAT",
            address="Jl. Dahlia No. 81, Samarinda",
            phone="(0541) 123456",
            email="dinsos@samarindakota.go.id",
            web="dinsos.samarindakota.go.id",
            city="Samarinda",
            logo_path=str(logo),
        ),
    )
    out = render_agreement(papers.agreement_document(session, signed_cash.id), tmp_path / "kop.pdf")
    text = pdf_text(out)
    assert "PEMERINTAH KOTA SAMARINDA" in text and "DINAS SOSIAL DAN PEMBERDAYAAN MASYARAKAT" in text
    assert "Pos-el dinsos@samarindakota.go.id" in text and "Laman dinsos.samarindakota.go.id" in text
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) >= 3  # header, rule, at least one image (the logo)


# --- numbers are never handed out twice, even when two printers race --------------------------------


def _print_worker(url: str, grant_ids: list[int], results: list[str], errors: list[BaseException]) -> None:
    from sqlalchemy.exc import OperationalError

    database = Database(url)
    try:
        for gid in grant_ids:
            for _attempt in range(50):
                try:
                    with database.session(ADMIN) as s:
                        number = papers.agreement_document(s, gid).agreement_number
                    results.append(number)  # committed: the number is now the grant's
                    break
                except OperationalError:  # "database is locked": the clerk presses Print again
                    # ... a moment later (SQLite refuses a stale reader's upgrade at once, without the
                    # busy timeout; retrying in lock-step could collide every time).
                    time.sleep(random.uniform(0.01, 0.08))
                    continue
            else:
                raise AssertionError(f"grant {gid} never printed")
    except BaseException as exc:
        errors.append(exc)
    finally:
        database.dispose()


def test_concurrent_printing_never_duplicates_a_number(db, monkeypatch):
    open_visit_gate(monkeypatch)
    with db.session(ADMIN) as s:
        prog = make_programme(s)
        ids = []
        for i in range(12):
            g = group_grant(s, prog.id, amount=1_000_000, name=f"KUBE Balap {i}")
            ids.append(bring_to(s, g.id, R.APPROVED).id)
    results: list[str] = []
    errors: list[BaseException] = []
    # two printers, each with its own engine and sessions, printing interleaved halves (and reprints)
    a, b = ids[0::2] + ids[:3], ids[1::2] + ids[:3]
    threads = [
        threading.Thread(target=_print_worker, args=(db.url, part, results, errors)) for part in (a, b)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with db.read_session(ADMIN) as s:
        numbers = dict(s.execute(select(Grant.id, Grant.agreement_number).where(Grant.id.in_(ids))).all())
        issued = s.scalar(
            select(func.count()).select_from(IssuedNumber).where(IssuedNumber.purpose == "agreement")
        )
    assert len(set(numbers.values())) == len(ids) == issued  # one number per grant, all different
    assert set(results) == set(numbers.values())
    seqs = sorted(int(n.split("/")[0]) for n in numbers.values())
    assert seqs == list(range(1, len(ids) + 1))  # no gaps, no repeats


def test_a_personal_grant_has_no_group_summary(session):
    prog = make_programme(session)
    from tests.factories import make_person

    p = make_person(session)
    g = grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=1_000_000))
    with pytest.raises(DomainError, match="bantuan perorangan, bukan kelompok"):
        papers.group_summary_document(session, grant_id=g.id)
