"""Layout of every printed document, read back from the PDF (pdfplumber) as an officer would see the
page: with short and long variants (1 and 40 goods lines, 5- and 150-character names of wide letters,
the shortest and the longest agency and government names of the province's offices) no text runs
outside the printable area, no text sits under the emblem, the signature blocks share their page with
the closing sentence, footers read "Halaman N dari M" without touching their label, and no title ends
with one word alone on its line."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from PIL import Image
from reportlab.lib.units import cm

from kaltim_desk.documents.agreement import render_agreement
from kaltim_desk.documents.batch import render_agreements
from kaltim_desk.documents.certificate import render_calibration, render_certificates
from kaltim_desk.documents.group_summary import render_group_summary
from kaltim_desk.documents.handover import render_handover
from kaltim_desk.documents.model import (
    AidDoc,
    CertificateDoc,
    CertificateTemplate,
    GroupSummaryDoc,
    ItemDTO,
    Letterhead,
    MemberLine,
    PartyDTO,
    SignatoryDoc,
    SignatoryDTO,
    TrancheDTO,
)
from kaltim_desk.documents.receipt import render_receipt
from kaltim_desk.documents.styles import MARGIN_LEFT, MARGIN_RIGHT
from kaltim_desk.domain.terbilang import terbilang_rupiah
from kaltim_desk.services.training.preprinted import preprinted_positions

LONGEST_AGENCY = "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK"
LONGEST_GOVERNMENT = "PEMERINTAH KABUPATEN PENAJAM PASER UTARA"
SHORT_NAME = "WIWIK"  # 5 characters
LONG_NAME = ("MWMWMWMWMW " * 14)[:150].strip()  # 150 characters (the column's limit) of the widest letters
PRINTABLE = 1.0 * cm  # what an office printer cannot reach at each edge
SIGNED = date(2026, 3, 16)
PAID = date(2026, 4, 20)


@pytest.fixture(scope="module")
def logo(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("logo") / "lambang.png"
    Image.new("RGB", (120, 140), (30, 80, 160)).save(path)
    return str(path)


def letterhead(long: bool, logo: str) -> Letterhead:
    return Letterhead(
        LONGEST_GOVERNMENT if long else "PEMERINTAH KOTA BONTANG",
        LONGEST_AGENCY if long else "DINAS SOSIAL",
        "Jl. Propinsi KM 9 Nipah-Nipah, Kompleks Perkantoran Bupati, Penajam, Kabupaten Penajam Paser Utara 76141"
        if long
        else "Jl. Awang Long No. 1, Bontang",
        "(0542) 7211234",
        "dinsos@ppu.go.id",
        "dinsos.penajamkab.go.id",
        logo,
    )


def signatories(name: str) -> tuple[tuple[str, SignatoryDTO], ...]:
    return (
        (
            "head",
            SignatoryDTO(f"Dra. {name}", "Kepala Dinas Sosial", "Pembina Utama Muda", "196805121993032004"),
        ),
        (
            "section_head",
            SignatoryDTO("RAHMAN HIDAYAT, S.Sos", "Kepala Bidang", "Pembina", "197403182000031002"),
        ),
        ("treasurer", SignatoryDTO("NURUL HASANAH", "Bendahara Pengeluaran", "Penata", "198203152006042001")),
    )


def aid_doc(*, form: str, long: bool, lines: int, logo: str, paid: bool = False) -> AidDoc:
    name = LONG_NAME if long else SHORT_NAME
    items = tuple(
        ItemDTO(i, f"Mesin jahit portable merek {name[:60]} nomor {i}", 2, "unit", 1_250_000)
        for i in range(1, lines + 1)
    )
    amount = sum(i.quantity * i.unit_price for i in items) if form == "goods" else 4_500_000
    tranches = (
        TrancheDTO(
            1, 1, 50, 2_250_000, PAID if paid else None, 2_250_000 if paid else None, "TRX-0001", None
        ),
        TrancheDTO(2, 2, 50, 2_250_000, None, None, None, None),
    )
    return AidDoc(
        grant_id=7,
        letterhead=letterhead(long, logo),
        city="Penajam" if long else "Bontang",
        programme_name=f"Bantuan Usaha Ekonomi Produktif {name[:40]}",
        budget_year=2026,
        funding_source="APBN",
        form=form,
        amount=amount,
        amount_words=terbilang_rupiah(amount),
        status="disbursing",
        signatories=signatories(name),
        party2=PartyDTO(
            name=name,
            nik="6472055205800001",
            position=f"Ketua KUBE {name}",
            address=f"Jl. {name}, RT 003/RW 002, Kel./Desa Gunung Kelua, Kec. Samarinda Ulu",
            group_name=f"KUBE {name}",
            bank_name="Bank Kaltimtara",
            bank_account="0012345678",
            bank_holder=f"KUBE {name}",
        ),
        items=items,
        tranches=tranches,
        members=tuple(
            MemberLine(f"ANGGOTA {name[:60]} {j}", "6472********0001", "Anggota") for j in range(20)
        ),
        duty_stamp_threshold=5_000_000,
        agreement_number="012/400.9.2/DINSOS/III/2026",
        agreement_date=SIGNED,
        document_number="034/400.9.3/DINSOS/IV/2026",
        document_date=PAID,
        tranche=tranches[0] if paid else None,
        treasury="Kas Negara",
        payment_wording="melalui transfer ke rekening Bank Kaltimtara 0012345678",
        duty_stamp=True,
    )


# --- reading a PDF back ------------------------------------------------------------------------------


def read(path: Path) -> list[dict[str, Any]]:
    """Per page: size, its characters (with positions), its lines of text and its images."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words(keep_blank_chars=True, x_tolerance=2)
            pages.append(
                {
                    "width": page.width,
                    "height": page.height,
                    "chars": [c for c in page.chars if c["text"].strip()],
                    "text": page.extract_text() or "",
                    "words": words,
                    "images": [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images],
                }
            )
    return pages


def assert_inside(pages: list[dict[str, Any]], left: float, right: float, top: float, bottom: float) -> None:
    for n, page in enumerate(pages, start=1):
        for c in page["chars"]:
            where = f"page {n}: {c['text']!r} at x {c['x0']:.0f}-{c['x1']:.0f}, y {c['top']:.0f}"
            assert c["x0"] >= left - 0.5 and c["x1"] <= page["width"] - right + 0.5, where
            assert c["top"] >= top - 0.5 and c["bottom"] <= page["height"] - bottom + 0.5, where


def assert_no_text_over_text(pages: list[dict[str, Any]]) -> None:
    """No two printed words overlap (a wrapped name running into the next line, a body into the
    signature block, a footer label into its page number)."""
    for n, page in enumerate(pages, start=1):
        boxes = [(w["x0"], w["top"], w["x1"], w["bottom"], w["text"]) for w in page["words"]]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                dx = min(a[2], b[2]) - max(a[0], b[0])
                dy = min(a[3], b[3]) - max(a[1], b[1])
                assert dx <= 1 or dy <= 1.5, f"page {n}: {a[4]!r} overlaps {b[4]!r}"


def assert_nothing_under_the_emblem(pages: list[dict[str, Any]]) -> None:
    first = pages[0]
    assert first["images"], "the emblem did not print"
    for x0, top, x1, bottom in first["images"]:
        for c in first["chars"]:
            overlaps = c["x1"] > x0 and c["x0"] < x1 and c["bottom"] > top and c["top"] < bottom
            assert not overlaps, f"{c['text']!r} under the emblem"


def page_of(pages: list[dict[str, Any]], needle: str) -> int:
    found = [n for n, p in enumerate(pages) if needle in " ".join(p["text"].split())]
    assert found, f"{needle!r} not printed"
    return found[-1]


def assert_footers(pages: list[dict[str, Any]], label_start: str) -> None:
    total = len(pages)
    for n, page in enumerate(pages, start=1):
        bottom = [w for w in page["words"] if w["top"] > page["height"] - 1.6 * cm]
        number = [w for w in bottom if w["text"].startswith("Halaman")]
        assert number and number[0]["text"] == f"Halaman {n} dari {total}", [w["text"] for w in bottom]
        label = [w for w in bottom if w is not number[0]]
        assert label and label[0]["text"].startswith(label_start)
        assert max(w["x1"] for w in label) < number[0]["x0"] - 5  # never touches "Halaman N dari M"


def assert_no_orphan_title_word(pages: list[dict[str, Any]]) -> None:
    for page in pages:
        for line in page["text"].splitlines():
            assert not re.fullmatch(r"\s*(19|20)\d\d\s*", line), (
                f"a year alone on a line: {page['text'][:200]}"
            )


def assert_a4_document(pages: list[dict[str, Any]], footer: str) -> None:
    assert_inside(pages, MARGIN_LEFT, MARGIN_RIGHT, PRINTABLE, PRINTABLE)
    assert_no_text_over_text(pages)
    assert_nothing_under_the_emblem(pages)
    assert_footers(pages, footer)
    assert_no_orphan_title_word(pages)


VARIANTS = [
    pytest.param(False, 1, id="short-names-1-line"),
    pytest.param(True, 1, id="long-names-1-line"),
    pytest.param(False, 40, id="short-names-40-lines"),
    pytest.param(True, 40, id="long-names-40-lines"),
]


@pytest.mark.parametrize(("long", "lines"), VARIANTS)
@pytest.mark.parametrize("form", ["goods", "cash"])
def test_the_agreement_fits_and_signs_on_the_closing_page(tmp_path, logo, form, long, lines):
    if form == "cash" and lines > 1:
        pytest.skip("a cash agreement has no goods lines")
    doc = aid_doc(form=form, long=long, lines=lines, logo=logo)
    pages = read(render_agreement(doc, tmp_path / "a.pdf"))
    assert_a4_document(pages, "Perjanjian")
    closing = page_of(pages, "Perjanjian ini dibuat rangkap")
    assert closing == page_of(pages, "NIP. 196805121993032004") == page_of(pages, "PIHAK KEDUA,")
    assert closing == len(pages) - 1
    assert "METERAI" in pages[closing]["text"]  # every agreement, Rp4.500.000 included
    text = " ".join(" ".join(p["text"] for p in pages).split())
    if form == "cash":
        assert "Tanggal dibayar" not in text  # the agreement states the plan, not later payments
        assert "Kas Negara" in text and "Kas Daerah" not in text  # APBN money goes back to Kas Negara


@pytest.mark.parametrize(("long", "lines"), VARIANTS)
def test_the_goods_bast_keeps_its_signatures_with_the_closing_sentence(tmp_path, logo, long, lines):
    doc = aid_doc(form="goods", long=long, lines=lines, logo=logo)
    pages = read(render_handover(doc, tmp_path / "bast.pdf"))
    assert_a4_document(pages, "BAST")
    closing = page_of(pages, "Demikian berita acara")
    assert closing == page_of(pages, "NIP. 196805121993032004") == page_of(pages, "Mengetahui,")
    assert closing == page_of(pages, "Yang menerima,") == len(pages) - 1


@pytest.mark.parametrize("long", [False, True])
def test_the_cash_bast_is_one_tranche_handed_over_by_transfer(tmp_path, logo, long):
    doc = aid_doc(form="cash", long=long, lines=1, logo=logo, paid=True)
    pages = read(render_handover(doc, tmp_path / "bast.pdf"))
    assert_a4_document(pages, "BAST")
    closing = page_of(pages, "Demikian berita acara")
    assert closing == page_of(pages, "NIP. 196805121993032004") == len(pages) - 1
    text = " ".join(" ".join(p["text"] for p in pages).split())
    assert "bantuan uang tahap 1" in text and "melalui transfer ke rekening" in text
    assert "uang tunai" not in text and "keadaan baik dan lengkap" not in text
    assert "Rp2.250.000 (dua juta dua ratus lima puluh ribu rupiah)" in text


@pytest.mark.parametrize("long", [False, True])
def test_the_receipt_has_payer_treasurer_and_receiver_on_one_page(tmp_path, logo, long):
    doc = aid_doc(form="cash", long=long, lines=1, logo=logo, paid=True)
    doc = replace(doc, duty_stamp=False)  # Rp2.250.000: no meterai on the receipt
    pages = read(render_receipt(doc, tmp_path / "k.pdf"))
    assert_a4_document(pages, "Kuitansi")
    assert len(pages) == 1 or long  # 150-character names may take a second page, signatures stay together
    amount = page_of(pages, "Rp2.250.000")
    assert amount == page_of(pages, "Lunas dibayar,") == page_of(pages, "NIP. 198203152006042001")
    text = " ".join(" ".join(p["text"] for p in pages).split())
    assert "Lunas dibayar," in text and "NURUL HASANAH" in text and "Setuju dibayar," in text
    assert "Bendahara Pengeluaran Dinas Sosial" in text and "Kepala DINAS" not in text
    if long:
        assert (
            "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Penajam Paser Utara" in text
        )
    assert "METERAI" not in text


@pytest.mark.parametrize("long", [False, True])
def test_the_group_summary_fits(tmp_path, logo, long):
    name = LONG_NAME if long else SHORT_NAME
    doc = GroupSummaryDoc(
        letterhead=letterhead(long, logo),
        city="Bontang",
        group_name=f"KUBE {name}",
        village="Gunung Kelua",
        district="Samarinda Ulu",
        regency="Kota Samarinda",
        business_type="Kuliner",
        formed_on=date(2024, 2, 1),
        status="Aktif",
        bank="Bank Kaltimtara 0012345678",
        members=tuple(MemberLine(f"{name} {j}", "6472********0001", "Anggota", "Kuliner") for j in range(20)),
        grants=((f"Bantuan KUBE {name[:50]} (2026)", "Uang", 7_500_000, "Penyaluran bertahap"),),
        signatories=signatories(name),
        printed_on=PAID,
    )
    pages = read(render_group_summary(doc, tmp_path / "g.pdf"))
    assert_a4_document(pages, "Ringkasan")
    assert page_of(pages, "Bantuan yang diterima") == page_of(pages, "NIP. 197403182000031002")


def test_a_batch_numbers_pages_per_agreement(tmp_path, logo):
    docs = [
        aid_doc(form="goods", long=True, lines=40, logo=logo),
        aid_doc(form="cash", long=False, lines=1, logo=logo),
    ]
    (out,) = render_agreements(docs, tmp_path / "batch.pdf")
    pages = read(out)
    firsts = [n for n, p in enumerate(pages) if "Halaman 1 dari" in p["text"]]
    assert len(firsts) == 2
    for start, end in ((firsts[0], firsts[1]), (firsts[1], len(pages))):
        count = end - start
        for k in range(count):
            assert f"Halaman {k + 1} dari {count}" in pages[start + k]["text"]


def cert_doc(long: bool, logo: str) -> CertificateDoc:
    name = LONG_NAME if long else SHORT_NAME
    return CertificateDoc(
        certificate_id=1,
        number="0001/STTP/DINSOS/2026",
        name=name,
        nik_masked="6472********0001",
        birth_place="Samarinda",
        birth_date=date(1985, 5, 12),
        training_title=f"Pelatihan Kewirausahaan {name[:40]}",
        topics=("Pembukuan sederhana", "Pemasaran"),
        organiser="",
        place="Balai Latihan Kerja",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 6),
        hours=32,
        attendance_percent=100,
        post_score=85,
        issued_on=date(2026, 3, 6),
        city="Penajam" if long else "Bontang",
        government_name=LONGEST_GOVERNMENT if long else "PEMERINTAH KOTA BONTANG",
        agency_name=LONGEST_AGENCY if long else "DINAS SOSIAL",
        address="Jl. Propinsi KM 9 Nipah-Nipah, Penajam",
        logo_path=logo,
        signatory=SignatoryDoc(
            f"Dra. {name}", "Kepala Dinas Sosial", "Pembina Utama Muda", "196805121993032004"
        ),
        verification_code="ABCD-EFGH-JKLM-NPQR",
        qr_payload="KDV1:ABCDEFGHJKLMNPQR",
        is_copy=False,
    )


@pytest.mark.parametrize("long", [False, True])
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_the_certificate_shows_every_letter_of_the_name(tmp_path, logo, orientation, long):
    tpl = CertificateTemplate(orientation=orientation)
    doc = cert_doc(long, logo)
    pages = read(render_certificates([doc], tpl, tmp_path / "c.pdf"))
    assert len(pages) == 1
    inner = 28 + 6  # inside the certificate's double frame
    assert_inside(pages, inner, inner, inner, inner)
    printed = "".join(c["text"] for c in pages[0]["chars"] if c["fontname"].endswith("Bold"))
    assert doc.name.replace(" ", "") in printed.replace(" ", "")  # every letter, none lost at an edge
    assert_nothing_under_the_emblem(pages)
    assert_no_text_over_text(pages)


def test_preprinted_blanks_get_only_the_variable_fields_and_a_calibration_page(tmp_path, logo):
    tpl = CertificateTemplate(
        preprinted=True, positions=preprinted_positions("landscape", {"name": [150, 95]})
    )
    pages = read(render_certificates([cert_doc(True, logo)], tpl, tmp_path / "p.pdf"))
    text = " ".join(pages[0]["text"].split())
    assert "SURAT TANDA TAMAT PELATIHAN" not in text and LONGEST_AGENCY not in text  # on the paper already
    assert "0001/STTP/DINSOS/2026" in text and "ABCD-EFGH-JKLM-NPQR" in text
    assert_inside(pages, PRINTABLE, PRINTABLE, PRINTABLE, PRINTABLE)
    name_chars = [c for c in pages[0]["chars"] if c["text"] == "M"]
    assert min(abs(c["bottom"] - 95 * 72 / 25.4) for c in name_chars) < 3  # its baseline 95 mm from the top
    calibration = read(render_calibration(tpl, tmp_path / "cal.pdf"))
    cal = " ".join(calibration[0]["text"].split())
    assert_no_text_over_text(calibration)  # the heading clear of every field's cross and label
    for field in ("number", "name (150, 95 mm)", "signatory", "qr"):
        assert field in cal


def test_the_letterhead_wraps_the_longest_agency_name_instead_of_cutting_it(tmp_path, logo):
    doc = aid_doc(form="goods", long=True, lines=1, logo=logo)
    pages = read(render_handover(doc, tmp_path / "b.pdf"))
    head = " ".join(w["text"] for w in pages[0]["words"] if w["top"] < 4 * cm)
    for word in LONGEST_AGENCY.split() + LONGEST_GOVERNMENT.split():
        assert word in head
