"""Schema of the safety feature.

A reserved slot in the linear migration chain (each feature fills its own file, so parallel work never
forks the history). Until the feature adds tables, it changes nothing.

Revision ID: 0002_safety
Revises: 0001_foundation
"""

from __future__ import annotations

revision = "0002_safety"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
