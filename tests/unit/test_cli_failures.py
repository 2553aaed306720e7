"""Issue 17, findings 6 and 8: the command line names the failures the window names (a full disk, a
database held by another writer, a duplicate NIK the database refused, a value longer than its column),
exits 2 instead of "Terjadi kesalahan tak terduga", and the log file, which keeps the details for IT
staff, holds none of the person's data (NIK, KK, name, address) on any of these paths."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import DBAPIError

from kaltim_desk import dialect
from kaltim_desk.cli import main
from kaltim_desk.core.errors import describe_failure
from kaltim_desk.db import Database
from kaltim_desk.logs import log_path, setup_logging
from kaltim_desk.models.person import Person
from kaltim_desk.services.office import users
from tests.conftest import ADMIN
from tests.factories import make_person, new_nik

NAME = "Siti Rahmawati Privasi"
ADDRESS = "Jalan Anggrek Rahasia No. 17"


@pytest.fixture
def person(db: Database) -> dict[str, str]:
    """A registered person whose data must never reach the log."""
    nik, kk = new_nik(), "6472031507090042"
    with db.session(ADMIN) as s:
        make_person(s, nik=nik, kk_number=kk, name=NAME, street=ADDRESS)
    return {"nik": nik, "kk": kk, "name": NAME.upper(), "address": ADDRESS}


def _log_text() -> str:
    setup_logging()
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    return log_path().read_text(encoding="utf-8") if log_path().exists() else ""


def _assert_private(before: str, data: dict[str, str]) -> None:
    new = _log_text()[len(before) :]
    for what, value in data.items():
        assert value not in new, f"the log holds the {what}"
        assert value.lower() not in new.lower(), f"the log holds the {what}"


def _real_error(db: Database, make: str) -> DBAPIError:
    """A real error from the database under test: a second row with the same NIK, or a name longer
    than its column (PostgreSQL)."""
    with pytest.raises(DBAPIError) as err, db.session(ADMIN) as s:
        first = s.scalars(select(Person).order_by(Person.id)).first()
        assert first is not None
        values = {c.key: getattr(first, c.key) for c in Person.__table__.columns if c.key != "id"}
        if make == "duplicate":
            s.add(Person(**values))
        else:
            s.add(Person(**{**values, "nik": new_nik(), "name": values["name"] + " X" * 40_000}))
        s.flush()
    return err.value


def _command_raising(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    """`check` fails with `exc` (a real error taken from the database, as a racing writer would cause)."""
    from kaltim_desk.commands import registry

    def run(_args: Any) -> int:
        raise exc

    monkeypatch.setattr(registry, "run_check", run)


def test_a_duplicate_nik_refused_by_the_database_reads_plainly(
    db: Database, db_url: str, person: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    before = _log_text()
    exc = _real_error(db, "duplicate")
    _command_raising(monkeypatch, exc)
    assert main(["check", "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "NIK ini sudah terdaftar untuk penerima lain; tidak ada yang tersimpan." in err
    assert "tak terduga" not in err
    assert describe_failure(exc) in err
    _assert_private(before, person)


@pytest.mark.postgres
def test_an_over_long_name_on_postgresql_reads_plainly(
    db: Database, db_url: str, person: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    before = _log_text()
    exc = _real_error(db, "too long")
    _command_raising(monkeypatch, exc)
    assert main(["check", "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "Ada isian yang lebih panjang dari yang dapat disimpan (paling banyak" in err
    _assert_private(before, person)


@pytest.mark.sqlite_only
def test_a_full_disk_during_an_import_reads_plainly_and_changes_nothing(
    db: Database, person: dict[str, str], tmp_path: Path, capsys: Any
) -> None:
    book = tmp_path / "impor.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["NO", "NIK", "NAMA LENGKAP", "JENIS KELAMIN", "ALAMAT"])
    rows = [(new_nik(), f"Warga Impor {i}") for i in range(300)]
    for i, (nik, name) in enumerate(rows):
        ws.append([i + 1, nik, name, "P", ADDRESS + " " + "panjang " * 20])
    wb.save(book)
    db.dispose()
    assert db.path is not None
    pages = sqlite3.connect(db.path).execute("PRAGMA page_count").fetchone()[0]

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 6}")

    before = _log_text()
    event.listen(Engine, "connect", cap)
    try:
        code = main(["import", str(book), "--db", str(db.path), "--commit"])
    finally:
        event.remove(Engine, "connect", cap)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Penyimpanan penuh: perubahan dibatalkan, tidak ada data yang berubah." in err
    with db.read_session() as s:
        assert s.scalar(select(Person.id).where(Person.name == "WARGA IMPOR 1")) is None
    _assert_private(before, {**person, "imported nik": rows[1][0], "imported name": "WARGA IMPOR 1"})


@pytest.mark.sqlite_only
def test_a_database_held_by_another_writer_reads_plainly(
    db: Database, person: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr(
        dialect,
        "SQLITE_PRAGMAS",
        tuple(
            "PRAGMA busy_timeout=200" if p.startswith("PRAGMA busy_timeout") else p
            for p in dialect.SQLITE_PRAGMAS
        ),
    )
    db.dispose()
    assert db.path is not None
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program in the middle of a long write
    before = _log_text()
    try:
        code = main(["network-mode", "--db", str(db.path), "--single-user", "on"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Basis data sedang dipakai proses lain. Tunggu sebentar lalu ulangi." in err
    _assert_private(before, person)


def test_a_bad_import_and_a_failed_login_leave_no_personal_data_in_the_log(
    db: Database,
    db_url: str,
    person: dict[str, str],
    tmp_path: Path,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book = tmp_path / "buruk.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["NO", "NIK", "NAMA LENGKAP", "JENIS KELAMIN", "ALAMAT", "NO KK"])
    ws.append([1, person["nik"], NAME, "P", ADDRESS, person["kk"]])  # already registered
    ws.append([2, person["nik"][:-1] + "X", NAME, "P", ADDRESS, person["kk"]])  # a broken NIK
    wb.save(book)
    with db.session(ADMIN) as s:
        users.create_user(s, "ani", "Ani Admin", "admin", "kata-sandi-ani-1")
    before = _log_text()
    assert main(["import", str(book), "--db", db_url, "--commit"]) == 0
    capsys.readouterr()
    secret = tmp_path / "sandi"
    secret.write_text("salah-sekali\n")
    monkeypatch.setenv("KALTIM_DESK_PASSWORD_FILE", str(secret))
    assert main(["check", "--db", db_url, "--user", "ani"]) == 2
    assert "salah" in capsys.readouterr().err.lower()
    assert "salah-sekali" not in _log_text()[len(before) :]
    _assert_private(before, person)


def test_the_scrubber_masks_what_a_database_error_carries() -> None:
    from kaltim_desk.logs import scrub

    line = (
        'duplicate key value violates unique constraint "uq_person_nik"\n'
        "DETAIL:  Key (nik)=(6472035205800001) already exists.\n"
        "DETAIL:  Failing row contains (7, 6472035205800001, SITI, Jalan Anggrek 17, null).\n"
        "[SQL: INSERT INTO person (nik, name) VALUES (%(nik)s, %(name)s)]\n"
        "[parameters: {'nik': '6472035205800001', 'name': 'SITI'}]\n"
        "telepon +6281234567890"
    )
    out = scrub(line)
    assert "6472035205800001" not in out and "SITI" not in out and "Anggrek" not in out
    assert "81234567890" not in out
    assert "Key (nik)=(disembunyikan)" in out and "Failing row contains (disembunyikan)" in out
