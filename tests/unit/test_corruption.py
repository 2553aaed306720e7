"""R8: damaged files are recognised at start (zeroed page, truncated file, lost hot journal/WAL), set
aside, and the newest good backup is offered."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kaltim_desk.db import Database
from kaltim_desk.services.office import backup, startup
from tests.factories import make_person

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def office(db: Database) -> Path:
    with db.session() as s:
        for i in range(40):
            make_person(s, name=f"Warga {i}", notes="catatan panjang " * 30)
    db.dispose()  # a clean close: WAL checkpointed and removed
    assert db.path is not None
    return db.path


def test_a_healthy_database_passes(office: Path) -> None:
    health = startup.check_file(office)
    assert health.ok and health.kind == "ok"


def test_zeroed_page_is_detected(office: Path) -> None:
    page = 4096
    data = bytearray(office.read_bytes())
    middle = len(data) // page // 2
    data[middle * page : (middle + 1) * page] = b"\x00" * page
    office.write_bytes(bytes(data))
    health = startup.check_file(office)
    assert not health.ok and health.kind == "damaged"
    assert "rusak" in health.message


def test_truncated_file_is_detected(office: Path) -> None:
    data = office.read_bytes()
    office.write_bytes(data[: len(data) // 2])
    health = startup.check_file(office)
    assert not health.ok and "terpotong" in health.message


def test_truncated_mid_page_is_detected(office: Path) -> None:
    data = office.read_bytes()
    office.write_bytes(data[:-1000])
    assert startup.check_file(office).kind == "damaged"


def test_garbage_header_is_detected(office: Path) -> None:
    data = bytearray(office.read_bytes())
    data[:16] = b"bukan basis data"
    office.write_bytes(bytes(data))
    assert startup.check_file(office).kind == "not_sqlite"


CRASH_MID_WRITE = textwrap.dedent(
    """
    import os, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA journal_mode=" + sys.argv[2])
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("PRAGMA cache_size=5")  # spill changed pages to the file before the commit
    conn.execute("BEGIN")
    conn.execute("UPDATE person SET notes = notes || notes || ' diubah'")  # rows grow: pages split
    conn.execute("DELETE FROM person WHERE id % 3 = 0")  # pages freed and merged
    if sys.argv[3] == "commit":
        conn.execute("COMMIT")
    os._exit(0)  # dies like a power cut: no checkpoint, no journal clean-up
    """
)


def _crash(path: Path, tmp: Path, mode: str, commit: bool) -> None:
    script = tmp / "crash.py"
    script.write_text(CRASH_MID_WRITE)
    subprocess.run([sys.executable, str(script), str(path), mode, "commit" if commit else "open"], check=True)


def test_deleted_hot_wal_is_detected(office: Path, tmp_path: Path) -> None:
    """Committed changes still in the WAL when the app died; someone deletes the -wal file."""
    _crash(office, tmp_path, "wal", commit=True)
    wal = Path(str(office) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    wal.unlink()
    health = startup.check_file(office)
    assert not health.ok and health.kind == "journal_lost"
    assert "(-wal) hilang" in health.message


def test_deleted_hot_rollback_journal_is_detected(office: Path, tmp_path: Path) -> None:
    """A rollback-journal database (e.g. a backup copy) killed mid-transaction; its hot journal deleted:
    the file holds half of the transaction and SQLite can no longer undo it."""
    conn = sqlite3.connect(office)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    _crash(office, tmp_path, "delete", commit=False)
    journal = Path(str(office) + "-journal")
    assert journal.exists()
    journal.unlink()
    health = startup.check_file(office)
    assert not health.ok and health.kind == "damaged"


def test_damaged_database_is_set_aside_and_newest_good_backup_restored(office: Path) -> None:
    older = backup.make_backup(
        office, reason="harian", clock=lambda: __import__("datetime").datetime(2026, 1, 1)
    )
    newer = backup.make_backup(office, reason="harian")
    # a damaged newer backup must be skipped
    broken = office.parent / "backups" / "test-20991231-000000-uji.db"
    shutil.copyfile(newer.path, broken)
    with broken.open("r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(b"\x00" * 4096 * 3)
    data = bytearray(office.read_bytes())
    data[4096 * 5 : 4096 * 7] = b"\x00" * 8192
    office.write_bytes(bytes(data))
    assert not startup.check_file(office).ok

    offer = startup.candidate_backup(office)
    assert offer is not None and offer.path == newer.path and offer.path != older.path
    result = startup.recover(office, offer)
    assert result.damaged.exists() and ".rusak-" in result.damaged.name
    assert startup.check_file(office).ok
    conn = sqlite3.connect(office)
    assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 40
    conn.close()
    assert os.path.getsize(result.damaged) > 0


def test_odd_folder_names_are_no_problem(office: Path, tmp_path: Path) -> None:
    odd = tmp_path / "Data Kantor #1 ?" / "kaltim desk.db"
    odd.parent.mkdir()
    shutil.copyfile(office, odd)
    assert startup.check_file(odd).ok
    info = backup.make_backup(odd, reason="uji")
    assert backup.verify_backup(info.path).ok
