"""Writing and verifying the audit trail (RELIABILITY R19).

Every row is chained to the previous one by an HMAC-SHA-256 under the office's audit key. The key is not
in the database: it is a file in the per-user data folder (`audit.key`, or the path in
`KALTIM_DESK_AUDIT_KEY_FILE`), created on first use with permissions 0600. Someone who can change the
database but not read that file can not rewrite a row and recompute the chain, nor insert a forged row
(a fake `export.full`): the MAC of every later row would have to change, and making one needs the key.

Deleting rows from the end, or all of them, leaves a shorter chain that is valid in itself; so the head
(last row id and MAC) is also kept outside the database: in the data folder's anchor file, updated after
every commit that writes audit rows (`core/audit_anchor.py`), in every backup (its own audit rows)
and in every export's metadata (`audit_head`). `check` compares the chain with them.

Rows written before the keyed chain existed (key_id NULL) keep their plain SHA-256 links; the first keyed
row's MAC covers the last of them, which seals the old chain under the key: an old row changed afterwards
breaks the link at that first keyed row. No unkeyed row may follow a keyed one.

A database whose rows are keyed with a key this PC does not have (a second PC, a PostgreSQL server's
clients) refuses to write audit rows, so nothing is done unaudited and no second key forks the chain:
copy the office's key file to that PC (docs/SECURITY.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kaltim_desk import dialect
from kaltim_desk.config import data_dir
from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.base import utcnow

GENESIS = "0" * 64
# Audit actions whose detail names (`replaced_head`) the head of a chain deliberately replaced: the app's
# restore, and an admin's acceptance of a server-side restore (`accept-restore`).
REPLACING_ACTIONS = ("backup.restore", "audit.accept_restore")
KEY_FILE_ENV = "KALTIM_DESK_AUDIT_KEY_FILE"
KEY_FILE_NAME = "audit.key"
_KEY_ID_LABEL = b"kaltim-desk audit key id"

# --- the key --------------------------------------------------------------------------------------


def key_path() -> Path:
    """Where this PC keeps the office's audit key."""
    override = os.environ.get(KEY_FILE_ENV)
    return Path(override) if override else data_dir() / KEY_FILE_NAME


_key_cache: dict[tuple[str, int], bytes] = {}


def read_key(path: Path | None = None) -> bytes | None:
    """The audit key, or None when this PC has none. A file that is not a key is an error."""
    path = path or key_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    cached = _key_cache.get((str(path), stat.st_mtime_ns))
    if cached is not None:
        return cached
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise DomainError(
            "audit_key_invalid",
            f"Berkas kunci audit {path} rusak (bukan kunci 64 digit heksadesimal). Pasang kembali salinan "
            "kunci kantor (lihat docs/SECURITY.md).",
        )
    _key_cache.clear()
    _key_cache[(str(path), stat.st_mtime_ns)] = key
    return key


def create_key(path: Path | None = None) -> bytes:
    """Make a new random key file readable by this account only (0600), unless one exists."""
    path = path or key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        existing = read_key(path)
        assert existing is not None
        return existing
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return key


def key_id(key: bytes) -> str:
    """A short public name of a key (16 hex digits), stored with each row: which key signed it."""
    return hmac.new(key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


# --- one row --------------------------------------------------------------------------------------


def _payload(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    detail: str | None,
) -> bytes:
    return json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor, action, entity, entity_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def entry_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    detail: str | None,
) -> str:
    """The unkeyed link of a row written before the keyed chain (key_id NULL)."""
    return hashlib.sha256(_payload(prev_hash, at, actor, action, entity, entity_id, detail)).hexdigest()


def entry_mac(
    key: bytes,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    detail: str | None,
) -> str:
    """The keyed link of a row: HMAC-SHA-256 over the previous link and the row's content."""
    return hmac.new(
        key, _payload(prev_hash, at, actor, action, entity, entity_id, detail), hashlib.sha256
    ).hexdigest()


# --- writing --------------------------------------------------------------------------------------


def _key_for_write(chain_key_id: str | None) -> tuple[bytes, str]:
    """The key to sign the next row with: the chain's own key; a new one only for a chain not keyed
    yet (a new database, or one written before keys: its old rows get sealed by this row)."""
    key = read_key()
    if chain_key_id is None:
        key = key or create_key()
        return key, key_id(key)
    if key is None:
        raise DomainError(
            "audit_key_missing",
            f"Kunci audit kantor tidak ada di komputer ini ({key_path()}), jadi tidak ada yang dapat "
            "disimpan: setiap perubahan harus tercatat di jejak audit yang bertanda kunci. Salin berkas "
            "kunci audit dari komputer kantor yang pertama memakai basis data ini (lihat docs/SECURITY.md).",
        )
    kid = key_id(key)
    if kid != chain_key_id:
        raise DomainError(
            "audit_key_other",
            f"Kunci audit di komputer ini ({kid}) bukan kunci basis data ini ({chain_key_id}), jadi tidak "
            "ada yang dapat disimpan. Pasang berkas kunci audit kantor yang benar (lihat docs/SECURITY.md).",
        )
    return key, kid


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: object = None,
    **detail: Any,
) -> AuditEntry:
    """Append one audit row for the session's actor. `detail` must already be masked."""
    actor_obj = current_actor(session)
    actor = actor_obj.username
    if actor_obj.via:
        detail = {**detail, "via": actor_obj.via}
    # Each row links to the previous one: on a server, concurrent writers take turns from here to their
    # commit, or two of them would both link to the same row and fork the chain.
    dialect.serialize_writers(session, "audit_log")
    if "audit_listening" not in session.info:
        for hook in before_first_write_hooks:
            hook(session)
    last = session.execute(
        select(AuditEntry.hash, AuditEntry.key_id).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    prev = last.hash if last else GENESIS
    key, kid = _key_for_write(last.key_id if last else None)
    at = utcnow()
    detail_json = json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True) if detail else None
    eid = None if entity_id is None else str(entity_id)
    row = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=eid,
        detail=detail_json,
        prev_hash=prev,
        hash=entry_mac(key, prev, at, actor, action, entity, eid, detail_json),
        key_id=kid,
    )
    session.add(row)
    session.flush()
    if "audit_first" not in session.info:
        session.info["audit_first"] = (
            row.hash
            if last is None
            else session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id).limit(1))
        )
    _remember_head(session, row)
    return row


# Filled by core/audit_anchor.keep_head_outside(): called with the session before its first audit row
# (to compare the chain with the head kept outside while the session can still read).
before_first_write_hooks: list[Callable[[Session], None]] = []

# Filled by core/audit_anchor.keep_head_outside(): called with (session, head id, head MAC, first link)
# after a commit that wrote audit rows, to keep a copy of the head outside the database. (The session can not run SQL
# at that moment: everything the hook needs is gathered while the rows are written.)
after_commit_hooks: list[Callable[[Session, int, str, str | None], None]] = []


def _remember_head(session: Session, row: AuditEntry) -> None:
    session.info["audit_head"] = (row.id, row.hash)
    if session.info.get("audit_listening"):
        return
    session.info["audit_listening"] = True

    def committed(s: Session) -> None:
        head = s.info.pop("audit_head", None)
        if head is not None:
            for hook in after_commit_hooks:
                hook(s, head[0], head[1], s.info.get("audit_first"))

    def rolled_back(s: Session) -> None:
        s.info.pop("audit_head", None)

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_rollback", rolled_back)


def chain_head(session: Session) -> tuple[int, str] | None:
    """The last row's id and link, as the anchors keep it."""
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return None if last is None else (int(last.id), str(last.hash))


def heads_a_restore_replaces(session: Session) -> str:
    """What a restore about to replace this chain records as `replaced_head`: this chain's head and the
    heads it had itself replaced by earlier restores, so that copies of any of them kept outside (an
    anchor file, a backup) stay explained after restore upon restore. Space-separated "<id>:<mac>"."""
    heads = [chain_head(session)]
    for (detail,) in session.execute(
        select(AuditEntry.detail).where(AuditEntry.action.in_(REPLACING_ACTIONS))
    ):
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            heads.extend(
                parse_head(t) for t in str(json.loads(detail or "{}").get("replaced_head") or "").split()
            )
    seen: list[str] = []
    for head in heads:
        text = format_head(head)
        if text and text not in seen:
            seen.append(text)
    return " ".join(seen)


def format_head(head: tuple[int, str] | None) -> str:
    """A head as written into export metadata and backups' notes: "<id>:<mac>" ("" for no rows)."""
    return "" if head is None else f"{head[0]}:{head[1]}"


def parse_head(text: str) -> tuple[int, str] | None:
    with contextlib.suppress(ValueError):
        rid, mac = text.strip().split(":", 1)
        if len(mac) == 64:
            return int(rid), mac
    return None


# --- verifying ------------------------------------------------------------------------------------

Row = tuple[int, datetime, str, str, str, "str | None", "str | None", str, str, "str | None"]


@dataclass
class ChainReport:
    """What a walk over the chain found."""

    rows: int = 0
    legacy_rows: int = 0
    problem: str | None = None  # the first break, in Indonesian; None when every link holds
    head: tuple[int, str] | None = None
    first_hash: str | None = None
    seen: dict[int, str] = field(default_factory=dict)  # id -> link, for the anchors asked about
    replaced_heads: set[tuple[int, str]] = field(default_factory=set)  # chains a restore replaced


def verify_rows(rows: Iterable[Row], *, key: bytes | None, want: Iterable[int] = ()) -> ChainReport:
    """Walk rows (id, at, actor, action, entity, entity_id, detail, prev_hash, hash, key_id) in id
    order; recompute each link. `key` is this PC's audit key; `want` names row ids whose link the
    caller wants back (the anchors)."""
    report = ChainReport()
    wanted = set(want)
    kid = key_id(key) if key is not None else None
    prev = GENESIS
    keyed = False
    for rid, at, actor, action, entity, entity_id, detail, prev_hash, h, row_kid in rows:
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        where = f"baris audit #{rid} ({action}, {at:%Y-%m-%d %H:%M})"
        if row_kid is None:
            if keyed:
                report.problem = f"rantai putus pada {where}: baris tanpa kunci setelah baris berkunci"
                return report
            expected = entry_hash(prev, at, actor, action, entity, entity_id, detail)
            report.legacy_rows += 1
        else:
            keyed = True
            if key is None or row_kid != kid:
                report.problem = (
                    f"{where} ditandatangani dengan kunci audit {row_kid}, yang tidak ada di komputer ini "
                    f"({key_path()}); pasang berkas kunci audit kantor lalu periksa lagi"
                )
                return report
            expected = entry_mac(key, prev, at, actor, action, entity, entity_id, detail)
        if prev_hash != prev or not hmac.compare_digest(h, expected):
            report.problem = f"rantai putus pada {where}"
            return report
        if report.first_hash is None:
            report.first_hash = h
        if rid in wanted:
            report.seen[rid] = h
        if action in REPLACING_ACTIONS and detail:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                for text in str(json.loads(detail).get("replaced_head") or "").split():
                    replaced = parse_head(text)
                    if replaced:
                        report.replaced_heads.add(replaced)
        prev = h
        report.rows += 1
        report.head = (rid, h)
    return report


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Only the fields that changed, as {field: [old, new]}."""
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }
