"""The importer against a corpus of lists written the way regency offices write them
(`tests/fixtures/import_corpus.py`): without --sheet or a mapping, at least 98% of the women who must be
stored are stored with the right NIK, name, birth date, village, KUBE and role; no NIK that must not be
stored is; importing the same file again changes nothing. Driven through the command line, as a clerk
or a script would run it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kaltim_desk.cli import main as cli_main
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from tests.fixtures import import_corpus as corpus


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return corpus.build_all(tmp_path_factory.mktemp("corpus"))


def _stored(db):
    with db.read_session() as s:
        people = {p.nik: p for p in s.scalars(select(Person))}
        roles = {
            nik: (gname, role)
            for nik, gname, role in s.execute(
                select(Person.nik, KubeGroup.name, GroupMember.role)
                .join(GroupMember, GroupMember.person_id == Person.id)
                .join(KubeGroup, KubeGroup.id == GroupMember.group_id)
            )
        }
        return (
            {
                nik: (p.name, p.birth_date, p.village_code, p.sex, *roles.get(nik, ("", "anggota")))
                for nik, p in people.items()
            },
            s.scalar(select(func.count()).select_from(GroupMember)),
        )


def _right(e: corpus.Expected, got) -> bool:
    return got == (e.name, e.birth_date, e.village_code, e.sex, e.group, e.role)


def test_corpus_is_imported_without_sheet_or_mapping(db, db_url, cases, capsys):
    dbfile = db_url.removeprefix("sqlite:///")
    total = right = 0
    wrong: list[str] = []
    for case in cases:
        assert cli_main(["import", str(case.path), "--db", dbfile, "--commit"]) == 0, case.label
        out = capsys.readouterr().out
        assert f"lembar '{case.sheet}'" in out, (case.label, out[:400])
        stored, _m = _stored(db)
        for e in case.store:
            total += 1
            got = stored.get(e.nik)
            if got is not None and _right(e, got):
                right += 1
            else:
                wrong.append(f"{case.label}: {e} -> {got}")
        leaked = [n for n in case.never if n in stored]
        assert leaked == [], (case.label, leaked)
    assert right / total >= 0.98, "\n".join(wrong)
    assert total >= 170
    # again: nothing changes
    before = _stored(db)
    for case in cases:
        assert cli_main(["import", str(case.path), "--db", dbfile, "--commit"]) == 0
        assert "Tidak ada baris baru" in capsys.readouterr().out, case.label
    assert _stored(db) == before


def test_summary_says_which_column_went_where_and_what_was_left(db, db_url, cases, capsys):
    dbfile = db_url.removeprefix("sqlite:///")
    by_label = {c.label: c for c in cases}
    formulas = by_label["rumus dan kolom lain"]
    assert cli_main(["import", str(formulas.path), "--db", dbfile]) == 0
    out = capsys.readouterr().out
    assert "I (Posisi) -> Jabatan" in out and "H (KUBE) -> Nama KUBE" in out
    assert "Kolom berisi yang tidak dipakai" in out and "A (Pekerjaan)" in out and "C (Agama)" in out
    assert "baris 4, kolom B (Nama Penerima), nilai '(rumus)'" in out and "berisi rumus" in out
    assert "rumus di kolom teks (dikosongkan)" in out  # the village formula, a warning
    sheets = by_label["rekap + daftar + daftar tunggu"]
    assert cli_main(["import", str(sheets.path), "--db", dbfile]) == 0
    out = capsys.readouterr().out
    assert "'Daftar Tunggu' (daftar tunggu): 12 baris ber-NIK" in out and "--sheet" in out
    optional = by_label["isian opsional keliru, NIK ganda"]
    assert cli_main(["import", str(optional.path), "--db", dbfile]) == 0
    out = capsys.readouterr().out
    assert "Peringatan (" in out
    assert "NIK laki-laki (disimpan sebagai laki-laki)" in out
    assert "NIK terbit di luar wilayah yang dikenal" in out
    assert "no. HP tidak valid (dikosongkan)" in out
    assert "ejaan desa/kelurahan dibetulkan" in out and "desa/kelurahan tidak dikenal (dikosongkan)" in out
    assert "jabatan sudah terisi di kelompok itu (dicatat anggota)" in out
    assert "NIK sama dengan baris 2" in out
    junk = by_label["baris kosong/subtotal/judul berulang"]
    assert cli_main(["import", str(junk.path), "--db", dbfile]) == 0
    out = capsys.readouterr().out
    assert "Ditolak        : 0" in out
    assert "baris judul kolom berulang" in out and "baris jumlah/total" in out and "baris subjudul" in out


def test_two_lists_equally_likely_are_not_guessed(db, db_url, tmp_path, capsys):
    from openpyxl import Workbook

    dbfile = db_url.removeprefix("sqlite:///")
    rng = __import__("random").Random(3)
    wb = Workbook()
    for title in ("Kec Utara", "Kec Ulu"):
        ws = wb.create_sheet(title)
        ws.append(["NIK", "NAMA"])
        for w in corpus._women(rng, 10, title):
            ws.append([w.nik, w.name])
    del wb["Sheet"]
    path = tmp_path / "dua.xlsx"
    wb.save(path)
    assert cli_main(["import", str(path), "--db", dbfile]) == 2
    err = capsys.readouterr().err
    assert "'Kec Utara' (10 baris ber-NIK)" in err and "'Kec Ulu' (10 baris ber-NIK)" in err
    assert "--sheet" in err
    assert cli_main(["import", str(path), "--db", dbfile, "--list-sheets"]) == 0
    assert "'Kec Ulu': 10 baris ber-NIK, judul di baris 1" in capsys.readouterr().out
    assert cli_main(["import", str(path), "--db", dbfile, "--sheet", "Kec Ulu", "--commit"]) == 0
    assert "10 penerima diimpor" in capsys.readouterr().out
