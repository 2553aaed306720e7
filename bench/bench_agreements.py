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
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from kaltim_desk.documents.agreement import DETAIL_MARKER, template_values
from kaltim_desk.documents.batch import render_agreements
from kaltim_desk.documents.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, register_fonts
from kaltim_desk.documents.model import AidDoc, Letterhead, MemberLine, PartyDTO, SignatoryDTO, TrancheDTO
from kaltim_desk.documents.styles import FRAME_WIDTH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_TOP
from kaltim_desk.documents.templates import fill, load_template
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.domain.terbilang import terbilang_rupiah

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


TABLE_WIDTHS_CM = (2.2, 1.8, 3.6, 3.6, 4.9)  # the cash detail table of documents/agreement.py


def _lines(doc: AidDoc, tpl: dict[str, Any]) -> list[tuple[str, float, str, str]]:
    """The same texts our agreement prints, as (font, size, text, kind) before wrapping; kind is
    "c" (centred), "l" (left), "row" (a table row, cells separated by tabs), "rule" (the kop's double
    line), "stamp" (the meterai box)."""
    v = template_values(doc, SIGNED_ON)
    v["duty_stamp"] = tpl.get("duty_stamp_text", "") if doc.needs_duty_stamp else ""
    lh, p2 = doc.letterhead, doc.party2
    p1 = doc.signatory(tpl["signatories"].get("party1", "head"))
    out: list[tuple[str, float, str, str]] = [
        (SERIF_BOLD, 13, lh.government_name, "c"),
        (SERIF_BOLD, 15, lh.agency_name, "c"),
        (SERIF, 9, lh.address, "c"),
        (SERIF, 9, f"Telepon {lh.phone}   Pos-el {lh.email}   Laman {lh.web}", "c"),
        (SERIF, 9, "", "rule"),
        (SERIF_BOLD, 13, fill(tpl["title"], v), "c"),
        (SERIF_BOLD, 11, fill(tpl["subtitle"], v), "c"),
        (SERIF, 11, f"Nomor: {doc.agreement_number}", "c"),
        (SERIF, 11, fill(tpl["opening"], v), "l"),
    ]
    for k, val in (("Nama", p1.name), ("NIP", p1.nip), ("Pangkat/Gol.", p1.rank), ("Jabatan", p1.position)):
        out.append((SERIF, 11, f"{k} : {val}", "l"))
    out.append((SERIF, 11, fill(tpl["party1_role"], v), "l"))
    for k, val in (("Nama", p2.name), ("NIK", p2.nik), ("Jabatan", p2.position), ("Alamat", p2.address)):
        out.append((SERIF, 11, f"{k} : {val}", "l"))
    out.append((SERIF, 11, fill(tpl["party2_role_group"], v), "l"))
    out.append((SERIF, 11, fill(tpl["preamble"], v), "l"))
    for article in tpl["articles"]:
        out.append((SERIF_BOLD, 11, article["title"], "c"))
        out.append((SERIF_BOLD, 11, article["heading"], "c"))
        for text in article.get("paragraphs_cash", article.get("paragraphs", [])):
            if text.strip() == DETAIL_MARKER:
                out.append((SANS_BOLD, 9, "Tahap\tPorsi\tNilai\tTanggal dibayar\tReferensi bank", "row"))
                for t in doc.tranches:
                    cells = (
                        f"Tahap {t.seq}",
                        f"{t.planned_share_pct}%",
                        format_rupiah(t.planned_amount),
                        "-",
                        "-",
                    )
                    out.append((SANS, 9, "\t".join(cells), "row"))
                out.append((SANS_BOLD, 9, f"Jumlah\t\t{format_rupiah(doc.amount)}\t\t", "row"))
            else:
                out.append((SERIF, 11, fill(text, v), "l"))
    out += [
        (SERIF, 11, f"PIHAK KEDUA,        {doc.city}, {format_date_id(SIGNED_ON)}", "c"),
        (SERIF, 11, f"{p2.position}        PIHAK PERTAMA, {p1.position}", "c"),
        (SANS, 7, "METERAI Rp10.000", "stamp"),
        (SERIF_BOLD, 11, f"{p2.name}        {p1.name}", "c"),
        (SERIF, 11, f"{p1.rank}  NIP. {p1.nip}", "c"),
    ]
    return out


def baseline(docs: list[AidDoc], target: Path) -> int:
    """A bare canvas loop: the same strings, rules, table grid and meterai box in the same fonts, with
    simple wrapping and no layout engine; returns the page count."""
    register_fonts()
    tpl = load_template("agreement")
    c = Canvas(str(target), pagesize=A4, initialFontName=SERIF)
    top = A4[1] - MARGIN_TOP
    widths = [w * cm for w in TABLE_WIDTHS_CM]
    pages = 0
    for doc in docs:
        y = top
        for font, size, text, kind in _lines(doc, tpl):
            if y < MARGIN_BOTTOM + 3 * size:
                c.showPage()
                pages += 1
                y = top
            if kind == "rule":
                c.setLineWidth(2)
                c.line(MARGIN_LEFT, y + 4, MARGIN_LEFT + FRAME_WIDTH, y + 4)
                c.setLineWidth(0.6)
                c.line(MARGIN_LEFT, y + 1, MARGIN_LEFT + FRAME_WIDTH, y + 1)
                y -= 18
                continue
            if kind == "row":
                x = MARGIN_LEFT
                c.setFont(font, size)
                for w, cell in zip(widths, text.split("\t"), strict=True):
                    c.rect(x, y - 4, w, size * 1.6)
                    c.drawString(x + 3, y, cell)
                    x += w
                y -= size * 1.6
                continue
            if kind == "stamp":
                c.saveState()
                c.setDash(3, 2)
                c.rect(MARGIN_LEFT + 40, y - 40, 2.8 * cm, 1.7 * cm)
                c.setFont(font, size)
                c.drawCentredString(MARGIN_LEFT + 40 + 1.4 * cm, y - 20, text)
                c.restoreState()
                y -= 50
                continue
            for line in simpleSplit(text, font, size, FRAME_WIDTH):
                if y < MARGIN_BOTTOM + size:
                    c.showPage()
                    pages += 1
                    y = top
                c.setFont(font, size)
                if kind == "c":
                    c.drawCentredString(MARGIN_LEFT + FRAME_WIDTH / 2, y, line)
                else:
                    c.drawString(MARGIN_LEFT, y, line)
                y -= size * 1.35
        c.setFont(SANS, 7)
        c.drawString(MARGIN_LEFT, 1.1 * cm, f"Perjanjian {doc.agreement_number}")
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
