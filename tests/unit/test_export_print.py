"""The exports as the province opens and prints them, checked with LibreOffice (issue 14, item 11):
only aid recipients in the all-years BNBA and its recap, years printed as 2025 (not "2,025"), header
rows tall enough for their wrapped labels, and a printed BNBA that is readable: landscape, a header
repeated on every page, "Halaman n dari N" in the footer, no NIK-fingerprint column on paper."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kaltim_desk.models.grant import Grant, Programme
from kaltim_desk.services.excel import exports
from tests.factories import make_person

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)

STREETS = ["Jl. Pangeran Suryanata Gg. Keluarga No. 17", "Jl. K.H. Wahid Hasyim II Perum Bumi Sempaja Blok C"]
NAMES = ["Siti Nurhaliza Rahmawati", "Hj. Rosdiana Binti Abdul Rahman", "Maria Magdalena Wulandari"]


def _soffice(src: Path, fmt: str, outdir: Path) -> Path:
    proc = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{outdir}/lo",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        capture_output=True,
        timeout=240,
    )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.exists(), proc.stderr.decode(errors="replace")
    return out


@pytest.fixture
def office(session):
    """90 registered women, 60 of whom received aid (a goods grant handed over in January 2025); 30
    received nothing and must appear nowhere."""
    prog = Programme(name="UEP 2025", budget_year=2025, funding_source="APBD")
    session.add(prog)
    session.flush()
    people = [
        make_person(
            session,
            name=f"{NAMES[i % 3]} {i:02d}",
            street=STREETS[i % 2],
            birth_place="Samarinda",
            birth_date=date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
        )
        for i in range(90)
    ]
    for p in people[:60]:
        session.add(
            Grant(
                programme_id=prog.id,
                person_id=p.id,
                amount=2_500_000,
                status="disbursed",
                form="goods",
                handover_on=date(2025, 1, 15),
            )
        )
    session.flush()
    return {"recipients": {p.name for p in people[:60]}, "nothing": {p.name for p in people[60:]}}


def test_all_years_bnba_and_recap_hold_only_recipients_as_libreoffice_reads_them(session, office, tmp_path):
    out = tmp_path / "bnba.xlsx"
    res = exports.export_report(session, "bnba", out)  # all years
    assert res.rows == 60
    rows = list(
        csv.reader(
            io.StringIO(
                _soffice(out, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path).read_text("utf-8")
            )
        )
    )
    headers = rows[5]
    data = rows[6 : 6 + res.rows]
    names = {r[headers.index("NAMA")] for r in data}
    assert names == office["recipients"] and not names & office["nothing"]
    assert all(r[headers.index("NILAI BANTUAN")] != "Rp0" for r in data)
    assert rows[6 + res.rows][1] == "JUMLAH"
    assert {r[headers.index("TAHUN LAHIR")] for r in data} <= {str(y) for y in range(1970, 2000)}
    recap = exports.export_report(session, "recap", tmp_path / "recap.xlsx")
    rrows = list(
        csv.reader(
            io.StringIO(
                _soffice(
                    tmp_path / "recap.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path
                ).read_text("utf-8")
            )
        )
    )
    rh = rrows[5]
    samarinda = next(r for r in rrows[6:] if r[1] == "Kota Samarinda")
    assert samarinda[rh.index("JUMLAH PENERIMA")] == "60" and recap.rows >= 1
    assert samarinda[rh.index("TOTAL BANTUAN")] == "Rp150,000,000"


def test_survival_years_are_plain_numbers_in_libreoffice(session, office, tmp_path):
    out = tmp_path / "survival.xlsx"
    res = exports.export_report(session, "survival", out)
    assert res.rows > 0
    rows = list(
        csv.reader(
            io.StringIO(
                _soffice(out, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path).read_text("utf-8")
            )
        )
    )
    years = [r[rows[5].index("TAHUN ANGKATAN")] for r in rows[6 : 6 + res.rows]]
    assert years and set(years) == {"2025"}  # was "2,025"


def test_printed_bnba_is_readable_paged_and_without_the_fingerprint(session, office, tmp_path):
    import pdfplumber

    out = tmp_path / "bnba.xlsx"
    exports.export_report(session, "bnba", out)
    pdf_path = _soffice(out, "pdf", tmp_path)
    with pdfplumber.open(pdf_path) as pdf:
        # the BNBA sheet's pages come first; the recap sheets follow
        bnba_pages = [
            p for p in pdf.pages if "BNBA" in (p.extract_text() or "") or "ALAMAT" in (p.extract_text() or "")
        ]
        total = len(pdf.pages)
        assert len(bnba_pages) >= 2, "60 recipients should take more than one landscape page"
        for n, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            assert page.width > page.height, f"page {n} is not landscape"
            assert f"Halaman {n} dari {total}" in text, f"page {n} has no page number"
            assert "KUNCI NIK" not in text  # the technical column is not on paper
        for page in bnba_pages:
            text = page.extract_text() or ""
            assert "NAMA" in text and "ALAMAT" in text, "header row not repeated"
            # the data cells' printed size: at least 6 pt (the old layout printed at 4-5 pt)
            sizes = [c["size"] for c in page.chars if c["text"].isalpha() and c["top"] > page.height * 0.25]
            assert sizes and min(sizes) >= 6.0, min(sizes)
        # the header labels stay inside their row: none is printed below the first data row's top
        # y_tolerance=1 keeps the two lines of a wrapped label apart (they are 6 pt apart)
        words = bnba_pages[0].extract_words(y_tolerance=1)
        first_row_top = min(w["top"] for w in words if w["text"].endswith("*" * 10))
        header_words = [w for w in words if w["text"] in ("KELUARGA", "ANGGARAN", "KELURAHAN")]
        assert len(header_words) == 3 and all(w["bottom"] <= first_row_top for w in header_words)
        # long names and addresses wrap inside their cells instead of being cut off
        text = bnba_pages[0].extract_text() or ""
        assert "BINTI ABDUL" in text and "Blok C" in text
