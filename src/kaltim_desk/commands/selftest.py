"""`selftest`: prove that an installed (or frozen) copy of Kaltim Desk works on this PC, without a screen.

It creates a small demo office in a temporary folder, prints one document (PDF) and writes one
workbook (xlsx) with the app's own code, then checks both files the way another program would read
them: the PDF's header, page count and embedded fonts; the workbook re-opened with openpyxl, the NIK
kept as text. It also checks that defusedxml (safe XML for untrusted workbooks) is part of the build.
Office IT runs it after installing; CI runs it from the frozen PyInstaller bundle.

The document and the workbook come from the real features when they are in this build (the aid
agreement, the BNBA export); otherwise from a minimal page / sheet made with the same fonts and file
writer. The output says which, so a "pass" never hides which path was tested.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kaltim_desk import __version__

SELFTEST_PEOPLE = 40


@dataclass
class Produced:
    """A file the self-test made and how: `source` says which code path wrote it."""

    path: Path
    source: str
    expected_rows: int = 0


class SelftestFailed(Exception):
    """A check did not hold; the message says which and why."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "selftest",
        help="uji mandiri instalasi (tanpa layar)",
        description="Membuat kantor demo di folder sementara, mencetak satu dokumen dan satu buku kerja "
        "Excel, lalu memeriksa keduanya. Keluar dengan kode 0 bila semuanya baik.",
    )
    parser.add_argument(
        "--keep",
        metavar="FOLDER",
        help="simpan hasil uji (basis data, PDF, xlsx) di folder ini, bukan di folder sementara",
    )
    parser.add_argument(
        "--people", type=int, default=SELFTEST_PEOPLE, metavar="N", help="jumlah penerima demo (bawaan 40)"
    )
    parser.set_defaults(func=run_selftest)


def run_selftest(args: argparse.Namespace) -> int:
    started = time.monotonic()
    print(f"Kaltim Desk {__version__} — uji mandiri")
    print(f"Python {sys.version.split()[0]}, {'bundel beku' if getattr(sys, 'frozen', False) else 'sumber'}")
    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        code = _run_in(folder, args.people)
    else:
        with tempfile.TemporaryDirectory(prefix="kaltim-selftest-") as tmp:
            code = _run_in(Path(tmp), args.people)
    print(f"Selesai dalam {time.monotonic() - started:.1f} detik.")
    return code


def _run_in(folder: Path, people: int) -> int:
    steps: list[tuple[str, Callable[[], str]]] = []
    state: dict[str, object] = {}

    def make_db() -> str:
        from kaltim_desk.config import sqlite_url
        from kaltim_desk.db import Database
        from kaltim_desk.demo import create_demo_office
        from kaltim_desk.services.office.bootstrap import prepare

        db_path = folder / "selftest.db"
        if db_path.exists():
            db_path.unlink()
        db = Database(sqlite_url(db_path))
        prepare(db)
        create_demo_office(db, people=people, seed=2026)
        state["db"] = db
        return f"kantor demo dengan {people} penerima di {db_path}"

    def check_xml() -> str:
        return check_defusedxml()

    def document() -> str:
        produced = print_document(state["db"], folder)  # type: ignore[arg-type]
        pages = check_pdf(produced.path)
        return f"{produced.path.name}: {pages} halaman ({produced.source})"

    def workbook() -> str:
        produced = write_workbook(state["db"], folder)  # type: ignore[arg-type]
        rows = check_workbook(produced.path, produced.expected_rows)
        return f"{produced.path.name}: {rows} baris data ({produced.source})"

    steps = [
        ("Basis data demo", make_db),
        ("defusedxml", check_xml),
        ("Dokumen PDF", document),
        ("Buku kerja Excel", workbook),
    ]
    failed = 0
    for label, step in steps:
        try:
            detail = step()
        except Exception as exc:
            failed += 1
            print(f"GAGAL {label}: {type(exc).__name__}: {exc}")
            if label == "Basis data demo":
                break  # nothing else can run without it
        else:
            print(f"OK    {label}: {detail}")
    db = state.get("db")
    if db is not None:
        db.dispose()  # type: ignore[attr-defined]
    if failed:
        print(f"{failed} pemeriksaan gagal.")
        return 1
    print("Semua pemeriksaan lulus.")
    return 0


# --- checks -------------------------------------------------------------------------------------------


def check_defusedxml() -> str:
    """defusedxml must be importable and openpyxl must have picked it up (it reads untrusted files)."""
    try:
        import defusedxml
        import defusedxml.ElementTree
    except ImportError as exc:
        raise SelftestFailed("defusedxml tidak ada dalam build ini") from exc
    import openpyxl.xml

    if not getattr(openpyxl.xml, "DEFUSEDXML", False):
        raise SelftestFailed("openpyxl tidak memakai defusedxml")
    return f"versi {getattr(defusedxml, '__version__', '?')}, dipakai openpyxl"


_PAGE_RE = re.compile(rb"/Type\s*/Page(?![s\w])")


def check_pdf(path: Path) -> int:
    """A real PDF with at least one page and our fonts embedded; returns the page count."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise SelftestFailed(f"{path.name} bukan PDF (kepala berkas {data[:8]!r})")
    if b"%%EOF" not in data[-1024:]:
        raise SelftestFailed(f"{path.name} terpotong (tidak ada %%EOF)")
    pages = len(_PAGE_RE.findall(data))
    if pages < 1:
        raise SelftestFailed(f"{path.name} tidak berisi halaman")
    if b"FontFile2" not in data:
        raise SelftestFailed(f"{path.name} tidak menyematkan huruf TrueType")
    return pages


def check_workbook(path: Path, expected_rows: int = 0) -> int:
    """Re-open the workbook with openpyxl (read-only, like a second program); returns data rows.

    Any 16-digit number found must be stored as text: Excel keeps 15 significant digits."""
    from openpyxl import load_workbook

    with path.open("rb") as fh:
        if fh.read(2) != b"PK":
            raise SelftestFailed(f"{path.name} bukan berkas xlsx")
    wb = load_workbook(path, read_only=True)
    try:
        ws = wb.worksheets[0]
        rows = [r for r in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
        numeric_ids = [v for r in rows for v in r if isinstance(v, int | float) and len(str(int(v))) >= 15]
    finally:
        wb.close()
    if numeric_ids:
        raise SelftestFailed(f"{path.name}: NIK/KK tersimpan sebagai angka ({numeric_ids[0]})")
    data_rows = max(len(rows) - 1, 0)
    if data_rows < 1:
        raise SelftestFailed(f"{path.name}: lembar pertama kosong")
    if expected_rows and data_rows < expected_rows:
        raise SelftestFailed(f"{path.name}: {data_rows} baris, seharusnya paling sedikit {expected_rows}")
    return data_rows


# --- producing the files ------------------------------------------------------------------------------


def _feature(module: str, *names: str) -> Callable[..., object] | None:
    """The first of `names` in `module`, or None when that feature is not part of this build."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    for name in names:
        fn = getattr(mod, name, None)
        if callable(fn):
            return fn
    return None


def print_document(db: object, folder: Path) -> Produced:
    """The aid agreement of the first demo grant when the aid feature is built in, else a letterhead
    page listing demo recipients."""
    produced = _feature_document(db, folder)
    return produced or _fallback_document(db, folder)


def write_workbook(db: object, folder: Path) -> Produced:
    """The BNBA export when the Excel feature is built in, else a BNBA-shaped sheet of demo people."""
    produced = _feature_workbook(db, folder)
    return produced or _fallback_workbook(db, folder)


def _feature_document(db: object, folder: Path) -> Produced | None:
    """The aid agreement of the first printable demo grant, through the same code as `print agreement`."""
    print_grant_document = _feature("kaltim_desk.commands.print_aid", "print_grant_document")
    rules = _feature_module("kaltim_desk.services.aid.aid_rules")
    if print_grant_document is None or rules is None:
        return None
    from sqlalchemy import select

    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.models.grant import Grant

    with db.read_session(SYSTEM_ACTOR) as session:  # type: ignore[attr-defined]
        grant_id = session.scalar(
            select(Grant.id).where(Grant.status.in_(rules.PRINTABLE_STATUSES)).order_by(Grant.id).limit(1)
        )
    if grant_id is None:
        return None
    target = folder / "perjanjian.pdf"
    print_grant_document(db, SYSTEM_ACTOR, "agreement", grant_id, target)
    return Produced(target, f"fitur bantuan: naskah perjanjian bantuan #{grant_id}")


def _feature_workbook(db: object, folder: Path) -> Produced | None:
    """The BNBA export (NIK masked), through the same code as `export bnba`."""
    export_report = _feature("kaltim_desk.services.excel.exports", "export_report")
    if export_report is None:
        return None
    from kaltim_desk.core.actor import SYSTEM_ACTOR

    target = folder / "bnba.xlsx"
    with db.session(SYSTEM_ACTOR) as session:  # type: ignore[attr-defined]
        result = export_report(session, "bnba", target)
    counts = getattr(result, "row_counts", {}) or {}
    return Produced(target, "fitur Excel: ekspor BNBA " + ", ".join(f"{k}: {v}" for k, v in counts.items()))


def _feature_module(module: str) -> object | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise


def _demo_rows(db: object, limit: int = 500) -> list[object]:
    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.core.dto import PageFilter
    from kaltim_desk.services.registry import people

    with db.read_session(SYSTEM_ACTOR) as session:  # type: ignore[attr-defined]
        return list(people.page_people(session, PageFilter(status="active"), limit=limit))


def _fallback_document(db: object, folder: Path) -> Produced:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.core.settings import office_profile
    from kaltim_desk.documents.fonts import SANS, SERIF, SERIF_BOLD, register_fonts
    from kaltim_desk.domain.dates import format_date_id
    from kaltim_desk.domain.nik import mask_nik
    from kaltim_desk.fileio import atomic_path

    register_fonts()
    with db.read_session(SYSTEM_ACTOR) as session:  # type: ignore[attr-defined]
        profile = office_profile(session)
    rows = _demo_rows(db, 60)
    target = folder / "uji-cetak.pdf"
    width, height = A4
    with atomic_path(target) as tmp:
        c = Canvas(str(tmp), pagesize=A4)
        c.setTitle("Uji cetak Kaltim Desk")
        y = height - 20 * mm
        c.setFont(SERIF_BOLD, 13)
        c.drawCentredString(width / 2, y, profile.government_name)
        c.drawCentredString(width / 2, y - 6 * mm, profile.agency_name)
        c.setFont(SERIF, 9)
        c.drawCentredString(width / 2, y - 11 * mm, f"{profile.address} Telp. {profile.phone}")
        c.line(20 * mm, y - 14 * mm, width - 20 * mm, y - 14 * mm)
        c.setFont(SERIF_BOLD, 11)
        c.drawCentredString(width / 2, y - 24 * mm, "UJI CETAK — DAFTAR PENERIMA DEMO")
        c.setFont(SANS, 8.5)
        y -= 34 * mm
        for i, row in enumerate(rows, start=1):
            if y < 20 * mm:
                c.showPage()
                c.setFont(SANS, 8.5)
                y = height - 20 * mm
            born = format_date_id(row.birth_date) if row.birth_date else ""  # type: ignore[attr-defined]
            c.drawString(20 * mm, y, f"{i}.")
            c.drawString(28 * mm, y, mask_nik(row.nik))  # type: ignore[attr-defined]
            c.drawString(62 * mm, y, row.name[:40])  # type: ignore[attr-defined]
            c.drawString(130 * mm, y, born)
            c.drawString(160 * mm, y, row.village_name[:24])  # type: ignore[attr-defined]
            y -= 5 * mm
        c.showPage()
        c.save()
    return Produced(target, "pengganti: halaman kop + daftar, fitur cetak bantuan belum ada di build ini")


def _fallback_workbook(db: object, folder: Path) -> Produced:
    from openpyxl import Workbook

    from kaltim_desk.fileio import atomic_path

    rows = _demo_rows(db)
    target = folder / "uji-bnba.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "BNBA"
    ws.append(["No", "NIK", "Nama", "Tanggal lahir", "Desa/Kel.", "Kecamatan", "Kab/Kota", "Jenis usaha"])
    for i, row in enumerate(rows, start=1):
        ws.append(
            [
                i,
                row.nik,  # type: ignore[attr-defined]
                row.name,  # type: ignore[attr-defined]
                row.birth_date,  # type: ignore[attr-defined]
                row.village_name,  # type: ignore[attr-defined]
                row.district_name,  # type: ignore[attr-defined]
                row.regency_name,  # type: ignore[attr-defined]
                row.business_type,  # type: ignore[attr-defined]
            ]
        )
        ws.cell(row=i + 1, column=2).number_format = "@"
    with atomic_path(target, suffix=".xlsx") as tmp:
        wb.save(tmp)
    return Produced(
        target, "pengganti: lembar BNBA sederhana, fitur ekspor Excel belum ada di build ini", len(rows)
    )
