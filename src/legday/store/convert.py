"""Strength sets to and from their rows: the one place that lists a set's stored fields."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from legday.model import ExerciseSet, SetType, Source, StrengthSession

from .schema import SetRow, StrengthSessionRow

__all__ = ["session_from_row", "set_from_row", "set_to_row", "set_values"]


def set_to_row(index: int, s: ExerciseSet) -> SetRow:
    return SetRow(**set_values(index, s))


def set_values(index: int, s: ExerciseSet) -> dict[str, Any]:
    """A set's stored fields, as the columns of ``strength_sets`` (its session's id apart)."""
    return dict(
        index=index,
        exercise=s.exercise,
        raw_name=s.raw_name,
        mapped=s.mapped,
        reps=s.reps,
        load_kg=s.load_kg,
        duration_s=s.duration_s,
        distance_m=s.distance_m,
        rir=s.rir,
        rpe=s.rpe,
        set_type=str(s.set_type),
        per_hand=s.per_hand,
        timestamp=s.timestamp,
        notes=s.notes,
    )


def set_from_row(r: SetRow) -> ExerciseSet:
    return ExerciseSet(
        exercise=r.exercise,
        raw_name=r.raw_name,
        reps=r.reps,
        load_kg=r.load_kg,
        duration_s=r.duration_s,
        rir=r.rir,
        rpe=r.rpe,
        set_type=SetType(r.set_type),
        distance_m=r.distance_m,
        order=r.index,
        per_hand=r.per_hand,
        timestamp=r.timestamp,
        mapped=r.mapped,
        notes=r.notes,
    )


def session_from_row(row: StrengthSessionRow) -> StrengthSession:
    start = row.start if row.start.tzinfo else row.start.replace(tzinfo=UTC)
    return StrengthSession(
        start=start,
        sets=tuple(set_from_row(r) for r in row.sets),
        name=row.name,
        duration_s=row.duration_s,
        utc_offset_s=row.utc_offset_s,
        source=Source(format=row.source_format),
    )
