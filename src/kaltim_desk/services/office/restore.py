"""Restoring the office's SQLite database from a verified backup (RELIABILITY R6), then preparing it.

`backup.restore_file` does the copy (verify first, keep a safety copy, copy the pages through SQLite's
backup API); this use case adds who may do it, the migration of an older backup to this version's schema
(`bootstrap.prepare`, itself preceded by a backup) and the audit entry in the restored database.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from kaltim_desk.core import audit
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
    with contextlib.suppress(Exception), db.read_session() as s:  # a damaged database has none to read
        replaced = audit.heads_a_restore_replaces(s)
    db.dispose()
    safety = restore_file(Path(backup), db.path, clock=clock)
    db.dispose()
    prepare(db)  # an older backup is migrated to this version's schema (with its own backup first)
    with db.session(actor) as s:
        audit.record(
            s,
            "backup.restore",
            "database",
            None,
            file=Path(backup).name,
            safety_copy=safety.path.name if safety else None,
            replaced_head=replaced,
        )
    return safety
