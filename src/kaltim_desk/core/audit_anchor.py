"""The audit chain's head kept outside the database (issue 17, finding 4).

A chain cut at the end, or emptied, is still a valid chain; what shows the cut is a copy of the head
(last row id and MAC) somewhere the database's writer does not control:

- the anchor file `audit-anchor.json` in the per-user data folder, rewritten after every commit that
  wrote audit rows (one entry per database, by its location);
- every backup: a backup is a copy of the audit rows, so its last row is a head the live chain must
  still hold (`backup_head`; `check` reads the newest backup beside an SQLite database);
- every export's metadata (`audit_head`), which `check --anchor FILE.xlsx` compares.

When the chain at a location no longer extends the one the file remembers (a restore, a database
replaced or emptied), the old head is kept in the entry's `replaced` list; `check` accepts it only when a
`backup.restore` audit row in the chain names it (`replaced_head`), and reports it otherwise.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desk.config import data_dir, sqlite_path
from kaltim_desk.core import audit
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.permissions import require
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.base import utcnow

log = logging.getLogger(__name__)

ANCHOR_FILE_NAME = "audit-anchor.json"
ANCHOR_FILE_ENV = "KALTIM_DESK_AUDIT_ANCHOR_FILE"
REPLACED_KEPT = 20


@dataclass(frozen=True)
class Anchor:
    source: str  # where the copy is, for the message ("folder data", "cadangan X.db", "ekspor Y.xlsx")
    row_id: int
    mac: str
    first: str | None = None  # the chain's first link, when the anchor knows it


def anchor_path() -> Path:
    """The anchor file: in the data folder, or where KALTIM_DESK_AUDIT_ANCHOR_FILE says (e.g. a drive
    the database's writers can not reach)."""
    override = os.environ.get(ANCHOR_FILE_ENV)
    return Path(override) if override else data_dir() / ANCHOR_FILE_NAME


def location(bind: Any) -> str:
    """Which database this is, by where it lives (not by content: an emptied chain is still found).
    `bind`: a Session or an Engine."""
    url = (bind.get_bind().engine if hasattr(bind, "get_bind") else bind).url
    path = sqlite_path(url.render_as_string(hide_password=True))
    if path is not None:
        return str(path.expanduser().resolve())
    return f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"


def _replace(path: Path, data: dict[str, Any]) -> None:
    """Write the anchor file whole (temporary file, then rename), private to this account. Not flushed
    to disk: after a power cut the file can only be older than the database (committed with
    synchronous=FULL first), which `check` reads as a head the chain still holds, never as a cut."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_anchor(session: Session, row_id: int, mac: str, first: str | None) -> None:
    """After a commit: remember (row_id, mac) as this database's head (`first`: the chain's first link).
    Never raises: the commit is done, and a full disk here must not turn a saved change into an error;
    the log says so."""
    try:
        path = anchor_path()
        data = _read(path)
        entries = data.setdefault("databases", {})
        where = location(session)
        old = entries.get(where)
        entry: dict[str, Any] = {
            "first": first,
            "id": row_id,
            "mac": mac,
            "at": utcnow().isoformat(timespec="seconds"),
        }
        if isinstance(old, dict):
            replaced = list(old.get("replaced") or [])
            extends = session.info.get("anchor_extends", True) and old.get("first") == first
            if not extends:
                replaced.append({k: old.get(k) for k in ("first", "id", "mac", "at")})
            if replaced:
                entry["replaced"] = replaced[-REPLACED_KEPT:]
        entries[where] = entry
        data["version"] = 1
        _replace(path, data)
    except Exception:
        log.warning("audit anchor not written", exc_info=True)


def forget(engine: Any) -> None:
    """A database was just created at this location (its schema made from nothing): whatever the
    anchor file remembers for the location belonged to a database that is gone, not to this one."""
    with contextlib.suppress(Exception):
        path = anchor_path()
        data = _read(path)
        if data.get("databases", {}).pop(location(engine), None) is not None:
            _replace(path, data)


def _compare_before_writing(session: Session) -> None:
    """Before a session's first audit row: does the chain still hold the head the file remembers? (If
    not, the chain was cut or replaced since; the file keeps the old head for `check`.)"""
    try:
        entry = _read(anchor_path()).get("databases", {}).get(location(session))
        row_id = int(entry["id"]) if isinstance(entry, dict) else None
    except (OSError, KeyError, TypeError, ValueError):
        log.warning("audit anchor not compared: the anchor file is unreadable", exc_info=True)
        return
    if row_id is None:
        return
    # A database error here (a locked file, a lost connection) is the caller's to see and retry: swallowing
    # it would leave the session failed and turn the next statement into a PendingRollbackError.
    held = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == row_id))
    session.info["anchor_extends"] = held == entry.get("mac")


def keep_head_outside() -> None:
    """From now on in this process, every commit that writes audit rows copies the chain's head to the
    anchor file, and the chain is compared with that file before a session's first audit row. Called by
    `services.office.bootstrap.prepare`, which every program opening an office database runs; calling it
    again changes nothing."""
    if _compare_before_writing not in audit.before_first_write_hooks:
        audit.before_first_write_hooks.append(_compare_before_writing)
    if write_anchor not in audit.after_commit_hooks:
        audit.after_commit_hooks.append(write_anchor)


def accept_restore(session: Session, reason: str) -> list[Anchor]:
    """An admin confirms that this database was restored outside the app (pg_restore into the same
    database, a file copied back): the heads the anchor file remembers and the chain no longer holds
    are recorded, with the reason, in an `audit.accept_restore` row, so `check` takes the shorter chain
    for a restore instead of tampering. Returns the heads accepted."""
    require(session, "backup.restore")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("reason_required", "Sebutkan alasan (mis. tanggal dan berkas pemulihan di server).")
    current, replaced = file_anchors(session)
    gone = [
        a
        for a in (*current, *replaced)
        if session.scalar(select(AuditEntry.hash).where(AuditEntry.id == a.row_id)) != a.mac
    ]
    audit.record(
        session,
        "audit.accept_restore",
        "database",
        None,
        replaced_head=" ".join(audit.format_head((a.row_id, a.mac)) for a in gone),
        reason=reason,
    )
    return gone


def file_anchors(session: Session) -> tuple[list[Anchor], list[Anchor]]:
    """This database's head in the data folder's anchor file, and the heads it replaced."""
    entry = _read(anchor_path()).get("databases", {}).get(location(session))
    if not isinstance(entry, dict):
        return [], []

    def one(e: dict[str, Any], label: str) -> Anchor | None:
        with contextlib.suppress(TypeError, ValueError):
            return Anchor(label, int(e["id"]), str(e["mac"]), e.get("first"))
        return None

    current = one(entry, "berkas jangkar di folder data")
    replaced = [
        a
        for e in entry.get("replaced") or []
        if isinstance(e, dict) and (a := one(e, f"berkas jangkar di folder data (per {e.get('at')})"))
    ]
    return ([current] if current else []), replaced


def backup_head(path: Path) -> Anchor | None:
    """The head an SQLite backup holds (its last audit row), read-only; None if unreadable."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        first = conn.execute("SELECT hash FROM audit_log ORDER BY id LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if last is None:
        return None
    return Anchor(f"cadangan {path.name}", int(last[0]), str(last[1]), first[0] if first else None)


def _rows(session: Session) -> Iterator[audit.Row]:
    cols = (
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.detail,
        AuditEntry.prev_hash,
        AuditEntry.hash,
        AuditEntry.key_id,
    )
    for row in session.execute(select(*cols).order_by(AuditEntry.id)).yield_per(5000):
        yield tuple(row)  # type: ignore[misc]


def chain_status(session: Session, extra_anchors: Sequence[Anchor] = ()) -> tuple[bool, str]:
    """The audit chain check: recompute every link under this PC's audit key and name the first row whose
    content or link does not match; then compare the head with its copies outside the database (the
    anchor file, and `extra_anchors`: the newest backup, exports given with `check --anchor`): rows
    deleted from the end, or all of them, show there. (ok, message in Indonesian)."""
    try:
        key = audit.read_key()
    except DomainError as exc:
        return (False, exc.message)
    key_file = audit.key_path()
    if key is not None and os.name != "nt" and key_file.stat().st_mode & 0o077:
        return (
            False,
            f"berkas kunci audit {key_file} dapat dibaca pengguna lain komputer ini, yang dengan kunci itu dapat "
            f"menulis ulang jejak audit; batasi dengan `chmod 600 {key_file}`",
        )
    current, replaced = file_anchors(session)
    anchors = [*current, *extra_anchors]
    report = audit.verify_rows(_rows(session), key=key, want=[a.row_id for a in (*anchors, *replaced)])
    if report.problem:
        return (False, report.problem)
    last_id = report.head[0] if report.head else 0
    for a in anchors:
        if a.first is not None and report.first_hash is not None and a.first != report.first_hash:
            if (a.row_id, a.mac) in report.replaced_heads:
                continue
            return (
                False,
                f"jejak audit tidak sama lagi dengan yang tercatat di {a.source}: catatan awalnya berubah "
                "(diubah, dihapus, atau basis data ditukar)",
            )
        if (a.row_id, a.mac) in report.replaced_heads:
            continue
        if a.row_id > last_id:
            return (
                False,
                f"catatan audit terakhir hilang: {a.source} mencatat baris #{a.row_id}, "
                + (f"jejak kini berakhir di baris #{last_id}" if last_id else "jejak kini kosong"),
            )
        if report.seen.get(a.row_id) != a.mac:
            return (False, f"baris audit #{a.row_id} berbeda dari salinannya di {a.source} (diganti)")
    for a in replaced:
        if (a.row_id, a.mac) not in report.replaced_heads and report.seen.get(a.row_id) != a.mac:
            return (
                False,
                f"jejak audit sampai baris #{a.row_id} ({a.source}) diganti tanpa pemulihan cadangan yang "
                "tercatat: catatan dihapus atau basis data ditukar",
            )
    if report.rows == 0:
        return (True, "belum ada catatan")
    if report.legacy_rows == report.rows:
        return (
            True,
            f"{report.rows} catatan, rantai utuh (format lama tanpa kunci; catatan berikutnya "
            "menyegelnya dengan kunci audit)",
        )
    old = f"; {report.legacy_rows} catatan lama tersegel kunci" if report.legacy_rows else ""
    where = ", ".join(a.source for a in anchors) or "tidak ada"
    return (True, f"{report.rows} catatan, rantai utuh, bertanda kunci{old}; jangkar: {where}")


def export_anchor(path: Path) -> Anchor | None:
    """The `audit_head` of an exported workbook's metadata sheet."""
    from openpyxl import load_workbook  # lazy: openpyxl is heavy and only `check --anchor` needs it

    try:
        wb = load_workbook(path, read_only=True)
    except Exception:
        return None
    try:
        if "_META" not in wb.sheetnames:
            return None
        for row in wb["_META"].iter_rows(values_only=True):
            if row and row[0] == "audit_head" and len(row) > 1 and row[1]:
                head = audit.parse_head(str(row[1]))
                return None if head is None else Anchor(f"ekspor {path.name}", head[0], head[1])
    finally:
        wb.close()
    return None
