"""Schema of the monitoring feature: mentoring visits and their photos.

A reserved slot in the linear migration chain (each feature fills its own file, so parallel work never
forks the history).

Revision ID: 0005_monitoring
Revises: 0004_training
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_monitoring"
down_revision = "0004_training"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("mentor_name", sa.String(length=150), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("topics", sa.String(length=200), nullable=False),
        sa.Column("business_status", sa.String(length=10), nullable=False),
        sa.Column("monthly_revenue", sa.BigInteger(), nullable=True),
        sa.Column("monthly_profit", sa.BigInteger(), nullable=True),
        sa.Column("workers", sa.Integer(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "business_status IN ('running', 'paused', 'closed', 'changed')", name=op.f("ck_visit_status")
        ),
        sa.CheckConstraint("(person_id IS NULL) <> (group_id IS NULL)", name=op.f("ck_visit_one_recipient")),
        sa.CheckConstraint("monthly_revenue IS NULL OR monthly_revenue >= 0", name=op.f("ck_visit_revenue")),
        sa.CheckConstraint("workers IS NULL OR workers >= 0", name=op.f("ck_visit_workers")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_visit_person_id_person")),
        sa.ForeignKeyConstraint(["group_id"], ["kube_group.id"], name=op.f("fk_visit_group_id_kube_group")),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["aid_grant.id"], name=op.f("fk_visit_grant_id_aid_grant"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_business_status"), ["business_status"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_grant_id"), ["grant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_mentor_name"), ["mentor_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_visited_on"), ["visited_on"], unique=False)

    op.create_table(
        "visit_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit.id"], name=op.f("fk_visit_photo_visit_id_visit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_photo")),
    )
    with op.batch_alter_table("visit_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_photo_visit_id"), ["visit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_photo_visit_id"))
    op.drop_table("visit_photo")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_visited_on"))
        batch_op.drop_index(batch_op.f("ix_visit_person_id"))
        batch_op.drop_index(batch_op.f("ix_visit_mentor_name"))
        batch_op.drop_index(batch_op.f("ix_visit_group_id"))
        batch_op.drop_index(batch_op.f("ix_visit_grant_id"))
        batch_op.drop_index(batch_op.f("ix_visit_business_status"))
    op.drop_table("visit")
