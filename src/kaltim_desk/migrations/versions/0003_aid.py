"""Schema of the aid feature: programmes, grants, goods items, cash tranches, status history.

Revision ID: 0003_aid
Revises: 0002_safety
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_aid"
down_revision = "0002_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aid_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("funding_source", sa.String(length=8), nullable=False),
        sa.Column("ceiling_per_group", sa.BigInteger(), nullable=False),
        sa.Column("ceiling_per_person", sa.BigInteger(), nullable=False),
        sa.Column("total_budget", sa.BigInteger(), nullable=True),
        sa.Column("tranche_plan", sa.String(length=40), nullable=False),
        sa.Column("aid_form", sa.String(length=5), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("aid_form IN ('cash', 'goods')", name=op.f("ck_aid_programme_aid_form")),
        sa.CheckConstraint(
            "funding_source IN ('APBD', 'APBD-P', 'APBN')", name=op.f("ck_aid_programme_funding_source")
        ),
        sa.CheckConstraint(
            "ceiling_per_group >= 0 AND ceiling_per_person >= 0", name=op.f("ck_aid_programme_ceilings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_programme")),
        sa.UniqueConstraint("name", "budget_year", name="uq_aid_programme_name_year"),
    )
    with op.batch_alter_table("aid_programme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aid_programme_budget_year"), ["budget_year"], unique=False)

    op.create_table(
        "aid_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(length=5), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("agreement_number", sa.String(length=120), nullable=True),
        sa.Column("agreement_signed_on", sa.Date(), nullable=True),
        sa.Column("handover_on", sa.Date(), nullable=True),
        sa.Column("accountability_received_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("form IN ('cash', 'goods')", name=op.f("ck_aid_grant_form")),
        sa.CheckConstraint(
            "status IN ('proposed', 'verified', 'approved', 'agreement_signed', 'disbursing', 'disbursed', 'accountability_received', 'closed', 'rejected', 'cancelled')",
            name=op.f("ck_aid_grant_status"),
        ),
        sa.CheckConstraint(
            "(group_id IS NULL AND person_id IS NOT NULL) OR (group_id IS NOT NULL AND person_id IS NULL)",
            name=op.f("ck_aid_grant_one_recipient"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_aid_grant_amount")),
        sa.ForeignKeyConstraint(
            ["group_id"], ["kube_group.id"], name=op.f("fk_aid_grant_group_id_kube_group")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_aid_grant_person_id_person")),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["aid_programme.id"], name=op.f("fk_aid_grant_programme_id_aid_programme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_grant")),
    )
    with op.batch_alter_table("aid_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aid_grant_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aid_grant_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aid_grant_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aid_grant_status"), ["status"], unique=False)

    op.create_table(
        "aid_grant_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_aid_grant_item_quantity")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_aid_grant_item_unit_price")),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["aid_grant.id"],
            name=op.f("fk_aid_grant_item_grant_id_aid_grant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_grant_item")),
    )
    with op.batch_alter_table("aid_grant_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aid_grant_item_grant_id"), ["grant_id"], unique=False)

    op.create_table(
        "aid_grant_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["aid_grant.id"],
            name=op.f("fk_aid_grant_status_change_grant_id_aid_grant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_grant_status_change")),
    )
    with op.batch_alter_table("aid_grant_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aid_grant_status_change_grant_id"), ["grant_id"], unique=False)

    op.create_table(
        "aid_tranche",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("planned_share_pct", sa.Integer(), nullable=False),
        sa.Column("planned_amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_amount", sa.BigInteger(), nullable=True),
        sa.Column("bank_reference", sa.String(length=60), nullable=True),
        sa.Column("receipt_number", sa.String(length=120), nullable=True),
        sa.CheckConstraint("planned_amount >= 0", name=op.f("ck_aid_tranche_planned_amount")),
        sa.CheckConstraint("planned_share_pct BETWEEN 0 AND 100", name=op.f("ck_aid_tranche_share")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_aid_tranche_seq")),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["aid_grant.id"], name=op.f("fk_aid_tranche_grant_id_aid_grant"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_tranche")),
        sa.UniqueConstraint("grant_id", "seq", name="uq_aid_tranche_grant_seq"),
    )


def downgrade() -> None:
    op.drop_table("aid_tranche")
    with op.batch_alter_table("aid_grant_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aid_grant_status_change_grant_id"))

    op.drop_table("aid_grant_status_change")
    with op.batch_alter_table("aid_grant_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aid_grant_item_grant_id"))

    op.drop_table("aid_grant_item")
    with op.batch_alter_table("aid_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aid_grant_status"))
        batch_op.drop_index(batch_op.f("ix_aid_grant_programme_id"))
        batch_op.drop_index(batch_op.f("ix_aid_grant_person_id"))
        batch_op.drop_index(batch_op.f("ix_aid_grant_group_id"))

    op.drop_table("aid_grant")
    with op.batch_alter_table("aid_programme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aid_programme_budget_year"))

    op.drop_table("aid_programme")
