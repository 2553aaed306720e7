"""The schema comes from Alembic migrations: upgrade from empty gives exactly the models' tables,
and every migration can be downgraded back to empty."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kaltim_desk.db import HEAD_REVISION, Database, current_revision, downgrade, head_revision, migrate
from kaltim_desk.models import Base


def _partial_unique(diff: tuple) -> bool:
    """SQLite reflects a partial unique index (`... WHERE revoked_at IS NULL`) without its WHERE, and
    Alembic then reports the model's index as a missing unique constraint: not a real difference when
    the model declares exactly that partial index on those columns."""
    if diff[0] != "add_constraint":
        return False
    constraint = diff[1]
    cols = [c.name for c in constraint.columns]
    table = constraint.table
    return any(
        ix.unique
        and [c.name for c in ix.columns] == cols
        and ix.dialect_options["sqlite"].get("where") is not None
        for ix in table.indexes
    )


def _fresh(db_url: str) -> Database:
    """An empty database of the backend under test (a SQLite file, or a new PostgreSQL database)."""
    return Database(db_url)


def test_the_revision_a_start_expects_is_the_newest_migration(db_url):
    """A start compares the database with `HEAD_REVISION` without loading Alembic: a new migration must
    move it, or every start would load Alembic and no database would be migrated to the new script."""
    db = _fresh(db_url)
    assert head_revision(db.engine) == HEAD_REVISION
    assert current_revision(db.engine) is None
    migrate(db.engine)
    with db.engine.connect() as conn:
        assert (
            current_revision(db.engine)
            == MigrationContext.configure(conn).get_current_revision()
            == HEAD_REVISION
        )
    db.dispose()


def test_upgrade_from_empty_matches_the_models(db_url):
    db = _fresh(db_url)
    migrate(db.engine)
    assert current_revision(db.engine) == head_revision(db.engine)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Only differences the migrations add on purpose and the models can not declare (FTS tables,
    # triggers) may remain; no table, column or index of the models may be missing.
    missing = [
        d
        for d in diff
        if d[0] in ("add_table", "add_column", "add_index", "add_constraint") and not _partial_unique(d)
    ]
    assert missing == []
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_empty_and_upgrade_again(db_url):
    db = _fresh(db_url)
    migrate(db.engine)
    downgrade(db.engine, "base")
    leftover = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert not (leftover & set(Base.metadata.tables))
    assert current_revision(db.engine) is None
    migrate(db.engine)
    assert current_revision(db.engine) == head_revision(db.engine)


def test_each_step_downgrades_one_revision(db_url):
    from alembic.script import ScriptDirectory

    from kaltim_desk.db import alembic_config

    db = _fresh(db_url)
    migrate(db.engine)
    script = ScriptDirectory.from_config(alembic_config(db.engine))
    revisions = [r.revision for r in script.walk_revisions()]  # newest first
    for rev in revisions:
        assert current_revision(db.engine) == rev
        downgrade(db.engine, "-1")
    assert current_revision(db.engine) is None


def test_the_app_migrates_an_old_database_on_open(db_url):
    from kaltim_desk.services.office.bootstrap import prepare

    db = _fresh(db_url)
    migrate(db.engine, "0001_foundation")
    assert current_revision(db.engine) == "0001_foundation"
    prepare(db)
    assert current_revision(db.engine) == head_revision(db.engine)
