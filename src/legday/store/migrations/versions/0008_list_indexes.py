"""covering indexes for the activity list's filters, counts and choices

The list counts every session that passes its filter, and its form offers the kinds,
categories and sports stored: without these, each read every row of the history (a run's row
holds its analysis and verdict, a few kB). With them, a count or a choice reads small index
entries, one of a kind reads only that kind's, and the watch workouts left out of the list
(stored as sets too) are found without reading every lifting session (issue 18).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: The columns the list filters on, after the athlete: (table, index, columns).
INDEXES = (
    (
        "activities",
        "ix_activity_athlete_list",
        ["athlete_id", "kind", "sport", "category", "counts_as_leg_day", "start", "name"],
    ),
    (
        "strength_sessions",
        "ix_strength_athlete_list",
        ["athlete_id", "category", "counts_as_leg_day", "start", "name"],
    ),
    # a watch's strength workouts, listed once, as their sets: the activities to leave out
    ("strength_sessions", "ix_strength_athlete_activity", ["athlete_id", "activity_id"]),
)


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for table, name, _ in INDEXES:
        op.drop_index(name, table_name=table)
