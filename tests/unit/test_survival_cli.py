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


def _values(path: Path) -> dict[str, list[list[object]]]:
    """Every visible sheet's cell values from the header row on (the title block holds the print date)."""
    wb = load_workbook(path)
    return {
        ws.title: [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
        for ws in wb.worksheets
        if ws.sheet_state == "visible"
    }


def test_report_survival_writes_the_survival_workbook(db, tmp_path: Path, capsys) -> None:
    _office(db)
    out = tmp_path / "survival.xlsx"
    code = main(["report", "survival", "--db", db.url, "--out", str(out), "--today", "2025-05-01"])
    assert code == 0
    assert "1/3 berjalan" in capsys.readouterr().out
    sheets = _values(out)
    assert list(sheets) == ["Keberlanjutan", "Rekap per angkatan", "Keterangan"]
    header, *data = sheets["Keberlanjutan"]
    assert header == [
        "NO",
        "TAHUN ANGKATAN",
        "KABUPATEN/KOTA",
        "BULAN SETELAH BANTUAN",
        "MASIH BERJALAN",
        "BERHENTI SEMENTARA",
        "TUTUP",
        "BERGANTI USAHA",
        "TIDAK DIKETAHUI",
        "JUMLAH",
        "PERSEN BERJALAN",
        "USAHA DGN DATA OMZET",
        "OMZET AWAL (RP/BLN)",
        "OMZET SAAT ITU (RP/BLN)",
        "PERUBAHAN OMZET",
    ]
    # only the 3-month horizon is old enough on 1 May 2025; then the JUMLAH row
    row, total = data
    assert (row[1], row[2].upper(), row[3], row[4], row[6], row[8], row[9]) == (
        2025,
        "KOTA SAMARINDA",
        3,
        1,
        1,
        1,
        3,
    )
    assert abs(row[10] - 1 / 3) < 1e-9
    assert total[1] == "JUMLAH" and total[9] == 3
    _header, intake = sheets["Rekap per angkatan"]
    assert (intake[1], intake[3], intake[4], intake[9]) == (2025, 3, 1, 3)
    assert ["Dihitung per 1 Mei 2025."] in sheets["Keterangan"]


def test_export_survival_and_report_survival_write_the_same_workbook(db, tmp_path: Path) -> None:
    _office(db)
    exported, reported = tmp_path / "export.xlsx", tmp_path / "report.xlsx"
    assert main(["export", "survival", "--db", db.url, "--out", str(exported)]) == 0
    assert main(["report", "survival", "--db", db.url, "--out", str(reported)]) == 0
    assert _values(exported) == _values(reported)


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
