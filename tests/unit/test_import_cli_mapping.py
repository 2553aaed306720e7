"""Mapping without a screen: `import --map`, presets saved and used by the command line (the same presets
the wizard saves), the import template's round trip, and exit code 2 for refused input."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from kaltim_desk.cli import main as cli_main
from kaltim_desk.models.group import GroupMember
from kaltim_desk.models.person import Person
from kaltim_desk.services.excel import imports
from tests.fixtures import excel_corpus as ec


def _odd_sheet(path, niks):
    """Headers no synonym knows, a role column under a header the clerk must name."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ID PENDUDUK", "IBU", "KAMPUNG", "KEDUDUKAN ORGANISASI", "GRUP"])
    for i, n in enumerate(niks):
        ws.append(
            [n, f"Ibu Nomor {i}", "Lempake", ("Ketua", "Sekr.", "Bend.", "Anggota")[i % 4], "KUBE PETA"]
        )
    wb.save(path)
    return path


def _count(db, model=Person):
    with db.read_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_map_saves_a_preset_the_next_file_uses(db, db_url, tmp_path, capsys):
    dbfile = db_url.removeprefix("sqlite:///")
    first = _odd_sheet(tmp_path / "a.xlsx", [ec.nik() for _ in range(4)])
    # nothing recognised: refused with exit code 2 and told how to map
    assert cli_main(["import", str(first), "--db", dbfile]) == 2
    err = capsys.readouterr().err
    assert "Baris judul kolom tidak ditemukan" in err and '--map "ID PENDUDUK=nik"' in err
    maps = [
        "--map",
        "ID PENDUDUK=nik",
        "--map",
        "IBU=nama",
        "--map",
        "KAMPUNG=desa",
        "--map",
        "KEDUDUKAN ORGANISASI=jabatan",
        "--map",
        "E=group_name",
    ]
    assert (
        cli_main(["import", str(first), "--db", dbfile, *maps, "--save-preset", "Format Desa X", "--commit"])
        == 0
    )
    out = capsys.readouterr().out
    assert "D (KEDUDUKAN ORGANISASI) -> Jabatan" in out and "E (GRUP) -> Nama KUBE" in out
    assert "Pemetaan kolom disimpan sebagai preset 'Format Desa X'" in out
    assert "4 penerima diimpor" in out and _count(db) == 4
    with db.read_session() as s:
        roles = sorted(s.scalars(select(GroupMember.role)))
    assert roles == ["anggota", "bendahara", "ketua", "sekretaris"]
    # the next file of the same shape, with the preset: no --map needed
    second = _odd_sheet(tmp_path / "b.xlsx", [ec.nik() for _ in range(3)])
    assert cli_main(["import", str(second), "--db", dbfile, "--preset", "Format Desa X", "--commit"]) == 0
    assert "3 penerima diimpor" in capsys.readouterr().out
    assert _count(db) == 7
    # the preset is the one the wizard reads
    with db.read_session() as s:
        preset = imports.load_presets(s)["Format Desa X"]
    assert preset["columns"]["KEDUDUKAN ORGANISASI"] == "role" and preset["columns"]["ID PENDUDUK"] == "nik"
    # an unknown preset or field is refused input (exit 2), with the choices
    assert cli_main(["import", str(second), "--db", dbfile, "--preset", "Tidak Ada"]) == 2
    assert "Format Desa X" in capsys.readouterr().err
    assert cli_main(["import", str(second), "--db", dbfile, "--map", "IBU=warna"]) == 2
    assert "tidak dikenal" in capsys.readouterr().err


def test_map_corrects_a_recognised_column_and_leaves_one_out(db, db_url, tmp_path, capsys):
    dbfile = db_url.removeprefix("sqlite:///")
    n = ec.nik()
    wb = Workbook()
    ws = wb.active
    ws.append(["NIK", "NAMA", "KETERANGAN", "STATUS"])
    ws.append([n, "Siti Peta", "Ketua", "catatan lama"])
    path = tmp_path / "c.xlsx"
    wb.save(path)
    assert cli_main(["import", str(path), "--db", dbfile]) == 0
    out = capsys.readouterr().out
    assert "C (KETERANGAN) -> Keterangan" in out and "D (STATUS)" in out  # STATUS: unmapped, listed
    args = ["--map", "KETERANGAN=role", "--map", "STATUS=-"]
    assert cli_main(["import", str(path), "--db", dbfile, *args]) == 0
    out = capsys.readouterr().out
    assert "C (KETERANGAN) -> Jabatan" in out and "D (STATUS)" not in out


def test_template_is_written_and_imports_back_untouched(db, db_url, tmp_path, capsys):
    dbfile = db_url.removeprefix("sqlite:///")
    target = tmp_path / "templat.xlsx"
    assert cli_main(["template", "import", "--out", str(target), "--db", dbfile]) == 0
    assert "Templat impor ditulis" in capsys.readouterr().out
    wb = load_workbook(target)
    assert wb.sheetnames[:2] == ["Petunjuk", "Data Penerima"]
    ws = wb["Data Penerima"]
    headers = [c.value for c in ws[1]]
    nik_col = headers.index("NIK") + 1
    assert ws.cell(row=2, column=nik_col).number_format == "@"
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
        for dv in ws.data_validations.dataValidation
    }
    role_letter = ws.cell(row=1, column=headers.index("JABATAN") + 1).column_letter
    assert role_letter in lists
    daftar = wb["_Daftar"]
    assert daftar.sheet_state == "hidden"
    values = {c.value for row in daftar.iter_rows() for c in row if c.value}
    assert {"Ketua", "Sekretaris", "Bendahara", "Anggota", "Lempake", "Samarinda Utara"} <= values
    # untouched, it imports nothing and refuses nothing
    assert cli_main(["import", str(target), "--db", dbfile, "--commit"]) == 0
    out = capsys.readouterr().out
    assert "lembar 'Data Penerima'" in out and "Ditolak        : 0" in out
    # filled in as a clerk would (text NIKs, picked villages and roles), it imports with no mapping
    niks = [ec.nik() for _ in range(3)]
    for i, n in enumerate(niks):
        row = {"NIK": n, "NAMA LENGKAP": f"Ibu Templat {i}", "TANGGAL LAHIR": date(1980, 5, 12)}
        row |= {"DESA/KELURAHAN": "Lempake", "KECAMATAN": "Samarinda Utara", "NAMA KUBE": "KUBE TEMPLAT"}
        row |= {"JABATAN": ("Ketua", "Sekretaris", "Bendahara")[i], "NO. HP": "0812-3456-789" + str(i)}
        for k, v in row.items():
            ws.cell(row=i + 2, column=headers.index(k) + 1, value=v)
    wb.save(target)
    assert cli_main(["import", str(target), "--db", dbfile, "--commit"]) == 0
    out = capsys.readouterr().out
    assert "3 penerima diimpor" in out and "Peringatan" not in out
    with db.read_session() as s:
        stored = {p.nik: (p.village_code, p.birth_date) for p in s.scalars(select(Person))}
    assert stored == {n: ("64.72.05.1003", date(1980, 5, 12)) for n in niks}
