"""An import that commits is preceded by a verified backup (RELIABILITY R6); one that only validates
changes nothing, backups included."""

from __future__ import annotations

from openpyxl import Workbook

from kaltim_desk.cli import main
from kaltim_desk.services.office.backup import default_backup_dir, list_backups
from tests.factories import new_nik


def _sheet(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["NO", "NIK", "NAMA LENGKAP", "JENIS KELAMIN"])
    ws.append([1, new_nik(), "Siti Impor", "P"])
    wb.save(path)


def test_committing_an_import_first_takes_a_backup(tmp_path, capsys):
    db = tmp_path / "kantor.db"
    assert main(["demo", "--db", str(db), "--people", "20"]) == 0
    book = tmp_path / "data.xlsx"
    _sheet(book)
    folder = default_backup_dir(db)
    before = [b for b in list_backups(folder) if b.reason == "impor"]
    assert main(["import", str(book), "--db", str(db)]) == 0
    assert [b for b in list_backups(folder) if b.reason == "impor"] == before
    assert main(["import", str(book), "--db", str(db), "--commit"]) == 0
    after = [b for b in list_backups(folder) if b.reason == "impor"]
    assert len(after) == len(before) + 1
    from kaltim_desk.core.dto import PageFilter
    from kaltim_desk.db import Database
    from kaltim_desk.services.registry import people
    from tests.conftest import ADMIN

    database = Database(f"sqlite:///{db}")
    with database.read_session(ADMIN) as s:
        assert people.count_people(s, PageFilter(text="SITI IMPOR")) == 1
    database.dispose()
