"""Verified, rotated backups of the SQLite database (RELIABILITY R6, R7).

A backup is made with SQLite's online backup API (`sqlite3.Connection.backup`), never a file copy of a
live database: the copy is one consistent snapshot even while another connection writes. It is written
to a hidden temporary name, switched to a single-file journal mode, checked with `PRAGMA
integrity_check`, flushed to disk and only then renamed to its final name. A backup killed half-way
therefore leaves at most a `.part` file, which no listing treats as a backup. Its name carries the host
and process id of the backup writing it, so the next backup removes it at once when that process is
dead, and never while it is alive (a `.part` of another computer is removed after an hour untouched).
Backups and their folder are owner-only on POSIX (`fileio`).

Automatic backups go to `backups/` beside the database and are rotated (grandfather-father-son: the
newest of each of the last 12 days, 10 weeks and 9 months, plus the 5 newest). They are taken before
every migration (`bootstrap.prepare` passes `before_migration` to `db.migrate`), before every
import (`backup_before(db, "impor")`), and once a day at start (`daily_backup_if_due`).

Restore (`restore_file` here; the use case is `restore.restore_database`) verifies the chosen file first (integrity, a Kaltim Desk schema, an unbroken audit chain), keeps
a verified backup of the current database, and then copies the verified pages into the live database
through the same backup API, so the WAL and the -shm file stay consistent and an interrupted restore
leaves the old database as it was. When that safety copy can not be made (a full disk, an unwritable
folder) the restore is refused and nothing changes: overwriting the only copy of the office's data with
an older one is never worth it. A damaged current database can not be copied; it is renamed aside
instead (`*.rusak-<time>`, byte for byte) and the backup is written as a new file in its place.

PostgreSQL databases are backed up with the server's own tools (`pg_dump`); see docs/SECURITY.md.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from kaltim_desk import db as dbmod
from kaltim_desk import fileio
from kaltim_desk.config import sqlite_path
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.core.permissions import allowed
from kaltim_desk.services.office.dbfile import SQLITE_MAGIC, check_file, set_aside, sqlite_uri
from kaltim_desk.services.office.processes import process_alive

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]

BACKUP_DIR_NAME = "backups"
SUFFIX = ".db"
PART_SUFFIX = ".part"
PART_OWNER_SEP = "~"  # `.<target>~<host>~<pid>.part`: hostnames never hold a tilde
STALE_FOREIGN_PART_SECONDS = 3600
SQLITE_SIDECARS = ("-journal", "-wal", "-shm")
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, KEEP_LAST = 12, 10, 9, 5
REASONS = ("manual", "harian", "migrasi", "impor", "sebelum-pulih", "uji")
_NAME_RE = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<seq>\d+))?-(?P<reason>[a-z-]+)\.db$")

NOT_SQLITE = (
    "Cadangan dari aplikasi hanya untuk basis data SQLite. Basis data ini ada di server PostgreSQL: "
    "cadangkan dengan pg_dump di server (lihat docs/SECURITY.md), misalnya "
    "`pg_dump -Fc -f kaltim-desk.dump NAMA_DB`, dan pulihkan dengan pg_restore."
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime  # local time of the backup, from its name
    reason: str
    size: int


@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str  # Indonesian, for the person choosing a file


def _now() -> datetime:
    return datetime.now()


def default_backup_dir(database: Path) -> Path:
    return database.parent / BACKUP_DIR_NAME


def _db_file(target: object) -> Path:
    """The SQLite file behind a Database, an Engine, a URL or a path; refuses other backends."""
    url = None
    if isinstance(target, dbmod.Database):
        url = target.url
    elif isinstance(target, Engine):
        url = target.url.render_as_string(hide_password=False)
    elif isinstance(target, str) and "://" in target:
        url = target
    if url is not None:
        path = sqlite_path(url)
        if path is None:
            raise DomainError("backup_not_sqlite", NOT_SQLITE)
        return path
    return Path(str(target))


def parse_name(path: Path) -> BackupInfo | None:
    m = _NAME_RE.match(path.name)
    if not m:
        return None
    try:
        created = datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupInfo(path, created, m["reason"], size)


def list_backups(folder: Path) -> list[BackupInfo]:
    """Finished backups in `folder`, newest first (temporary `.part` files are never listed)."""
    if not folder.is_dir():
        return []
    found = [info for p in folder.iterdir() if p.is_file() and (info := parse_name(p)) is not None]
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(sqlite_uri(path, "mode=ro"), uri=True, timeout=dbmod.BUSY_TIMEOUT_MS / 1000)
    else:
        conn = sqlite3.connect(str(path), timeout=dbmod.BUSY_TIMEOUT_MS / 1000)
    conn.isolation_level = None
    return conn


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    if os.name != "nt":  # make the rename durable too
        with contextlib.suppress(OSError):
            fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _integrity(conn: sqlite3.Connection, quick: bool = False) -> tuple[bool, str]:
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {'quick_check' if quick else 'integrity_check'}")]
    except sqlite3.DatabaseError as exc:
        return False, str(exc)
    return rows == ["ok"], "; ".join(map(str, rows[:3]))


def backup_to_file(
    source: object,
    target: Path,
    *,
    progress: Progress | None = None,
    pages: int = -1,
) -> Path:
    """Copy the database `source` into the file `target` (which must not exist), verified, atomically."""
    src_path = _db_file(source)
    if not src_path.exists():
        raise DomainError("backup_no_source", f"Basis data tidak ditemukan: {src_path}")
    target = Path(target)
    if target.exists():
        raise DomainError("backup_exists", f"Berkas cadangan sudah ada: {target}")
    tmp = part_name(target)
    with contextlib.suppress(OSError):
        tmp.unlink()
    try:
        fileio.private_dir(target.parent)
        fileio.create_private_file(tmp)  # SQLite keeps the mode; its -journal gets the same
        src = _connect(src_path)
        try:
            dst = sqlite3.connect(str(tmp))
            try:

                def step(status: int, remaining: int, total: int) -> None:
                    if progress:
                        progress(total - remaining, total)

                src.backup(dst, pages=pages, progress=step if progress else None)
                # One self-contained file: no -wal beside the copy.
                dst.execute("PRAGMA journal_mode=DELETE")
                ok, detail = _integrity(dst)
                if not ok:
                    raise DomainError(
                        "backup_verify_failed",
                        f"Salinan cadangan tidak lolos pemeriksaan keutuhan ({detail}); cadangan dibatalkan.",
                    )
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(tmp)
        os.replace(tmp, target)
    except sqlite3.DatabaseError as exc:
        raise _as_domain_error(exc) from exc
    except OSError as exc:
        raise DomainError(
            "backup_io", f"Cadangan gagal ditulis ke {target.parent}: {exc.strerror or exc}"
        ) from exc
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + side) for side in SQLITE_SIDECARS)):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return target


def _as_domain_error(exc: sqlite3.DatabaseError) -> DomainError:
    text = str(exc)
    if "full" in text or "disk" in text:
        return DomainError(
            "backup_disk_full", "Penyimpanan penuh: cadangan tidak dapat dibuat. Kosongkan ruang disk."
        )
    if "not a database" in text or "malformed" in text:
        return DomainError(
            "backup_source_damaged", f"Basis data sumber rusak dan tidak dapat dicadangkan ({text})."
        )
    return DomainError("backup_failed", f"Cadangan gagal: {text}")


def part_name(target: Path) -> Path:
    """The hidden temporary name a backup to `target` is written under, naming its host and process."""
    host = socket.gethostname().replace(PART_OWNER_SEP, "-") or "pc"
    return target.with_name(f".{target.name}{PART_OWNER_SEP}{host}{PART_OWNER_SEP}{os.getpid()}{PART_SUFFIX}")


def _part_owner(path: Path) -> tuple[str, int] | None:
    """(host, pid) of the backup writing the `.part` file `path`; None for a name of another form."""
    name = path.name
    for side in SQLITE_SIDECARS:  # SQLite's own files beside it belong to the same backup
        name = name.removesuffix(side)
    if not (name.startswith(".") and name.endswith(PART_SUFFIX)):
        return None
    fields = name[: -len(PART_SUFFIX)].rsplit(PART_OWNER_SEP, 2)
    if len(fields) != 3 or not fields[2].isdigit():
        return None
    return fields[1], int(fields[2])


def stale_parts(
    folder: Path, *, clock: Clock = _now, pid_alive: Callable[[int], bool] = process_alive
) -> list[Path]:
    """`.part` files (and SQLite's -journal/-wal/-shm beside them) in `folder` left by backups that are
    no longer running: of this computer when their process is dead; of another computer (a shared USB
    drive) when untouched for an hour."""
    if not folder.is_dir():
        return []
    here = socket.gethostname().replace(PART_OWNER_SEP, "-") or "pc"
    found = []
    for path in folder.iterdir():
        owner = _part_owner(path)
        if owner is None:
            continue
        host, pid = owner
        if host == here:
            if not pid_alive(pid):
                found.append(path)
            continue
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < clock().timestamp() - STALE_FOREIGN_PART_SECONDS:
                found.append(path)
    return found


def remove_stale_parts(folder: Path, *, clock: Clock = _now) -> list[Path]:
    """Delete what `stale_parts` finds; returns the removed files."""
    removed = []
    for path in stale_parts(folder, clock=clock):
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    if removed:
        log.info("removed %d unfinished backup file(s) of stopped backups in %s", len(removed), folder)
    return removed


def make_backup(
    source: object,
    folder: Path | None = None,
    *,
    reason: str = "manual",
    clock: Clock = _now,
    progress: Progress | None = None,
    rotate_after: bool | None = None,
) -> BackupInfo:
    """A verified backup of `source` into `folder` (default: `backups/` beside the database), named by
    time and reason. Automatic folders are rotated afterwards (default: when `folder` was not given)."""
    src_path = _db_file(source)
    auto = folder is None
    folder = Path(folder) if folder is not None else default_backup_dir(src_path)
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    fileio.private_dir(folder)
    remove_stale_parts(folder, clock=clock)  # left by backups that were killed (never one still running)
    now = clock()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    stem = src_path.stem
    target = folder / f"{stem}-{stamp}-{reason}{SUFFIX}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{stamp}-{n}-{reason}{SUFFIX}"
    backup_to_file(src_path, target, progress=progress)
    info = BackupInfo(target, now.replace(microsecond=0), reason, target.stat().st_size)
    if rotate_after if rotate_after is not None else auto:
        rotate(folder, stem=stem)
    log.info("backup %s (%s) written", target, reason)
    return info


def create_backup(
    db: dbmod.Database, actor: Actor, folder: Path, *, clock: Clock = _now, progress: Progress | None = None
) -> BackupInfo:
    """A backup asked for by a person (to a folder or USB drive): needs `backup.create`, is audited."""
    if not allowed(actor.role, "backup.create"):
        raise PermissionDenied(actor.role, "backup.create")
    if not db.is_sqlite:
        raise DomainError("backup_not_sqlite", NOT_SQLITE)
    info = make_backup(db, folder, reason="manual", clock=clock, progress=progress, rotate_after=False)
    from kaltim_desk.core import audit

    with db.session(actor) as s:
        audit.record(s, "backup.create", "database", None, file=info.path.name, folder=str(folder))
    return info


def backup_before(db: dbmod.Database, reason: str) -> BackupInfo | None:
    """A verified, rotated backup before a risky change (`reason`: "impor", "migrasi", ...). Call it
    before an import commits. Raises DomainError (nothing should then be changed) if the backup fails.
    Returns None for a PostgreSQL database, which the server's own backups (pg_dump) protect."""
    if not db.is_sqlite:
        log.info("no application backup before %s: not SQLite", reason)
        return None
    if db.path is None or not db.path.exists():
        return None
    try:
        return make_backup(db, reason=reason)
    except DomainError as exc:
        raise DomainError(
            "backup_before_failed",
            f"Cadangan sebelum {reason} gagal, jadi {reason} dibatalkan dan tidak ada yang berubah. {exc.message}",
        ) from exc


def daily_backup_if_due(db: dbmod.Database, *, clock: Clock = _now) -> BackupInfo | None:
    """Once a day at start: a backup unless one was already made today. Unfinished `.part` files of
    killed backups are removed either way."""
    if not db.is_sqlite or db.path is None or not db.path.exists():
        return None
    folder = default_backup_dir(db.path)
    remove_stale_parts(folder, clock=clock)  # at every start, even when no backup is due today
    remove_stale_parts(db.path.parent, clock=clock)  # staged copies of killed restores
    today = clock().date()
    if any(
        b.created.date() == today for b in list_backups(folder) if b.path.name.startswith(db.path.stem + "-")
    ):
        return None
    return make_backup(db, reason="harian", clock=clock)


def rotation_keep(
    backups: list[BackupInfo],
    *,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
    last: int = KEEP_LAST,
) -> set[Path]:
    """Which backups rotation keeps: the newest of each of the latest `daily` days, `weekly` ISO weeks
    and `monthly` months that have backups, plus the `last` newest overall."""
    newest_first = sorted(backups, key=lambda b: (b.created, b.path.name), reverse=True)
    keep = {b.path for b in newest_first[:last]}

    def bucket(key: Callable[[datetime], object], count: int) -> None:
        seen: list[object] = []
        for b in newest_first:
            k = key(b.created)
            if k in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(k)
            keep.add(b.path)

    bucket(lambda d: d.date(), daily)
    bucket(lambda d: d.isocalendar()[:2], weekly)
    bucket(lambda d: (d.year, d.month), monthly)
    return keep


def rotate(folder: Path, *, stem: str | None = None, **limits: int) -> list[Path]:
    """Delete the backups rotation does not keep; returns the deleted paths."""
    backups = [b for b in list_backups(folder) if stem is None or b.path.name.startswith(stem + "-")]
    keep = rotation_keep(backups, **limits)
    removed = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                b.path.unlink()
                removed.append(b.path)
    return removed


def verify_backup(path: Path) -> Verification:
    """Is `path` a whole Kaltim Desk database whose audit chain is unbroken? Reads only."""
    path = Path(path)
    if not path.is_file():
        return Verification(False, f"Berkas tidak ditemukan: {path}")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            return Verification(False, "Berkas ini bukan cadangan Kaltim Desk (bukan basis data SQLite).")
    try:
        conn = _connect(path, readonly=True)
    except sqlite3.Error as exc:
        return Verification(False, f"Berkas tidak dapat dibuka: {exc}")
    try:
        ok, detail = _integrity(conn)
        if not ok:
            return Verification(False, f"Berkas cadangan rusak ({detail}).")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"audit_log", "person", "alembic_version"} <= tables:
            return Verification(False, "Berkas ini bukan cadangan Kaltim Desk (tabelnya tidak dikenal).")
        broken = _audit_chain_break(conn)
        if broken:
            return Verification(False, f"Jejak audit dalam cadangan tidak utuh: {broken}.")
        people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return Verification(False, f"Berkas cadangan rusak ({exc}).")
    finally:
        conn.close()
    return Verification(True, f"Cadangan utuh: {people} penerima, {audits} catatan audit.")


def _audit_chain_break(conn: sqlite3.Connection) -> str | None:
    """The first broken link of the backup's audit chain (checked under this PC's audit key)."""
    from kaltim_desk.core import audit

    has_key = any(r[1] == "key_id" for r in conn.execute("PRAGMA table_info(audit_log)"))
    rows = conn.execute(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash, "
        + ("key_id" if has_key else "NULL")
        + " FROM audit_log ORDER BY id"
    )
    try:
        key = audit.read_key()
    except DomainError as exc:
        return exc.message
    return audit.verify_rows(rows, key=key).problem


def restore_file(
    backup: Path,
    database: Path,
    *,
    clock: Clock = _now,
    keep_current: bool = True,
    finish: Callable[[Path, BackupInfo | None], None] | None = None,
) -> BackupInfo | None:
    """Replace the contents of the SQLite file `database` with the verified `backup`. Connections of this
    process to `database` must be closed (Database.dispose()) first.

    With `keep_current`, the current database is kept first: a verified backup of it (reason
    "sebelum-pulih"), or, when it is damaged and can not be copied, the file itself renamed aside
    (returned with reason "rusak"). If neither can be done the restore is refused (DomainError
    `restore_no_safety_copy`) and `database` is not touched. Returns what was kept, or None when there
    was no current database (or `keep_current` is False).

    `finish(staged, kept)`, when given, is run on a verified copy of the backup beside the database
    (migrate it, write the restore's audit row) before that copy is switched in: the restored content
    and its record arrive in one step, so a restore killed at any moment leaves either the old database
    or the restored one with its audit row, never a restore without its record."""
    check = verify_backup(backup)
    if not check.ok:
        raise DomainError("restore_unverified", f"Pemulihan dibatalkan: {check.message}")
    database = Path(database)
    if database.exists() and database.resolve() == Path(backup).resolve():
        raise DomainError("restore_same_file", "Berkas cadangan sama dengan basis data yang sedang dipakai.")
    kept: BackupInfo | None = None
    aside: Path | None = None
    exists = database.exists() and database.stat().st_size > 0
    if keep_current and exists:
        health = check_file(database)
        if health.damaged:
            aside = set_aside(database, clock=clock)  # a rename: needs no free space, keeps every byte
            kept = BackupInfo(aside, clock().replace(microsecond=0), "rusak", aside.stat().st_size)
            log.warning("damaged database %s set aside as %s before restore", database, aside.name)
        else:
            try:
                kept = make_backup(database, reason="sebelum-pulih", clock=clock)
            except DomainError as exc:
                raise DomainError(
                    "restore_no_safety_copy",
                    "Pemulihan dibatalkan dan basis data tidak diubah: salinan pengaman basis data saat ini "
                    f"tidak dapat dibuat dan diperiksa. {exc.message}",
                ) from exc
    staged: Path | None = None
    try:
        source = Path(backup)
        if finish is not None:
            remove_stale_parts(database.parent, clock=clock)  # staged copies of killed restores
            staged = part_name(database.with_name(f"{database.stem}-pulihan{SUFFIX}"))
            backup_to_file(source, staged)
            finish(staged, kept)
            _single_file(staged)
            source = staged
        if database.exists() and database.stat().st_size > 0:
            _copy_pages_into(source, database)
        else:
            with contextlib.suppress(OSError):
                database.unlink()  # an empty file or nothing: the backup becomes a new file in its place
            for suffix in SQLITE_SIDECARS:
                with contextlib.suppress(OSError):
                    database.with_name(database.name + suffix).unlink()
            if staged is not None:
                _fsync(staged)
                os.replace(staged, database)
            else:
                backup_to_file(source, database)
    except (sqlite3.DatabaseError, DomainError) as exc:
        detail = exc.message if isinstance(exc, DomainError) else str(exc)
        if aside is not None:
            with contextlib.suppress(OSError):
                os.replace(aside, database)  # put the damaged file back: nothing changed
            raise DomainError(
                "restore_failed",
                f"Pemulihan gagal; basis data yang rusak dikembalikan apa adanya. ({detail})",
            ) from exc
        raise DomainError(
            "restore_failed", f"Pemulihan gagal; basis data lama tetap dipakai. ({detail})"
        ) from exc
    finally:
        if staged is not None:
            for leftover in (staged, *(staged.with_name(staged.name + side) for side in SQLITE_SIDECARS)):
                with contextlib.suppress(OSError):
                    leftover.unlink()
    log.info("restored %s from %s", database, backup)
    return kept


def _single_file(path: Path) -> None:
    """Fold a closed database's write-ahead log into it and leave it in rollback-journal mode, so it can
    be read as one file (and renamed) without its -wal/-shm."""
    conn = _connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _copy_pages_into(backup: Path, database: Path) -> None:
    """Copy `backup` over the existing `database` with the online backup API: one write transaction on
    `database`, so an interruption leaves it as it was."""
    src = _connect(backup, readonly=True)
    try:
        dst = _connect(database)
        try:
            src.backup(dst)
            ok, detail = _integrity(dst)
            if not ok:  # pragma: no cover - the source was verified a moment ago
                raise DomainError("restore_failed", f"Hasil pemulihan tidak utuh ({detail}).")
        finally:
            dst.close()
    finally:
        src.close()


def before_migration(engine: Engine) -> None:
    """For `db.migrate(before_change=...)`: a verified backup of an existing SQLite database before its schema changes."""
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None or not path.exists():
        return
    try:
        make_backup(path, reason="migrasi")
    except DomainError as exc:
        raise DomainError(
            "backup_before_failed",
            f"Cadangan sebelum pembaruan struktur basis data gagal, jadi pembaruan dibatalkan. {exc.message}",
        ) from exc
