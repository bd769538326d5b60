"""Finding sessions in a long history: a filtered, paged list and light rows for a period.

Both read only the columns a list shows (never samples, analyses or verdicts), and the list
asks the database for one page: a history of thousands of sessions is never loaded whole.
Activities and strength sessions are listed together, newest first; a watch's strength
workout, stored both as an activity and as its sets, is listed once, as the sets (as the week
counts it). Dates are the athlete's local dates: a period's bounds are taken in the profile's
time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    cast,
    false,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)

from legday.model import AthleteProfile

from .db import Database
from .facts import local_time
from .schema import ActivityRow, StrengthSessionRow

__all__ = [
    "MAX_PAGE_SIZE",
    "SessionFilter",
    "SessionPage",
    "SessionRow",
    "distinct_values",
    "list_sessions",
]

#: Most sessions one page may hold.
MAX_PAGE_SIZE = 200
#: The ``sport`` and ``kind`` of a strength session in the list.
STRENGTH = "strength"
Verdict = Literal["leg_day", "not_leg_day"]


@dataclass(frozen=True)
class SessionFilter:
    """What to list: each field narrows the list; None (or "") lets everything through.

    ``kind`` is a run's kind (``intervals``) or ``strength``; ``verdict`` is ``leg_day`` or
    ``not_leg_day``; ``text`` is found in the session's name, whatever its case."""

    kind: str | None = None
    category: str | None = None
    verdict: Verdict | None = None
    sport: str | None = None
    first: date | None = None
    last: date | None = None
    text: str | None = None


@dataclass(frozen=True)
class SessionRow:
    """One listed session. ``id`` is the activity's id, or ``"s<id>"`` for a strength session
    (as in the week's JSON)."""

    id: int | str
    type: Literal["activity", "strength"]
    local_start: datetime
    name: str | None
    sport: str
    kind: str | None
    category: str | None
    counts_as_leg_day: bool
    duration_s: float | None
    distance_m: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "date": self.local_start.date().isoformat(),
            "time": self.local_start.strftime("%H:%M"),
            "name": self.name,
            "sport": self.sport,
            "kind": self.kind,
            "category": self.category,
            "counts_as_leg_day": self.counts_as_leg_day,
            "duration_s": self.duration_s,
            "distance_m": self.distance_m,
        }


@dataclass(frozen=True)
class SessionPage:
    rows: list[SessionRow]
    total: int
    """Sessions that pass the filter, on every page."""
    offset: int
    limit: int
    filter: SessionFilter = field(default_factory=SessionFilter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "sessions": [r.to_dict() for r in self.rows],
        }


def _bounds(f: SessionFilter, zone: str) -> tuple[datetime | None, datetime | None]:
    tz = ZoneInfo(zone)
    lo = datetime.combine(f.first, time(0), tz).astimezone(UTC) if f.first else None
    hi = (
        datetime.combine(f.last + timedelta(days=1), time(0), tz).astimezone(UTC)
        if f.last
        else None
    )
    return lo, hi


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


#: One table's select of the listed columns.
Branch = Select[*tuple[Any, ...]]


def _is_strength(wanted: str) -> ColumnElement[bool]:
    return true() if wanted == STRENGTH else false()


def _selects(athlete_id: int, f: SessionFilter, zone: str) -> tuple[Branch, Branch]:
    """Both tables' matching sessions, the listed columns of each."""
    lo, hi = _bounds(f, zone)
    a, s = ActivityRow, StrengthSessionRow
    lifted = select(s.activity_id).where(s.athlete_id == athlete_id, s.activity_id.is_not(None))
    act_where: list[ColumnElement[bool]] = [a.athlete_id == athlete_id, a.id.not_in(lifted)]
    lift_where: list[ColumnElement[bool]] = [s.athlete_id == athlete_id]
    for table, where, is_strength in ((a, act_where, False), (s, lift_where, True)):
        if lo is not None:
            where.append(table.start >= lo)
        if hi is not None:
            where.append(table.start < hi)
        if f.category:
            where.append(table.category == f.category)
        if f.verdict is not None:
            where.append(table.counts_as_leg_day.is_(f.verdict == "leg_day"))
        if f.text:
            where.append(func.lower(func.coalesce(table.name, "")).like(_like(f.text), "\\"))
        for wanted, column in ((f.kind, a.kind), (f.sport, a.sport)):
            if wanted:  # a strength session's kind and sport are both "strength"
                where.append(_is_strength(wanted) if is_strength else column == wanted)
    activities = select(
        a.id.label("id"),
        literal("activity").label("type"),
        a.start.label("start"),
        a.utc_offset_s.label("utc_offset_s"),
        a.name.label("name"),
        a.sport.label("sport"),
        a.kind.label("kind"),
        a.category.label("category"),
        a.counts_as_leg_day.label("leg_day"),
        a.duration_s.label("duration_s"),
        a.distance_m.label("distance_m"),
    ).where(*act_where)
    lifts = select(
        s.id.label("id"),
        literal("strength").label("type"),
        s.start.label("start"),
        s.utc_offset_s.label("utc_offset_s"),
        s.name.label("name"),
        literal(STRENGTH).label("sport"),
        literal(STRENGTH).label("kind"),
        s.category.label("category"),
        s.counts_as_leg_day.label("leg_day"),
        s.duration_s.label("duration_s"),
        cast(null(), a.distance_m.type).label("distance_m"),  # typed: PostgreSQL's UNION
    ).where(*lift_where)
    return activities, lifts


def list_sessions(
    db: Database,
    athlete_id: int | None,
    f: SessionFilter,
    profile: AthleteProfile,
    *,
    offset: int = 0,
    limit: int = 50,
    oldest_first: bool = False,
) -> SessionPage:
    """One page of the sessions that pass ``f``, newest first (or oldest first), and how many
    pass in all. ``limit`` is capped at :data:`MAX_PAGE_SIZE`."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    if athlete_id is None:
        return SessionPage([], 0, offset, limit, f)
    both = _selects(athlete_id, f, profile.time_zone)
    # Each table's first offset + limit rows in the page's order (the index on start), then
    # the page from those: a page reads its rows, never the whole history sorted.
    firsts = []
    for branch in both:
        start, ident = branch.selected_columns.start, branch.selected_columns.id
        by = start.asc() if oldest_first else start.desc()
        firsts.append(select(branch.order_by(by, ident.asc()).limit(offset + limit).subquery()))
    page = union_all(*firsts).subquery()
    order = page.c.start.asc() if oldest_first else page.c.start.desc()
    # Each table's matches counted apart, reading no listed column: the filters' columns are
    # in an index of each table (migration 0008), so a count never reads a row of the history.
    counts = [b.with_only_columns(func.count(), maintain_column_froms=True) for b in both]
    with db.session() as session:
        total = sum(int(session.scalar(count) or 0) for count in counts)
        rows = session.execute(
            select(page).order_by(order, page.c.type, page.c.id).offset(offset).limit(limit)
        ).all()
    listed = [
        SessionRow(
            id=int(r.id) if r.type == "activity" else f"s{r.id}",
            type=r.type,
            local_start=local_time(r.start, r.utc_offset_s, profile),
            name=r.name,
            sport=r.sport,
            kind=r.kind,
            category=r.category,
            counts_as_leg_day=bool(r.leg_day),
            duration_s=None if r.duration_s is None else float(r.duration_s),
            distance_m=None if r.distance_m is None else float(r.distance_m),
        )
        for r in rows
    ]
    return SessionPage(listed, total, offset, limit, f)


def distinct_values(db: Database, athlete_id: int | None) -> dict[str, list[str]]:
    """The kinds, categories and sports stored, for a filter form's choices."""
    if athlete_id is None:
        return {"kind": [], "category": [], "sport": []}
    a, s = ActivityRow, StrengthSessionRow
    out: dict[str, list[str]] = {}
    with db.session() as session:
        for key, column in (("kind", a.kind), ("category", a.category), ("sport", a.sport)):
            found = session.scalars(
                select(column).where(a.athlete_id == athlete_id, column.is_not(None)).distinct()
            ).all()
            out[key] = sorted({str(v) for v in found})
        lifts = session.scalars(
            select(s.category).where(s.athlete_id == athlete_id).distinct()
        ).all()
    has_lifts = bool(lifts)
    out["category"] = sorted(set(out["category"]) | {str(c) for c in lifts if c})
    if has_lifts:
        out["kind"] = sorted({*out["kind"], STRENGTH})
        out["sport"] = sorted({*out["sport"], STRENGTH})
    return out
