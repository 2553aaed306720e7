"""`migrate-to`: an office's SQLite file copied into the test backend's database (PostgreSQL when
KALTIM_TEST_DATABASE_URL names one, else another SQLite file): everything arrives, a second run adds
nothing, conflicts are refused with nothing copied, and the server carries on numbering after the copy."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from kaltim_desk.config import sqlite_url
from kaltim_desk.core import numbering
from kaltim_desk.core.errors import DomainError
from kaltim_desk.db import Database
from kaltim_desk.models import Base, IssuedNumber, Person, Region
from kaltim_desk.services.office.migrate_to import (
    MigrationConflict,
    _parents_first,
    _unique_keys,
    canonical,
    format_report,
    migrate_database,
    table_checksum,
)
from kaltim_desk.services.registry import people
from tests.conftest import ADMIN
from tests.factories import make_active_group, make_person, person_input


@pytest.fixture
def office(tmp_path: Path, template_db_file: Path) -> Iterator[Database]:
    """An office's SQLite file with people, an active group and issued letter numbers."""
    path = tmp_path / "office.db"
    shutil.copyfile(template_db_file, path)
    database = Database(sqlite_url(path))
    with database.session(ADMIN) as s:
        make_person(s, name="Siti Aminah")
        make_person(s, name="Nur Aini")
        make_active_group(s, size=5)
        for i in range(3):
            numbering.issue_number(s, "agreement", purpose="agreement", entity_id=i, when=date(2026, 8, 1))
    yield database
    database.dispose()


@pytest.fixture
def target(db_url: str) -> Iterator[Database]:
    """The empty target: a new database on the PostgreSQL test server, or a new SQLite file."""
    database = Database(db_url)
    yield database
    database.dispose()


def _count(database: Database, model: type) -> int:
    with database.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_everything_is_copied_and_checked(office: Database, target: Database) -> None:
    report = migrate_database(office, target, chunk_size=7)
    assert report.ok
    by_table = {t.table: t for t in report.tables}
    assert set(by_table) == {t.name for t in Base.metadata.sorted_tables}
    assert by_table["person"].source_rows == by_table["person"].target_after == 7
    assert by_table["person"].inserted == 7
    assert by_table["region"].inserted == _count(office, Region) > 1000
    for t in report.tables:
        assert t.source_checksum == t.target_checksum
    lines = list(format_report(report))
    assert lines[-1].endswith("cocok.") and "TIDAK" not in lines[-1]
    # the same people, the same audit chain
    with target.read_session(ADMIN) as s:
        names = sorted(s.scalars(select(Person.name)))
        from kaltim_desk.services.checks import run_checks

        # (the test server's role owns its databases, so on PostgreSQL the audit guard check rightly says
        # the role could alter the trail; the owner/application split is tests/pg/test_audit_roles.py)
        failed = [r for r in run_checks(s) if not r.ok and r.name != "Perlindungan jejak audit"]
        assert not failed, failed
    assert "SITI AMINAH" in names and "NUR AINI" in names


def test_a_second_run_adds_nothing_and_a_later_one_only_the_new_rows(
    office: Database, target: Database
) -> None:
    migrate_database(office, target)
    again = migrate_database(office, target)
    assert again.ok and again.inserted == 0
    assert all(t.target_before == t.target_after for t in again.tables)

    with office.session(ADMIN) as s:  # the office goes on working in its file for a day
        make_person(s, name="Rina Wati")
    later = migrate_database(office, target)
    by_table = {t.table: t for t in later.tables}
    assert by_table["person"].inserted == 1
    assert by_table["audit_log"].inserted == 1
    assert _count(target, Person) == 8


def test_the_server_goes_on_numbering_after_the_copied_ids(office: Database, target: Database) -> None:
    migrate_database(office, target)
    with office.read_session() as s:
        top = s.scalar(select(func.max(Person.id)))
    with target.session(ADMIN) as s:
        added = make_person(s, name="Dewi Lestari")
        number = numbering.issue_number(
            s, "agreement", purpose="agreement", entity_id=99, when=date(2026, 8, 2)
        )
    assert added.id == top + 1
    assert number.startswith("004/")  # 001-003 were issued in the office
    with target.read_session() as s:
        assert s.scalar(select(func.count()).select_from(IssuedNumber)) == 4


def test_same_nik_for_another_person_is_refused_and_nothing_is_copied(
    office: Database, target: Database
) -> None:
    with office.read_session() as s:
        nik = s.scalar(select(Person.nik).where(Person.name == "NUR AINI"))
    from kaltim_desk.services.office.bootstrap import prepare

    prepare(target)  # the server is already in use: someone registered this NIK there
    with target.session(ADMIN) as s:
        people.register_person(s, person_input(nik=nik, name="Hasanah"))
    before = _count(target, Person)
    with pytest.raises(MigrationConflict) as err:
        migrate_database(office, target)
    message = str(err.value)
    assert "tidak ada yang disalin" in message
    assert "HASANAH" in message and "NUR AINI" in message
    assert nik not in message and nik[:6] in message  # masked
    assert _count(target, Person) == before
    with target.read_session() as s:
        assert s.scalar(select(func.count()).select_from(IssuedNumber)) == 0


def test_a_row_changed_on_either_side_is_a_conflict(office: Database, target: Database) -> None:
    migrate_database(office, target)
    with office.session(ADMIN) as s:  # edited in the office file after the copy
        p = s.scalars(select(Person).where(Person.name == "SITI AMINAH")).one()
        people.update_person(s, p.id, p.version, person_input(nik=p.nik, name="Siti Aminah Binti Umar"))
    with pytest.raises(MigrationConflict) as err:
        migrate_database(office, target)
    assert "penerima #1 di server SITI AMINAH, di berkas kantor SITI AMINAH BINTI UMAR" in str(err.value)


def test_source_and_target_must_differ(office: Database) -> None:
    with pytest.raises(DomainError):
        migrate_database(office, Database(office.url))


def test_command_prints_counts_and_checksums(office: Database, db_url: str, capsys) -> None:
    from kaltim_desk.cli import main

    assert office.path is not None
    office.dispose()
    assert main(["migrate-to", db_url, "--db", str(office.path)]) == 0
    out = capsys.readouterr().out
    assert "person" in out and "checksum" in out and out.strip().endswith("cocok.")
    assert main(["migrate-to", db_url, "--db", str(office.path)]) == 0
    assert " 0 baris baru" in capsys.readouterr().out


def test_command_refuses_a_missing_file(tmp_path: Path, db_url: str, capsys) -> None:
    from kaltim_desk.cli import main

    assert main(["migrate-to", db_url, "--db", str(tmp_path / "nope.db")]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err


@pytest.mark.postgres
def test_text_too_long_for_the_server_is_named(office: Database, target: Database) -> None:
    assert office.path is not None
    raw = sqlite3.connect(office.path)  # SQLite keeps what a VARCHAR(150) should not hold
    raw.execute("UPDATE person SET street = ? WHERE id = 1", ("Jl. " + "Panjang " * 40,))
    raw.commit()
    raw.close()
    with pytest.raises(DomainError) as err:
        migrate_database(office, target)
    assert "kolom street" in str(err.value) and "tidak ada yang disalin" in str(err.value)
    with target.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 0


# --- pure parts ------------------------------------------------------------------------------------


def test_canonical_values_agree_across_backends() -> None:
    assert (
        canonical(datetime(2026, 8, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))) == "2026-08-01T02:00:00"
    )
    assert canonical(datetime(2026, 8, 1, 2, 0, tzinfo=UTC)) == canonical(datetime(2026, 8, 1, 2, 0))
    assert canonical(Decimal("1.50")) == canonical(Decimal("1.5")) == "1.5"
    assert canonical(b"\x00\xff") == "00ff"
    assert canonical(True) is True and canonical(None) is None and canonical(7) == 7


def test_table_checksum_ignores_row_order() -> None:
    rows = [b"a" * 32, b"b" * 32, b"c" * 32]
    assert table_checksum(rows) == table_checksum(reversed(rows))
    assert table_checksum(rows) != table_checksum(rows[:2])


def test_natural_keys_and_parents_first() -> None:
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    assert ("nik",) in _unique_keys(tables["person"])
    assert ("number",) in _unique_keys(tables["issued_number"])
    region = tables["region"]
    rows = [
        {"code": "64.72.03", "parent_code": "64.72"},
        {"code": "64.72", "parent_code": "64"},
        {"code": "64", "parent_code": None},
    ]
    assert [r["code"] for r in _parents_first(region, rows)] == ["64", "64.72", "64.72.03"]
