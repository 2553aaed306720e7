"""Report workbooks: layout features, masking, R10 (no user text becomes a formula, checked in the XML),
totals that equal the database, full exports (role, reason, encryption, log), cancel, LibreOffice."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kaltim_desk.cli import main as cli_main
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.exports.workbook import ExportCancelled
from kaltim_desk.imports.reader import open_workbook
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.grant import Grant, Programme
from kaltim_desk.models.import_batch import ExportLog
from kaltim_desk.services.excel import exports
from tests.factories import make_active_group, make_person

HOSTILE_NAMES = ["=CMD|' /C CALC'!A0", "+62 ANISA", "-SITI", "@SUM(A1:A9)", "=1+1"]


@pytest.fixture
def office(session):
    """Five women with formula-looking names, a KUBE of five with an APBD grant of an odd amount, one
    APBN grant to a person, and a proposed grant that is not aid yet."""
    hostile = [make_person(session, name=n, phone="0812-3456-7890") for n in HOSTILE_NAMES]
    group = make_active_group(session, size=5, name="KUBE Melati")
    prog = Programme(name="KUBE 2025", budget_year=2025, funding_source="APBD")
    uep = Programme(name="UEP 2025", budget_year=2025, funding_source="APBN")
    session.add_all([prog, uep])
    session.flush()
    session.add_all(
        [
            Grant(programme_id=prog.id, group_id=group.id, amount=10_000_001, status="disbursed"),
            Grant(programme_id=uep.id, person_id=hostile[0].id, amount=5_000_000, status="approved"),
            Grant(programme_id=uep.id, person_id=hostile[1].id, amount=4_000_000, status="proposed"),
        ]
    )
    session.flush()
    return {"hostile": hostile, "group": group}


def _sheet_xml(path, index=1):
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode(), z.read("xl/styles.xml").decode()


def _give_aid(session, people, year=2024, amount=1_000_000):
    """Individual grants, so these people are recipients (the BNBA lists no one else)."""
    prog = Programme(name=f"UEP {year} {people[0].id}", budget_year=year, funding_source="APBD")
    session.add(prog)
    session.flush()
    session.add_all(
        [Grant(programme_id=prog.id, person_id=p.id, amount=amount, status="disbursed") for p in people]
    )
    session.flush()


def test_no_user_text_becomes_a_formula_in_the_sheet_xml(session, office, tmp_path):
    _give_aid(session, office["hostile"][1:])
    out = tmp_path / "bnba.xlsx"
    exports.export_report(session, "bnba", out)
    xml, styles = _sheet_xml(out)
    assert "<f>" not in xml and "<f " not in xml
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    xf_list = re.findall(r"<xf [^>]*?(?:/>|>.*?</xf>)", xfs, re.S)
    wb = load_workbook(out)
    ws = wb["BNBA"]
    names = {}
    for row in ws.iter_rows(min_row=7):
        cell = row[3]
        if cell.value in HOSTILE_NAMES:
            names[cell.value] = cell
    assert set(names) == set(HOSTILE_NAMES)
    for value, cell in names.items():
        assert cell.data_type == "s", value
        assert cell.quotePrefix, value
        m = re.search(rf'<c r="{cell.coordinate}"([^>]*)>', xml)
        assert 't="inlineStr"' in m.group(1)
        style_index = int(re.search(r's="(\d+)"', m.group(1)).group(1))
        assert 'quotePrefix="1"' in xf_list[style_index]


def test_report_workbook_layout_title_block_formats_print_setup_and_metadata(session, office, tmp_path):
    out = tmp_path / "bnba.xlsx"
    res = exports.export_report(session, "bnba", out, year=2025)
    wb = load_workbook(out)
    assert wb.sheetnames == ["BNBA", "Rekap Kab-Kota", "Rekap Kecamatan", "Jenis Usaha", "_META"]
    ws = wb["BNBA"]
    assert ws["A1"].value.startswith("DAFTAR PENERIMA BANTUAN") and ws["A1"].font.b
    assert ws["A3"].value == "Periode: Tahun anggaran 2025" and ws["A4"].value.startswith("Dicetak: ")
    assert [c.value for c in ws[6]][:4] == ["NO", "NIK", "NO. KK", "NAMA"]
    assert ws.freeze_panes == "A7"
    assert ws.auto_filter.ref.startswith("A6:")
    assert ws.print_title_rows in ("6:6", "$6:$6")
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    headers = [c.value for c in ws[6]]
    aid_col = headers.index("NILAI BANTUAN")
    year_col = headers.index("TAHUN LAHIR")  # a masked export shows the birth year, not the date
    first = ws[7]
    assert first[aid_col].number_format == '"Rp"#,##0'
    assert first[year_col].number_format == "0" and first[year_col].value == 1980
    assert "TANGGAL LAHIR" not in headers
    assert "NO. HP" not in headers  # phone stays home in a masked export
    assert ws.oddFooter.center.text == "Halaman &P dari &N"
    key_letter = ws.cell(6, headers.index("KUNCI NIK") + 1).column_letter
    assert ws.column_dimensions[key_letter].hidden  # technical: hidden on screen and off paper
    assert ws.row_dimensions[6].height >= 2 * 10.5  # "KEPALA KELUARGA" wraps: room for both lines
    meta_ws = wb["_META"]
    assert meta_ws.sheet_state == "hidden"
    meta = {r[0].value: r[1].value for r in meta_ws.iter_rows()}
    assert meta["schema_version"] == "kaltim-desk-excel/1" and meta["kind"] == "bnba"
    assert meta["mode"] == "masked" and meta["sequence"] == str(res.sequence) and meta["year"] == "2025"
    assert meta["checksum"] == res.checksum and meta["row_count"] == str(res.rows)
    assert meta["exported_by"] == "admin.test" and meta["office_code"] == "64"


def test_ids_are_masked_text_and_totals_equal_the_database(session, office, tmp_path):
    out = tmp_path / "bnba.xlsx"
    res = exports.export_report(session, "bnba", out, year=2025)
    wb = load_workbook(out)
    ws = wb["BNBA"]
    headers = [c.value for c in ws[6]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=7, max_row=6 + res.rows)]
    nik_i, aid_i, name_i = headers.index("NIK"), headers.index("NILAI BANTUAN"), headers.index("NAMA")
    for r in rows:
        assert isinstance(r[nik_i], str) and re.fullmatch(r"\d{6}\*{10}", r[nik_i])
    # only people who received aid in 2025: the five group members and the one UEP recipient
    assert res.rows == 6
    shares = sorted(r[aid_i] for r in rows if r[name_i] != HOSTILE_NAMES[0])
    assert sum(shares) == 10_000_001 and shares[-1] - shares[0] <= 1
    total_row = [c.value for c in ws[7 + res.rows]]
    assert total_row[1] == "JUMLAH" and total_row[aid_i] == 15_000_001
    recap = wb["Rekap Kab-Kota"]
    rh = [c.value for c in recap[6]]
    recap_rows = [[c.value for c in r] for r in recap.iter_rows(min_row=7)]
    samarinda = next(r for r in recap_rows if r[1] == "Kota Samarinda")
    assert samarinda[rh.index("BANTUAN APBD")] == 10_000_001
    assert samarinda[rh.index("BANTUAN APBN")] == 5_000_000
    assert samarinda[rh.index("TOTAL BANTUAN")] == 15_000_001
    assert samarinda[rh.index("JUMLAH KUBE")] == 1 and samarinda[rh.index("JUMLAH PENERIMA")] == 6
    db_total = sum(
        session.scalars(select(Grant.amount).where(Grant.status.in_(exports.COUNTED_GRANT_STATUSES)))
    )
    assert recap_rows[-1][rh.index("TOTAL BANTUAN")] == db_total


def test_full_export_needs_role_reason_password_and_is_encrypted_logged_audited(db, tmp_path):
    with db.session(Actor("admin.test", "admin")) as s:
        p = make_person(s, name="Siti Full")
        _give_aid(s, [p])
    out = tmp_path / "full.xlsx"
    with db.session(Actor("clerk.x", "clerk")) as s, pytest.raises(PermissionDenied):
        exports.export_report(s, "bnba", out, full=True, reason="minta provinsi", password="rahasia123")
    officer = Actor("officer.x", "officer")
    with db.session(officer) as s, pytest.raises(DomainError) as err:
        exports.export_report(s, "bnba", out, full=True, reason=" ", password="rahasia123")
    assert err.value.code == "reason_required"
    with db.session(officer) as s, pytest.raises(DomainError) as err:
        exports.export_report(s, "bnba", out, full=True, reason="minta provinsi", password="pendek")
    assert err.value.code == "password_required"
    assert not out.exists()
    with db.session(officer) as s:
        res = exports.export_report(s, "bnba", out, full=True, reason="minta provinsi", password="rahasia123")
    assert res.encrypted and out.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    wb = open_workbook(out, "rahasia123")
    grid = wb.sheet("BNBA")
    assert grid.rows[5][1] == "NIK" and grid.rows[6][1] == p.nik  # the full NIK, as text
    assert "NO. HP" in grid.rows[5]
    with db.read_session() as s:
        log = s.scalar(select(ExportLog).order_by(ExportLog.id.desc()))
        assert log.is_full and log.reason == "minta provinsi" and log.actor == "officer.x"
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "export.full"))
        assert "minta provinsi" in entry.detail and p.nik not in entry.detail


def test_sequence_counts_up_per_office_and_cancel_leaves_no_file(session, office, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    a = exports.export_report(session, "recap", tmp_path / "a.xlsx")
    b = exports.export_report(session, "recap", tmp_path / "b.xlsx")
    assert b.sequence == a.sequence + 1
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return True

    with pytest.raises(ExportCancelled) as err:
        exports.export_report(session, "bnba", tmp_path / "c.xlsx", is_cancelled=cancel)
    assert "dibatalkan" in err.value.message.lower()
    assert not (tmp_path / "c.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_training_and_survival_sheets(session, office, tmp_path):
    from kaltim_desk.models.training import Certificate, Participant, Training

    t = Training(
        title="=Pelatihan Kuliner",
        place="Samarinda",
        start_date=date(2025, 3, 1),
        end_date=date(2025, 3, 3),
        hours=24,
        status="finished",
    )
    session.add(t)
    session.flush()
    parts = [Participant(training_id=t.id, person_id=p.id) for p in office["hostile"][:3]]
    session.add_all(parts)
    session.flush()
    session.add(
        Certificate(
            participant_id=parts[0].id,
            number="STTP/1/2025",
            issued_on=date(2025, 3, 3),
            verification_code="ABC123",
        )
    )
    session.flush()
    res = exports.export_report(session, "training", tmp_path / "t.xlsx", year=2025)
    ws = load_workbook(tmp_path / "t.xlsx")["Pelatihan"]
    row = [c.value for c in ws[7]]
    assert res.rows == 1 and row[1] == "=Pelatihan Kuliner" and ws["B7"].data_type == "s"
    assert row[5:9] == [24, 3, 1, 0]
    surv = exports.export_report(session, "survival", tmp_path / "s.xlsx")
    assert "Keberlanjutan" in load_workbook(tmp_path / "s.xlsx").sheetnames and surv.kind == "survival"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_export_and_its_numbers_equal_the_database(session, office, tmp_path):
    out = tmp_path / "bnba.xlsx"
    res = exports.export_report(session, "bnba", out, year=2025)
    proc = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        timeout=180,
    )
    csv_path = tmp_path / "bnba.csv"
    assert csv_path.exists(), proc.stderr.decode(errors="replace")
    rows = list(csv.reader(io.StringIO(csv_path.read_text("utf-8"))))
    headers = rows[5]
    data = rows[6 : 6 + res.rows]
    aid_i = headers.index("NILAI BANTUAN")
    total = rows[6 + res.rows]
    assert total[1] == "JUMLAH"

    def number(text: str) -> int:
        return int(re.sub(r"[^0-9]", "", text))

    assert sum(number(r[aid_i]) for r in data) == 15_000_001 == number(total[aid_i])
    names = {r[3] for r in data}
    assert HOSTILE_NAMES[0] in names  # shown as text, not run
    assert all(re.fullmatch(r"\d{6}\*{10}", r[1]) for r in data)


def test_cli_export_and_refusals(db, db_url, tmp_path, capsys):
    path = db_url.removeprefix("sqlite:///")
    with db.session(Actor("admin.test", "admin")) as s:
        make_person(s)
    out = tmp_path / "r.xlsx"
    assert cli_main(["export", "recap", "--db", path, "--out", str(out)]) == 0
    assert "Ekspor #1 (NIK disamarkan)" in capsys.readouterr().out and out.exists()
    assert (
        cli_main(["export", "bnba", "--db", path, "--out", str(out), "--full", "--password", "rahasia123"])
        == 2
    )
    assert "--reason" in capsys.readouterr().err
    code = cli_main(
        [
            "export",
            "bnba",
            "--db",
            path,
            "--out",
            str(tmp_path / "f.xlsx"),
            "--full",
            "--password",
            "rahasia123",
            "--reason",
            "permintaan provinsi",
        ]
    )
    assert code == 0 and "LENGKAP, terenkripsi" in capsys.readouterr().out


def test_all_years_recap_counts_only_people_and_kube_that_received_aid(session, office, tmp_path):
    make_active_group(session, size=5, name="KUBE Tanpa Bantuan")  # registered, never aided
    res = exports.export_report(session, "bnba", tmp_path / "all.xlsx")  # all years
    wb = load_workbook(tmp_path / "all.xlsx")
    ws = wb["BNBA"]
    headers = [c.value for c in ws[6]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=7, max_row=6 + res.rows)]
    # the five members of the aided KUBE and the one approved UEP: 6 of the 15 registered women
    assert res.rows == 6 and all(r[headers.index("NILAI BANTUAN")] > 0 for r in rows)
    assert "KUBE TANPA BANTUAN" not in {r[headers.index("NAMA KUBE")] for r in rows}
    recap = wb["Rekap Kab-Kota"]
    rh = [c.value for c in recap[6]]
    samarinda = next(
        [c.value for c in r] for r in recap.iter_rows(min_row=7) if r[1].value == "Kota Samarinda"
    )
    assert samarinda[rh.index("JUMLAH PENERIMA")] == 6 and samarinda[rh.index("JUMLAH KUBE")] == 1
