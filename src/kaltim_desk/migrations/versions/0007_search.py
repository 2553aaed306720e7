"""Schema of the search feature.

A reserved slot in the linear migration chain (each feature fills its own file, so parallel work never
forks the history). Until the feature adds tables, it changes nothing.

Revision ID: 0007_search
Revises: 0006_excel
"""

from __future__ import annotations

revision = "0007_search"
down_revision = "0006_excel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
