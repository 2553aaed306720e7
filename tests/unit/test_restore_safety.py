"""Restore never loses the office's current data (issue 17, findings 1 and 8).

A restore first keeps the current database: a verified backup of it, or, when the file is damaged and
can not be copied, the file itself renamed aside. When neither can be done (a nearly full disk) the
restore is refused with exit 2 and the database is not touched: before, a 3,300-person database became
the 300 people of an older backup, exit 0, with only a warning in the log.

The disk-full case runs twice: on a real 20 MB tmpfs (needs mount rights; skipped with the reason
otherwise) and with the operating system's "no space left on device" simulated, so CI without mount
rights still covers it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaltim_desk.cli import main
from kaltim_desk.db import Database
from kaltim_desk.services.office import backup
from kaltim_desk.services.office.bootstrap import prepare
from tests.factories import make_person

pytestmark = pytest.mark.sqlite_only


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM person").fetchone()[0])
    finally:
        conn.close()


def _digest(path: Path) -> str:
    """The office's records (people and the audit trail), not the file's bytes: the command itself takes
    and releases the writer lock (a row of its own) before it refuses."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT * FROM person ORDER BY id").fetchall()
        rows += conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _office(db: Database, usb: Path, *, old: int, now: int, notes: str = "") -> Path:
    """A database of `old` people backed up to `usb`, then grown to `now` people; returns the backup."""
    with db.session() as s:
        for i in range(old):
            make_person(s, name=f"Lama {i}")
    info = backup.make_backup(db, usb, reason="manual")
    with db.session() as s:
        for i in range(now - old):
            make_person(s, name=f"Baru {i}", notes=notes)
    db.dispose()  # a clean close: everything in the main file
    return info.path


def _restore(capsys: pytest.CaptureFixture[str], source: Path, db: Database) -> tuple[int, str, str]:
    code = main(["restore", str(source), "--db", db.url])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 20 MB tmpfs, unmounted afterwards; skips when this machine does not let the test mount."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not shutil.which("mount") or (hasattr(os, "geteuid") and os.geteuid() != 0):
        pytest.skip("a small tmpfs needs root (mount -t tmpfs); the simulated ENOSPC test covers it")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not possible here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of `folder` until only about `leave` bytes are free."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    with (folder / "isi-lain.bin").open("wb") as fh:
        chunk = b"\0" * (1 << 20)
        remaining = max(0, free - leave)
        while remaining > 0:
            with contextlib.suppress(OSError):
                fh.write(chunk[: min(len(chunk), remaining)])
            remaining -= len(chunk)


def test_restore_on_a_nearly_full_disk_is_refused_and_changes_nothing(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(f"sqlite:///{small_disk / 'kantor.db'}")
    prepare(db)
    source = _office(db, tmp_path / "usb", old=300, now=3300)
    assert db.path is not None
    before = _digest(db.path)
    assert db.path.stat().st_size > 2_000_000  # the safety copy can not fit in what is left
    _fill(small_disk, leave=1_000_000)

    code, out, err = _restore(capsys, source, db)

    assert code == 2, (out, err)
    assert "Pemulihan dibatalkan dan basis data tidak diubah" in err
    assert "Penyimpanan penuh" in err or "ruang" in err.lower()
    assert "tak terduga" not in err and "Traceback" not in err
    assert _count(db.path) == 3300
    assert _digest(db.path) == before
    # No half-written safety copy is left to fill the disk further or to look like a backup.
    leftovers = list((small_disk / "backups").iterdir()) if (small_disk / "backups").exists() else []
    assert leftovers == []


def test_restore_without_space_for_its_safety_copy_is_refused(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, with the disk's "no space left on device" simulated where the safety copy is flushed."""
    source = _office(db, tmp_path / "usb", old=3, now=33)
    assert db.path is not None
    before = _digest(db.path)
    real_fsync = backup._fsync

    def full_disk(path: Path) -> None:
        if "sebelum-pulih" in path.name:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(path)

    monkeypatch.setattr(backup, "_fsync", full_disk)

    code, out, err = _restore(capsys, source, db)

    assert code == 2, (out, err)
    assert "salinan pengaman basis data saat ini tidak dapat dibuat" in err
    assert "No space left on device" in err
    assert _count(db.path) == 33 and _digest(db.path) == before
    assert [p.name for p in (db.path.parent / "backups").iterdir()] == []


def test_restore_with_room_keeps_a_verified_safety_copy(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _office(db, tmp_path / "usb", old=3, now=8)
    assert db.path is not None
    code, out, _err = _restore(capsys, source, db)
    assert code == 0
    assert _count(db.path) == 3
    [safety] = backup.list_backups(db.path.parent / "backups")
    assert safety.reason == "sebelum-pulih" and _count(safety.path) == 8
    assert backup.verify_backup(safety.path).ok
    assert str(safety.path) in out


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_restore_onto_a_truncated_database_keeps_it_aside_and_restores(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _office(db, tmp_path / "usb", old=5, now=40, notes="catatan " * 200)
    assert db.path is not None
    _truncate(db.path)
    damaged_bytes = db.path.read_bytes()

    code, out, err = _restore(capsys, source, db)

    assert code == 0, (out, err)
    assert _count(db.path) == 5
    [aside] = list(db.path.parent.glob(db.path.name + ".rusak-*"))
    assert aside.read_bytes() == damaged_bytes  # kept byte for byte for a specialist
    assert "rusak" in out and str(aside) in out
    assert "tetap dipakai" not in out + err
    check = main(["check", "--db", db.url])
    assert check == 0


def test_restore_onto_a_database_with_a_zeroed_page(db: Database, tmp_path: Path) -> None:
    source = _office(db, tmp_path / "usb", old=4, now=40, notes="catatan " * 200)
    assert db.path is not None
    data = bytearray(db.path.read_bytes())
    data[4096 * 3 : 4096 * 5] = b"\0" * 8192
    db.path.write_bytes(bytes(data))
    kept = backup.restore_file(source, db.path)
    assert kept is not None and kept.reason == "rusak" and kept.path.exists()
    assert _count(db.path) == 4


def test_a_failed_restore_onto_a_damaged_database_puts_it_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _office(db, tmp_path / "usb", old=2, now=30, notes="x" * 2000)
    assert db.path is not None
    _truncate(db.path)
    damaged = db.path.read_bytes()

    def no_room(*_a: object, **_k: object) -> None:
        raise backup.DomainError("backup_io", "Cadangan gagal ditulis: No space left on device")

    monkeypatch.setattr(backup, "backup_to_file", no_room)
    with pytest.raises(backup.DomainError, match="dikembalikan apa adanya"):
        backup.restore_file(source, db.path)
    assert db.path.read_bytes() == damaged
    assert list(db.path.parent.glob("*.rusak-*")) == []


def test_the_restored_database_arrives_with_its_audit_row(db: Database, tmp_path: Path) -> None:
    """The migration and the `backup.restore` row are made on a staged copy before it is switched in,
    so no moment exists where the restored content is there without its record."""
    from kaltim_desk.core import audit, audit_anchor
    from kaltim_desk.core.actor import Actor
    from kaltim_desk.services.office.restore import restore_database

    source = _office(db, tmp_path / "usb", old=2, now=5)
    with db.read_session() as s:
        old_head = audit.chain_head(s)
    restore_database(db, source, Actor("admin", "admin"))
    assert db.path is not None
    conn = sqlite3.connect(db.path)
    action, detail = conn.execute("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    assert action == "backup.restore" and audit.format_head(old_head) in detail
    assert _count(db.path) == 2
    assert [p.name for p in db.path.parent.iterdir() if ".part" in p.name] == []
    databases = audit_anchor._read(audit_anchor.anchor_path()).get("databases", {})
    assert not any("pulihan" in where for where in databases)
