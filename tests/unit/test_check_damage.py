"""`kaltim-desk check` reports a damaged database file as "rusak" with exit 3 (issue 17, finding 8).

Before, a truncated file, a flipped byte or a zeroed page ended in "Terjadi kesalahan tak terduga"
with exit 1 (the command opened, i.e. tried to migrate, the damaged file), and a -wal deleted after a
crash went unnoticed: the command recreated an empty one and said the database was whole.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kaltim_desk.cli import main
from kaltim_desk.db import Database
from kaltim_desk.services.office import backup
from tests.factories import make_person

pytestmark = pytest.mark.sqlite_only
PAGE = 4096


@pytest.fixture
def office(db: Database) -> Database:
    with db.session() as s:
        for i in range(40):
            make_person(s, name=f"Warga {i}", notes="catatan panjang " * 30)
    db.dispose()
    return db


def _check(db: Database, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--db", db.url])
    out, err = capsys.readouterr()
    assert "tak terduga" not in out + err and "Traceback" not in out + err
    return code, out + err


def test_a_whole_database_passes(office: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(office, capsys)
    assert code == 0, out
    assert "Semua pemeriksaan lulus" in out


def test_a_truncated_file_is_reported_damaged(office: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert office.path is not None
    data = office.path.read_bytes()
    office.path.write_bytes(data[: len(data) // 2])
    code, out = _check(office, capsys)
    assert code == 3
    assert "GAGAL Berkas basis data  rusak: Berkas basis data terpotong" in out


def test_a_flipped_byte_is_reported_damaged(office: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert office.path is not None
    data = bytearray(office.path.read_bytes())
    pages = len(data) // PAGE
    # The kind byte of a page in the middle of the person table (a leaf page: 0x0d) flips to garbage.
    page = next(p for p in range(pages // 2, pages) if data[p * PAGE] == 0x0D)
    data[page * PAGE] ^= 0xFF
    office.path.write_bytes(bytes(data))
    code, out = _check(office, capsys)
    assert code == 3
    assert "rusak" in out


def test_a_zeroed_page_is_reported_damaged(office: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert office.path is not None
    data = bytearray(office.path.read_bytes())
    middle = len(data) // PAGE // 2
    data[middle * PAGE : (middle + 1) * PAGE] = b"\0" * PAGE
    office.path.write_bytes(bytes(data))
    code, out = _check(office, capsys)
    assert code == 3
    assert "rusak" in out


def test_a_zeroed_first_page_is_damage_not_a_foreign_file(
    office: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert office.path is not None
    data = bytearray(office.path.read_bytes())
    data[:PAGE] = b"\0" * PAGE
    office.path.write_bytes(bytes(data))
    code, out = _check(office, capsys)
    assert code == 3
    assert "rusak: Berkas basis data rusak: halaman pertamanya terhapus" in out


def test_the_report_offers_the_newest_good_backup(
    office: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    info = backup.make_backup(office, reason="harian")
    assert office.path is not None
    data = office.path.read_bytes()
    office.path.write_bytes(data[:-1000])
    code, out = _check(office, capsys)
    assert code == 3
    assert f"kaltim-desk restore {info.path}" in out


CRASH_AFTER_COMMIT = textwrap.dedent(
    """
    import os, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("BEGIN")
    conn.execute("UPDATE person SET name = 'DIUBAH SETELAH CADANGAN'")
    conn.execute("COMMIT")
    os._exit(0)  # dies like a power cut: the committed change is only in the -wal
    """
)


def test_a_deleted_wal_after_a_crash_is_reported(
    office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert office.path is not None
    script = tmp_path / "crash.py"
    script.write_text(CRASH_AFTER_COMMIT)
    subprocess.run([sys.executable, str(script), str(office.path)], check=True)
    wal = Path(str(office.path) + "-wal")
    assert wal.stat().st_size > 0
    wal.unlink()
    code, out = _check(office, capsys)
    assert code == 3
    assert "(-wal) hilang" in out
    assert not wal.exists()  # the check did not paper over it by opening the file


def test_other_commands_refuse_a_damaged_file_clearly(
    office: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any command opening a truncated database: exit 2 with what is wrong and what to do, nothing
    written to the file (before: "Terjadi kesalahan tak terduga", exit 1)."""
    assert office.path is not None
    data = office.path.read_bytes()
    office.path.write_bytes(data[: len(data) // 2])
    damaged = office.path.read_bytes()
    code = main(["users", "list", "--db", office.url])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "terpotong" in err and "kaltim-desk check" in err and "tak terduga" not in err
    assert office.path.read_bytes() == damaged


def test_a_migration_without_room_for_its_backup_is_refused(
    office: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup before a migration hits a full disk (simulated ENOSPC): the command is refused with
    exit 2 and the schema is not touched."""
    import errno
    import sqlite3

    from alembic.script import ScriptDirectory

    from kaltim_desk.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(office.engine))
    head = script.get_revision(str(script.get_current_head()))
    assert head is not None
    previous = head.down_revision
    with office.session() as s:
        s.execute(
            __import__("sqlalchemy").text("UPDATE alembic_version SET version_num = :v"), {"v": previous}
        )
    office.dispose()

    def full(path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", full)
    code = main(["users", "list", "--db", office.url])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "Cadangan sebelum pembaruan struktur basis data gagal" in err and "No space left" in err
    assert office.path is not None
    conn = sqlite3.connect(office.path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == previous
    conn.close()
