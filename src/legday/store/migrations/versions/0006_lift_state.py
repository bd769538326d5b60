"""big lifting logs stay fast: each lift's e1RM best, session count and latest sessions kept
as the sets are stored (``lift_state``), and the sets indexed by their session

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lift_state",
        sa.Column(
            "athlete_id",
            sa.Integer(),
            sa.ForeignKey("athletes.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("exercise", sa.String(length=200), primary_key=True),
        sa.Column("mapped", sa.Boolean(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("best_e1rm_kg", sa.Float(), nullable=True),
        sa.Column("recent", sa.JSON(), nullable=False),
    )
    # Existing databases fill lift_state on first use (legday.store.lift_state.ensure).
    op.create_index("ix_strength_sets_session", "strength_sets", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_strength_sets_session", table_name="strength_sets")
    op.drop_table("lift_state")
