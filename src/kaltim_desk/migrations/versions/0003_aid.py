"""Schema of the aid feature.

A reserved slot in the linear migration chain (each feature fills its own file, so parallel work never
forks the history). Until the feature adds tables, it changes nothing.

Revision ID: 0003_aid
Revises: 0002_safety
"""

from __future__ import annotations

revision = "0003_aid"
down_revision = "0002_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
