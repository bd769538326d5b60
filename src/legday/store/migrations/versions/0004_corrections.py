"""sessions a user can correct: a strength session's own RPE and notes (``legday edit``),
removed sessions kept for undo (``legday rm``), and the legday version that wrote the schema

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("strength_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rpe", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=True))
    op.create_table(
        "removed_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "athlete_id",
            sa.Integer(),
            sa.ForeignKey("athletes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("samples", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_removed_athlete_batch", "removed_sessions", ["athlete_id", "batch"])
    op.create_table(
        "legday_meta",
        sa.Column("key", sa.String(length=40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("legday_meta")
    op.drop_index("ix_removed_athlete_batch", table_name="removed_sessions")
    op.drop_table("removed_sessions")
    with op.batch_alter_table("strength_sessions", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("rpe")
