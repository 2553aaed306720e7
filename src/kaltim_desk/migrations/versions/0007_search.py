"""search: a full-text index on person names (FTS5 on SQLite, pg_trgm on PostgreSQL)

SQLite: the FTS5 table `person_fts` over `person.name` (its shape is declared in services/registry/search.py;
0009 changed it to a name-order key), the three triggers that keep it in sync, and a rebuild that
indexes the people already registered. PostgreSQL: the pg_trgm extension and a GIN index on
`person.name`; where the server refuses `CREATE EXTENSION` (no privilege), nothing is added and search
uses the btree name index from 0001 and a scan (same answers, slower). The statements
live in `kaltim_desk.services.registry.search` beside the queries that rely on them.

Revision ID: 0007_search
Revises: 0006_excel
"""

from __future__ import annotations

from alembic import op

revision = "0007_search"
down_revision = "0006_excel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from kaltim_desk.services.registry import search

    bind = op.get_bind()
    search.create_index(bind, bind.dialect.name)


def downgrade() -> None:
    from kaltim_desk.services.registry import search

    bind = op.get_bind()
    search.drop_index(bind, bind.dialect.name)
