"""Certificate batch speed: our renderer against a bare ReportLab canvas loop with the same content.

`measure(n, workdir)` renders n certificates into one PDF both ways and returns
{"ours_s": seconds, "baseline_s": seconds, "n": n, "ours_ms_per_cert": ..., "baseline_ms_per_cert": ...}.
The baseline draws the same strings in the same embedded fonts, the same frame and a `qrcode` PNG per
page on one canvas, with none of our layout (wrapping, template fields, copy mark, logo cache). The
target is ours <= 1.25 x baseline. Run: `uv run python bench/bench_certificates.py [N]`.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kaltim_desk.documents.certificate import date_range_id, render_certificates, result_text
from kaltim_desk.documents.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.services.training.certificates import (
    QR_PREFIX,
    CertificateDoc,
    CertificateTemplate,
    SignatoryDoc,
    compute_code,
)

SECRET = b"bench-secret-0123456789abcdef0123"


def make_docs(n: int) -> list[CertificateDoc]:
    sig = SignatoryDoc(
        "Dra. HJ. NOR HAYATI, M.Si", "Kepala Dinas Sosial", "Pembina Utama Muda", "196805121993032004"
    )
    docs = []
    for i in range(n):
        number = f"{i + 1:04d}/STTP/DINSOS/2026"
        code = compute_code(SECRET, f"{number}|{i}")
        docs.append(
            CertificateDoc(
                certificate_id=i + 1,
                number=number,
                name=f"PESERTA PELATIHAN NOMOR {i + 1}",
                nik_masked="647205******" + f"{i % 10000:04d}",
                birth_place="SAMARINDA",
                birth_date=date(1980, 5, 12),
                training_title="Pelatihan Manajemen Usaha dan Literasi Keuangan KUBE",
                topics=("Manajemen usaha", "Literasi keuangan"),
                organiser="Dinas Sosial Provinsi Kalimantan Timur",
                place="Aula Dinas Sosial Provinsi Kalimantan Timur, Samarinda",
                start_date=date(2026, 3, 2),
                end_date=date(2026, 3, 6),
                hours=32,
                attendance_percent=90,
                post_score=85,
                issued_on=date(2026, 3, 9),
                city="Samarinda",
                government_name="PEMERINTAH PROVINSI KALIMANTAN TIMUR",
                agency_name="DINAS SOSIAL",
                address="Jl. Basuki Rahmat No. 92, Samarinda 75117",
                logo_path="",
                signatory=sig,
                verification_code=code,
                qr_payload=QR_PREFIX + code,
                is_copy=False,
            )
        )
    return docs


def ours(docs: list[CertificateDoc], target: Path) -> None:
    render_certificates(docs, CertificateTemplate(), target)


def baseline(docs: list[CertificateDoc], target: Path) -> None:
    """The same text, frame and QR code, drawn straight onto one canvas."""
    register_fonts()
    w, h = landscape(A4)
    c = Canvas(str(target), pagesize=(w, h))
    cx = w / 2
    for d in docs:
        c.setLineWidth(3)
        c.rect(28, 28, w - 56, h - 56)
        c.setLineWidth(0.8)
        c.rect(34, 34, w - 68, h - 68)
        c.setFont(SERIF_BOLD, 12)
        c.drawCentredString(cx, h - 80, d.government_name)
        c.setFont(SERIF_BOLD, 15)
        c.drawCentredString(cx, h - 97, d.agency_name)
        c.setFont(SERIF, 8.5)
        c.drawCentredString(cx, h - 110, d.address)
        c.line(68, h - 118, w - 68, h - 118)
        c.setFont(SERIF_BOLD, 24)
        c.drawCentredString(cx, h - 156, "SURAT TANDA TAMAT PELATIHAN")
        c.setFont(SERIF, 12)
        c.drawCentredString(cx, h - 176, f"Nomor: {d.number}")
        c.setFont(SERIF_ITALIC, 12)
        c.drawCentredString(cx, h - 208, "Diberikan kepada:")
        c.setFont(SERIF_BOLD, 22)
        c.drawCentredString(cx, h - 238, d.name)
        c.setFont(SERIF, 11)
        c.drawCentredString(
            cx,
            h - 256,
            f"NIK {d.nik_masked}, lahir di {d.birth_place.title()}, {format_date_id(d.birth_date)}",
        )
        c.setFont(SERIF, 12.5)
        c.drawCentredString(
            cx, h - 282, f"telah mengikuti {d.training_title} yang diselenggarakan oleh {d.organiser}"
        )
        c.drawCentredString(
            cx, h - 299, f"pada tanggal {date_range_id(d.start_date, d.end_date)} di {d.place}"
        )
        c.drawCentredString(cx, h - 316, f"selama {d.hours} jam pelajaran (JP)")
        c.setFont(SERIF_BOLD, 12.5)
        c.drawCentredString(cx, h - 337, f"dengan hasil: {result_text(d)}")
        c.setFont(SERIF_ITALIC, 10)
        c.drawCentredString(cx, h - 355, "Materi: " + ", ".join(d.topics))
        sx = w - 178
        c.setFont(SERIF, 11)
        c.drawCentredString(sx, 178, f"{d.city}, {format_date_id(d.issued_on)}")
        c.drawCentredString(sx, 164, d.signatory.position)
        c.setFont(SERIF_BOLD, 11)
        c.drawCentredString(sx, 98, d.signatory.name)
        c.setFont(SERIF, 10)
        c.drawCentredString(sx, 85, d.signatory.rank)
        c.drawCentredString(sx, 73, f"NIP. {d.signatory.nip}")
        qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=4, border=1)
        qr.add_data(d.qr_payload)
        qr.make(fit=True)
        buf = io.BytesIO()
        qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 58, 68, 78, 78)
        c.setFont(SANS, 7.5)
        c.drawString(58, 58, "Kode verifikasi:")
        c.setFont(SANS_BOLD, 9)
        c.drawString(58, 47, d.verification_code)
        c.showPage()
    c.save()


def measure(n: int, workdir: Path) -> dict[str, float]:
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    docs = make_docs(n)
    # warm up both (font registration, imports), then time each twice and keep the better run
    ours(docs[:2], workdir / "warm-ours.pdf")
    baseline(docs[:2], workdir / "warm-base.pdf")
    best_ours = best_base = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        ours(docs, workdir / "ours.pdf")
        best_ours = min(best_ours, time.perf_counter() - t0)
        t0 = time.perf_counter()
        baseline(docs, workdir / "baseline.pdf")
        best_base = min(best_base, time.perf_counter() - t0)
    return {
        "ours_s": best_ours,
        "baseline_s": best_base,
        "n": float(n),
        "ours_ms_per_cert": best_ours * 1000 / n,
        "baseline_ms_per_cert": best_base * 1000 / n,
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        r = measure(n, Path(tmp))
    print(f"{n} sertifikat dalam satu PDF")
    print(f"  kami    : {r['ours_s']:.2f} s ({r['ours_ms_per_cert']:.1f} ms/sertifikat)")
    print(f"  baseline: {r['baseline_s']:.2f} s ({r['baseline_ms_per_cert']:.1f} ms/sertifikat)")
    print(f"  rasio   : {r['ours_s'] / r['baseline_s']:.2f}x (target <= 1.25x)")
