"""The pages that find any session: the filtered activity list, a month calendar and a year of
weekly totals (and the list as JSON, at ``/api/sessions``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from legday import serialise
from legday.store.browse import MAX_PAGE_SIZE
from legday.store.library import Library

from ..app import get_library
from ..browse_views import (
    PAGE_SIZE,
    calendar_view,
    filter_from_query,
    list_view,
    month_of,
    period_rows,
    year_view,
)
from ..units import to_units
from .api import json_response
from .pages import _page

__all__ = ["router"]

router = APIRouter()

Lib = Annotated[Library, Depends(get_library)]
Text = Annotated[str | None, Query(max_length=200)]
Day = Annotated[date | None, Query()]


def _filter(
    kind: Text = None,
    category: Text = None,
    verdict: Annotated[
        str | None, Query(description="leg_day or not_leg_day", max_length=20)
    ] = None,
    sport: Text = None,
    first: Annotated[date | None, Query(alias="from", description="First day, YYYY-MM-DD.")] = None,
    last: Annotated[date | None, Query(alias="to", description="Last day, YYYY-MM-DD.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the name.")] = None,
) -> Any:
    return filter_from_query(kind, category, verdict, sport, first, last, q)


Filter = Annotated[Any, Depends(_filter)]


@router.get("/activities", response_class=HTMLResponse, include_in_schema=False)
def activities_page(
    request: Request, lib: Lib, where: Filter, page: Annotated[int, Query(ge=1)] = 1
) -> Response:
    units = to_units(lib.profile.units)
    found = lib.sessions(where, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    view = list_view(found, units, lib.session_choices())
    return _page(request, "activities.html", {"units": units, **view})


@router.get("/calendar", response_class=HTMLResponse, include_in_schema=False)
def calendar_page(
    request: Request,
    lib: Lib,
    month: Annotated[str | None, Query(max_length=7, description="YYYY-MM")] = None,
) -> Response:
    units = to_units(lib.profile.units)
    first = month_of(month, lib.today())
    view = calendar_view(first, period_rows(lib.sessions, *_month_span(first)), units)
    return _page(request, "calendar.html", {"units": units, **view})


def _month_span(first: date) -> tuple[date, date]:
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


@router.get("/year", response_class=HTMLResponse, include_in_schema=False)
def year_page(
    request: Request, lib: Lib, year: Annotated[int | None, Query(ge=1900, le=2100)] = None
) -> Response:
    units = to_units(lib.profile.units)
    chosen = year or lib.today().year
    # ISO weeks of a year reach a few days into the next and the last
    rows = period_rows(lib.sessions, date(chosen - 1, 12, 25), date(chosen + 1, 1, 7))
    return _page(request, "year.html", {"units": units, **year_view(chosen, rows, units)})


@router.get("/api/sessions", summary="Stored sessions, filtered and paged", tags=["api"])
def sessions_api(
    lib: Lib,
    where: Filter,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> Response:
    page = lib.sessions(where, offset=offset, limit=limit)
    return json_response(serialise.session_page(page.to_dict()))
