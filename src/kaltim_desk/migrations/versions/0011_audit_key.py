"""audit key: each audit row names the key of its HMAC chain (NULL for the rows written before keys)

Rows written from now on are chained by an HMAC-SHA-256 under an office key kept outside the database
(core/audit.py); `key_id` says which key, so `check` can tell a row signed with another office's key
from a tampered one. Rows written before this migration keep their plain SHA-256 links (key_id NULL), and
the first keyed row's MAC covers the last of them, which seals the old chain under the key.

Revision ID: 0011_audit_key
Revises: 0010_issued_documents
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_audit_key"
down_revision = "0010_issued_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("key_id", sa.String(16), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column by copying the table; the insert-only triggers would refuse nothing
        # here, but the copy loses them, so they are put back as 0002 wrote them.
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        with op.batch_alter_table("audit_log") as batch:
            batch.drop_column("key_id")
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is insert-only'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is insert-only'); END"
        )
    else:
        op.drop_column("audit_log", "key_id")
