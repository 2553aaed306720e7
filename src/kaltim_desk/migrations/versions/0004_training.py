"""Schema of the training feature.

A reserved slot in the linear migration chain (each feature fills its own file, so parallel work never
forks the history). Until the feature adds tables, it changes nothing.

Revision ID: 0004_training
Revises: 0003_aid
"""

from __future__ import annotations

revision = "0004_training"
down_revision = "0003_aid"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
