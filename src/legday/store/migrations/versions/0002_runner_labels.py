"""the runner's labels on activities

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("label_reps", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("labelled_at")
        batch_op.drop_column("label_reps")
        batch_op.drop_column("label_kind")
