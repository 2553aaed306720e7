"""What backups leave on disk (issue 17, finding 9): no `.part` of a killed backup survives the next
backup (before, 16 of them, 744 MB, stayed an hour), a running backup's `.part` is never touched, and
the database, its backups and exports' temporary files are owner-only on POSIX (before: 0644, readable
by every account of a shared Linux PC)."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest

from kaltim_desk import fileio
from kaltim_desk.db import Database
from kaltim_desk.services.office import backup
from tests.factories import make_person

pytestmark = pytest.mark.sqlite_only
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX matter")

SLOW_BACKUP = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kaltim_desk.services.office import backup

    def slow(done, total):
        print("progress", flush=True)
        time.sleep(float(sys.argv[3]))

    target = Path(sys.argv[2]) / ("test-20260101-00000%s-uji.db" % sys.argv[4])
    backup.backup_to_file(Path(sys.argv[1]), target, progress=slow, pages=2)
    print("finished", flush=True)
    """
)


def _slow_backup(db: Database, tmp_path: Path, folder: Path, pause: float, n: int) -> subprocess.Popen[str]:
    script = tmp_path / "slow_backup.py"
    script.write_text(SLOW_BACKUP)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db.path), str(folder), str(pause), str(n)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "progress"
    return proc


@pytest.fixture
def office(db: Database) -> Database:
    with db.session() as s:
        for i in range(30):
            make_person(s, name=f"Warga {i}", notes="catatan " * 100)
    db.dispose()
    return db


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kills a backup with SIGKILL")
def test_parts_of_killed_backups_are_removed_at_once_and_a_running_one_is_kept(
    office: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "usb"
    killed = []
    for n in range(3):
        proc = _slow_backup(office, tmp_path, folder, 0.05, n)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed.append(proc.pid)
    running = _slow_backup(office, tmp_path, folder, 0.5, 9)
    try:
        parts = sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))
        assert len(parts) == 4
        assert all(f"~{socket.gethostname()}~" in name for name in parts)

        info = backup.make_backup(office, folder, reason="uji")  # minutes later, not an hour later

        live = f".test-20260101-000009-uji.db~{socket.gethostname()}~{running.pid}.part"
        left = {p.name for p in folder.iterdir()}
        assert live in left  # still being written: never removed
        assert left - {live, live + "-journal"} == {info.path.name}
    finally:
        running.kill()
        running.wait()


def test_a_part_of_another_computer_is_removed_only_after_an_hour(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    fresh = folder / ".kantor-20260101-000000-manual.db~PC-LAIN~4242.part"
    old = folder / ".kantor-20260101-000001-manual.db~PC-LAIN~4243.part"
    fresh.write_bytes(b"x")
    old.write_bytes(b"x")
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert backup.remove_stale_parts(folder) == [old]
    assert fresh.exists() and not old.exists()


def test_a_live_process_of_this_computer_keeps_its_part(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    mine = folder / f".kantor-20260101-000000-manual.db~{socket.gethostname()}~{os.getpid()}.part"
    mine.write_bytes(b"x")
    a_day_later = datetime.fromtimestamp(time.time() + 86_400)
    assert backup.remove_stale_parts(folder, clock=lambda: a_day_later) == []
    assert mine.exists()


@posix_only
def test_database_backups_and_their_folder_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db = Database(f"sqlite:///{tmp_path / 'data' / 'kantor.db'}")
        from kaltim_desk.services.office.bootstrap import prepare

        prepare(db)
        with db.session() as s:
            make_person(s, name="Siti Rahasia")
        assert db.path is not None
        wal = Path(str(db.path) + "-wal")
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600  # SQLite gives it the database's mode
        info = backup.make_backup(db, reason="manual")
        db.dispose()
    finally:
        os.umask(old)
    for path in (db.path, info.path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(db.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700


@posix_only
def test_an_existing_world_readable_database_is_made_owner_only(db: Database) -> None:
    assert db.path is not None
    db.dispose()
    os.chmod(db.path, 0o644)
    again = Database(db.url)
    with again.read_session() as s:
        s.execute(__import__("sqlalchemy").text("SELECT 1"))
    again.dispose()
    assert stat.S_IMODE(db.path.stat().st_mode) == 0o600


@posix_only
def test_an_exports_temporary_file_is_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        with fileio.atomic_path(tmp_path / "ekspor" / "penerima.xlsx") as tmp:
            assert stat.S_IMODE(tmp.stat().st_mode) == 0o600
            tmp.write_bytes(b"data")
        target = tmp_path / "ekspor" / "penerima.xlsx"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    finally:
        os.umask(old)


@posix_only
def test_private_file_ignores_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = fileio.create_private_file(tmp_path / "kunci.bin")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_start_clears_parts_of_killed_backups_even_without_a_backup_due(office: Database) -> None:
    assert office.path is not None
    folder = backup.default_backup_dir(office.path)
    today = backup.daily_backup_if_due(office)
    assert today is not None
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    left = folder / f".kantor-20260101-000000-harian.db~{socket.gethostname()}~{int(dead.stdout)}.part"
    left.write_bytes(b"x" * 1000)
    Path(str(left) + "-wal").write_bytes(b"x")
    assert backup.daily_backup_if_due(office) is None  # one was made today already
    assert not left.exists() and not Path(str(left) + "-wal").exists()
