"""Writing the audit trail. Every row is chained to the previous one by a SHA-256 hash, so that a
row changed or removed with raw SQL breaks the chain at that row (RELIABILITY R19)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desk import dialect
from kaltim_desk.core.actor import current_actor
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.base import utcnow

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    detail: str | None,
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor, action, entity, entity_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: object = None,
    **detail: Any,
) -> AuditEntry:
    """Append one audit row for the session's actor. `detail` must already be masked."""
    actor = current_actor(session).username
    # Each row links to the previous one: on a server, concurrent writers take turns from here to their
    # commit, or two of them would both link to the same row and fork the chain.
    dialect.serialize_writers(session, "audit_log")
    last = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    prev = last or GENESIS
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
        hash=entry_hash(prev, at, actor, action, entity, eid, detail_json),
    )
    session.add(row)
    session.flush()
    return row


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Only the fields that changed, as {field: [old, new]}."""
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def chain_status(session: Session) -> tuple[bool, str]:
    """Recompute every hash of the trail; (False, where) at the first row whose content or link does
    not match, else (True, how many rows)."""
    prev = GENESIS
    n = 0
    for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(2000):
        expected = entry_hash(prev, row.at, row.actor, row.action, row.entity, row.entity_id, row.detail)
        if row.prev_hash != prev or row.hash != expected:
            return False, f"rantai putus pada baris audit #{row.id} ({row.action}, {row.at:%Y-%m-%d %H:%M})"
        prev = row.hash
        n += 1
    return True, f"{n} catatan, rantai utuh"
