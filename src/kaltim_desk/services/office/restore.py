"""Restoring the office's SQLite database from a verified backup (RELIABILITY R6), then preparing it.

`backup.restore_file` does the copy (verify first, keep a safety copy, copy the pages through SQLite's
backup API); this use case adds who may do it, the migration of an older backup to this version's schema
(`bootstrap.prepare`) and the audit entry. Both are done on a staged copy of the backup before it is
switched in, so the restored database arrives with its `backup.restore` row (naming the audit head it
replaces): a restore killed half-way never leaves a shorter audit trail without its record (the crash
loop in tests/unit/test_crash_loop.py kills restores at random moments).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import select

from kaltim_desk.core import audit, audit_anchor
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.core.permissions import allowed
from kaltim_desk.db import Database
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.services.office.backup import NOT_SQLITE, BackupInfo, Clock, _now, restore_file
from kaltim_desk.services.office.bootstrap import prepare


def restore_database(db: Database, backup: Path, actor: Actor, *, clock: Clock = _now) -> BackupInfo | None:
    """Restore `db` from `backup` as `actor` (needs `backup.restore`), then audit it in the restored
    database. The engine is disposed first; the Database object stays usable afterwards."""
    if not allowed(actor.role, "backup.restore"):
        raise PermissionDenied(actor.role, "backup.restore")
    if not db.is_sqlite or db.path is None:
        raise DomainError("backup_not_sqlite", NOT_SQLITE)
    replaced = ""  # the chain being replaced: its head's copies outside stay valid (check)
    remembered = None  # the head the anchor file keeps for this database
    with contextlib.suppress(Exception):
        current, _older = audit_anchor.file_anchors(db.engine)  # type: ignore[arg-type]
        remembered = (current[0].row_id, current[0].mac) if current else None
    readable = False
    with contextlib.suppress(Exception), db.read_session() as s:  # a damaged database has none to read
        replaced = audit.heads_a_restore_replaces(s)
        readable = True
        # The anchor file may lag behind the chain (a process killed between its commit and the file's
        # update): that older head of this same chain is replaced too, and named so.
        if (
            remembered is not None
            and s.scalar(select(AuditEntry.hash).where(AuditEntry.id == remembered[0])) == remembered[1]
        ):
            replaced = " ".join(dict.fromkeys([*replaced.split(), audit.format_head(remembered)]))
    if not readable and remembered is not None:
        # A damaged database (kept aside by restore_file): its chain ends where the anchor file last saw
        # it, so that head is the one replaced, and `check` does not take the restore for tampering.
        replaced = audit.format_head(remembered)
    db.dispose()

    def finish(staged: Path, kept: BackupInfo | None) -> None:
        """On the staged copy, before it is switched in: this version's schema, and the audit row."""
        copy = Database(f"sqlite:///{staged}")
        try:
            prepare(copy)  # an older backup is migrated to this version's schema
            with copy.session(actor) as s:
                audit.record(
                    s,
                    "backup.restore",
                    "database",
                    None,
                    file=Path(backup).name,
                    safety_copy=kept.path.name if kept else None,
                    replaced_head=replaced,
                )
            audit_anchor.forget(copy.engine)  # the staged copy's own location is not a database to watch
        finally:
            copy.dispose()

    safety = restore_file(Path(backup), db.path, clock=clock, finish=finish)
    db.dispose()
    return safety
