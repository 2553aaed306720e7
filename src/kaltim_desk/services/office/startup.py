"""What happens before a database is used (RELIABILITY R4, R8): is the file whole, is it on a network
drive or a synced folder, and if it is damaged, set it aside and offer the newest good backup.

Everything here works on the file with Python's sqlite3 (no engine, no migration), so a damaged file is
never written to. The GUI (`views/application.py`) asks the person; the functions only report and act.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PureWindowsPath

from kaltim_desk.services.office.backup import (
    BackupInfo,
    default_backup_dir,
    list_backups,
    restore_file,
    sqlite_uri,
    verify_backup,
)

DRIVE_REMOTE = 4  # GetDriveTypeW
SYNCED_FOLDER_NAMES = (
    "onedrive",
    "dropbox",
    "google drive",
    "googledrive",
    "icloud drive",
    "iclouddrive",
    "mega",
)
NETWORK_FS = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "afs")


@dataclass(frozen=True)
class Health:
    ok: bool
    kind: str  # "ok", "missing", "not_sqlite", "damaged", "journal_lost", "unreadable"
    message: str  # Indonesian, for the person starting the app


@dataclass(frozen=True)
class Location:
    remote: bool
    kind: str  # "local", "unc", "network_drive", "synced", "network_fs"
    message: str


@dataclass(frozen=True)
class SafetySettings:
    """Office-wide safety choices (core/settings.py section)."""

    SECTION = "safety"
    # A database on a network drive may be opened read-write only if the office promises one user at a time.
    allow_network_single_user: bool = False
    idle_lock_minutes: int = 15


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def _linux_mounts() -> list[tuple[str, str]]:
    try:
        text = Path("/proc/mounts").read_text()
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out.append((parts[1].replace("\\040", " "), parts[2]))
    return out


def locate(
    path: Path | str,
    *,
    os_name: str | None = None,
    drive_type: Callable[[str], int] | None = None,
    mounts: Callable[[], list[tuple[str, str]]] | None = None,
) -> Location:
    """Where the database lives. `os_name`, `drive_type` and `mounts` are injectable for tests."""
    os_name = os_name or os.name
    raw = str(path)
    if raw.startswith(("\\\\", "//")):
        return Location(True, "unc", f"Basis data berada di folder jaringan ({raw}).")
    if os_name == "nt":
        win = PureWindowsPath(raw)
        if win.drive and len(win.drive) == 2:
            root = win.drive + "\\"
            try:
                kind = (drive_type or _windows_drive_type)(root)
            except Exception:
                kind = 0
            if kind == DRIVE_REMOTE:
                return Location(True, "network_drive", f"Basis data berada di drive jaringan {win.drive}.")
        parts = [p.lower() for p in win.parts]
    else:
        parts = [p.lower() for p in Path(raw).parts]
        resolved = str(Path(raw).expanduser().resolve())
        best = ("", "")
        for mount_point, fstype in (mounts or _linux_mounts)():
            if (resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")) and len(
                mount_point
            ) > len(best[0]):
                best = (mount_point, fstype)
        if best[1] in NETWORK_FS:
            return Location(
                True, "network_fs", f"Basis data berada di folder jaringan ({best[0]}, {best[1]})."
            )
    for part in parts:
        if any(
            part == name or part.startswith(name + " -") or part.startswith(name + "-")
            for name in SYNCED_FOLDER_NAMES
        ):
            return Location(
                True,
                "synced",
                f"Basis data berada di folder yang disinkronkan ({part}); sinkronisasi dapat merusaknya.",
            )
    return Location(False, "local", "")


NETWORK_REFUSED = (
    "{where} SQLite tidak aman dipakai bersama lewat jaringan atau folder sinkron: dua komputer yang menulis "
    "bersamaan dapat merusak data. Basis data dibuka hanya-baca. Pindahkan basis data ke disk lokal, atau "
    "minta admin mengaktifkan mode satu pengguna bila kantor menjamin hanya satu komputer yang membukanya."
)


def check_file(path: Path | str) -> Health:
    """A quick look at the database file before anything opens it: header, `quick_check`, and a
    write-ahead log that should be there but is not (deleted by hand or by a cleaning tool)."""
    path = Path(path)
    if not path.exists():
        return Health(True, "missing", "Basis data belum ada; akan dibuat baru.")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        return Health(False, "unreadable", f"Berkas basis data tidak dapat dibaca: {exc.strerror or exc}")
    if size == 0:
        return Health(True, "missing", "Basis data kosong; akan dibuat baru.")
    if header[:16] != b"SQLite format 3\x00":
        return Health(False, "not_sqlite", "Berkas basis data rusak: kepala berkas tidak dikenali.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages_in_header = int.from_bytes(header[28:32], "big")
    if page_size and size % page_size:
        return Health(False, "damaged", "Berkas basis data terpotong (ukurannya tidak utuh).")
    if pages_in_header and size < pages_in_header * page_size:
        return Health(False, "damaged", "Berkas basis data terpotong: sebagian isinya hilang.")
    wal, shm = _sidecar(path, "-wal"), _sidecar(path, "-shm")
    if shm.exists() and not wal.exists() and header[18:20] == b"\x02\x02":
        # SQLite removes both on a clean close; a -shm without its -wal means the log of committed but
        # not yet copied changes was deleted (a hot journal lost): recent saves may be missing or half.
        return Health(
            False,
            "journal_lost",
            "Berkas jurnal basis data (-wal) hilang setelah aplikasi tidak ditutup dengan benar; "
            "perubahan terakhir mungkin hilang atau setengah tersimpan.",
        )
    try:
        rows = _quick_check(path, readonly=True)
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc):
            return Health(False, "damaged", f"Berkas basis data rusak: {exc}")
        try:  # a -wal without its -shm can only be opened read-write (SQLite then rebuilds the index)
            rows = _quick_check(path, readonly=False)
        except sqlite3.DatabaseError as exc2:
            return Health(False, "damaged", f"Berkas basis data rusak: {exc2}")
    except sqlite3.DatabaseError as exc:
        return Health(False, "damaged", f"Berkas basis data rusak: {exc}")
    if rows != ["ok"]:
        return Health(False, "damaged", "Berkas basis data rusak: " + "; ".join(map(str, rows[:3])))
    return Health(True, "ok", "Basis data utuh.")


def _quick_check(path: Path, *, readonly: bool) -> list[object]:
    uri = sqlite_uri(path, "mode=ro") if readonly else sqlite_uri(path)
    conn = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        return [r[0] for r in conn.execute("PRAGMA quick_check")]
    finally:
        conn.close()


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def set_aside(path: Path | str, *, clock: Callable[[], datetime] = datetime.now) -> Path:
    """Rename a damaged database (with its -wal/-shm) out of the way, keeping it for a specialist.
    Returns the new name of the main file."""
    path = Path(path)
    stamp = clock().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.rusak-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.rusak-{stamp}-{n}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = _sidecar(path, suffix)
        if side.exists():
            with contextlib.suppress(OSError):
                os.replace(side, _sidecar(target, suffix))
    return target


def newest_good_backup(folder: Path, *, stem: str | None = None) -> BackupInfo | None:
    """The newest backup in `folder` that passes verification (damaged ones are skipped)."""
    for info in list_backups(folder):
        if stem and not info.path.name.startswith(stem + "-"):
            continue
        if verify_backup(info.path).ok:
            return info
    return None


@dataclass(frozen=True)
class Recovery:
    damaged: Path  # where the damaged file now is
    restored_from: BackupInfo | None


def recover(
    path: Path | str, backup: BackupInfo | None, *, clock: Callable[[], datetime] = datetime.now
) -> Recovery:
    """Set the damaged database aside and, when given, put the verified backup in its place."""
    path = Path(path)
    damaged = set_aside(path, clock=clock)
    if backup is not None:
        restore_file(backup.path, path, keep_current=False)
    return Recovery(damaged, backup)


def candidate_backup(path: Path | str) -> BackupInfo | None:
    path = Path(path)
    return newest_good_backup(default_backup_dir(path), stem=path.stem)
