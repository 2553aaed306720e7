"""search in name order: the person name index keyed by a name-order key, a NIK + name index

SQLite: `person_fts` becomes a contentless FTS5 table whose rowid is `search.name_key(name, id)` (the
first six characters of the name above the person id), so that a name search sorted by name reads its
first page in index order instead of sorting every match (services/registry/search.py). The old table and its
triggers are dropped and the index is built again from `person` (about 30 s for 1,000,000 people, once;
the app backs the database up before every migration). PostgreSQL: nothing changes (pg_trgm).

Both backends: `ix_person_nik_name` (nik, name, is_active), so that a NIK prefix sorted by name finds
its page's ids in that index alone (services/registry/people.py).

Downgrade puts back 0008's index (external content, rowid = person id), as written below: older code
reads the rowid as the person id.

Revision ID: 0009_search_name_order
Revises: 0008_delivery
"""

from __future__ import annotations

from alembic import op

revision = "0009_search_name_order"
down_revision = "0008_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from kaltim_desk.services.registry import search

    op.create_index("ix_person_nik_name", "person", ["nik", "name", "is_active"])
    bind = op.get_bind()
    if search.backend(bind.dialect.name) == "fts5":
        search.drop_index(bind, bind.dialect.name)
        search.create_index(bind, bind.dialect.name)


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
    from kaltim_desk.services.registry import search

    op.drop_index("ix_person_nik_name", table_name="person")
    bind = op.get_bind()
    if search.backend(bind.dialect.name) == "fts5":
        search.drop_index(bind, bind.dialect.name)
        for stmt in _OLD_SHAPE:
            bind.exec_driver_sql(stmt)
