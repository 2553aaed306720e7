"""Preparing a database for use: migrate the schema, load region codes, first-run defaults.

A damaged SQLite file is refused with a clear message before anything writes to it: migrating (and
the verified backup taken before a migration) would fail half-way on it with an unexpected error, or
write into a file that should be kept as it is for recovery.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import DatabaseError

from kaltim_desk.core import audit_anchor
from kaltim_desk.core.actor import SYSTEM_ACTOR
from kaltim_desk.core.errors import DomainError
from kaltim_desk.db import HEAD_REVISION, Database, current_revision, migrate
from kaltim_desk.services.office.backup import before_migration
from kaltim_desk.services.office.dbfile import check_file
from kaltim_desk.services.registry import regions

DAMAGED_ADVICE = (
    "Jalankan `kaltim-desk check` untuk rinciannya, lalu pulihkan dari cadangan terbaru yang utuh "
    "(`kaltim-desk restore BERKAS_CADANGAN`); berkas yang rusak disimpan di samping."
)


def prepare(db: Database, *, before_write: Callable[[], None] | None = None) -> None:
    """Migrate to the newest schema (an existing SQLite file is backed up first, R7) and make sure the
    region table is filled. A database created here from nothing starts a new audit chain: the anchor
    file forgets the one that lived here before. Raises DomainError `database_damaged` for a damaged
    SQLite file (truncated, lost write-ahead log, unreadable pages), before anything writes to it. From
    here on the process keeps the audit chain's head outside the database (`audit_anchor`).
    `before_write()` runs before a migration changes an existing schema (the window's start waits there
    for the whole-file check it runs beside the opening, so a damaged file is never migrated)."""
    audit_anchor.keep_head_outside()
    if db.path is not None:
        health = check_file(db.path, pages=False)  # header and size only: cheap enough for every start
        if health.damaged:
            raise DomainError("database_damaged", f"{health.message} {DAMAGED_ADVICE}")
    try:
        current = current_revision(db.engine)
        new = current is None
        if current != HEAD_REVISION and before_write is not None:
            before_write()
        migrate(db.engine, before_change=before_migration)
    except DatabaseError as exc:
        if db.path is None:
            raise
        health = check_file(db.path)
        if not health.damaged:
            raise
        raise DomainError("database_damaged", f"{health.message} {DAMAGED_ADVICE}") from exc
    if new:
        audit_anchor.forget(db.engine)
    with db.session(SYSTEM_ACTOR) as session:
        regions.ensure_loaded(session)


def is_empty(db: Database) -> bool:
    """No people and no groups yet: the moment to offer a demo office."""
    from sqlalchemy import func, select

    from kaltim_desk.models.person import Person

    with db.read_session() as session:
        return not session.scalar(select(func.count()).select_from(Person))
