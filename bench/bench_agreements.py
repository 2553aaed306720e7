"""Agreement batch speed: our batch renderer against a bare ReportLab canvas loop with the same content.

`measure(n, workdir)` renders n grant agreements into one PDF both ways and returns
{"ours_s", "baseline_s", "n", "ours_pages", "baseline_pages", "ours_ms_per_page", "baseline_ms_per_page"}.
Ours is `documents.batch.render_agreements` (letterhead flowable, template fields, paragraphs wrapped and
justified, tables, keep-together, signature blocks, meterai box, atomic write). The baseline draws the
same strings (the same filled template texts, table rows and signatures) in the same embedded fonts on
one canvas, wrapping with `simpleSplit` and no layout engine. Run:
`uv run python bench/bench_agreements.py [N]` (default 500).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from kaltim_desk.documents.agreement import DETAIL_MARKER, template_values
from kaltim_desk.documents.batch import render_agreements
from kaltim_desk.documents.fonts import SANS, SERIF, SERIF_BOLD, register_fonts
from kaltim_desk.documents.styles import FRAME_WIDTH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_TOP
from kaltim_desk.documents.templates import fill, load_template
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.domain.terbilang import terbilang_rupiah
from kaltim_desk.services.grants import AidDoc, Letterhead, MemberLine, PartyDTO, SignatoryDTO, TrancheDTO

SIGNED_ON = date(2026, 3, 16)


def make_docs(n: int) -> list[AidDoc]:
    letterhead = Letterhead(
        "PEMERINTAH PROVINSI KALIMANTAN TIMUR",
        "DINAS SOSIAL",
        "Jl. Basuki Rahmat No. 92, Samarinda 75117",
        "(0541) 741212",
        "dinsos@kaltimprov.go.id",
        "dinsos.kaltimprov.go.id",
    )
    signatories = (
        (
            "head",
            SignatoryDTO(
                "Dra. HJ. NOR HAYATI, M.Si", "Kepala Dinas Sosial", "Pembina Utama Muda", "196805121993032004"
            ),
        ),
        (
            "section_head",
            SignatoryDTO(
                "RAHMAN HIDAYAT, S.Sos", "Kepala Bidang Pemberdayaan Sosial", "Pembina", "197403182000031002"
            ),
        ),
    )
    docs = []
    for i in range(n):
        amount = 15_000_000 + (i % 5) * 2_500_000
        half = amount // 2
        docs.append(
            AidDoc(
                grant_id=i + 1,
                letterhead=letterhead,
                city="Samarinda",
                programme_name="Bantuan KUBE 2026",
                budget_year=2026,
                funding_source="APBD",
                form="cash",
                amount=amount,
                amount_words=terbilang_rupiah(amount),
                status="agreement_signed",
                signatories=signatories,
                party2=PartyDTO(
                    name=f"SITI AMINAH KETUA {i + 1}",
                    nik=f"647205520580{i % 10000:04d}",
                    position=f"Ketua KUBE MAWAR {i + 1}",
                    address="Jl. Pramuka No. 12, RT 003/RW 002, Kel./Desa Gunung Kelua, Kec. Samarinda Ulu, Kota Samarinda",
                    group_name=f"KUBE MAWAR {i + 1}",
                    bank_name="Bank Kaltimtara",
                    bank_account=f"00{i:08d}",
                    bank_holder=f"KUBE MAWAR {i + 1}",
                ),
                items=(),
                tranches=(
                    TrancheDTO(1, 1, 50, half, None, None, None, None),
                    TrancheDTO(2, 2, 50, amount - half, None, None, None, None),
                ),
                members=tuple(MemberLine(f"ANGGOTA {j}", "6472055205800001", "Anggota") for j in range(5)),
                duty_stamp_threshold=5_000_000,
                agreement_number=f"{i + 1:03d}/400.9.2/DINSOS/III/2026",
                agreement_date=SIGNED_ON,
            )
        )
    return docs


def _lines(doc: AidDoc, tpl: dict[str, Any]) -> list[tuple[str, float, str, bool]]:
    """The same texts our agreement prints, as (font, size, text, centred) before wrapping."""
    v = template_values(doc, SIGNED_ON)
    v["duty_stamp"] = tpl.get("duty_stamp_text", "") if doc.needs_duty_stamp else ""
    lh, p2 = doc.letterhead, doc.party2
    p1 = doc.signatory(tpl["signatories"].get("party1", "head"))
    out: list[tuple[str, float, str, bool]] = [
        (SERIF_BOLD, 13, lh.government_name, True),
        (SERIF_BOLD, 15, lh.agency_name, True),
        (SERIF, 9, lh.address, True),
        (SERIF, 9, f"Telepon {lh.phone}   Pos-el {lh.email}   Laman {lh.web}", True),
        (SERIF_BOLD, 13, fill(tpl["title"], v), True),
        (SERIF_BOLD, 11, fill(tpl["subtitle"], v), True),
        (SERIF, 11, f"Nomor: {doc.agreement_number}", True),
        (SERIF, 11, fill(tpl["opening"], v), False),
    ]
    for k, val in (("Nama", p1.name), ("NIP", p1.nip), ("Pangkat/Gol.", p1.rank), ("Jabatan", p1.position)):
        out.append((SERIF, 11, f"{k} : {val}", False))
    out.append((SERIF, 11, fill(tpl["party1_role"], v), False))
    for k, val in (("Nama", p2.name), ("NIK", p2.nik), ("Jabatan", p2.position), ("Alamat", p2.address)):
        out.append((SERIF, 11, f"{k} : {val}", False))
    out.append((SERIF, 11, fill(tpl["party2_role_group"], v), False))
    out.append((SERIF, 11, fill(tpl["preamble"], v), False))
    for article in tpl["articles"]:
        out.append((SERIF_BOLD, 11, article["title"], True))
        out.append((SERIF_BOLD, 11, article["heading"], True))
        for text in article.get("paragraphs_cash", article.get("paragraphs", [])):
            if text.strip() == DETAIL_MARKER:
                out.append((SANS, 9, "Tahap  Porsi  Nilai  Tanggal dibayar  Referensi bank", False))
                for t in doc.tranches:
                    out.append(
                        (
                            SANS,
                            9,
                            f"Tahap {t.seq}  {t.planned_share_pct}%  {format_rupiah(t.planned_amount)}  -  -",
                            False,
                        )
                    )
                out.append((SANS, 9, f"Jumlah  {format_rupiah(doc.amount)}", False))
            else:
                out.append((SERIF, 11, fill(text, v), False))
    out += [
        (SERIF, 11, f"PIHAK KEDUA,        {doc.city}, {format_date_id(SIGNED_ON)}", True),
        (SERIF, 11, f"{p2.position}        PIHAK PERTAMA, {p1.position}", True),
        (SANS, 7, "METERAI Rp10.000", False),
        (SERIF_BOLD, 11, f"{p2.name}        {p1.name}", True),
        (SERIF, 11, f"{p1.rank}  NIP. {p1.nip}", True),
    ]
    return out


def baseline(docs: list[AidDoc], target: Path) -> int:
    """A bare canvas loop: the same strings, same fonts, simple wrapping; returns the page count."""
    register_fonts()
    tpl = load_template("agreement")
    c = Canvas(str(target), pagesize=A4, initialFontName=SERIF)
    top = A4[1] - MARGIN_TOP
    pages = 0
    for doc in docs:
        y = top
        for font, size, text, centred in _lines(doc, tpl):
            for line in simpleSplit(text, font, size, FRAME_WIDTH):
                if y < MARGIN_BOTTOM + size:
                    c.showPage()
                    pages += 1
                    y = top
                c.setFont(font, size)
                if centred:
                    c.drawCentredString(MARGIN_LEFT + FRAME_WIDTH / 2, y, line)
                else:
                    c.drawString(MARGIN_LEFT, y, line)
                y -= size * 1.35
        c.line(MARGIN_LEFT, top - 62, MARGIN_LEFT + FRAME_WIDTH, top - 62)
        c.showPage()
        pages += 1
    c.save()
    return pages


def measure(n: int, workdir: Path) -> dict[str, Any]:
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    register_fonts()
    docs = make_docs(n)
    load_template("agreement")
    t0 = time.perf_counter()
    render_agreements(docs, workdir / "ours.pdf")
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    base_pages = baseline(docs, workdir / "baseline.pdf")
    base = time.perf_counter() - t0
    ours_pages = _count_pages(workdir / "ours.pdf")
    return {
        "ours_s": ours,
        "baseline_s": base,
        "n": n,
        "ours_pages": ours_pages,
        "baseline_pages": base_pages,
        "ours_ms_per_page": 1000 * ours / max(ours_pages, 1),
        "baseline_ms_per_page": 1000 * base / max(base_pages, 1),
    }


def _count_pages(path: Path) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 500
    with tempfile.TemporaryDirectory(prefix="bench-agreements-") as tmp:
        r = measure(n, Path(tmp))
    ratio = r["ours_s"] / r["baseline_s"]
    print(f"Perjanjian bantuan: {n} perjanjian")
    print(f"{'':<28}{'detik':>10}{'halaman':>10}{'ms/halaman':>12}")
    print(
        f"{'Kaltim Desk (platypus)':<28}{r['ours_s']:>10.2f}{r['ours_pages']:>10}{r['ours_ms_per_page']:>12.2f}"
    )
    print(
        f"{'ReportLab canvas polos':<28}{r['baseline_s']:>10.2f}{r['baseline_pages']:>10}"
        f"{r['baseline_ms_per_page']:>12.2f}"
    )
    per_page_ratio = r["ours_ms_per_page"] / r["baseline_ms_per_page"]
    print(f"rasio waktu total {ratio:.2f}x; rasio per halaman {per_page_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
