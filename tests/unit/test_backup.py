"""R6/R7: verified online backups, consistent while others write, never a finished-looking half file,
rotation by a fake clock, restore after verification, a backup before every migration and import."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kaltim_desk.cli import main
from kaltim_desk.core.actor import SYSTEM_ACTOR, Actor
from kaltim_desk.core.dto import PersonInput
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.db import Database
from kaltim_desk.domain.nik import encode_nik
from kaltim_desk.services.checks import check_audit_chain
from kaltim_desk.services.office import backup, restore
from kaltim_desk.services.office.bootstrap import prepare
from kaltim_desk.services.registry import people
from tests.factories import DISTRICT, VILLAGE, make_person

pytestmark = pytest.mark.sqlite_only
K = 5


def _batch(db: Database, n: int) -> None:
    born = date(1950, 1, 1) + timedelta(days=n)
    with db.session(Actor("penulis", "clerk")) as s:
        for k in range(K):
            people.register_person(
                s,
                PersonInput(
                    nik=encode_nik(DISTRICT, born, "P", k + 1),
                    name=f"Batch {n}",
                    birth_date=born,
                    village_code=VILLAGE,
                ),
            )


def _people(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT name, count(*) FROM person GROUP BY name").fetchall())
    finally:
        conn.close()


def test_backup_is_verified_single_file_and_listed(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        make_person(s, name="Siti Cadangan")
    info = backup.make_backup(db, tmp_path / "usb", reason="manual")
    assert info.path.parent == tmp_path / "usb" and info.path.name.endswith("-manual.db")
    assert backup.list_backups(tmp_path / "usb") == [info]
    assert not Path(str(info.path) + "-wal").exists()
    assert backup.verify_backup(info.path).ok
    assert _people(info.path) == {"SITI CADANGAN": 1}


def test_backups_taken_while_another_thread_writes_are_consistent(db: Database, tmp_path: Path) -> None:
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            _batch(db, n)
            written.append(n)
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    taken = []
    try:
        while len(written) < 2:
            time.sleep(0.01)
        for _ in range(5):
            taken.append(backup.make_backup(db, tmp_path / "b", reason="uji"))
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join()
    for i, info in enumerate(taken):
        restored = tmp_path / f"restored-{i}.db"
        backup.restore_file(info.path, restored, keep_current=False)
        counts = _people(restored)
        assert counts and set(counts.values()) == {K}, counts  # no half batch in any snapshot
        rdb = Database(f"sqlite:///{restored}")
        with rdb.read_session() as s:
            assert check_audit_chain(s).ok
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        rdb.dispose()
    assert len(_people(taken[-1].path)) >= len(_people(taken[0].path))


KILLED_BACKUP = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kaltim_desk.services.office import backup

    def slow(done, total):
        print("progress", flush=True)
        time.sleep(0.05)

    # small steps, so that the kill lands in the middle of the copy
    target = Path(sys.argv[2]) / "test-20260101-000000-uji.db"
    backup.backup_to_file(Path(sys.argv[1]), target, progress=slow, pages=4)
    print("finished", flush=True)
    """
)


def test_a_killed_backup_leaves_no_finished_looking_file(db: Database, tmp_path: Path) -> None:
    db.dispose()
    script = tmp_path / "slow_backup.py"
    script.write_text(KILLED_BACKUP)
    folder = tmp_path / "usb"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db.path), str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "progress"
    assert proc.stdout.readline().strip() == "progress"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    leftovers = sorted(p.name for p in folder.iterdir())
    assert leftovers and all(n.startswith(".") and ".part" in n for n in leftovers), leftovers
    assert backup.list_backups(folder) == []
    # the next automatic backup into that folder clears the remains
    info = backup.make_backup(db, folder, reason="uji", rotate_after=True, clock=lambda: datetime(2099, 1, 1))
    assert sorted(p.name for p in folder.iterdir()) == [info.path.name]
    assert backup.verify_backup(info.path).ok


def test_rotation_keeps_daily_weekly_and_monthly_backups(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime(2025, 1, 1, 9, 0)
    for day in range(400):  # one backup a day, rotated after each, like make_backup does
        when = start + timedelta(days=day)
        (folder / f"kaltim-desk-{when:%Y%m%d-%H%M%S}-harian.db").write_bytes(b"")
        backup.rotate(folder, stem="kaltim-desk")
    kept = [b.created for b in backup.list_backups(folder)]
    last = start + timedelta(days=399)
    assert all((last - timedelta(days=i)) in kept for i in range(12))  # 12 daily
    weeks = {d.isocalendar()[:2] for d in kept}
    for i in range(10):
        assert (last - timedelta(weeks=i)).isocalendar()[:2] in weeks  # 10 weekly
    months = {(d.year, d.month) for d in kept}
    for i in range(9):
        y, m = last.year, last.month - i
        while m <= 0:
            y, m = y - 1, m + 12
        assert (y, m) in months  # 9 monthly
    assert len(kept) <= 12 + 10 + 9
    assert min(kept) >= last - timedelta(days=31 * 9)


def test_daily_backup_once_a_day_with_a_fake_clock(db: Database) -> None:
    day1 = datetime(2026, 3, 2, 8, 0)
    first = backup.daily_backup_if_due(db, clock=lambda: day1)
    assert first is not None and first.reason == "harian"
    assert backup.daily_backup_if_due(db, clock=lambda: day1 + timedelta(hours=5)) is None
    second = backup.daily_backup_if_due(db, clock=lambda: day1 + timedelta(days=1))
    assert second is not None and second.created.date() == date(2026, 3, 3)


def test_backup_before_import_goes_to_the_rotated_folder(db: Database) -> None:
    info = backup.backup_before(db, "impor")
    assert info is not None and info.reason == "impor"
    assert info.path.parent == db.path.parent / "backups"
    assert backup.verify_backup(info.path).ok


def test_a_backup_is_taken_before_a_migration(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from kaltim_desk.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(db.engine))
    head = script.get_revision(script.get_current_head())
    previous = head.down_revision
    with db.session() as s:
        s.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    with contextlib.suppress(Exception):
        prepare(db)  # re-running the newest step on a schema that has it may fail: one transaction
    taken = [b for b in backup.list_backups(db.path.parent / "backups") if b.reason == "migrasi"]
    assert len(taken) == 1
    assert backup.verify_backup(taken[0].path).ok
    conn = sqlite3.connect(taken[0].path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == previous
    conn.close()


def test_restore_round_trip_from_the_command_line(db: Database, tmp_path: Path, capsys: Any) -> None:
    with db.session() as s:
        make_person(s, name="Sebelum Cadangan")
    db.dispose()
    assert main(["backup", "--db", str(db.path), "--to", str(tmp_path / "usb")]) == 0
    assert "Cadangan terverifikasi dibuat" in capsys.readouterr().out
    with db.session() as s:
        make_person(s, name="Sesudah Cadangan")
    db.dispose()
    file = backup.list_backups(tmp_path / "usb")[0].path
    assert main(["restore", str(file), "--db", str(db.path)]) == 0
    out = capsys.readouterr().out
    assert "dipulihkan" in out and "1 penerima" in out
    assert _people(db.path) == {"SEBELUM CADANGAN": 1}
    fresh = Database(db.url)
    with fresh.read_session() as s:
        actions = [a for (a,) in s.execute(text("SELECT action FROM audit_log ORDER BY id"))]
        assert actions == ["person.create", "backup.restore"]  # the backup's own record came after it
        assert check_audit_chain(s).ok
    fresh.dispose()
    # the database as it was before the restore was kept
    safety = [b for b in backup.list_backups(db.path.parent / "backups") if b.reason == "sebelum-pulih"]
    assert len(safety) == 1 and "SESUDAH CADANGAN" in _people(safety[0].path)


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(
    db: Database, tmp_path: Path, capsys: Any
) -> None:
    with db.session() as s:
        make_person(s, name="Tetap Ada")
    good = backup.make_backup(db, tmp_path / "b", reason="uji")
    damaged = tmp_path / "rusak.db"
    data = bytearray(good.path.read_bytes())
    page = 4096
    data[page * 3 : page * 5] = b"\x00" * (2 * page)
    damaged.write_bytes(bytes(data))
    foreign = tmp_path / "lain.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    db.dispose()
    for bad in (damaged, foreign, tmp_path / "tidak-ada.db"):
        assert main(["restore", str(bad), "--db", str(db.path)]) == 2
        assert "Pemulihan dibatalkan" in capsys.readouterr().err
    assert _people(db.path) == {"TETAP ADA": 1}


def test_restore_needs_an_admin_and_backup_an_officer(db: Database, tmp_path: Path) -> None:
    info = backup.make_backup(db, tmp_path / "b", reason="uji")
    with pytest.raises(PermissionDenied):
        restore.restore_database(db, info.path, Actor("budi", "officer"))
    with pytest.raises(PermissionDenied):
        backup.create_backup(db, Actor("siti", "clerk"), tmp_path / "usb")
    assert backup.create_backup(db, Actor("budi", "officer"), tmp_path / "usb").path.exists()


def test_postgresql_backups_are_refused_with_pg_dump_advice() -> None:
    pg = Database("postgresql+psycopg://kaltim@localhost:1/kaltim")
    with pytest.raises(DomainError) as err:
        backup.create_backup(pg, SYSTEM_ACTOR, Path("/tmp"))
    assert "pg_dump" in err.value.message
    assert backup.backup_before(pg, "impor") is None
    pg.dispose()
