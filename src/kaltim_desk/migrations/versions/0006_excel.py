"""Schema of the excel feature.

A reserved slot in the linear migration chain (each feature fills its own file, so parallel work never
forks the history). Until the feature adds tables, it changes nothing.

Revision ID: 0006_excel
Revises: 0005_monitoring
"""

from __future__ import annotations

revision = "0006_excel"
down_revision = "0005_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
