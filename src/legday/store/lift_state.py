"""Each lift's state, kept as sets are stored so that nothing reads every set (issue 16, item 5).

A lifter's log can hold a million sets. The e1RM bests that judge a new session, and the
strength report and plan, need only per lift: its best e1RM (:func:`legday.strength.best_e1rm`,
the rule of :class:`~legday.strength.E1rmTracker`), how many sessions did it, and its latest
:data:`RECENT` sessions. ``lift_state`` holds these, one row per athlete and exercise:

* :func:`add` folds newly stored sessions in (import, ``legday log``);
* :func:`refresh` recounts the given lifts from their sets (``legday rm``, ``edit``, undo, a
  watch file replaced by a richer copy);
* :func:`states` and :func:`bests` read it, :func:`recent_lifts` the sessions among each lift's
  latest, as model objects read as plain columns (:func:`legday.store.quick.read_sessions`:
  no ORM object is built for what the report, the plan and the strength page only read).

The state as read, and the reads themselves, live in :mod:`legday.store.quick`, which the
everyday commands read without SQLAlchemy; this module writes it.

A database from before the table (migration 0006) has no state yet: the first write builds it
from the sets in one streamed pass (:func:`ensure`), and reads until then compute it in memory
without writing (a read-only database keeps working).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from legday.model import ExerciseSet, SetType, StrengthSession
from legday.strength.e1rm import best_e1rm

from .quick import (
    ID_BATCH,
    RECENT,
    LiftState,
    _stamp,
    lift_states,
    marker,
    recent_ids,
    session_reads,
)
from .quick import read_ids as _read_ids
from .schema import Base, FiniteFloat, MetaRow, SetRow, StrengthSessionRow

__all__ = [
    "ID_BATCH",
    "RECENT",
    "LiftState",
    "LiftStateRow",
    "add",
    "bests",
    "ensure",
    "read_ids",
    "recent_ids",
    "recent_lifts",
    "refresh",
    "states",
]

#: Rows streamed at a time when lift state is built from the sets.
SCAN_BATCH: int = 10_000


class LiftStateRow(Base):
    __tablename__ = "lift_state"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    exercise: Mapped[str] = mapped_column(String(200), primary_key=True)
    mapped: Mapped[bool] = mapped_column(Boolean)
    sessions: Mapped[int] = mapped_column(Integer)
    best_e1rm_kg: Mapped[float | None] = mapped_column(FiniteFloat)
    recent: Mapped[list[list[float]]] = mapped_column(JSON)
    """``[[start as a UTC timestamp, session id], …]``, oldest first, at most RECENT."""


def _from_row(row: LiftStateRow) -> LiftState:
    return LiftState.stored(row.mapped, row.sessions, row.best_e1rm_kg, row.recent)


def _write(s: Session, athlete_id: int, found: dict[str, LiftState]) -> None:
    for exercise, state in found.items():
        row = s.get(LiftStateRow, (athlete_id, exercise))
        if state.sessions == 0:
            if row is not None:
                s.delete(row)
            continue
        if row is None:
            row = LiftStateRow(athlete_id=athlete_id, exercise=exercise)
            s.add(row)
        row.mapped = state.mapped
        row.sessions = state.sessions
        row.best_e1rm_kg = state.best_e1rm_kg
        row.recent = [[t, i] for t, i in state.recent]


def _scan(
    s: Session, athlete_id: int, exercises: Iterable[str] | None = None
) -> dict[str, LiftState]:
    """Each lift's state from its stored sets, streamed in start order."""
    query = (
        select(
            SetRow.exercise,
            SetRow.mapped,
            SetRow.reps,
            SetRow.load_kg,
            SetRow.rir,
            SetRow.rpe,
            SetRow.set_type,
            SetRow.session_id,
            StrengthSessionRow.start,
        )
        .join(StrengthSessionRow, SetRow.session_id == StrengthSessionRow.id)
        .where(StrengthSessionRow.athlete_id == athlete_id)
        .order_by(StrengthSessionRow.start, StrengthSessionRow.id)
    )
    wanted = None if exercises is None else set(exercises)
    if wanted is not None:
        query = query.where(SetRow.exercise.in_(wanted))
    found: dict[str, LiftState] = {k: LiftState() for k in wanted or ()}
    last: dict[str, int] = {}
    recent: dict[str, deque[tuple[float, int]]] = {}
    for r in s.execute(query.execution_options(yield_per=SCAN_BATCH)):
        state = found.setdefault(r.exercise, LiftState())
        if last.get(r.exercise) != r.session_id:
            last[r.exercise] = r.session_id
            state.sessions += 1
            recent.setdefault(r.exercise, deque(maxlen=RECENT)).append(
                (_stamp(r.start), r.session_id)
            )
        state.mapped = state.mapped or bool(r.mapped)
        one = ExerciseSet(
            exercise=r.exercise,
            reps=r.reps,
            load_kg=r.load_kg,
            rir=r.rir,
            rpe=r.rpe,
            set_type=SetType(r.set_type),
        )
        value = best_e1rm(one)
        if value is not None and (state.best_e1rm_kg is None or value > state.best_e1rm_kg):
            state.best_e1rm_kg = value
    for exercise, kept in recent.items():
        found[exercise].recent = list(kept)
    return found


def _built(s: Session, athlete_id: int) -> bool:
    return s.get(MetaRow, marker(athlete_id)) is not None


def ensure(s: Session, athlete_id: int) -> None:
    """Build the athlete's lift state from the sets once (a database from before 0006, or a
    new one); call it in a writing transaction, under the athlete's lock where there is one."""
    if _built(s, athlete_id):
        return
    s.execute(delete(LiftStateRow).where(LiftStateRow.athlete_id == athlete_id))
    _write(s, athlete_id, _scan(s, athlete_id))
    s.add(MetaRow(key=marker(athlete_id), value="1"))
    s.flush()


def add(s: Session, athlete_id: int, stored: Iterable[tuple[int, datetime, Sequence[Any]]]) -> None:
    """Fold newly stored sessions in: ``(session id, start, sets)`` each, flushed already."""
    if not _built(s, athlete_id):
        ensure(s, athlete_id)  # the scan counts them, being stored
        return
    by_lift: dict[str, list[tuple[int, datetime, list[ExerciseSet]]]] = {}
    for session_id, start, sets in stored:
        mine: dict[str, list[ExerciseSet]] = {}
        for one in sets:
            mine.setdefault(one.exercise, []).append(one)
        for exercise, those in mine.items():
            by_lift.setdefault(exercise, []).append((session_id, start, those))
    if not by_lift:
        return
    rows = s.scalars(
        select(LiftStateRow).where(
            LiftStateRow.athlete_id == athlete_id, LiftStateRow.exercise.in_(by_lift)
        )
    ).all()
    found = {r.exercise: _from_row(r) for r in rows}
    for exercise, sessions in by_lift.items():
        state = found.setdefault(exercise, LiftState())
        for session_id, start, those in sessions:
            state.fold(session_id, start, those)
    _write(s, athlete_id, found)
    s.flush()


def refresh(s: Session, athlete_id: int, exercises: Iterable[str]) -> None:
    """Recount ``exercises`` from their stored sets (after a removal or an edit), flushed."""
    wanted = set(exercises)
    if not wanted or not _built(s, athlete_id):
        return  # built in full on the next write
    s.flush()
    _write(s, athlete_id, _scan(s, athlete_id, wanted))
    s.flush()


def states(s: Session, athlete_id: int) -> dict[str, LiftState]:
    """Every lift's state (computed in memory when the database has none stored yet)."""
    found = lift_states(session_reads(s), athlete_id)
    return _scan(s, athlete_id) if found is None else found


def bests(s: Session, athlete_id: int) -> dict[str, float]:
    """The lifter's best e1RM per exercise, kg (lifts without one left out)."""
    return {k: v.best_e1rm_kg for k, v in states(s, athlete_id).items() if v.best_e1rm_kg}


def read_ids(s: Session, ids: Iterable[int]) -> dict[int, StrengthSession]:
    """The lifting sessions ``ids``, by id, oldest first (:func:`legday.store.quick.read_ids`)."""
    return _read_ids(session_reads(s), ids)


def recent_lifts(s: Session, found: dict[str, LiftState]) -> list[StrengthSession]:
    """The sessions among any lift's latest :data:`RECENT`, oldest first."""
    return list(read_ids(s, recent_ids(found)).values())
