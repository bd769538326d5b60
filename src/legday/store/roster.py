"""The roster's facts for many athletes at once, in a few set-based statements.

:func:`roster_facts` reads what :meth:`Library.week` reads for one athlete — the week, the
days either side of it, and the load trend's history — for every athlete asked, with one
statement per table rather than one library per athlete:

1. the athletes (name, stored profile);
2. the activities of the whole window, as plain columns; the few JSON values the week needs
   (time in the cardio band, the overload flag, the strength load) are read by path, so no
   analysis or verdict document is decoded;
3. the strength sessions of the window, the same way, and the sets of those near the week
   (R9's coverage and R10/R11's lower-body work need them);
4. the last upload: the newest import of a file holding one of the athlete's sessions, or
   the start of a session logged by hand.

The rows become :class:`~legday.week.check.SessionFacts` through the very functions the
library uses (:func:`~legday.store.facts.activity_facts`,
:func:`~legday.store.facts.strength_facts`), so a roster row is the week check's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from legday.errors import ConfigError
from legday.model import AthleteProfile
from legday.settings import Settings
from legday.week.check import TREND_DAYS, SessionFacts, context_days, days_before, week_start
from legday.week.roster import AthleteFacts, RosterRow, roster

from . import quick
from .db import Database
from .facts import activity_facts, strength_facts
from .schema import ActivityRow, AthleteRow, FileRow, StrengthSessionRow

__all__ = ["every_athlete", "read_roster", "roster_facts"]


@dataclass(frozen=True, slots=True)
class _Row:
    """A stored session's columns, with the JSON documents cut down to the values the week
    reads: what :func:`activity_facts` and :func:`strength_facts` take from a full row."""

    id: int
    start: datetime
    utc_offset_s: int | None
    duration_s: float | None
    category: str | None
    counts_as_leg_day: bool
    trimp: float | None
    analysis: dict[str, Any]
    verdict: dict[str, Any]
    sport: str | None = None
    kind: str | None = None
    distance_m: float | None = None
    activity_id: int | None = None
    """A lift's activity: a watch's strength workout, counted once, as its sets."""


def _row(r: Any, **columns: Any) -> tuple[int, _Row]:
    """A selected row (the columns every session has, and its strength load read by path) and
    its athlete."""
    verdict = {"verdict": {"stimulus": {"strength": r.strength or 0.0}}}
    return r.athlete_id, _Row(
        id=r.id,
        start=r.start,
        utc_offset_s=r.utc_offset_s,
        duration_s=r.duration_s,
        category=r.category,
        counts_as_leg_day=r.counts_as_leg_day,
        verdict=verdict,
        **columns,
    )


def _profile(row: Any, given: Mapping[str, AthleteProfile]) -> AthleteProfile:
    if row.name in given:
        return given[row.name]
    try:
        return AthleteProfile.from_dict(row.profile or {})
    except ConfigError as exc:
        raise ConfigError(f"athlete {row.name!r}'s stored profile: {exc}") from None


def _window(monday: date, settings: Settings) -> tuple[date, date, date]:
    """The first day of the trend, the first day near the week, and the last day read (as
    :meth:`Library.week` reads them)."""
    last = monday + timedelta(days=6 + context_days(settings))
    return monday - timedelta(days=TREND_DAYS), monday - timedelta(days=days_before(settings)), last


def _utc(day: date, shift_days: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=shift_days)


def roster_facts(
    db: Database,
    athlete_ids: Iterable[int],
    settings: Settings,
    now: datetime,
    *,
    day: date | None = None,
    profiles: Mapping[str, AthleteProfile] | None = None,
) -> list[AthleteFacts]:
    """The facts of each athlete in ``athlete_ids`` (unknown ids are left out) for the week
    holding ``day``, or each athlete's own today (``now`` in their time zone). ``profiles``
    overrides the stored profile of some athletes, by name (the single-user library keeps its
    own in legday.toml)."""
    ids = sorted(set(athlete_ids))
    if not ids:
        return []
    given = profiles or {}
    with db.session() as s:
        people = s.execute(
            select(AthleteRow.id, AthleteRow.name, AthleteRow.profile).where(AthleteRow.id.in_(ids))
        ).all()
        if not people:
            return []
        profile = {p.id: _profile(p, given) for p in people}
        days = {
            p.id: day or now.astimezone(ZoneInfo(profile[p.id].time_zone)).date() for p in people
        }
        windows = {i: _window(week_start(d), settings) for i, d in days.items()}
        lo = _utc(min(w[0] for w in windows.values()), -1)
        near_lo = _utc(min(w[1] for w in windows.values()), -1)
        hi = _utc(max(w[2] for w in windows.values()), 2)
        acts = _activities(s, ids, lo, hi)
        lifts, sets = _lifts(s, ids, lo, hi, near_lo)
        uploads = _last_uploads(s, ids)
    lifted = {row.activity_id for _, row in lifts if row.activity_id is not None}
    facts: dict[int, list[SessionFacts]] = {p.id: [] for p in people}
    for athlete_id, row in acts:
        if row.id not in lifted:
            facts[athlete_id].append(activity_facts(row, profile[athlete_id]))
    for athlete_id, row in lifts:
        facts[athlete_id].append(
            strength_facts(row, profile[athlete_id], settings, sets.get(row.id, ()))
        )
    out = []
    for p in people:
        first, _, last = windows[p.id]
        out.append(
            AthleteFacts(
                athlete_id=p.id,
                name=p.name,
                day=days[p.id],
                sessions=[f for f in facts[p.id] if first <= f.local_start.date() <= last],
                last_upload=uploads.get(p.id),
                now=now,
            )
        )
    return out


def _activities(s: Session, ids: list[int], lo: datetime, hi: datetime) -> list[tuple[int, _Row]]:
    a = ActivityRow
    rows = s.execute(
        select(
            a.athlete_id,
            a.id,
            a.start,
            a.utc_offset_s,
            a.sport,
            a.duration_s,
            a.distance_m,
            a.kind,
            a.category,
            a.counts_as_leg_day,
            a.trimp,
            a.analysis[("hr", "cardio_band_s")].as_float().label("band"),
            a.analysis[("hr", "above_band_s")].as_float().label("above"),
            a.analysis[("overload",)].as_boolean().label("overload"),
            a.verdict[("verdict", "stimulus", "strength")].as_float().label("strength"),
        ).where(a.athlete_id.in_(ids), a.start >= lo, a.start < hi)
    ).all()
    return [
        _row(
            r,
            trimp=r.trimp,
            analysis={
                "hr": {"cardio_band_s": r.band, "above_band_s": r.above},
                "overload": bool(r.overload),
            },
            sport=r.sport,
            kind=r.kind,
            distance_m=r.distance_m,
        )
        for r in rows
    ]


def _lifts(
    s: Session, ids: list[int], lo: datetime, hi: datetime, near_lo: datetime
) -> tuple[list[tuple[int, _Row]], dict[int, Any]]:
    """The strength sessions of the window, and the sets of those from ``near_lo`` on (older
    ones feed only the load trend, which needs no sets)."""
    lift = StrengthSessionRow
    span: tuple[ColumnElement[bool], ...] = (lift.athlete_id.in_(ids), lift.start < hi)
    rows = s.execute(
        select(
            lift.athlete_id,
            lift.id,
            lift.start,
            lift.utc_offset_s,
            lift.duration_s,
            lift.category,
            lift.counts_as_leg_day,
            lift.activity_id,
            lift.verdict[("verdict", "stimulus", "strength")].as_float().label("strength"),
        ).where(*span, lift.start >= lo)
    ).all()
    near = {}
    if rows:  # their sets, as the week reads them (legday.store.quick)
        r = quick.session_reads(s)
        athletes, params = quick.among("athlete", ids)
        near = quick.read_sessions(
            r,
            f"strength_sessions.athlete_id in {athletes} and strength_sessions.start < :hi "
            "and strength_sessions.start >= :near",
            params | {"hi": r.at(hi), "near": r.at(near_lo)},
        )
    found = [_row(r, trimp=None, analysis={}, activity_id=r.activity_id) for r in rows]
    return found, {i: x.sets for i, x in near.items()}


def _last_uploads(s: Session, ids: list[int]) -> dict[int, datetime]:
    """When each athlete last sent something: the newest import of a file holding one of
    their sessions, or the start of a session entered by hand (it has no file)."""
    found: dict[int, datetime] = {}
    for table in (ActivityRow, StrengthSessionRow):
        rows = s.execute(
            select(table.athlete_id, func.max(func.coalesce(FileRow.imported_at, table.start)))
            .outerjoin(FileRow, FileRow.id == table.file_id)
            .where(table.athlete_id.in_(ids))
            .group_by(table.athlete_id)
        ).all()
        for athlete_id, at in rows:
            if at is None:
                continue
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            found[athlete_id] = max(found.get(athlete_id, at), at)
    return found


def read_roster(
    db: Database,
    athlete_ids: Iterable[int],
    settings: Settings,
    clock: Callable[[], datetime],
    *,
    day: date | None = None,
    profiles: Mapping[str, AthleteProfile] | None = None,
) -> list[RosterRow]:
    """The roster of ``athlete_ids``, the athlete most in need of attention first."""
    facts = roster_facts(db, athlete_ids, settings, clock(), day=day, profiles=profiles)
    return roster(facts, settings)


def every_athlete(db: Database) -> list[int]:
    """Every athlete stored, by id: the single-user home's owner sees all of them (a club's
    runners imported under their names, ``Library(athlete=NAME)``)."""
    with db.session() as s:
        return list(s.scalars(select(AthleteRow.id).order_by(AthleteRow.id)))
