"""Each lift's state, kept as sets are stored so that nothing reads every set (issue 16, item 5).

A lifter's log can hold a million sets. The e1RM bests that judge a new session, and the
strength report and plan, need only per lift: its best e1RM (:func:`legday.strength.best_e1rm`,
the rule of :class:`~legday.strength.E1rmTracker`), how many sessions did it, and its latest
:data:`RECENT` sessions. ``lift_state`` holds these, one row per athlete and exercise:

* :func:`add` folds newly stored sessions in (import, ``legday log``);
* :func:`refresh` recounts the given lifts from their sets (``legday rm``, ``edit``, undo, a
  watch file replaced by a richer copy);
* :func:`states` and :func:`bests` read it, :func:`recent_lifts` the sessions among each lift's
  latest, as model objects read as plain columns (:func:`read_sessions`: no ORM object is
  built for what the report, the plan and the strength page only read).

A database from before the table (migration 0006) has no state yet: the first write builds it
from the sets in one streamed pass (:func:`ensure`), and reads until then compute it in memory
without writing (a read-only database keeps working).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ColumnElement, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from legday.model import ExerciseSet, SetType, Source, StrengthSession
from legday.strength.e1rm import best_e1rm

from .schema import Base, FiniteFloat, MetaRow, SetRow, StrengthSessionRow

__all__ = [
    "RECENT",
    "LiftState",
    "LiftStateRow",
    "add",
    "bests",
    "ensure",
    "read_ids",
    "read_sessions",
    "recent_ids",
    "recent_lifts",
    "refresh",
    "states",
]

#: Latest sessions kept per lift. The report's trend looks back over 6 normal sessions
#: (``report.TREND_SESSIONS``), a deload is judged against the 4 normal exposures before it
#: (``progression.DELOAD_NORM_EXPOSURES``) and a stall over 3 (``STALL_EXPOSURES``): 24 leaves
#: room for deloads inside the window and for the norm before its first trend session.
RECENT: int = 24
#: Rows streamed at a time when lift state is built from the sets.
SCAN_BATCH: int = 10_000
#: Session ids bound in one statement (SQLite's parameter limit is far above).
ID_BATCH: int = 500


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


@dataclass
class LiftState:
    """One lift's state (see the module docstring)."""

    mapped: bool = False
    sessions: int = 0
    best_e1rm_kg: float | None = None
    recent: list[tuple[float, int]] = field(default_factory=list)

    def fold(self, session_id: int, start: datetime, sets: Sequence[ExerciseSet]) -> None:
        """Count one session's sets of this lift (``sets`` all of this lift)."""
        self.sessions += 1
        self.mapped = self.mapped or any(s.mapped for s in sets)
        for s in sets:
            value = best_e1rm(s)
            if value is not None and (self.best_e1rm_kg is None or value > self.best_e1rm_kg):
                self.best_e1rm_kg = value
        self.recent = sorted([*self.recent, (_stamp(start), session_id)])[-RECENT:]


def _stamp(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _marker(athlete_id: int) -> str:
    return f"lift_state:{athlete_id}"


def _from_row(row: LiftStateRow) -> LiftState:
    recent = [(float(t), int(i)) for t, i in row.recent]
    return LiftState(row.mapped, row.sessions, row.best_e1rm_kg, recent)


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
    return s.get(MetaRow, _marker(athlete_id)) is not None


def ensure(s: Session, athlete_id: int) -> None:
    """Build the athlete's lift state from the sets once (a database from before 0006, or a
    new one); call it in a writing transaction, under the athlete's lock where there is one."""
    if _built(s, athlete_id):
        return
    s.execute(delete(LiftStateRow).where(LiftStateRow.athlete_id == athlete_id))
    _write(s, athlete_id, _scan(s, athlete_id))
    s.add(MetaRow(key=_marker(athlete_id), value="1"))
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
    if not _built(s, athlete_id):
        return _scan(s, athlete_id)
    rows = s.scalars(select(LiftStateRow).where(LiftStateRow.athlete_id == athlete_id)).all()
    return {r.exercise: _from_row(r) for r in rows}


def bests(s: Session, athlete_id: int) -> dict[str, float]:
    """The lifter's best e1RM per exercise, kg (lifts without one left out)."""
    return {k: v.best_e1rm_kg for k, v in states(s, athlete_id).items() if v.best_e1rm_kg}


#: A stored set's columns, in the order of :class:`ExerciseSet`'s fields (``order`` is the
#: set's ``index``), as :func:`legday.store.convert.set_from_row` maps them.
_SET_COLUMNS = tuple(
    SetRow.index if f.name == "order" else getattr(SetRow, f.name) for f in fields(ExerciseSet)
)
#: Where ``set_type`` (stored as text, an enum in the model) falls among them.
_SET_TYPE = [f.name for f in fields(ExerciseSet)].index("set_type")


def read_sessions(s: Session, *where: ColumnElement[bool]) -> dict[int, StrengthSession]:
    """The strength sessions that match ``where`` (conditions on :class:`StrengthSessionRow`),
    by id, oldest first, as :func:`~legday.store.convert.session_from_row` gives them, but read
    as plain columns: two statements, no ORM object and no verdict decoded."""
    heads = s.execute(
        select(
            StrengthSessionRow.id,
            StrengthSessionRow.start,
            StrengthSessionRow.name,
            StrengthSessionRow.duration_s,
            StrengthSessionRow.utc_offset_s,
            StrengthSessionRow.source_format,
        ).where(*where)
    ).all()
    if not heads:
        return {}
    sets: dict[int, list[ExerciseSet]] = {}
    rows = s.execute(
        select(SetRow.session_id, *_SET_COLUMNS)
        .join(StrengthSessionRow, SetRow.session_id == StrengthSessionRow.id)
        .where(*where)
        .order_by(SetRow.session_id, SetRow.index)
    )
    kinds = {str(t): t for t in SetType}
    for session_id, *values in rows:
        values[_SET_TYPE] = kinds[values[_SET_TYPE]]
        sets.setdefault(session_id, []).append(ExerciseSet(*values))
    found = sorted(heads, key=lambda h: (_stamp(h.start), h.id))
    return {
        h.id: StrengthSession(
            start=h.start if h.start.tzinfo else h.start.replace(tzinfo=UTC),
            sets=tuple(sets.get(h.id, ())),
            name=h.name,
            duration_s=h.duration_s,
            utc_offset_s=h.utc_offset_s,
            source=Source(format=h.source_format),
        )
        for h in found
    }


def recent_ids(found: dict[str, LiftState]) -> set[int]:
    """The ids of the sessions among any lift's latest :data:`RECENT`."""
    return {i for state in found.values() for _, i in state.recent}


def read_ids(s: Session, ids: Iterable[int]) -> dict[int, StrengthSession]:
    """:func:`read_sessions` of the sessions ``ids``, by id, oldest first."""
    wanted = sorted(set(ids))
    out: dict[int, StrengthSession] = {}
    for k in range(0, len(wanted), ID_BATCH):
        out |= read_sessions(s, StrengthSessionRow.id.in_(wanted[k : k + ID_BATCH]))
    if len(wanted) <= ID_BATCH:
        return out
    return dict(sorted(out.items(), key=lambda kv: (kv[1].start, kv[0])))


def recent_lifts(s: Session, found: dict[str, LiftState]) -> list[StrengthSession]:
    """The sessions among any lift's latest :data:`RECENT`, oldest first."""
    return list(read_ids(s, recent_ids(found)).values())
