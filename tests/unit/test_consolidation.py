"""Province consolidation: metadata checks (replayed/older sequence, tampered checksum), merge, the
conflict sheet for the same NIK in two offices or two groups, the province recap, the CLI."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kaltim_desk.cli import main as cli_main
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.settings import OfficeProfile, set_raw
from kaltim_desk.db import Database
from kaltim_desk.exports import masking
from kaltim_desk.models.grant import Grant, Programme
from kaltim_desk.models.import_batch import SeenExport
from kaltim_desk.services.excel import exports
from kaltim_desk.services.excel.consolidation import consolidate
from tests.factories import make_active_group, make_person

ADMIN = Actor("admin.prov", "admin")
PROVINCE_KEY_FILE = masking.key_file_text(masking.new_key(), "Dinas Sosial Provinsi Kalimantan Timur")


def _office(tmp_path: Path, name: str, region: str) -> Database:
    from kaltim_desk.services.office.bootstrap import prepare

    db = Database(f"sqlite:///{tmp_path / (name + '.db')}")
    prepare(db)
    with db.session(ADMIN) as s:
        set_raw(
            s,
            OfficeProfile.SECTION,
            dataclasses.asdict(OfficeProfile(office_level="regency", region_code=region)),
        )
        exports.install_nik_key(s, PROVINCE_KEY_FILE)
    return db


def _grant(s, amount: int, *, group_id=None, person_id=None, year: int = 2025) -> None:
    prog = Programme(name=f"Program {year} {group_id or person_id}", budget_year=year, funding_source="APBD")
    s.add(prog)
    s.flush()
    s.add(
        Grant(programme_id=prog.id, group_id=group_id, person_id=person_id, amount=amount, status="disbursed")
    )
    s.flush()


@pytest.fixture
def offices(tmp_path):
    """Samarinda (64.72) with a KUBE of five that received Rp10,000,000 in 2025, Bontang (64.74) with two
    women who each received Rp3,000,000 in 2025, one of whom is also in Samarinda's KUBE (the same NIK in
    two offices, paid twice in 2025)."""
    smd, btg = _office(tmp_path, "smd", "64.72"), _office(tmp_path, "btg", "64.74")
    with smd.session(ADMIN) as s:
        group = make_active_group(s, size=5, name="KUBE Anggrek")
        shared_nik = (
            s.execute(select(__import__("kaltim_desk.models.person", fromlist=["Person"]).Person.nik))
            .scalars()
            .first()
        )
        _grant(s, 10_000_000, group_id=group.id)
    with btg.session(ADMIN) as s:
        for p in (
            make_person(s, name="Warga Bontang", village_code="64.74.01.1001"),
            make_person(s, nik=shared_nik, name="Pindah Ke Bontang", village_code="64.74.01.1001"),
        ):
            _grant(s, 3_000_000, person_id=p.id)
    yield {"smd": smd, "btg": btg, "shared": shared_nik, "group": group}
    smd.dispose()
    btg.dispose()


def _export(db: Database, path: Path) -> Path:
    with db.session(ADMIN) as s:
        exports.export_report(s, "bnba", path)
    return path


def test_merge_finds_the_same_nik_in_two_offices_and_writes_recap_and_sources(offices, tmp_path):
    a = _export(offices["smd"], tmp_path / "smd.xlsx")
    b = _export(offices["btg"], tmp_path / "btg.xlsx")
    out = tmp_path / "prov.xlsx"
    res = consolidate([a, b], out)
    assert [s.status for s in res.sources] == ["DITERIMA", "DITERIMA"]
    assert res.rows == 7
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "BNBA",
        "Rekap Kab-Kota",
        "Rekap Kecamatan",
        "Jenis Usaha",
        "Konflik",
        "Sumber",
        "_META",
    ]
    ws = wb["Konflik"]
    head = [c.value for c in ws[6]]
    conflicts = [
        dict(zip(head, (c.value for c in r), strict=False))
        for r in ws.iter_rows(min_row=7, max_row=6 + len(res.conflicts))
    ]
    assert len(conflicts) == 2
    # a woman paid twice is visible: both offices, their names, the amount and the year of each payment
    assert {(r["KANTOR"], r["NAMA KANTOR"]) for r in conflicts} == {
        ("64.72", "DINAS SOSIAL KOTA SAMARINDA"),
        ("64.74", "DINAS SOSIAL KOTA BONTANG"),
    }
    assert {r["NILAI BANTUAN"] for r in conflicts} == {2_000_000, 3_000_000}
    assert {r["TAHUN ANGGARAN"] for r in conflicts} == {"2025"}
    assert all(r["JENIS KONFLIK"] == "NIK GANDA ANTARKANTOR + BANTUAN GANDA 2025" for r in conflicts)
    masked = offices["shared"][:6] + "*" * 10
    assert {r["NIK"] for r in conflicts} == {masked}  # masked in the province file too
    recap = {r[1].value: r for r in wb["Rekap Kab-Kota"].iter_rows(min_row=7) if r[1].value}
    assert recap["Kota Samarinda"][3].value == 5 and recap["Kota Bontang"][3].value == 2
    assert recap["JUMLAH"][3].value == 7 if "JUMLAH" in recap else True
    sources = [[c.value for c in r] for r in wb["Sumber"].iter_rows(min_row=7, max_row=8)]
    assert [r[7] for r in sources] == ["DITERIMA", "DITERIMA"]


def test_source_total_counts_only_accepted_files(offices, tmp_path):
    old = _export(offices["smd"], tmp_path / "old.xlsx")
    new = _export(offices["smd"], tmp_path / "new.xlsx")
    btg = _export(offices["btg"], tmp_path / "btg.xlsx")
    res = consolidate([new, old, btg], tmp_path / "p.xlsx")
    ws = load_workbook(tmp_path / "p.xlsx")["Sumber"]
    head = [c.value for c in ws[6]]
    rows = [dict(zip(head, (c.value for c in r), strict=False)) for r in ws.iter_rows(min_row=7, max_row=10)]
    by_file = {r["BERKAS"]: r for r in rows[:3]}
    assert by_file["old.xlsx"]["STATUS"] == "DITOLAK" and by_file["old.xlsx"]["BARIS DIGABUNG"] is None
    assert "5 baris tidak digabung" in by_file["old.xlsx"]["KETERANGAN"]
    assert rows[3]["BARIS DIGABUNG"] == res.rows == 7  # the JUMLAH row: 5 + 2, not 5 + 5 + 2


def test_same_nik_in_two_groups_is_a_conflict(offices, tmp_path):
    from kaltim_desk.core.dto import GroupInput
    from kaltim_desk.services.registry import groups

    with offices["btg"].session(ADMIN) as s:
        from kaltim_desk.models.person import Person

        pid = s.scalar(select(Person.id).where(Person.nik == offices["shared"]))
        g = groups.create_group(s, GroupInput(name="KUBE Dahlia", village_code="64.74.01.1001"))
        groups.add_member(s, g.id, pid, "ketua")
    res = consolidate(
        [_export(offices["smd"], tmp_path / "a.xlsx"), _export(offices["btg"], tmp_path / "b.xlsx")],
        tmp_path / "p.xlsx",
    )
    kinds = {c["kind"] for c in res.conflicts}
    assert kinds == {"NIK GANDA ANTARKANTOR + NIK DI DUA KELOMPOK + BANTUAN GANDA 2025"}
    assert {c["group_name"] for c in res.conflicts} == {"KUBE ANGGREK", "KUBE DAHLIA"}


def test_older_export_of_the_same_office_in_one_run_is_refused(offices, tmp_path):
    old = _export(offices["smd"], tmp_path / "old.xlsx")
    new = _export(offices["smd"], tmp_path / "new.xlsx")
    res = consolidate([new, old], tmp_path / "p.xlsx")
    by_file = {s.file: s for s in res.sources}
    assert by_file["new.xlsx"].status == "DITERIMA"
    assert (
        by_file["old.xlsx"].status == "DITOLAK" and "lebih lama dari ekspor #2" in by_file["old.xlsx"].reason
    )
    assert res.rows == 5  # nothing of the older file merged


def test_replayed_or_older_sequence_is_refused_across_runs_with_a_province_database(offices, tmp_path, db):
    first = _export(offices["smd"], tmp_path / "first.xlsx")
    second = _export(offices["smd"], tmp_path / "second.xlsx")
    with db.session(ADMIN) as s:
        assert consolidate([second], tmp_path / "p1.xlsx", session=s).accepted
    with db.session(ADMIN) as s:
        replay = consolidate([second], tmp_path / "p2.xlsx", session=s)
        older = consolidate([first], tmp_path / "p3.xlsx", session=s)
    assert replay.out is None and "sudah pernah digabung" in replay.sources[0].reason
    assert older.out is None and "lebih lama dari ekspor #2" in older.sources[0].reason
    assert not (tmp_path / "p2.xlsx").exists()
    with db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(SeenExport)) == 1


def test_tampered_checksum_is_refused_and_nothing_overwritten(offices, tmp_path):
    path = _export(offices["smd"], tmp_path / "smd.xlsx")
    wb = load_workbook(path)
    ws = wb["BNBA"]
    headers = [c.value for c in ws[6]]
    ws.cell(row=7, column=headers.index("NILAI BANTUAN") + 1, value=99_000_000)  # someone "corrects" a value
    wb.save(path)
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"previous province file")
    res = consolidate([path], out)
    assert res.sources[0].status == "DITOLAK" and "checksum tidak cocok" in res.sources[0].reason
    assert out.read_bytes() == b"previous province file"


def test_full_encrypted_district_export_is_read_with_its_password(offices, tmp_path):
    full = tmp_path / "full.xlsx"
    with offices["btg"].session(ADMIN) as s:
        exports.export_report(s, "bnba", full, full=True, reason="konsolidasi", password="sandi-prov")
    no_pw = consolidate([full], tmp_path / "p.xlsx")
    assert no_pw.sources[0].status == "DITOLAK" and "kata sandi" in no_pw.sources[0].reason
    res = consolidate([full], tmp_path / "p.xlsx", password="sandi-prov")
    assert res.sources[0].status == "DITERIMA" and res.rows == 2
    niks = [c.value for c in load_workbook(tmp_path / "p.xlsx")["BNBA"]["B"][6:8]]
    assert all("******" in n for n in niks)  # the province file is masked even from full inputs


def test_cli_consolidate_reports_each_file(offices, tmp_path, capsys):
    a = _export(offices["smd"], tmp_path / "a.xlsx")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook at all")
    code = cli_main(["consolidate", str(a), str(junk), "--out", str(tmp_path / "p.xlsx")])
    out = capsys.readouterr().out
    assert code == 3
    assert "DITERIMA  a.xlsx (kantor 64.72, ekspor #1, 5 baris)" in out
    assert "DITOLAK   junk.xlsx: junk.xlsx bukan buku kerja Excel" in out
    assert "Gabungan ditulis ke" in out


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_who_was_paid_twice_and_the_accepted_total(offices, tmp_path):
    a = _export(offices["smd"], tmp_path / "smd.xlsx")
    b = _export(offices["btg"], tmp_path / "btg.xlsx")
    newer = _export(offices["btg"], tmp_path / "btg-baru.xlsx")  # Bontang sent again: b is the older one
    out = tmp_path / "prov.xlsx"
    consolidate([a, b, newer], out)

    def sheet_csv(index: int) -> list[list[str]]:
        folder = tmp_path / f"csv{index}"
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{tmp_path}/lo",
                "--convert-to",
                f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,{index}",
                "--outdir",
                str(folder),
                str(out),
            ],
            capture_output=True,
            timeout=240,
        )
        (path,) = folder.glob("*.csv")
        return list(csv.reader(io.StringIO(path.read_text("utf-8"))))

    conflicts = sheet_csv(5)
    head = conflicts[5]
    rows = [dict(zip(head, r, strict=False)) for r in conflicts[6:] if r and r[0].isdigit()]
    assert {(r["KANTOR"], r["NAMA KANTOR"], r["NILAI BANTUAN"], r["TAHUN ANGGARAN"]) for r in rows} == {
        ("64.72", "DINAS SOSIAL KOTA SAMARINDA", "Rp2,000,000", "2025"),
        ("64.74", "DINAS SOSIAL KOTA BONTANG", "Rp3,000,000", "2025"),
    }
    assert all("BANTUAN GANDA 2025" in r["JENIS KONFLIK"] for r in rows)
    assert "KUNCI NIK" in head  # still there for programs, hidden on screen and paper
    sources = sheet_csv(6)
    shead = sources[5]
    srows = [dict(zip(shead, r, strict=False)) for r in sources[6:] if r and r[0].isdigit()]
    total = next(r for r in sources[6:] if "JUMLAH" in r)
    assert [r["STATUS"] for r in srows] == ["DITERIMA", "DITOLAK", "DITERIMA"]
    assert total[shead.index("BARIS DIGABUNG")] == "7"  # 5 + 2: the refused file's 2 rows not counted
