"""search: a full-text index on person names (FTS5 on SQLite, pg_trgm on PostgreSQL)

SQLite: the FTS5 table `person_fts` over `person.name` (external content, rowid = person id; 0009
changed it to a name-order key), the three triggers that keep it in sync, a rebuild that indexes the
people already registered, and province-scale planner statistics for `person`. PostgreSQL: the pg_trgm
extension and a GIN index on `person.name`; where the server refuses `CREATE EXTENSION` (no privilege),
nothing is added and search uses the btree name index from 0001 and a scan (same answers, slower).
The statements are written out here (a migration never changes with the app's code); the queries that
rely on them are in `services/registry/search.py`.

Revision ID: 0007_search
Revises: 0006_excel
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = "0007_search"
down_revision = "0006_excel"
branch_labels = None
depends_on = None

_SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS person_fts USING fts5("
    "name, content='person', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
    "CREATE TRIGGER IF NOT EXISTS person_fts_ai AFTER INSERT ON person BEGIN "
    "INSERT INTO person_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER IF NOT EXISTS person_fts_ad AFTER DELETE ON person BEGIN "
    "INSERT INTO person_fts(person_fts, rowid, name) VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER IF NOT EXISTS person_fts_au AFTER UPDATE OF name ON person BEGIN "
    "INSERT INTO person_fts(person_fts, rowid, name) VALUES ('delete', old.id, old.name); "
    "INSERT INTO person_fts(rowid, name) VALUES (new.id, new.name); END",
    "INSERT INTO person_fts(person_fts) VALUES ('rebuild')",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS person_fts_au",
    "DROP TRIGGER IF EXISTS person_fts_ad",
    "DROP TRIGGER IF EXISTS person_fts_ai",
    "DROP TABLE IF EXISTS person_fts",
)
_PG_TRGM_INDEX = "ix_person_name_trgm"


# How many rows of `person` share one value of each indexed column in a province-scale database
# (1,000,000 people). Without statistics SQLite guesses that an equality on any index is selective and
# answers "active people sorted by name" through the is_active index, sorting the whole table; these
# shape statistics (written unless the table has statistics already) make it walk the name index.
_PERSON_SHAPE_ROWS = 1_000_000
_PERSON_SHAPE = {
    "nik": 1,
    "name": 3,
    "kk_number": 2,
    "village_code": 1_000,
    "business_type": 100_000,
    "is_active": 500_000,
    "import_batch_id": 10_000,
}


def _write_shape_statistics(bind: Any) -> None:
    execute = bind.exec_driver_sql
    execute("ANALYZE sqlite_schema")
    if execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'person'").scalar():
        return
    for _seq, index, *_rest in execute("PRAGMA index_list(person)").all():
        cols = [r[2] for r in execute(f"PRAGMA index_info({index})").all()]
        if len(cols) == 1 and cols[0] in _PERSON_SHAPE:
            name, stat = index.replace("'", ""), f"{_PERSON_SHAPE_ROWS} {_PERSON_SHAPE[cols[0]]}"
            execute(f"INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('person', '{name}', '{stat}')")
    execute("ANALYZE sqlite_schema")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for stmt in _SQLITE:
            bind.exec_driver_sql(stmt)
        _write_shape_statistics(bind)
    elif bind.dialect.name == "postgresql":
        # CREATE EXTENSION may need a privileged role; a savepoint keeps the migration's transaction
        # usable when it is refused, and the plain name index (from 0001) then stays the only one.
        bind.exec_driver_sql("SAVEPOINT search_trgm")
        try:
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            bind.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {_PG_TRGM_INDEX} ON person USING gin (name gin_trgm_ops)"
            )
        except Exception:
            bind.exec_driver_sql("ROLLBACK TO SAVEPOINT search_trgm")
        else:
            bind.exec_driver_sql("RELEASE SAVEPOINT search_trgm")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for stmt in _SQLITE_DROP:
            bind.exec_driver_sql(stmt)
    elif bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {_PG_TRGM_INDEX}")
