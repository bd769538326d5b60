"""each run's best efforts over the standard distances, for the records page

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "best_efforts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "athlete_id",
            sa.Integer(),
            sa.ForeignKey("athletes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "activity_id",
            sa.Integer(),
            sa.ForeignKey("activities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("distance", sa.String(length=20), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("elapsed_s", sa.Float(), nullable=True),
        sa.Column("start_s", sa.Float(), nullable=True),
        sa.UniqueConstraint("activity_id", "distance", name="uq_best_effort_distance"),
    )
    op.create_index(
        "ix_best_effort_athlete_distance",
        "best_efforts",
        ["athlete_id", "distance", "elapsed_s"],
    )


def downgrade() -> None:
    op.drop_index("ix_best_effort_athlete_distance", table_name="best_efforts")
    op.drop_table("best_efforts")
