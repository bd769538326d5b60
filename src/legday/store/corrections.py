"""Sessions a user can correct: where a logged session goes, ``legday rm`` (and its undo) and
``legday edit``.

``legday log`` without a time gets one that no stored session holds: a session logged "now"
ended now and lasted about as long as its sets take (:func:`estimated_duration_s`); one logged
for a date starts at 18:00; either moves on to the end of a session it would overlap, so three
quick logs are three sessions one after the other, never three at 0:00 of the same minute. The
same sets logged again on the same day are refused as a duplicate (:class:`DuplicateError`,
naming the stored id) unless the user says ``--again``.

``legday rm`` removes activities (``42``) and strength sessions (``s5``), and keeps each
removed row whole in ``removed_sessions`` (its columns, its laps, segments or sets, an
activity's samples), one batch per call; the original files stay in the blob store.
``legday rm --undo`` puts the last batch back with its ids. ``legday edit`` changes a strength
session's name, time, RPE, notes or sets, and judges it again.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, inspect, select

from legday.errors import DuplicateError, LogSyntaxError, NotFoundError, OutOfRangeError
from legday.model import ExerciseSet, StrengthSession
from legday.plausible import implausible_date

from . import lift_state
from .convert import session_from_row, set_to_row
from .facts import local_time
from .ids import SessionRef, parse_session_id, shown_id
from .schema import (
    ActivityRow,
    Base,
    LapRow,
    RemovedRow,
    SegmentRow,
    SetRow,
    StrengthSessionRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from legday.model import AthleteProfile

    from .library import Library

__all__ = [
    "DEFAULT_LOG_TIME",
    "REP_S",
    "SessionRef",
    "check_rpe",
    "estimated_duration_s",
    "find_duplicate",
    "log_start",
    "parse_session_id",
    "place_start",
    "remove_sessions",
    "replace_sets",
    "shown_id",
    "undo_remove",
]

#: Seconds one repetition takes, for a logged session's estimated length (ACSM 2009, Ratamess
#: et al.: 1–2 s lifting and 1–2 s lowering at a moderate tempo).
REP_S: float = 3.0
#: Local time of a session logged with a date and no time (after work).
DEFAULT_LOG_TIME = time(18, 0)


# --- where a logged session goes ---------------------------------------------------------------


def estimated_duration_s(sets: Sequence[ExerciseSet], rest_s: float) -> float:
    """How long the sets take: each set's work (its hold, or ``REP_S`` a repetition) and a rest
    of ``rest_s`` after all but the last."""
    work = sum(s.duration_s or (s.reps or 1) * REP_S for s in sets)
    return float(work + rest_s * max(len(sets) - 1, 0))


def _content(sets: Iterable[ExerciseSet]) -> list[tuple[Any, ...]]:
    return [(s.exercise, s.reps, s.load_kg, s.duration_s, s.per_hand, s.rir, s.rpe) for s in sets]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def find_duplicate(
    s: Session,
    athlete_id: int,
    session: StrengthSession,
    profile: AthleteProfile,
    exclude: int | None = None,
) -> StrengthSessionRow | None:
    """A stored strength session on the same local day with the same sets, if any."""
    day = local_time(session.start, session.utc_offset_s, profile).date()
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=1)
    rows = s.scalars(
        select(StrengthSessionRow).where(
            StrengthSessionRow.athlete_id == athlete_id,
            StrengthSessionRow.start >= lo,
            StrengthSessionRow.start < lo + timedelta(days=3),
        )
    )
    wanted = _content(session.sets)
    for row in rows:
        if row.id == exclude:
            continue
        if local_time(row.start, row.utc_offset_s, profile).date() != day:
            continue
        if _content(session_from_row(row).sets) == wanted:
            return row
    return None


def place_start(s: Session, athlete_id: int, start: datetime, duration_s: float) -> datetime:
    """``start``, or the end of the stored sessions it would overlap (on to the next minute),
    so a session logged without a time never shares its time with another."""
    start = _utc(start).replace(second=0, microsecond=0)
    span = timedelta(seconds=max(duration_s, 60.0))
    window = (start - timedelta(days=1), start + timedelta(days=2))
    busy: list[tuple[datetime, datetime]] = []
    for table in (ActivityRow, StrengthSessionRow):
        rows = s.execute(
            select(table.start, table.duration_s).where(
                table.athlete_id == athlete_id, table.start >= window[0], table.start < window[1]
            )
        ).all()
        for begin, seconds in rows:
            begin = _utc(begin)
            busy.append((begin, begin + timedelta(seconds=max(seconds or 0.0, 60.0))))
    moved = True
    while moved:
        moved = False
        for begin, end in busy:
            if begin < start + span and start < end:
                start = _next_minute(end)
                moved = True
    return start


def _next_minute(moment: datetime) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


def log_start(
    when: datetime | date | None, now: datetime, duration_s: float, time_zone: str
) -> datetime:
    """When a logged session starts, before :func:`place_start`: the time given; for a date
    alone, 18:00 local; for none, ``now`` less the session's length (it just ended). Raises
    :class:`OutOfRangeError` for a year outside 1900–2100 (before any time-zone arithmetic,
    which overflows at the calendar's ends)."""
    from zoneinfo import ZoneInfo

    checked = now if when is None else when
    reason = implausible_date(checked)
    if reason is not None:
        raise OutOfRangeError(f"cannot log a session on {checked.isoformat()}: {reason}")
    if isinstance(when, datetime):
        aware = when if when.tzinfo else when.replace(tzinfo=ZoneInfo(time_zone))
        return aware.astimezone(UTC)
    if isinstance(when, date):
        return datetime.combine(when, DEFAULT_LOG_TIME, ZoneInfo(time_zone)).astimezone(UTC)
    return _utc(now) - timedelta(seconds=duration_s)


# --- rm and its undo ------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": _utc(value).isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$bytes" in value:
            return base64.b64decode(value["$bytes"])
    return value


def _columns(row: Base, skip: Iterable[str] = ()) -> dict[str, Any]:
    return {
        attr.key: _jsonable(getattr(row, attr.key))
        for attr in inspect(row).mapper.column_attrs
        if attr.key not in skip
    }


def _snapshot(row: ActivityRow | StrengthSessionRow) -> tuple[dict[str, Any], bytes | None]:
    if isinstance(row, ActivityRow):
        payload = _columns(row, skip=("samples",))
        payload["laps"] = [_columns(r) for r in row.laps]
        payload["segments"] = [_columns(r) for r in row.segments]
        return payload, row.samples
    payload = _columns(row)
    payload["sets"] = [_columns(r) for r in row.sets]
    return payload, None


def remove_sessions(lib: Library, refs: Sequence[SessionRef]) -> list[str]:
    """Remove the sessions, all or none, keeping them for :func:`undo_remove`; returns their
    ids as shown. A watch's strength workout goes with its activity. Raises NotFoundError."""
    athlete_id = lib._athlete_id()
    with lib.db.session() as s:
        rows: list[ActivityRow | StrengthSessionRow] = []
        for kind, ident in dict.fromkeys(refs):
            row: ActivityRow | StrengthSessionRow | None = (
                s.get(ActivityRow, ident)
                if kind == "activity"
                else s.get(StrengthSessionRow, ident)
            )
            if row is None or row.athlete_id != athlete_id:
                raise NotFoundError(f"no session with id {shown_id((kind, ident))}")
            rows.append(row)
        linked = [
            lifted
            for row in rows
            if isinstance(row, ActivityRow)
            for lifted in s.scalars(
                select(StrengthSessionRow).where(StrengthSessionRow.activity_id == row.id)
            )
            if lifted not in rows
        ]
        assert athlete_id is not None  # rows were found for it
        batch = (
            s.scalar(select(func.max(RemovedRow.batch)).where(RemovedRow.athlete_id == athlete_id))
            or 0
        ) + 1
        now = lib.clock()
        lifts = {
            x.exercise
            for r in [*rows, *linked]
            if isinstance(r, StrengthSessionRow)
            for x in r.sets
        }
        # strength sessions first: one that belongs to an activity goes before the activity
        for row in sorted([*rows, *linked], key=lambda r: isinstance(r, ActivityRow)):
            payload, samples = _snapshot(row)
            s.add(
                RemovedRow(
                    athlete_id=athlete_id,
                    batch=batch,
                    removed_at=now,
                    table_name=row.__tablename__,
                    row_id=row.id,
                    payload=payload,
                    samples=samples,
                    fingerprint=getattr(row, "fingerprint", None),  # an import skips it
                )
            )
            s.delete(row)
            s.flush()
        lift_state.refresh(s, athlete_id, lifts)
        shown = [_shown_row(row) for row in rows]
    return shown


def undo_remove(lib: Library) -> list[str]:
    """Put back what the last ``legday rm`` removed, with the same ids where they are free;
    returns the ids as shown. Raises NotFoundError when nothing is left to undo, and
    DuplicateError when the same strength session has been stored again since."""
    athlete_id = lib._athlete_id()
    if athlete_id is None:
        raise NotFoundError("nothing to undo: no session was removed")
    with lib.db.session() as s:
        batch = s.scalar(
            select(func.max(RemovedRow.batch)).where(RemovedRow.athlete_id == athlete_id)
        )
        if batch is None:
            raise NotFoundError("nothing to undo: no session was removed")
        kept = list(
            s.scalars(
                select(RemovedRow)
                .where(RemovedRow.athlete_id == athlete_id, RemovedRow.batch == batch)
                .order_by(RemovedRow.id.desc())  # activities (removed last) come back first
            )
        )
        back = [_restore(s, item) for item in kept]
        lifts = {x.exercise for r in back if isinstance(r, StrengthSessionRow) for x in r.sets}
        lift_state.refresh(s, athlete_id, lifts)
        shown = [_shown_row(row) for row in back]
        s.execute(
            delete(RemovedRow).where(RemovedRow.athlete_id == athlete_id, RemovedRow.batch == batch)
        )
    return shown


def _shown_row(row: ActivityRow | StrengthSessionRow) -> str:
    return shown_id(("strength" if isinstance(row, StrengthSessionRow) else "activity", row.id))


def _restore(s: Session, item: RemovedRow) -> ActivityRow | StrengthSessionRow:
    payload = dict(item.payload)
    table: type[ActivityRow] | type[StrengthSessionRow]
    if item.table_name == "activities":
        table = ActivityRow
        children = {
            "laps": (LapRow, payload.pop("laps", [])),
            "segments": (SegmentRow, payload.pop("segments", [])),
        }
    else:
        table = StrengthSessionRow
        children = {"sets": (SetRow, payload.pop("sets", []))}
        fingerprint = payload.get("fingerprint")
        again = s.scalar(
            select(StrengthSessionRow.id).where(
                StrengthSessionRow.athlete_id == item.athlete_id,
                StrengthSessionRow.fingerprint == fingerprint,
            )
        )
        if again is not None:
            raise DuplicateError(
                f"s{item.row_id} cannot come back: the same session is stored again as "
                f"s{again} (remove that one first)",
                f"s{again}",
            )
    values = {k: _from_json(v) for k, v in payload.items()}
    if s.get(table, values["id"]) is not None:  # the id went to a session stored since
        values.pop("id")
    if table is ActivityRow:
        values["samples"] = item.samples or b""
    row = table(**values)
    for attr, (child, rows) in children.items():
        setattr(
            row,
            attr,
            [
                child(**{k: _from_json(v) for k, v in r.items() if k not in ("id", _fk(child))})
                for r in rows
            ],
        )
    s.add(row)
    s.flush()
    return row


def _fk(child: type[Base]) -> str:
    return "session_id" if child is SetRow else "activity_id"


# --- edit ---------------------------------------------------------------------------------------


def replace_sets(row: StrengthSessionRow, sets: Sequence[ExerciseSet]) -> None:
    row.sets = [set_to_row(i, st) for i, st in enumerate(sets)]


def check_rpe(value: float) -> float:
    """A session RPE on Foster's CR-10 scale (0–10)."""
    if not 0 <= value <= 10:
        raise LogSyntaxError(f"a session RPE is 0–10 (Foster's CR-10 scale), got {value:g}")
    return value
