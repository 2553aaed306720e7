"""`selftest`: prove that an installed (or frozen) copy of Kaltim Desk works on this PC, without a screen.

It creates a small demo office in a temporary folder, prints one document (PDF) and writes one
workbook (xlsx) with the app's own code, then checks both files the way another program would read
them: the PDF's header, page count and embedded fonts; the workbook re-opened with openpyxl, the NIK
kept as text. It also checks that defusedxml (safe XML for untrusted workbooks) is part of the build.
Office IT runs it after installing; CI runs it from the frozen PyInstaller bundle.

The document is the aid agreement of a demo grant and the workbook the BNBA export, made by the same
jobs as `print agreement` and `export bnba`.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kaltim_desk import __version__
from kaltim_desk.core.actor import SYSTEM_ACTOR
from kaltim_desk.db import Database
from kaltim_desk.models.grant import Grant
from kaltim_desk.services.aid.aid_rules import PRINTABLE_STATUSES
from kaltim_desk.services.excel.exports import export_report

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
    state: dict[str, Database] = {}

    def make_db() -> str:
        from kaltim_desk.config import sqlite_url
        from kaltim_desk.demo.office import create_demo_office
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
        produced = print_document(state["db"], folder)
        pages = check_pdf(produced.path)
        return f"{produced.path.name}: {pages} halaman ({produced.source})"

    def workbook() -> str:
        produced = write_workbook(state["db"], folder)
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
    if "db" in state:
        state["db"].dispose()
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


def print_document(db: Database, folder: Path) -> Produced:
    """The aid agreement of the first printable demo grant, through the same job as `print agreement`."""
    from kaltim_desk.services.aid.printing import print_grant_document_job  # lazy: loads ReportLab

    with db.read_session(SYSTEM_ACTOR) as session:
        grant_id = session.scalar(
            select(Grant.id).where(Grant.status.in_(PRINTABLE_STATUSES)).order_by(Grant.id).limit(1)
        )
    if grant_id is None:
        raise SelftestFailed("kantor demo tanpa bantuan yang dapat dicetak perjanjiannya")
    target = folder / "perjanjian.pdf"
    print_grant_document_job(db, SYSTEM_ACTOR, "agreement", grant_id, target)
    return Produced(target, f"naskah perjanjian bantuan #{grant_id}")


def write_workbook(db: Database, folder: Path) -> Produced:
    """The BNBA export (NIK masked), through the same code as `export bnba`."""
    target = folder / "bnba.xlsx"
    with db.session(SYSTEM_ACTOR) as session:
        result = export_report(session, "bnba", target)
    counts = ", ".join(f"{k}: {v}" for k, v in result.row_counts.items())
    return Produced(target, f"ekspor BNBA {counts}")
