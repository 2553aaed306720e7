"""issued documents: the stored data of every numbered aid document, so a reprint is identical

One table, `issued_document` (kind, entity, grant, number, JSON snapshot, its SHA-256, who and when,
print count). Documents numbered before this revision get their snapshot on their next print.

Revision ID: 0010_issued_documents
Revises: 0009_search_name_order
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_issued_documents"
down_revision = "0009_search_name_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(120), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(60), nullable=False),
        sa.Column("print_count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("kind", "entity_id", name="uq_issued_document_kind_entity"),
        sa.UniqueConstraint("number", name="uq_issued_document_number"),
    )
    op.create_index("ix_issued_document_grant_id", "issued_document", ["grant_id"])


def downgrade() -> None:
    op.drop_index("ix_issued_document_grant_id", table_name="issued_document")
    op.drop_table("issued_document")
