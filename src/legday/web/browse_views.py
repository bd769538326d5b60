"""Finding any session: the activity list, a month calendar and a year of weekly totals.

Display only: every session comes from :meth:`Library.sessions` (one page, or one period, of
light rows); here they become table rows, calendar cells and bars.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from legday.cli.common import fmt_duration
from legday.store.browse import MAX_PAGE_SIZE, SessionFilter, SessionPage, SessionRow

from .svg import Series, line_chart
from .units import METRES_PER_MILE, distance
from .views import KIND_COLOURS, badge, label, session_link

__all__ = [
    "PAGE_SIZE",
    "VERDICTS",
    "calendar_view",
    "filter_from_query",
    "list_view",
    "month_of",
    "year_view",
]

#: Sessions per page of the activity list.
PAGE_SIZE = 50
#: The verdict filter's choices: (value, label).
VERDICTS = (("leg_day", "leg day"), ("not_leg_day", "not a leg day"))


def filter_from_query(
    kind: str | None,
    category: str | None,
    verdict: str | None,
    sport: str | None,
    first: date | None,
    last: date | None,
    text: str | None,
) -> SessionFilter:
    """The list's filter from its form's fields (empty fields, and an unknown verdict, let
    everything through)."""
    chosen = verdict if verdict in dict(VERDICTS) else None
    return SessionFilter(
        kind=kind or None,
        category=category or None,
        verdict=chosen,  # type: ignore[arg-type]
        sport=sport or None,
        first=first,
        last=last,
        text=(text or "").strip()[:200] or None,
    )


def _query(f: SessionFilter, **extra: object) -> str:
    pairs = {
        "kind": f.kind,
        "category": f.category,
        "verdict": f.verdict,
        "sport": f.sport,
        "from": f.first.isoformat() if f.first else None,
        "to": f.last.isoformat() if f.last else None,
        "q": f.text,
        **extra,
    }
    return urlencode({k: v for k, v in pairs.items() if v not in (None, "", 0)})


def row_view(row: SessionRow, units: str) -> dict[str, Any]:
    """A listed session as the templates show it (the week's card vocabulary)."""
    data = row.to_dict()
    kind = "strength" if row.type == "strength" else (row.kind or "other")
    return {
        **data,
        "link": session_link(row.id),
        "label": label(kind),
        "colour": KIND_COLOURS.get(kind, KIND_COLOURS["other"]),
        "badge": badge({**data, "type": "strength" if row.type == "strength" else "run"}),
        "duration": fmt_duration(row.duration_s) if row.duration_s else "–",
        "distance": distance(row.distance_m, units) if row.distance_m else "–",
        "title": row.name or label(kind).capitalize(),
    }


def list_view(
    page: SessionPage, units: str, choices: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """The activity list: its rows, the filter form's values and choices, and the pages."""
    f = page.filter
    number = page.offset // page.limit + 1
    pages = max(1, -(-page.total // page.limit))
    return {
        "rows": [row_view(r, units) for r in page.rows],
        "filter": f,
        "choices": choices,
        "verdicts": VERDICTS,
        "total": page.total,
        "first_shown": page.offset + 1 if page.rows else 0,
        "last_shown": page.offset + len(page.rows),
        "page_number": number,
        "pages": pages,
        "prev_url": f"/activities?{_query(f, page=number - 1)}" if number > 1 else None,
        "next_url": f"/activities?{_query(f, page=number + 1)}" if number < pages else None,
    }


def month_of(text: str | None, today: date) -> date:
    """The first day of the month ``YYYY-MM`` (this month when empty or malformed)."""
    try:
        year, month = (int(p) for p in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def calendar_view(first: date, rows: Iterable[SessionRow], units: str) -> dict[str, Any]:
    """A Monday-first month grid of ``first``'s month with each day's sessions."""
    by_day: dict[date, list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: r.local_start):
        by_day.setdefault(r.local_start.date(), []).append(row_view(r, units))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            {
                "monday": week[0],
                "days": [
                    {"date": d, "in_month": d.month == first.month, "sessions": by_day.get(d, [])}
                    for d in week
                ],
            }
        )
    return {
        "month": first,
        "weeks": weeks,
        "prev": _shift_month(first, -1).strftime("%Y-%m"),
        "next": _shift_month(first, 1).strftime("%Y-%m"),
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }


def period_rows(fetch: Any, first: date, last: date) -> list[SessionRow]:
    """Every session of ``[first, last]``, read page by page with ``fetch`` (a
    :meth:`Library.sessions`): light rows, never the whole history."""
    rows: list[SessionRow] = []
    where = SessionFilter(first=first, last=last)
    while True:
        page: SessionPage = fetch(where, offset=len(rows), limit=MAX_PAGE_SIZE, oldest_first=True)
        rows += page.rows
        if not page.rows or len(rows) >= page.total:
            return rows


def year_view(year: int, rows: Iterable[SessionRow], units: str) -> dict[str, Any]:
    """Weekly totals of ``year`` (ISO weeks by their Monday): distance, moving time and
    sessions, as a table and a bar chart."""
    first_monday = date(year, 1, 4) - timedelta(days=date(year, 1, 4).weekday())
    mondays = []
    d = first_monday
    while d.isocalendar()[0] == year:
        mondays.append(d)
        d += timedelta(days=7)
    totals = {m: {"distance_m": 0.0, "duration_s": 0.0, "runs": 0, "lifts": 0} for m in mondays}
    for r in rows:
        day = r.local_start.date()
        monday = day - timedelta(days=day.weekday())
        if monday not in totals:
            continue
        t = totals[monday]
        t["duration_s"] += r.duration_s or 0.0
        if r.type == "strength":
            t["lifts"] += 1
        else:
            t["distance_m"] += r.distance_m or 0.0
            t["runs"] += 1
    per_unit = METRES_PER_MILE if units == "imperial" else 1000.0
    unit = "mi" if units == "imperial" else "km"
    weeks = [
        {
            "monday": m,
            "week": m.isocalendar()[1],
            "distance": distance(t["distance_m"], units) if t["distance_m"] else "–",
            "time": fmt_duration(t["duration_s"]) if t["duration_s"] else "–",
            "runs": t["runs"],
            "lifts": t["lifts"],
            "empty": not (t["runs"] or t["lifts"]),
        }
        for m, t in totals.items()
    ]
    x = [float(i) for i in range(len(mondays))]
    ticks = [(float(i), m.strftime("%b")) for i, m in enumerate(mondays) if m.day <= 7]
    chart = line_chart(
        x,
        [
            Series(
                f"distance per week, {unit}",
                [totals[m]["distance_m"] / per_unit for m in mondays],
                KIND_COLOURS["easy"],
                style="bars",
            ),
            Series(
                "hours per week",
                [totals[m]["duration_s"] / 3600.0 for m in mondays],
                KIND_COLOURS["strength"],
                style="dots",
                axis="right",
                tip_format=lambda h: fmt_duration(h * 3600.0),
            ),
        ],
        x_ticks=ticks,
        x_format=lambda i: f"week of {mondays[round(i)]:%d %b}",
        left_label=unit,
        right_label="h",
        title=f"Distance ({unit}, left) and hours (right) per week of {year}",
        height=240,
    )
    year_distance = sum(t["distance_m"] for t in totals.values())
    year_time = sum(t["duration_s"] for t in totals.values())
    return {
        "year": year,
        "weeks": weeks,
        "chart": chart,
        "unit": unit,
        "total_distance": distance(year_distance, units) if year_distance else "–",
        "total_time": fmt_duration(year_time) if year_time else "–",
        "total_runs": sum(t["runs"] for t in totals.values()),
        "total_lifts": sum(t["lifts"] for t in totals.values()),
        "prev": year - 1,
        "next": year + 1,
    }
