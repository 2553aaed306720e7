"""Schema of the training feature: trainings, trainers, sessions, participants, attendance and the
certificate register.

Revision ID: 0004_training
Revises: 0003_aid
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_training"
down_revision = "0003_aid"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topics", sa.String(length=400), nullable=True),
        sa.Column("organiser", sa.String(length=200), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'running', 'finished', 'cancelled')", name=op.f("ck_training_status")
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_training_dates")),
        sa.CheckConstraint("hours >= 0", name=op.f("ck_training_hours")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training")),
    )
    with op.batch_alter_table("training", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_start_date"), ["start_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_title"), ["title"], unique=False)

    op.create_table(
        "trainer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["training_id"], ["training.id"], name=op.f("fk_trainer_training_id_training"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer")),
    )
    with op.batch_alter_table("trainer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainer_training_id"), ["training_id"], unique=False)

    op.create_table(
        "training_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.CheckConstraint("hours >= 0", name=op.f("ck_training_session_hours")),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["training.id"],
            name=op.f("fk_training_session_training_id_training"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_session")),
    )
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_session_training_id"), ["training_id"], unique=False)

    op.create_table(
        "training_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("pre_score", sa.Integer(), nullable=True),
        sa.Column("post_score", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "post_score IS NULL OR post_score BETWEEN 0 AND 100",
            name=op.f("ck_training_participant_post_score"),
        ),
        sa.CheckConstraint(
            "pre_score IS NULL OR pre_score BETWEEN 0 AND 100", name=op.f("ck_training_participant_pre_score")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["kube_group.id"], name=op.f("fk_training_participant_group_id_kube_group")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_training_participant_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["training.id"],
            name=op.f("fk_training_participant_training_id_training"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_participant")),
        sa.UniqueConstraint("training_id", "person_id", name="uq_training_participant_person"),
    )
    with op.batch_alter_table("training_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_participant_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_training_participant_training_id"), ["training_id"], unique=False
        )

    op.create_table(
        "training_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "status IN ('present', 'excused', 'absent')", name=op.f("ck_training_attendance_status")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["training_participant.id"],
            name=op.f("fk_training_attendance_participant_id_training_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_session.id"],
            name=op.f("fk_training_attendance_session_id_training_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attendance")),
        sa.UniqueConstraint("session_id", "participant_id", name="uq_training_attendance_pair"),
    )
    with op.batch_alter_table("training_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_attendance_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_training_attendance_session_id"), ["session_id"], unique=False)

    op.create_table(
        "training_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=120), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("verification_code", sa.String(length=32), nullable=False),
        sa.Column("issued_by", sa.String(length=60), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=300), nullable=True),
        sa.Column("print_count", sa.Integer(), nullable=False),
        sa.Column("last_printed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["training_participant.id"],
            name=op.f("fk_training_certificate_participant_id_training_participant"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_certificate")),
        sa.UniqueConstraint("number", name=op.f("uq_training_certificate_number")),
        sa.UniqueConstraint("verification_code", name=op.f("uq_training_certificate_verification_code")),
    )
    with op.batch_alter_table("training_certificate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_certificate_participant_id"), ["participant_id"], unique=False
        )
        # at most one valid (unrevoked) certificate per participant
        batch_op.create_index(
            "uq_training_certificate_valid",
            ["participant_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("training_certificate", schema=None) as batch_op:
        batch_op.drop_index("uq_training_certificate_valid")
        batch_op.drop_index(batch_op.f("ix_training_certificate_participant_id"))

    op.drop_table("training_certificate")
    with op.batch_alter_table("training_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_attendance_session_id"))
        batch_op.drop_index(batch_op.f("ix_training_attendance_participant_id"))

    op.drop_table("training_attendance")
    with op.batch_alter_table("training_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_participant_training_id"))
        batch_op.drop_index(batch_op.f("ix_training_participant_person_id"))

    op.drop_table("training_participant")
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_session_training_id"))

    op.drop_table("training_session")
    with op.batch_alter_table("trainer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainer_training_id"))

    op.drop_table("trainer")
    with op.batch_alter_table("training", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_title"))
        batch_op.drop_index(batch_op.f("ix_training_status"))
        batch_op.drop_index(batch_op.f("ix_training_start_date"))

    op.drop_table("training")
