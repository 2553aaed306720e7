"""Importing the spreadsheets clerks have: every row's outcome, hostile files, idempotency, rollback,
presets and the problem report."""

from __future__ import annotations

import time
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.imports.mapping import detect_header, is_column_number_row, normalize_header
from kaltim_desk.imports.reader import ReadError, open_workbook
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.import_batch import ImportBatch
from kaltim_desk.models.person import Person
from kaltim_desk.services.excel import imports
from kaltim_desk.services.registry import groups
from tests.factories import make_person
from tests.fixtures import excel_corpus as ec


def _outcomes(preview):
    out = {}
    for r in preview.rows:
        if r.status == "rejected":
            out[r.row] = ("rejected", r.problems[0].rule)
        elif r.status == "ok" and r.warnings:
            out[r.row] = ("ok", r.warnings[0].rule)
        else:
            out[r.row] = r.status
    return out


def test_clerk_workbook_every_row_has_its_expected_outcome(session, tmp_path):
    path, expected, _niks = ec.clerk_workbook(tmp_path)
    preview = imports.preview_import(session, path)
    assert preview.sheet == "Data KUBE 2024"  # the instructions sheet has no header and is passed over
    assert preview.header_row == 3  # Excel row 4, under two title rows and a blank one
    assert _outcomes(preview) == expected
    # nothing disappears: every row under the header is accounted for
    assert [r.row for r in preview.rows] == list(range(5, 23))
    c = preview.counts
    assert (c["read"], c["ok"], c["skipped"], c["rejected"]) == (18, 7, 8, 3)
    skipped = {r.row: r.reason for r in preview.rows if r.status == "skipped"}
    assert "nomor kolom" in skipped[5] and "kosong" in skipped[16]
    assert "jumlah" in skipped[17] and "tanda tangan" in skipped[20]
    # nothing stored before commit
    assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_clerk_workbook_values_are_read_the_way_a_clerk_meant_them(session, tmp_path):
    path, _expected, niks = ec.clerk_workbook(tmp_path)
    preview = imports.preview_import(session, path)
    by_row = {r.row: r for r in preview.rows}
    first = by_row[6]
    assert first.person.nik == niks["ketua"]
    assert first.person.name == "SITI AMINAH"
    assert first.person.birth_place == "Samarinda" and first.person.birth_date == date(1980, 5, 12)
    assert first.person.village_code == "64.72.05.1002"  # "Kel. Sempaja Selatan" in Samarinda Utara
    assert first.aid_value == 2_000_000 and first.group_name == "KUBE MAWAR" and first.role == "ketua"
    # the sub-district was merged down the rows: row 7 inherits it
    assert by_row[7].person.village_code == "64.72.05.1002"
    assert by_row[7].person.name == "NUR HASANAH"
    assert by_row[8].person.name.startswith("=HYPERLINK")  # text, kept as typed
    assert by_row[8].aid_value == 2_000_000


def test_problems_name_sheet_row_column_masked_value_rule_and_hint(session, tmp_path):
    path, _e, _n = ec.clerk_workbook(tmp_path)
    preview = imports.preview_import(session, path)
    p = next(p for p in preview.problems if p.rule == "nik_number")
    assert (p.sheet, p.row) == ("Data KUBE 2024", 9)
    assert p.column == "B (NIK)"
    assert p.value == "(angka)"
    assert "digit terakhirnya sudah hilang" in p.message
    assert "Teks" in p.hint
    repeated = next(p for p in preview.problems if p.rule == "nik_repeated")
    assert "*" in repeated.value and repeated.value.endswith(repeated.value[-4:])
    assert len(repeated.value) == 16 and repeated.value[6:12] == "******"
    formula = next(w for w in preview.warnings if w.rule == "formula_no_value")
    assert formula.column.startswith("I ") and "rumus" in formula.message and "dikosongkan" in formula.message
    wrong_date = next(w for w in preview.warnings if w.rule == "date_invalid")
    assert wrong_date.row == 10 and "31-02-1980" in wrong_date.message and "dari NIK" in wrong_date.message


def test_commit_imports_confirmed_rows_with_group_and_roles_then_second_import_adds_nothing(
    session, tmp_path
):
    path, _e, niks = ec.clerk_workbook(tmp_path)
    preview = imports.preview_import(session, path)
    result = imports.commit_import(session, preview)
    assert result.imported == 7 and result.groups_created == 1
    assert "7 penerima diimpor" in result.message
    group = session.scalar(select(KubeGroup).where(KubeGroup.name == "KUBE MAWAR"))
    assert group.import_batch_id == result.batch_id and group.status == "forming"
    roles = {session.get(Person, m.person_id).nik: m.role for m in group.members}
    members = {niks[k]: "anggota" for k in ("anggota", "badmoney", "unknown", "dup")}
    assert roles == {niks["ketua"]: "ketua", niks["sekr"]: "sekretaris", niks["bend"]: "bendahara", **members}
    # a village that is unknown is left empty; the others are stored
    unknown = session.scalar(select(Person).where(Person.nik == niks["unknown"]))
    assert unknown.village_code is None and unknown.birth_date == date(1980, 5, 12)
    batch = session.get(ImportBatch, result.batch_id)
    assert (batch.rows_read, batch.rows_imported, batch.rows_rejected) == (18, 7, 3)
    # the same file again: nothing new; the seven are "sudah ada"
    again = imports.preview_import(session, path)
    assert again.counts["ok"] == 0 and again.counts["exists"] == 8  # row 13 repeats row 6's NIK
    assert all("sudah ada" in r.reason for r in again.rows if r.status == "exists")
    second = imports.commit_import(session, again)
    assert second.imported == 0 and second.batch_id is None
    assert "Tidak ada baris baru" in second.message
    assert session.scalar(select(func.count()).select_from(Person)) == 7
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_only_rows_the_user_keeps_are_committed(session, tmp_path):
    path, _e, niks = ec.clerk_workbook(tmp_path)
    preview = imports.preview_import(session, path)
    result = imports.commit_import(session, preview, selected={6})
    assert result.imported == 1
    assert session.scalars(select(Person.nik)).all() == [niks["ketua"]]


def test_alternative_spellings_phones_and_ambiguous_villages(session, tmp_path):
    path, expected, niks = ec.alt_spellings_workbook(tmp_path, "Tanjung Harapan")
    preview = imports.preview_import(session, path)
    assert _outcomes(preview) == expected
    by_row = {r.row: r for r in preview.rows}
    assert by_row[2].person.rt == "003" and by_row[2].person.rw == "002"
    assert by_row[2].person.notes == "+62 catatan"
    amb = by_row[5].warnings[0]
    assert by_row[5].person.village_code == ""  # left empty, the person imported
    assert "Samboja" in amb.message and "Sebulu" in amb.message and "kecamatan" in amb.hint.lower()
    imports.commit_import(session, preview)
    phones = dict(session.execute(select(Person.nik, Person.phone)).all())
    assert phones[niks["a"]] == "+6281234567890"  # text with its leading zero
    assert phones[niks["b"]] == "+6281234567891"  # a number cell that lost the zero, still Indonesian


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return ec.hostile_files(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("index", range(11))
def test_hostile_files_end_in_a_clear_message_quickly(hostile, index):
    label, path, code = hostile[index]
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        open_workbook(path)
    assert err.value.code == code, label
    assert path.name in err.value.message
    assert time.perf_counter() - start < 5


def test_encrypted_workbook_opens_with_its_password_and_says_so_when_wrong(hostile):
    files = {label: p for label, p, _c in hostile}
    with pytest.raises(ReadError) as err:
        open_workbook(files["encrypted"], "salah-sandi")
    assert err.value.code == "wrong_password"
    wb = open_workbook(files["encrypted"], "rahasia123")
    assert wb.encrypted and wb.sheet(wb.sheet_names[0]).rows[0] == ["NIK", "NAMA"]


def test_hostile_file_through_the_service_is_a_domain_error_not_a_crash(session, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(DomainError) as err:
        imports.preview_import(session, path)
    assert "bukan buku kerja Excel" in err.value.message


def test_rollback_removes_a_batch_nothing_refers_to(session, tmp_path):
    path, _e, _n = ec.clerk_workbook(tmp_path)
    result = imports.commit_import(session, imports.preview_import(session, path))
    with pytest.raises(DomainError) as err:
        imports.rollback_import(session, result.batch_id, "  ")
    assert err.value.code == "reason_required"
    done = imports.rollback_import(session, result.batch_id, "berkas yang salah")
    assert done == {"people": 7, "groups": 1}
    assert session.scalar(select(func.count()).select_from(Person)) == 0
    assert session.scalar(select(func.count()).select_from(GroupMember)) == 0
    batch = session.get(ImportBatch, result.batch_id)
    assert batch.status == "rolled_back" and batch.rollback_reason == "berkas yang salah"
    with pytest.raises(DomainError):
        imports.rollback_import(session, result.batch_id, "lagi")
    # after a rollback the file can be imported again
    assert imports.preview_import(session, path).counts["ok"] == 7


def test_rollback_is_refused_when_something_outside_the_batch_uses_its_people(session, tmp_path):
    path, _e, _niks = ec.clerk_workbook(tmp_path)
    result = imports.commit_import(session, imports.preview_import(session, path))
    group = session.scalar(select(KubeGroup).where(KubeGroup.name == "KUBE MAWAR"))
    outsider = make_person(session, name="Orang Lain")
    groups.add_member(session, group.id, outsider.id, "anggota")
    with pytest.raises(DomainError) as err:
        imports.rollback_import(session, result.batch_id, "salah")
    assert err.value.code == "batch_in_use" and "keanggotaan kelompok" in err.value.message
    assert (
        session.scalar(
            select(func.count()).select_from(Person).where(Person.import_batch_id == result.batch_id)
        )
        == 7
    )


def test_clerk_may_import_but_not_roll_back(db, tmp_path):
    path, _e, _n = ec.clerk_workbook(tmp_path)
    clerk = Actor("clerk.x", "clerk")
    with db.session(clerk) as s:
        result = imports.commit_import(s, imports.preview_import(s, path))
    with db.session(clerk) as s, pytest.raises(PermissionDenied):
        imports.rollback_import(s, result.batch_id, "salah")
    trainer = Actor("trainer.x", "trainer")
    with db.session(trainer) as s, pytest.raises(PermissionDenied):
        imports.preview_import(s, path)


def test_problem_report_workbook_a_clerk_can_read_and_print(session, tmp_path):
    path, _e, niks = ec.clerk_workbook(tmp_path)
    preview = imports.preview_import(session, path)
    out = imports.write_problem_report(preview, tmp_path / "masalah.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Masalah", "Hasil"]
    summary = " ".join(str(v) for r in wb["Ringkasan"].iter_rows(values_only=True) for v in r if v)
    assert "7 dapat diimpor" in summary and "B (NIK) -> NIK" in summary and "Peringatan" in summary
    hasil_ws = wb["Hasil"]
    hasil = [list(r) for r in hasil_ws.iter_rows(values_only=True)]
    assert hasil[0][:3] == ["BARIS", "STATUS", "KETERANGAN"] and "NIK" in hasil[0]
    by_row = {r[0]: r for r in hasil[1:]}
    assert by_row[10][1] == "SIAP DIIMPOR" and "Februari 1980" in by_row[10][2]
    assert by_row[9][1] == "DITOLAK" and "digit terakhirnya" in by_row[9][2]
    assert by_row[17][1] == "DILEWATI" and "jumlah" in by_row[17][2]
    assert by_row[5][1] == "DILEWATI"  # the numbered row is skipped, never "refused with 7 problems"
    flat = " ".join(str(v) for r in hasil for v in r if v is not None)
    assert niks["ketua"] not in flat and niks["ketua"][:6] + "******" + niks["ketua"][-4:] in flat
    # the refused NIK cell of row 9 is highlighted in red, the warned date of row 10 in yellow
    nik_col = hasil[0].index("NIK") + 1
    ttl_col = hasil[0].index("TTL") + 1
    assert hasil_ws.cell(row=list(by_row).index(9) + 2, column=nik_col).fill.fgColor.rgb == "FFF4B6B6"
    assert hasil_ws.cell(row=list(by_row).index(10) + 2, column=ttl_col).fill.fgColor.rgb == "FFFFF2A8"
    masalah_ws = wb["Masalah"]
    masalah = [r for r in masalah_ws.iter_rows(values_only=True)]
    assert masalah[0] == ("MASALAH", "SARAN", "JENIS", "BARIS", "KOLOM", "NILAI", "KODE")
    money = next(r for r in masalah if r[3] == 11)
    assert money[2] == "PERINGATAN" and money[4] == "I (NILAI BANTUAN)" and "rupiah" in money[0].lower()
    for ws in (masalah_ws, hasil_ws):
        assert ws.freeze_panes == "A2"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.column_dimensions["A"].width >= 8
    assert masalah_ws.column_dimensions["A"].width >= 50
    # a formula-looking name in the report is a string, never a formula
    assert all(c.data_type != "f" for row in hasil_ws.iter_rows() for c in row)


def test_presets_map_a_file_whose_headers_we_do_not_know(session, tmp_path):
    from openpyxl import Workbook

    n = ec.nik()
    wb = Workbook()
    ws = wb.active
    ws.append(["ID PENDUDUK", "NAMA IBU", "KAMPUNG"])
    ws.append([n, "Siti", "Lempake"])
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    with pytest.raises(DomainError) as err:
        imports.preview_import(session, path)
    assert err.value.code == "header_not_found"
    preview = imports.preview_import(session, path, mapping={0: "nik", 1: "name", 2: "village"}, header_row=0)
    assert preview.counts["ok"] == 1 and preview.rows[0].person.village_code == "64.72.05.1003"
    imports.save_preset(session, "Format desa X", preview)
    again = imports.preview_import(session, path, preset="Format desa X")
    assert again.mapping == {0: "nik", 1: "name", 2: "village"} and again.counts["ok"] == 1


def test_header_detection_and_normalisation_units():
    assert normalize_header("No. KK") == "NO KK"
    assert normalize_header("TEMPAT, TGL LAHIR") == "TEMPAT TGL LAHIR"
    assert normalize_header("NIK (16 digit)") == "NIK"
    rows = [["LAPORAN"], [], ["No", "Nama", "NIK", "Desa/Kel", "Kec."], [1, 2, 3, 4, 5]]
    g = detect_header(rows)
    assert g is not None and g.row == 2
    assert g.mapping == {0: "no", 1: "name", 2: "nik", 3: "village", 4: "district"}
    assert is_column_number_row([1, 2, 3, 4, 5]) and is_column_number_row(["(1)", "(2)", "(3)"])
    assert not is_column_number_row([1, 2, 5]) and not is_column_number_row(["1", "x", "3"])


def test_integrity_check_sees_import_data_whose_batch_is_gone(session, tmp_path):
    from sqlalchemy import text

    from kaltim_desk.services.checks import check_import_batches

    path, _e, _n = ec.clerk_workbook(tmp_path)
    result = imports.commit_import(session, imports.preview_import(session, path))
    ok = check_import_batches(session)
    assert ok.ok and ok.message == "1 impor tercatat, semua data impor utuh"
    session.execute(
        text("UPDATE import_batch SET status = 'rolled_back' WHERE id = :i"), {"i": result.batch_id}
    )
    bad = check_import_batches(session)
    assert not bad.ok and bad.message.startswith("7 penerima dan 1 kelompok")


def test_cli_import_validates_then_commits_then_adds_nothing(db, db_url, tmp_path, capsys):
    from kaltim_desk.cli import main as cli_main

    path, _e, _n = ec.clerk_workbook(tmp_path)
    dbfile = db_url.removeprefix("sqlite:///")
    report = tmp_path / "masalah.xlsx"
    assert cli_main(["import", str(path), "--db", dbfile, "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "Baris dibaca   : 18" in out and "Dapat diimpor  : 7" in out
    assert "Dilewati       : 8" in out and "Ditolak        : 3" in out
    assert "baris 9, kolom B (NIK), nilai '(angka)'" in out
    assert "Belum ada yang disimpan" in out and report.exists()
    with db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0
    assert cli_main(["import", str(path), "--db", dbfile, "--commit"]) == 0
    assert "7 penerima diimpor (batch #1), 1 kelompok baru" in capsys.readouterr().out
    assert cli_main(["import", str(path), "--db", dbfile, "--commit"]) == 0
    assert "Tidak ada baris baru" in capsys.readouterr().out
    assert cli_main(["import-rollback", "1", "--db", dbfile, "--reason", "uji"]) == 0
    assert "7 penerima dan 1 kelompok dihapus" in capsys.readouterr().out
