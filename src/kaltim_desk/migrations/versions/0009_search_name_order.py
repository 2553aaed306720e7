"""search in name order: the person name index keyed by a name-order key, a NIK + name index

SQLite: `person_fts` becomes a contentless FTS5 table whose rowid is `search.name_key(name, id)` (the
first six characters of the name above the person id; `_key_sql` below), so that a name search sorted
by name reads its first page in index order instead of sorting every match
(services/registry/search.py). The old table and its triggers are dropped and the index is built again from `person` (about 30 s for 1,000,000 people, once;
the app backs the database up before every migration). PostgreSQL: nothing changes (pg_trgm).

Both backends: `ix_person_nik_name` (nik, name, is_active), so that a NIK prefix sorted by name finds
its page's ids in that index alone (services/registry/people.py).

Downgrade puts back 0008's index (external content, rowid = person id), as written below: older code
reads the rowid as the person id.

Revision ID: 0009_search_name_order
Revises: 0008_delivery
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = "0009_search_name_order"
down_revision = "0008_delivery"
branch_labels = None
depends_on = None


# The name-order key in SQL (services/registry/search.py `name_key`, as it was at this revision):
# six characters of the name, 5 bits each, above 32 bits of person id.
_KEY_CHARS, _KEY_CHAR_BITS, _ID_BITS = 6, 5, 32


def _key_sql(row: str) -> str:
    terms = []
    for i in range(1, _KEY_CHARS + 1):
        c = f"coalesce(unicode(substr({row}.name, {i}, 1)), 0)"
        rank = (
            f"CASE WHEN {c} < 32 THEN 0 WHEN {c} = 32 THEN 1 WHEN {c} < 65 THEN 2 WHEN {c} <= 90 "
            f"THEN {c} - 62 WHEN {c} < 97 THEN 29 WHEN {c} <= 122 THEN 30 ELSE 31 END"
        )
        if i > 1:  # only while every character before has a rank of its own
            rank = f"CASE WHEN substr({row}.name, 1, {i - 1}) GLOB '*[^A-Z ]*' THEN 0 ELSE {rank} END"
        # in brackets: SQLite gives << and | the same precedence
        terms.append(f"(({rank}) << {_KEY_CHAR_BITS * (_KEY_CHARS - i) + _ID_BITS})")
    return "(" + " | ".join([*terms, f"{row}.id"]) + ")"


_NEW_SHAPE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS person_fts USING fts5("
    "name, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
    "CREATE TRIGGER IF NOT EXISTS person_fts_ai AFTER INSERT ON person BEGIN "
    f"INSERT INTO person_fts(rowid, name) VALUES ({_key_sql('new')}, new.name); END",
    "CREATE TRIGGER IF NOT EXISTS person_fts_ad AFTER DELETE ON person BEGIN "
    f"INSERT INTO person_fts(person_fts, rowid, name) VALUES ('delete', {_key_sql('old')}, old.name); END",
    "CREATE TRIGGER IF NOT EXISTS person_fts_au AFTER UPDATE OF name ON person BEGIN "
    f"INSERT INTO person_fts(person_fts, rowid, name) VALUES ('delete', {_key_sql('old')}, old.name); "
    f"INSERT INTO person_fts(rowid, name) VALUES ({_key_sql('new')}, new.name); END",
    "INSERT INTO person_fts(person_fts) VALUES ('delete-all')",
    f"INSERT INTO person_fts(rowid, name) SELECT {_key_sql('person')}, name FROM person",
)
_DROP = (
    "DROP TRIGGER IF EXISTS person_fts_au",
    "DROP TRIGGER IF EXISTS person_fts_ad",
    "DROP TRIGGER IF EXISTS person_fts_ai",
    "DROP TABLE IF EXISTS person_fts",
)


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
    op.create_index("ix_person_nik_name", "person", ["nik", "name", "is_active"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for stmt in (*_DROP, *_NEW_SHAPE):
            bind.exec_driver_sql(stmt)
        _write_shape_statistics(bind)


# 0007-0008's shape, for the downgrade only.
_OLD_SHAPE = (
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


def downgrade() -> None:
    op.drop_index("ix_person_nik_name", table_name="person")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for stmt in (*_DROP, *_OLD_SHAPE):
            bind.exec_driver_sql(stmt)
