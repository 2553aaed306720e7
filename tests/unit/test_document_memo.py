"""The layout memo (documents/memo.py) changes how fast agreements print, never what they print.

A batch built with the memo is byte for byte the PDF ReportLab builds without it (the memo switched
off by putting ReportLab's own methods back), for grants whose values differ by one letter (same
layout, so a leaked drawing would print the wrong name at the right place), names that wrap, a goods
table split over pages, copies, personal grants and the same grant twice; the BAST and the receipt,
which share the building blocks, likewise. Each agreement of a batch also reads exactly as its single
print, page by page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from reportlab import rl_config
from reportlab.platypus import Frame, KeepTogether, Paragraph, Table

from kaltim_desk.documents import memo
from kaltim_desk.documents.agreement import render_agreement
from kaltim_desk.documents.batch import render_agreements
from kaltim_desk.documents.handover import render_handover
from kaltim_desk.documents.model import (
    AidDoc,
    ItemDTO,
    Letterhead,
    MemberLine,
    PartyDTO,
    SignatoryDTO,
    TrancheDTO,
)
from kaltim_desk.documents.receipt import render_receipt
from kaltim_desk.documents.styles import styles
from kaltim_desk.domain.terbilang import terbilang_rupiah

SIGNED = date(2026, 3, 16)
LONG = ("MWMWMWMWMW " * 14)[:150].strip()


def grant(
    n: int,
    name: str,
    *,
    amount: int = 15_000_000,
    form: str = "cash",
    lines: int = 0,
    group: bool = True,
    copy: str = "",
) -> AidDoc:
    items = tuple(
        ItemDTO(i, f"Mesin jahit {name[:40]} nomor {i}", 2, "unit", 1_250_000) for i in range(1, lines + 1)
    )
    if form == "goods":
        amount = sum(i.quantity * i.unit_price for i in items)
    half = amount // 2
    return AidDoc(
        grant_id=n,
        letterhead=Letterhead(
            "PEMERINTAH PROVINSI KALIMANTAN TIMUR",
            "DINAS SOSIAL",
            "Jl. Basuki Rahmat No. 92, Samarinda 75117",
            "(0541) 741212",
            "dinsos@kaltimprov.go.id",
            "dinsos.kaltimprov.go.id",
        ),
        city="Samarinda",
        programme_name="Bantuan KUBE 2026",
        budget_year=2026,
        funding_source="APBD",
        form=form,
        amount=amount,
        amount_words=terbilang_rupiah(amount),
        status="agreement_signed",
        signatories=(
            (
                "head",
                SignatoryDTO(
                    "Dra. HJ. NOR HAYATI, M.Si", "Kepala Dinas Sosial", "Pembina", "196805121993032004"
                ),
            ),
            (
                "section_head",
                SignatoryDTO("RAHMAN HIDAYAT, S.Sos", "Kepala Bidang", "Pembina", "197403182000031002"),
            ),
        ),
        party2=PartyDTO(
            name=name,
            nik=f"64720552058{n:05d}",
            position=f"Ketua KUBE {name}" if group else "",
            address="Jl. Pramuka No. 12, RT 003/RW 002, Kel. Gunung Kelua, Kec. Samarinda Ulu",
            group_name=f"KUBE {name}" if group else "",
            bank_name="Bank Kaltimtara",
            bank_account=f"00{n:08d}",
            bank_holder=f"KUBE {name}" if group else name,
        ),
        items=items,
        tranches=(
            TrancheDTO(1, 1, 50, half, SIGNED, half, "TRX-0001", None),
            TrancheDTO(2, 2, 50, amount - half, None, None, None, None),
        ),
        members=tuple(MemberLine(f"ANGGOTA {j}", "6472********0001", "Anggota") for j in range(5)),
        duty_stamp_threshold=5_000_000,
        agreement_number=f"{n:03d}/400.9.2/DINSOS/III/2026",
        agreement_date=SIGNED,
        document_number=f"{n:03d}/400.9.3/DINSOS/IV/2026",
        document_date=SIGNED,
        copy_mark=copy,
    )


def batch() -> list[AidDoc]:
    return [
        grant(1, "SITI AMINAH"),
        grant(2, "SITI AMINAN"),  # one letter apart: the same layout, another name in the same place
        grant(3, "SITI AMINAH", amount=17_500_000),
        grant(4, LONG),  # wraps and shrinks: everything after it moves down
        grant(5, "WIWIK", form="goods", lines=40),  # the goods table runs over a page
        grant(6, "SITI AMINAH"),
        grant(7, "RAHMAWATI", group=False),  # a woman receiving for herself
        grant(8, "SITI AMINAH", copy="SALINAN"),
        grant(1, "SITI AMINAH"),  # the first grant again
    ]


@pytest.fixture
def invariant(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFs without a creation time or random file id, so that two builds can be compared."""
    monkeypatch.setattr(rl_config, "invariant", 1)
    memo.clear()


def without_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """ReportLab's own methods put back: every paragraph parsed, broken, drawn and placed anew."""
    monkeypatch.setattr(memo.MemoParagraph, "__init__", Paragraph.__init__)
    monkeypatch.setattr(memo.MemoTable, "wrap", Table.wrap)
    monkeypatch.setattr(memo.MemoTable, "draw", Table.draw)
    monkeypatch.setattr(memo.MemoTable, "_drawCell", Table._drawCell)
    monkeypatch.setattr(memo.MemoKeepTogether, "wrap", KeepTogether.wrap)
    monkeypatch.setattr(memo.MemoFrame, "add", Frame._add)


def print_all(folder: Path) -> dict[str, bytes]:
    docs = batch()
    folder.mkdir()
    (one,) = render_agreements(docs, folder / "batch.pdf")
    again = render_agreements(docs[:3], folder / "again.pdf")[0]  # the process-wide memos are warm now
    single = render_agreement(docs[3], folder / "single.pdf")
    bast = render_handover(docs[4], folder / "bast.pdf")
    receipt = render_receipt(replace(docs[0], tranche=docs[0].tranches[0]), folder / "receipt.pdf")
    return {p.name: p.read_bytes() for p in (one, again, single, bast, receipt)}


def test_the_memo_prints_byte_for_byte_what_reportlab_prints_without_it(tmp_path, invariant, monkeypatch):
    fast = print_all(tmp_path / "memo")
    with monkeypatch.context() as plain:
        without_memo(plain)
        slow = print_all(tmp_path / "plain")
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], f"{name} differs from the PDF ReportLab makes without the memo"


def pages_of(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_each_agreement_of_a_batch_reads_as_its_single_print(tmp_path):
    docs = batch()
    pages = pages_of(render_agreements(docs, tmp_path / "batch.pdf")[0])
    at = 0
    for i, doc in enumerate(docs):
        own = pages_of(render_agreement(doc, tmp_path / f"single-{i}.pdf"))
        assert pages[at : at + len(own)] == own, f"agreement {i + 1} of the batch differs from its print"
        assert doc.party2.nik in "".join(own)
        at += len(own)
    assert at == len(pages)
    # the two grants one letter apart each print their own name
    assert "SITI AMINAN" in pages[2] + pages[3] and "SITI AMINAN" not in pages[0] + pages[1]


@pytest.mark.parametrize(
    "text",
    [
        "SITI AMINAH",
        "TAHUN\u00a0ANGGARAN\u00a02026",
        "  spasi   di  tepi  ",
        "a &amp; b",
        "<b><u>NAMA</u></b>",
        "x\ny",
    ],
)
def test_a_text_is_parsed_as_reportlab_parses_it(text):
    for style in (styles()["body"], styles()["sign"], styles()["cell"]):
        cleaned, parsed_style, frags = memo._parse(text, style)
        reference = Paragraph(text, style)
        assert cleaned == reference.text and parsed_style is reference.style
        assert [f.__dict__ for f in frags] == [f.__dict__ for f in reference.frags]


def test_cells_that_print_differently_never_share_a_key():
    keys = [memo.content_key(v) for v in (1, 1.0, True, "1", ["1"], None, "")]
    assert len(set(keys)) == len(keys)


def test_two_prints_at_once_each_print_their_own(tmp_path, invariant):
    """A batch in the background and another print at the same time share the parse and layout memos
    but never a drawing: each file is the one it is alone."""
    first, second = batch(), [grant(20 + i, f"NURUL {i}") for i in range(6)]
    alone = [
        render_agreements(first, tmp_path / "first-alone.pdf")[0].read_bytes(),
        render_agreements(second, tmp_path / "second-alone.pdf")[0].read_bytes(),
    ]
    memo.clear()
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(render_agreements, docs, tmp_path / f"together-{i}.pdf")
            for i, docs in enumerate((first, second))
        ]
        together = [job.result()[0].read_bytes() for job in jobs]
    assert together == alone
