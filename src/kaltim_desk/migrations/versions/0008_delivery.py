"""Schema of the delivery feature.

A reserved slot in the linear migration chain (each feature fills its own file, so parallel work never
forks the history). Until the feature adds tables, it changes nothing.

Revision ID: 0008_delivery
Revises: 0007_search
"""

from __future__ import annotations

revision = "0008_delivery"
down_revision = "0007_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
