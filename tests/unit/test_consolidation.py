"""Province consolidation: metadata checks (replayed/older sequence, tampered checksum), merge, the
conflict sheet for the same NIK in two offices or two groups, the province recap, the CLI."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kaltim_desk.cli import main as cli_main
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.settings import OfficeProfile, set_raw
from kaltim_desk.db import Database
from kaltim_desk.models.import_batch import SeenExport
from kaltim_desk.services.excel import exports
from kaltim_desk.services.excel.consolidation import consolidate
from tests.factories import make_active_group, make_person

ADMIN = Actor("admin.prov", "admin")


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
    return db


@pytest.fixture
def offices(tmp_path):
    """Samarinda (64.72) with a KUBE of five, Bontang (64.74) with two women, one of whom is also in
    Samarinda's KUBE (the same NIK in two offices)."""
    smd, btg = _office(tmp_path, "smd", "64.72"), _office(tmp_path, "btg", "64.74")
    with smd.session(ADMIN) as s:
        group = make_active_group(s, size=5, name="KUBE Anggrek")
        shared_nik = (
            s.execute(select(__import__("kaltim_desk.models.person", fromlist=["Person"]).Person.nik))
            .scalars()
            .first()
        )
    with btg.session(ADMIN) as s:
        make_person(s, name="Warga Bontang", village_code="64.74.01.1001")
        make_person(s, nik=shared_nik, name="Pindah Ke Bontang", village_code="64.74.01.1001")
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
    conflicts = [
        [c.value for c in r] for r in wb["Konflik"].iter_rows(min_row=7, max_row=6 + len(res.conflicts))
    ]
    assert len(conflicts) == 2
    assert {r[5] for r in conflicts} == {"64.72", "64.74"}
    assert all(r[3].startswith("NIK GANDA ANTARKANTOR") for r in conflicts)
    masked = offices["shared"][:6] + "******" + offices["shared"][-4:]
    assert {r[1] for r in conflicts} == {masked}  # masked in the province file too
    recap = {r[1].value: r for r in wb["Rekap Kab-Kota"].iter_rows(min_row=7) if r[1].value}
    assert recap["Kota Samarinda"][3].value == 5 and recap["Kota Bontang"][3].value == 2
    assert recap["JUMLAH"][3].value == 7 if "JUMLAH" in recap else True
    sources = [[c.value for c in r] for r in wb["Sumber"].iter_rows(min_row=7, max_row=8)]
    assert [r[6] for r in sources] == ["DITERIMA", "DITERIMA"]


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
    assert kinds == {"NIK GANDA ANTARKANTOR + NIK DI DUA KELOMPOK"}
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
