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

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from legday.model import AthleteProfile
from legday.settings import Settings
from legday.week.check import TREND_DAYS, context_days, days_before, week_start
from legday.week.roster import AthleteFacts, RosterRow, roster_row, sort_roster

from . import quick
from .db import Database, stored_profile
from .facts import activity_facts, strength_facts
from .schema import ActivityRow, AthleteRow, FileRow, SetRow, StrengthSessionRow

__all__ = ["RowCache", "every_athlete", "read_roster", "roster_facts"]


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


def _row(r: Any, **columns: Any) -> _Row:
    """A selected row (the columns every session has, :func:`_common`) as the facts take it;
    no verdict: the roster does not draw the strength-load line it holds."""
    columns.setdefault("trimp", None)
    columns.setdefault("analysis", {})
    return _Row(
        id=r.id,
        start=r.start,
        utc_offset_s=r.utc_offset_s,
        duration_s=r.duration_s,
        category=r.category,
        counts_as_leg_day=r.counts_as_leg_day,
        verdict={},
        **columns,
    )


def _profile(row: Any, given: Mapping[str, AthleteProfile]) -> AthleteProfile:
    return given[row.name] if row.name in given else stored_profile(row.name, row.profile)


def _window(monday: date, settings: Settings) -> tuple[date, date, date]:
    """The first day of the trend, the first day near the week, and the last day read (as
    :meth:`Library.week` reads them)."""
    last = monday + timedelta(days=6 + context_days(settings))
    return monday - timedelta(days=TREND_DAYS), monday - timedelta(days=days_before(settings)), last


def _utc(day: date, shift_days: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=shift_days)


@dataclass(frozen=True)
class _Read:
    """One athlete's rows as read, before they become facts."""

    id: int
    name: str
    profile: AthleteProfile
    day: date
    window: tuple[date, date, date]
    acts: tuple[Any, ...]
    lifts: tuple[Any, ...]
    sets: tuple[Any, ...]
    last_upload: datetime | None

    def facts(self, settings: Settings, now: datetime, sets: Mapping[int, Any]) -> AthleteFacts:
        lifted = {r.activity_id for r in self.lifts if r.activity_id is not None}
        found = [
            activity_facts(_activity(r), self.profile) for r in self.acts if r.id not in lifted
        ]
        found += [
            strength_facts(_row(r), self.profile, settings, sets.get(r.id, ())) for r in self.lifts
        ]
        first, _, last = self.window
        return AthleteFacts(
            athlete_id=self.id,
            name=self.name,
            day=self.day,
            sessions=[f for f in found if first <= f.local_start.date() <= last],
            last_upload=self.last_upload,
            now=now,
        )

    def key(self, settings: Settings, now: datetime) -> Hashable:
        """Everything the row depends on: equal keys, equal rows."""
        days = _days_since(self.last_upload, now)
        return (self.id, self.name, self.day, days, self.profile, settings, self.acts,
                self.lifts, self.sets)  # fmt: skip


def _people(
    s: Session,
    ids: list[int],
    now: datetime,
    day: date | None,
    profiles: Mapping[str, AthleteProfile] | None,
) -> tuple[list[Any], dict[int, AthleteProfile], dict[int, date]]:
    """The athletes of ``ids`` (id, name), each one's profile, and the day of the week to
    check for each (``day``, else their own today)."""
    given = profiles or {}
    people = s.execute(
        select(AthleteRow.id, AthleteRow.name, AthleteRow.profile).where(AthleteRow.id.in_(ids))
    ).all()
    profile = {p.id: _profile(p, given) for p in people}
    days = {p.id: day or now.astimezone(ZoneInfo(profile[p.id].time_zone)).date() for p in people}
    return list(people), profile, days


def _versions(s: Session, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """PostgreSQL: each athlete's data version, per table the rows and the sum of their
    inserting transactions' ids (``xmin``): any insert, update or delete of their sessions or
    sets changes it, without reading the rows out."""
    found: dict[int, tuple[Any, ...]] = {i: () for i in ids}
    lift = StrengthSessionRow
    xmin: Any
    for table, name in ((ActivityRow, "activities"), (lift, "strength_sessions")):
        xmin = literal_column(f"{name}.xmin::text::bigint")
        rows = s.execute(
            select(table.athlete_id, func.count(), func.sum(xmin))
            .where(table.athlete_id.in_(ids))
            .group_by(table.athlete_id)
        )
        for athlete_id, n, total in rows:
            found[athlete_id] += (name, n, total)
    xmin = literal_column("strength_sets.xmin::text::bigint")
    rows = s.execute(
        select(lift.athlete_id, func.count(), func.sum(xmin))
        .select_from(SetRow)
        .join(lift, SetRow.session_id == lift.id)
        .where(lift.athlete_id.in_(ids))
        .group_by(lift.athlete_id)
    )
    for athlete_id, n, total in rows:
        found[athlete_id] += ("sets", n, total)
    return found


def _read(
    db: Database,
    athlete_ids: Iterable[int],
    settings: Settings,
    now: datetime,
    day: date | None,
    profiles: Mapping[str, AthleteProfile] | None,
) -> tuple[list[_Read], dict[int, Any]]:
    ids = sorted(set(athlete_ids))
    if not ids:
        return [], {}
    with db.session() as s:
        people, profile, days = _people(s, ids, now, day, profiles)
        if not people:
            return [], {}
        windows = {i: _window(week_start(d), settings) for i, d in days.items()}
        lo = _utc(min(w[0] for w in windows.values()), -1)
        near_lo = _utc(min(w[1] for w in windows.values()), -1)
        hi = _utc(max(w[2] for w in windows.values()), 2)
        acts = _activities(s, ids, lo, near_lo, hi)
        lifts = _lifts(s, ids, lo, hi)
        sets = _sets(s, ids, near_lo, hi) if lifts else {}
        uploads = _last_uploads(s, ids)
    mine: dict[int, tuple[list[Any], list[Any]]] = {p.id: ([], []) for p in people}
    for r in acts:
        mine[r.athlete_id][0].append(r)
    for r in lifts:
        mine[r.athlete_id][1].append(r)
    reads = [
        _Read(
            id=p.id,
            name=p.name,
            profile=profile[p.id],
            day=days[p.id],
            window=windows[p.id],
            acts=tuple(mine[p.id][0]),
            lifts=tuple(mine[p.id][1]),
            sets=tuple(sets[r.id] for r in mine[p.id][1] if r.id in sets),
            last_upload=uploads.get(p.id),
        )
        for p in people
    ]
    return reads, {i: x.sets for i, x in sets.items()}


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
    reads, sets = _read(db, athlete_ids, settings, now, day, profiles)
    return [r.facts(settings, now, sets) for r in reads]


def _common(table: Any) -> tuple[Any, ...]:
    """The columns of a session every query reads."""
    return (
        table.athlete_id,
        table.id,
        table.start,
        table.utc_offset_s,
        table.duration_s,
        table.category,
        table.counts_as_leg_day,
    )


def _activities(
    s: Session, ids: list[int], lo: datetime, near_lo: datetime, hi: datetime
) -> list[Any]:
    """The activities of the window: near the week with the two values its rules read from
    the analysis; before it, only the load trend's columns."""
    a = ActivityRow
    plain = (*_common(a), a.sport, a.distance_m, a.kind, a.trimp)
    near = s.execute(
        select(
            *plain,
            a.analysis[("hr", "cardio_band_s")].as_float().label("band"),
            a.analysis[("hr", "above_band_s")].as_float().label("above"),
            a.analysis[("overload",)].as_boolean().label("overload"),
        ).where(a.athlete_id.in_(ids), a.start >= near_lo, a.start < hi)
    ).all()
    far = s.execute(
        select(*plain).where(a.athlete_id.in_(ids), a.start >= lo, a.start < near_lo)
    ).all()
    return [*far, *near]


def _activity(r: Any) -> _Row:
    band = getattr(r, "band", None)
    analysis = {
        "hr": {"cardio_band_s": band, "above_band_s": getattr(r, "above", None)},
        "overload": bool(getattr(r, "overload", False)),
    }
    return _row(r, trimp=r.trimp, analysis=analysis, sport=r.sport, kind=r.kind,
                distance_m=r.distance_m)  # fmt: skip


def _lifts(s: Session, ids: list[int], lo: datetime, hi: datetime) -> list[Any]:
    lift = StrengthSessionRow
    return list(
        s.execute(
            select(*_common(lift), lift.activity_id).where(
                lift.athlete_id.in_(ids), lift.start >= lo, lift.start < hi
            )
        ).all()
    )


def _sets(s: Session, ids: list[int], near_lo: datetime, hi: datetime) -> dict[int, Any]:
    """The strength sessions near the week with their sets, as the week reads them
    (legday.store.quick); older ones feed only the load trend, which needs no sets."""
    r = quick.session_reads(s)
    athletes, params = quick.among("athlete", ids)
    found: dict[int, Any] = quick.read_sessions(
        r,
        f"strength_sessions.athlete_id in {athletes} and strength_sessions.start < :hi "
        "and strength_sessions.start >= :near",
        params | {"hi": r.at(hi), "near": r.at(near_lo)},
    )
    return found


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


class RowCache:
    """The roster rows last computed, each with everything it was computed from (the rows
    read, the day, profile and settings, the days since the last upload): a row is computed
    again only when one of those changed. Holds at most ``size`` rows (the least recently
    used go first); one per server process, shared by its requests."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._rows: OrderedDict[Hashable, RosterRow] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> RosterRow | None:
        with self._lock:
            row = self._rows.get(key)
            if row is not None:
                self._rows.move_to_end(key)
            return row

    def put(self, key: Hashable, row: RosterRow) -> None:
        with self._lock:
            self._rows[key] = row
            self._rows.move_to_end(key)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)


def read_roster(
    db: Database,
    athlete_ids: Iterable[int],
    settings: Settings,
    clock: Callable[[], datetime],
    *,
    day: date | None = None,
    profiles: Mapping[str, AthleteProfile] | None = None,
    cache: RowCache | None = None,
) -> list[RosterRow]:
    """The roster of ``athlete_ids``, the athlete most in need of attention first; with a
    ``cache``, only the rows of athletes whose data changed are computed (on PostgreSQL, only
    their rows are read: the others' data versions say they did not change)."""
    now = clock()
    ids = sorted(set(athlete_ids))
    if cache is None or db.engine.dialect.name != "postgresql":
        return _computed(db, ids, settings, now, day, profiles, cache)
    with db.session() as s:
        people, profile, days = _people(s, ids, now, day, profiles)
        versions = _versions(s, [p.id for p in people])
    kept: list[RosterRow] = []
    keys: dict[int, Hashable] = {}
    for p in people:
        keys[p.id] = ("version", p.id, p.name, days[p.id], profile[p.id], settings, versions[p.id])
        row = cache.get(keys[p.id])
        if row is not None and row.days_since_upload == _days_since(row.last_upload, now):
            kept.append(row)
    done = {r.athlete_id for r in kept}
    stale = [p.id for p in people if p.id not in done]
    fresh = _computed(db, stale, settings, now, day, profiles, None)
    for row in fresh:
        cache.put(keys[row.athlete_id], row)
    return sort_roster([*kept, *fresh])


def _days_since(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else max(0, (now - moment).days)


def _computed(
    db: Database,
    ids: list[int],
    settings: Settings,
    now: datetime,
    day: date | None,
    profiles: Mapping[str, AthleteProfile] | None,
    cache: RowCache | None,
) -> list[RosterRow]:
    """The rows of ``ids`` from their rows read, each kept in ``cache`` with its inputs."""
    reads, sets = _read(db, ids, settings, now, day, profiles)
    rows = []
    for r in reads:
        key = r.key(settings, now) if cache is not None else None
        row = cache.get(key) if cache is not None else None
        if row is None:
            row = roster_row(r.facts(settings, now, sets), settings)
            if cache is not None:
                cache.put(key, row)
        rows.append(row)
    return sort_roster(rows)


def every_athlete(db: Database) -> list[int]:
    """Every athlete stored, by id: the single-user home's owner sees all of them (a club's
    runners imported under their names, ``Library(athlete=NAME)``)."""
    with db.session() as s:
        return list(s.scalars(select(AthleteRow.id).order_by(AthleteRow.id)))
