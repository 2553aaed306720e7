"""The SQLite database file itself (RELIABILITY R8): is it whole, and how a damaged one is kept aside.

What: `check_file` looks at the file with Python's sqlite3 before anything opens it through the engine
(header, size against the page count, a write-ahead log that should be there but is not, `PRAGMA
quick_check`); `set_aside` renames a damaged file (with its -wal/-shm/-journal) out of the way so a
specialist can still look at it; `sqlite_uri` names a file for SQLite the same way on every OS.

Why one module: start-up (`startup.py`), `kaltim-desk check` (`checks.py`) and restore (`backup.py`), all
in this package, must agree on what "damaged" means, and none of them may write to a damaged file
while finding out (a read-write open of a damaged file can make it worse).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Health:
    ok: bool
    kind: str  # "ok", "missing", "not_sqlite", "damaged", "journal_lost", "unreadable"
    message: str  # Indonesian, for the person starting the app

    @property
    def damaged(self) -> bool:
        """A database file that is no longer whole (what `check` reports as "rusak"). A file of another
        kind altogether ("not_sqlite": a workbook or a zip given by mistake) is not counted: commands
        refuse it as the wrong file, and restore refuses to overwrite it."""
        return self.kind in ("damaged", "journal_lost")


def sqlite_uri(path: Path, query: str = "") -> str:
    """A `file:` URI for `path` that SQLite reads the same on Windows (C:/...) and POSIX, with `?`, `#`
    and spaces in folder names escaped."""
    posix = Path(path).resolve().as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix
    return "file:" + quote(posix) + (f"?{query}" if query else "")


def sidecar(path: Path, suffix: str) -> Path:
    """`kaltim.db` + "-wal" -> `kaltim.db-wal`."""
    return path.with_name(path.name + suffix)


def check_file(path: Path | str, *, pages: bool = True) -> Health:
    """A quick look at the database file before anything opens it: header, size, a write-ahead log
    that should be there but is not (deleted by hand or by a cleaning tool), and with `pages` SQLite's
    `quick_check` (which reads every page: about a second for a large office database)."""
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
    if header[:16] == bytes(16):
        return Health(False, "damaged", "Berkas basis data rusak: halaman pertamanya terhapus (berisi nol).")
    if header[:16] != SQLITE_MAGIC:
        return Health(False, "not_sqlite", "Berkas basis data rusak: kepala berkas tidak dikenali.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages_in_header = int.from_bytes(header[28:32], "big")
    if page_size and size % page_size:
        return Health(False, "damaged", "Berkas basis data terpotong (ukurannya tidak utuh).")
    if pages_in_header and size < pages_in_header * page_size:
        return Health(False, "damaged", "Berkas basis data terpotong: sebagian isinya hilang.")
    wal, shm = sidecar(path, "-wal"), sidecar(path, "-shm")
    if shm.exists() and not wal.exists() and header[18:20] == b"\x02\x02":
        # SQLite removes both on a clean close; a -shm without its -wal means the log of committed but
        # not yet copied changes was deleted (a hot journal lost): recent saves may be missing or half.
        return Health(
            False,
            "journal_lost",
            "Berkas jurnal basis data (-wal) hilang setelah aplikasi tidak ditutup dengan benar; "
            "perubahan terakhir mungkin hilang atau setengah tersimpan.",
        )
    if not pages:
        return Health(True, "ok", "Kepala dan ukuran berkas basis data utuh.")
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


def set_aside(path: Path | str, *, clock: Callable[[], datetime] = datetime.now) -> Path:
    """Rename a damaged database (with its -wal/-shm/-journal) out of the way, keeping it for a
    specialist. A rename needs no free space, so this works on a full disk too. Returns the new name
    of the main file."""
    path = Path(path)
    stamp = clock().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.rusak-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.rusak-{stamp}-{n}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = sidecar(path, suffix)
        if side.exists():
            with contextlib.suppress(OSError):
                os.replace(side, sidecar(target, suffix))
    return target
