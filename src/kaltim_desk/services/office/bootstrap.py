"""Preparing a database for use: migrate the schema, load region codes, first-run defaults."""

from __future__ import annotations

from kaltim_desk.core import audit_anchor  # also registers the hook that keeps the audit head outside
from kaltim_desk.core.actor import SYSTEM_ACTOR
from kaltim_desk.db import Database, current_revision, migrate
from kaltim_desk.services.office.backup import before_migration
from kaltim_desk.services.registry import regions


def prepare(db: Database) -> None:
    """Migrate to the newest schema (an existing SQLite file is backed up first, R7) and make sure the
    region table is filled. A database created here from nothing starts a new audit chain: the anchor
    file forgets the one that lived here before."""
    new = current_revision(db.engine) is None
    migrate(db.engine, before_change=before_migration)
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
