"""Schema of the excel feature: import batches, the export log, exports seen by a consolidating office.

Revision ID: 0006_excel
Revises: 0005_monitoring
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_excel"
down_revision = "0005_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("sheet", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("committed_at", sa.DateTime(), nullable=False),
        sa.Column("rolled_back_at", sa.DateTime(), nullable=True),
        sa.Column("rollback_reason", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("groups_created", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.CheckConstraint("status IN ('committed', 'rolled_back')", name=op.f("ck_import_batch_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_file_sha256"), ["file_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_batch_status"), ["status"], unique=False)

    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_code", sa.String(length=20), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("is_full", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_log")),
        sa.UniqueConstraint("office_code", "sequence", name="uq_export_log_office_sequence"),
    )
    op.create_table(
        "seen_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_code", sa.String(length=20), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_export")),
        sa.UniqueConstraint("office_code", "sequence", name="uq_seen_export_office_sequence"),
    )


def downgrade() -> None:
    op.drop_table("seen_export")
    op.drop_table("export_log")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_status"))
        batch_op.drop_index(batch_op.f("ix_import_batch_file_sha256"))
    op.drop_table("import_batch")
