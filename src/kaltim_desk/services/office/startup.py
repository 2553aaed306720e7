"""What happens before a database is used (RELIABILITY R4, R8): is the file whole, is it on a network
drive or a synced folder, and if it is damaged, set it aside and offer the newest good backup.

Everything here works on the file with Python's sqlite3 (no engine, no migration), so a damaged file is
never written to. The GUI (`views/application.py`) asks the person; the functions only report and act.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING

from kaltim_desk.services.office.dbfile import Health as Health  # re-exported: start-up's file check
from kaltim_desk.services.office.dbfile import check_file as check_file
from kaltim_desk.services.office.dbfile import set_aside

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
if TYPE_CHECKING:
    from kaltim_desk.services.office.backup import BackupInfo

NETWORK_FS = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "afs")


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


class PageCheck:
    """The whole-file check (`check_file`: header, size, then SQLite's `quick_check`, which reads every
    page) on a thread of its own, started as early as the window's start knows the file: SQLite reads
    without holding Python's lock, so on a second core the check costs the start nothing while the
    modules load and the database is prepared (0.2 s for 100,000 people, 2 s for 1,000,000, all of it
    on the critical path when run first). `result()` waits for it; the window's start asks before any
    window shows data and before a migration writes (RELIABILITY R8)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._health: Health | None = None
        self._thread = threading.Thread(target=self._run, name="kd-quick-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._health = check_file(self.path)
        except Exception as exc:  # reported as the file's health: the start then refuses it in words
            self._health = Health(False, "unreadable", f"Berkas basis data tidak dapat diperiksa: {exc}")

    def result(self) -> Health:
        self._thread.join()
        assert self._health is not None
        return self._health


NETWORK_REFUSED = (
    "{where} SQLite tidak aman dipakai bersama lewat jaringan atau folder sinkron: dua komputer yang menulis "
    "bersamaan dapat merusak data. Basis data dibuka hanya-baca. Pindahkan basis data ke disk lokal, atau "
    "minta admin mengaktifkan mode satu pengguna bila kantor menjamin hanya satu komputer yang membukanya."
)


def newest_good_backup(folder: Path, *, stem: str | None = None) -> BackupInfo | None:
    """The newest backup in `folder` that passes verification (damaged ones are skipped)."""
    # lazy: the backup service loads SQLAlchemy, which a whole file (every start) and the first start
    # (no file yet, the set-up wizard painted first) do not need here
    from kaltim_desk.services.office.backup import list_backups, verify_backup

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
    from kaltim_desk.services.office.backup import restore_file  # lazy: see newest_good_backup

    damaged = set_aside(path, clock=clock)
    if backup is not None:
        restore_file(backup.path, path, keep_current=False)
    return Recovery(damaged, backup)


def candidate_backup(path: Path | str) -> BackupInfo | None:
    from kaltim_desk.services.office.backup import default_backup_dir  # lazy: see newest_good_backup

    path = Path(path)
    return newest_good_backup(default_backup_dir(path), stem=path.stem)
