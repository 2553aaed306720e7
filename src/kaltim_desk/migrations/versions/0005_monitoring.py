"""Schema of the monitoring feature.

A reserved slot in the linear migration chain (each feature fills its own file, so parallel work never
forks the history). Until the feature adds tables, it changes nothing.

Revision ID: 0005_monitoring
Revises: 0004_training
"""

from __future__ import annotations

revision = "0005_monitoring"
down_revision = "0004_training"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
