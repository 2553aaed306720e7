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

from kaltim_desk.core import audit, audit_anchor
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.core.permissions import allowed
from kaltim_desk.db import Database
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
    readable = False
    with contextlib.suppress(Exception), db.read_session() as s:  # a damaged database has none to read
        replaced = audit.heads_a_restore_replaces(s)
        readable = True
    if not readable:
        # A damaged database (kept aside by restore_file): its chain ends where the anchor file last saw
        # it, so that head is the one replaced, and `check` does not take the restore for tampering.
        with contextlib.suppress(Exception):
            current, _older = audit_anchor.file_anchors(db.engine)  # type: ignore[arg-type]
            if current:
                replaced = audit.format_head((current[0].row_id, current[0].mac))
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
