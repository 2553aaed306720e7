"""`kaltim-desk report survival|overdue`: the workbook another program reads, and the exit codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from kaltim_desk.cli import main
from kaltim_desk.core.actor import SYSTEM_ACTOR
from kaltim_desk.services.monitoring import visits
from kaltim_desk.services.monitoring.visits import VisitInput
from tests.factories import make_person


def _office(db) -> None:  # type: ignore[no-untyped-def]
    from kaltim_desk.models.grant import Grant, Programme, Tranche

    with db.session(SYSTEM_ACTOR) as s:
        prog = Programme(name="UEP 2025", budget_year=2025, funding_source="APBD")
        s.add(prog)
        s.flush()
        for i, status in enumerate(("running", "closed", None)):
            p = make_person(s, name=f"Penerima {i}")
            g = Grant(programme_id=prog.id, person_id=p.id, amount=5_000_000, status="disbursed")
            s.add(g)
            s.flush()
            s.add(Tranche(grant_id=g.id, seq=1, planned_amount=5_000_000, paid_on=date(2025, 1, 15)))
            if status:
                visits.record_visit(
                    s,
                    VisitInput(
                        date(2025, 4, 1),
                        '=HYPERLINK("x")' if i else "Rina",
                        person_id=p.id,
                        business_status=status,
                    ),
                )


def test_report_survival_writes_a_workbook(db, tmp_path: Path, capsys) -> None:
    _office(db)
    out = tmp_path / "survival.xlsx"
    code = main(["report", "survival", "--db", db.url, "--out", str(out), "--today", "2025-05-01"])
    assert code == 0
    assert "1/3 berjalan" in capsys.readouterr().out
    wb = load_workbook(out)
    ws = wb["Kelangsungan usaha"]
    header = [c.value for c in ws[3]]
    assert header[:10] == [
        "Angkatan (tahun anggaran)",
        "Kabupaten/Kota",
        "Bulan ke-",
        "Berjalan",
        "Berhenti sementara",
        "Tutup",
        "Ganti usaha",
        "Tidak diketahui",
        "Jumlah usaha",
        "Persen berjalan",
    ]
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    # only the 3-month horizon is old enough on 1 May 2025
    assert [(r[0], r[1].upper(), r[2], r[3], r[5], r[7], r[8]) for r in data] == [
        (2025, "KOTA SAMARINDA", 3, 1, 1, 1, 3)
    ]
    assert abs(data[0][9] - 1 / 3) < 1e-9


def test_report_overdue_keeps_typed_text_as_text(db, tmp_path: Path, capsys) -> None:
    _office(db)
    out = tmp_path / "overdue.xlsx"
    assert main(["report", "overdue", "--db", db.url, "--out", str(out), "--today", "2025-09-01"]) == 0
    printed = capsys.readouterr().out
    assert "Kunjungan terlambat per 1 September 2025: 3" in printed
    ws = load_workbook(out)["Per pendamping"]
    names = sorted(str(r[0].value) for r in ws.iter_rows(min_row=4))
    assert names == ['=HYPERLINK("x")', "Belum ada pendamping", "Rina"]
    cell = next(r[0] for r in ws.iter_rows(min_row=4) if str(r[0].value).startswith("="))
    assert cell.data_type == "s"


def test_report_survival_refuses_a_missing_database(tmp_path: Path, capsys) -> None:
    code = main(["report", "survival", "--db", str(tmp_path / "nope.db"), "--out", str(tmp_path / "x.xlsx")])
    assert code == 2
    assert "tidak ditemukan" in capsys.readouterr().err
