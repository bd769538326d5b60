"""Totals and records: distance, time and ascent per week, month and year; each run's best
efforts and the athlete's personal records over the standard distances; the best e1RM of each
lift.

Best efforts are found once per run (:func:`legday.analysis.efforts.best_efforts`) and stored in
``best_efforts``: when the run is imported (:func:`store_best_efforts`), else the first time
records are asked for (:func:`fill_best_efforts`, for runs stored before the table existed or
put back by ``legday rm --undo``); ``legday reanalyze`` finds them all again. A request reads
them, never the samples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from legday.analysis.efforts import EFFORT_DISTANCES, best_efforts
from legday.model import AthleteProfile

from .db import Database
from .facts import RUN_SPORTS, local_time
from .samples import unpack_samples
from .schema import ActivityRow, BestEffortRow

if TYPE_CHECKING:
    from .library import Library

__all__ = [
    "EFFORT_LABELS",
    "PERIODS",
    "LiftRecord",
    "PersonalRecord",
    "Records",
    "Totals",
    "effort_rows",
    "fill_best_efforts",
    "lift_records",
    "period_totals",
    "personal_records",
    "records",
    "store_best_efforts",
]

Period = Literal["week", "month", "year"]
#: The periods totals are given for.
PERIODS: tuple[Period, ...] = ("week", "month", "year")
#: How the standard distances read on a page.
EFFORT_LABELS: dict[str, str] = {
    "400m": "400 m",
    "1k": "1 km",
    "1mi": "1 mile",
    "5k": "5 km",
    "10k": "10 km",
    "half_marathon": "Half marathon",
    "marathon": "Marathon",
}
#: Runs whose best efforts are found in one transaction when filling them in.
FILL_BATCH = 50

FloatArray = npt.NDArray[np.float64]


def effort_rows(athlete_id: int, activity_id: int, samples: dict[str, FloatArray]) -> list[Any]:
    """One :class:`BestEffortRow` per standard distance for a run's samples (``elapsed_s``
    None for a distance it did not cover)."""
    clock = samples.get("timestamp")
    if clock is None or not np.isfinite(clock).any():
        clock = samples.get("elapsed_s")
    distance = samples.get("distance_m")
    found = best_efforts(clock, distance) if clock is not None and distance is not None else {}
    return [
        BestEffortRow(
            athlete_id=athlete_id,
            activity_id=activity_id,
            distance=name,
            distance_m=metres,
            elapsed_s=found[name].elapsed_s if name in found else None,
            start_s=found[name].start_s if name in found else None,
        )
        for name, metres in EFFORT_DISTANCES.items()
    ]


def store_best_efforts(session: Session, row: ActivityRow, samples: dict[str, FloatArray]) -> None:
    """Store the best efforts of a run just stored as ``row`` (flushed: it has its id); other
    sports have none."""
    if row.sport in RUN_SPORTS:
        session.add_all(effort_rows(row.athlete_id, row.id, samples))


def fill_best_efforts(db: Database, athlete_id: int, *, again: bool = False) -> int:
    """Find and store the best efforts of every run that has none yet (all runs when
    ``again``: ``legday reanalyze``); returns how many runs were scanned. A run another process
    scanned meanwhile is left as it stored it."""
    with db.session() as s:
        if again:
            s.execute(delete(BestEffortRow).where(BestEffortRow.athlete_id == athlete_id))
        scanned = exists().where(BestEffortRow.activity_id == ActivityRow.id)
        ids = s.scalars(
            select(ActivityRow.id).where(
                ActivityRow.athlete_id == athlete_id,
                ActivityRow.sport.in_(RUN_SPORTS),
                ~scanned,
            )
        ).all()
    for first in range(0, len(ids), FILL_BATCH):
        batch = ids[first : first + FILL_BATCH]
        try:
            with db.session() as s:
                for activity_id, blob in s.execute(
                    select(ActivityRow.id, ActivityRow.samples).where(ActivityRow.id.in_(batch))
                ):
                    s.add_all(effort_rows(athlete_id, activity_id, unpack_samples(blob)))
        except IntegrityError:  # another legday filled the same runs: theirs stand
            continue
    return len(ids)


@dataclass(frozen=True)
class PersonalRecord:
    """The athlete's fastest time over one standard distance, and the run it came from."""

    distance: str
    distance_m: float
    elapsed_s: float
    activity_id: int
    local_start: datetime
    """When the run began, the athlete's local time."""
    name: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "distance": self.distance,
            "distance_m": self.distance_m,
            "elapsed_s": round(self.elapsed_s, 1),
            "pace_s_per_km": round(self.elapsed_s / self.distance_m * 1000.0, 1),
            "activity_id": self.activity_id,
            "date": self.local_start.date().isoformat(),
            "name": self.name,
        }


def personal_records(
    db: Database, athlete_id: int, profile: AthleteProfile
) -> list[PersonalRecord]:
    """The fastest stored effort over each standard distance the athlete has run, shortest
    distance first; of equal times, the first run that set it."""
    with db.session() as s:
        rows = s.execute(
            select(
                BestEffortRow.distance,
                BestEffortRow.distance_m,
                BestEffortRow.elapsed_s,
                ActivityRow.id,
                ActivityRow.start,
                ActivityRow.utc_offset_s,
                ActivityRow.name,
            )
            .join(ActivityRow, ActivityRow.id == BestEffortRow.activity_id)
            .where(BestEffortRow.athlete_id == athlete_id, BestEffortRow.elapsed_s.is_not(None))
            .order_by(BestEffortRow.elapsed_s, ActivityRow.start)
        ).all()
    return _fastest_each(
        _record(r, r.distance, r.distance_m, r.elapsed_s, profile)
        for r in rows
        if r.distance in EFFORT_DISTANCES
    )


def _record(
    run: Any, distance: str, metres: float, elapsed_s: float, profile: AthleteProfile
) -> PersonalRecord:
    """A record set by ``run`` (a row with its id, start, offset and name)."""
    local = local_time(run.start, run.utc_offset_s, profile)
    return PersonalRecord(distance, metres, elapsed_s, run.id, local, run.name)


def _unstored_efforts(
    db: Database, athlete_id: int, profile: AthleteProfile
) -> list[PersonalRecord]:
    """The best efforts of the runs that have none stored, found but not stored."""
    with db.session() as s:
        rows = s.execute(
            select(
                ActivityRow.id,
                ActivityRow.start,
                ActivityRow.utc_offset_s,
                ActivityRow.name,
                ActivityRow.samples,
            ).where(
                ActivityRow.athlete_id == athlete_id,
                ActivityRow.sport.in_(RUN_SPORTS),
                ~exists().where(BestEffortRow.activity_id == ActivityRow.id),
            )
        ).all()
    return [
        _record(r, e.distance, e.distance_m, e.elapsed_s, profile)
        for r in rows
        for e in effort_rows(athlete_id, r.id, unpack_samples(r.samples))
        if e.elapsed_s is not None
    ]


def _fastest_each(found: Iterable[PersonalRecord]) -> list[PersonalRecord]:
    """The fastest of ``found`` for each distance, shortest distance first; of equal times,
    the earliest run."""
    best: dict[str, PersonalRecord] = {}
    for r in sorted(found, key=lambda r: (r.elapsed_s, r.local_start)):
        best.setdefault(r.distance, r)
    return [best[name] for name in EFFORT_DISTANCES if name in best]


@dataclass
class Totals:
    """Everything done in one week, month or year (``first`` is its first day)."""

    period: Period
    first: date
    sessions: int = 0
    runs: int = 0
    distance_m: float = 0.0
    duration_s: float = 0.0
    moving_s: float = 0.0
    ascent_m: float = 0.0

    @property
    def label(self) -> str:
        """``2026-11-30`` (a week by its Monday), ``2026-11`` or ``2026``."""
        if self.period == "week":
            return self.first.isoformat()
        return self.first.isoformat()[: 7 if self.period == "month" else 4]

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "label": self.label,
            "first": self.first.isoformat(),
            "sessions": self.sessions,
            "runs": self.runs,
            "distance_m": round(self.distance_m, 1),
            "duration_s": round(self.duration_s, 1),
            "moving_s": round(self.moving_s, 1),
            "ascent_m": round(self.ascent_m, 1),
        }


def period_start(day: date, period: Period) -> date:
    """The first day of the week (Monday), month or year holding ``day``."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def period_totals(
    db: Database,
    athlete_id: int,
    profile: AthleteProfile,
    period: Period,
    *,
    limit: int | None = None,
) -> list[Totals]:
    """Distance, time, moving time and ascent of the recorded sessions (runs, rides, any
    sport with a recording; lifting logs have none) per ``period``, newest first; at most
    ``limit`` periods. Each session counts in the period of its local date."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    with db.session() as s:
        rows = s.execute(
            select(
                ActivityRow.start,
                ActivityRow.utc_offset_s,
                ActivityRow.sport,
                ActivityRow.duration_s,
                ActivityRow.distance_m,
                ActivityRow.analysis["moving_s"].as_float(),
                ActivityRow.analysis["ascent_m"].as_float(),
            ).where(ActivityRow.athlete_id == athlete_id)
        ).all()
    totals: dict[date, Totals] = {}
    for start, offset, sport, duration, distance, moving, ascent in rows:
        first = period_start(local_time(start, offset, profile).date(), period)
        t = totals.setdefault(first, Totals(period, first))
        t.sessions += 1
        t.runs += sport in RUN_SPORTS
        t.distance_m += _finite(distance)
        t.duration_s += _finite(duration)
        # the analysis counts a last sample's second the row's duration leaves out
        t.moving_s += min(_finite(moving if moving is not None else duration), _finite(duration))
        t.ascent_m += _finite(ascent)
    newest = sorted(totals.values(), key=lambda t: t.first, reverse=True)
    return newest[:limit] if limit is not None else newest


def _finite(value: float | None) -> float:
    return float(value) if value is not None and np.isfinite(value) else 0.0


@dataclass(frozen=True)
class LiftRecord:
    """A lift's best estimated one-rep max, kg, and the day it was first reached."""

    key: str
    name: str
    e1rm_kg: float
    day: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "e1rm_kg": self.e1rm_kg,
            "date": self.day.isoformat(),
        }


def lift_records(trends: Iterable[dict[str, Any]]) -> list[LiftRecord]:
    """Each lift's best e1RM from its history (``Library.strength_trends()["e1rm"]``: one
    point a session), heaviest first; the first session that reached it gives the date."""
    out = []
    for lift in trends:
        points = lift["points"]
        if not points:
            continue
        top = max(points, key=lambda p: (p["e1rm_kg"], -_day(p["date"]).toordinal()))
        out.append(LiftRecord(lift["key"], lift["name"], top["e1rm_kg"], _day(top["date"])))
    return sorted(out, key=lambda r: (-r.e1rm_kg, r.name))


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Records:
    """What the records page and ``legday records`` show."""

    personal: list[PersonalRecord]
    lifts: list[LiftRecord]
    totals: dict[Period, list[Totals]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "personal_records": [r.to_dict() for r in self.personal],
            "lift_records": [r.to_dict() for r in self.lifts],
            "totals": {p: [t.to_dict() for t in ts] for p, ts in self.totals.items()},
        }


#: Periods of each kind the records show, newest first.
RECENT: dict[Period, int] = {"week": 12, "month": 12, "year": 10}


def records(lib: Library) -> Records:
    """The athlete's records and recent totals. Runs without stored best efforts get them
    first (once)."""
    athlete_id = lib._athlete_id()
    if athlete_id is None:
        return Records([], [], {p: [] for p in PERIODS})
    try:
        fill_best_efforts(lib.db, athlete_id)
        unstored: list[PersonalRecord] = []
    except OperationalError:  # a database this process may only read: found, not stored
        unstored = _unstored_efforts(lib.db, athlete_id, lib.profile)
    personal = personal_records(lib.db, athlete_id, lib.profile)
    return Records(
        _fastest_each(personal + unstored),
        lift_records(lib.strength_trends()["e1rm"]),
        {p: period_totals(lib.db, athlete_id, lib.profile, p, limit=RECENT[p]) for p in PERIODS},
    )
