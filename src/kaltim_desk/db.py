"""Engine, sessions and migrations: the one place that knows how to talk to the database.

Every SQLite connection gets foreign keys on, a busy timeout and a durable synchronous mode
(RELIABILITY R2), and SQLAlchemy emits BEGIN itself so that a save, an import batch or a migration is
one real transaction (R1; pysqlite's own implicit transactions are switched off).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from kaltim_desk import dialect, fileio
from kaltim_desk.config import sqlite_path

BUSY_TIMEOUT_MS = dialect.LOCK_TIMEOUT_MS

# The newest migration: the schema this code works on. A start compares it with the database's revision
# in one query and loads Alembic (~0.15 s with its operations, templates and the migration scripts)
# only when there is something to migrate. tests/unit/test_migrations.py checks it against the scripts.
HEAD_REVISION = "0011_audit_key"
VERSION_TABLE = "alembic_version"

SessionFactory = Callable[[], Session]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for `url` with its backend's connection settings (`kaltim_desk.dialect`:
    SQLite's pragmas and explicit BEGIN; PostgreSQL's lock timeout and connection checks). Errors never
    carry their SQL parameters (`hide_parameters`): a failed insert would otherwise put a person's NIK,
    KK, name and address into the log file."""
    path = sqlite_path(url)
    if path is not None:
        # Owner-only on POSIX (R20): SQLite gives the -wal, -shm and -journal files the database's mode.
        fileio.private_dir(path.parent)
        if path.exists():
            fileio.make_private(path)
        else:
            with contextlib.suppress(FileExistsError):
                fileio.create_private_file(path)
    engine = create_engine(url, **{**dialect.engine_options(url), **kwargs, "hide_parameters": True})
    dialect.configure_engine(engine)
    return engine


class Database:
    """An engine with its session factory; one per open database."""

    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self.session_factory: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return dialect.is_sqlite(self.engine)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @contextlib.contextmanager
    def session(self, actor: Any = None) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error. `actor` is who acts."""
        session = self.session_factory()
        if actor is not None:
            session.info["actor"] = actor
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextlib.contextmanager
    def read_session(self, actor: Any = None) -> Iterator[Session]:
        """A session for reading only: whatever happens, it is rolled back."""
        session = self.session_factory()
        if actor is not None:
            session.info["actor"] = actor
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (None for an empty database), read from Alembic's version table
    with one query, without loading Alembic."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:  # several heads at once: Alembic's own message says which
        from alembic.runtime.migration import MigrationContext  # lazy: only for this odd state

        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return rows[0] if rows else None


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def migrate(
    engine: Engine, revision: str = "head", *, before_change: Callable[[Engine], None] | None = None
) -> None:
    """Bring the schema to `revision` (all of it in one transaction per step). `before_change(engine)`
    runs first when an existing schema is about to change (the app passes the backup service's
    `before_migration`, so every migration is preceded by a verified backup, R7)."""
    current = current_revision(engine)
    if current == HEAD_REVISION and revision == "head":
        return  # the usual start: nothing to do, and Alembic is not even loaded
    # lazy: Alembic (its operations, templates and the migration scripts) only when the schema changes
    from alembic import command

    head = head_revision(engine)
    if current == head and revision == "head":
        return
    if current is not None and current != head and before_change is not None:
        before_change(engine)
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def integrity_ok(engine: Engine, quick: bool = True) -> tuple[bool, str]:
    """The database's own integrity check (SQLite's PRAGMA; PostgreSQL's invalid indexes and
    constraints): see `dialect.integrity_check`."""
    with engine.connect() as conn:
        return dialect.integrity_check(conn, quick=quick)
