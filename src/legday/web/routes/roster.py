"""The coach's roster: every athlete the viewer may see, the one most in need of attention
first, as a page (``/roster``) and as JSON (``/api/roster``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from legday import serialise
from legday.store.library import Library
from legday.store.roster import RowCache, every_athlete, read_roster
from legday.week.roster import RosterRow

from ..app import get_library
from .api import json_response
from .pages import _page

__all__ = ["VisibleAthletes", "router", "visible_athletes"]

router = APIRouter()

Lib = Annotated[Library, Depends(get_library)]
DateQuery = Annotated[
    date | None,
    Query(description="Any day of the week (YYYY-MM-DD); default: each athlete's today."),
]

#: Who the viewer may see: the library the request was given, to athlete ids.
VisibleAthletes = Callable[[Library], list[int]]


def visible_athletes(lib: Library) -> list[int]:
    """Every athlete stored: the single-user dashboard is its owner's, who sees all of it."""
    return every_athlete(lib.db)


def _visible(request: Request) -> VisibleAthletes:
    found: VisibleAthletes = getattr(request.app.state, "visible_athletes", visible_athletes)
    return found


def _rows(request: Request, lib: Library, day: date | None) -> list[RosterRow]:
    ids = _visible(request)(lib)
    profiles = {lib.athlete: lib.profile}
    cache: RowCache | None = getattr(request.app.state, "roster_rows", None)
    if cache is None:  # one per server process: each athlete's row until their data changes
        cache = request.app.state.roster_rows = RowCache()
    return read_roster(
        lib.db, ids, lib.settings, lib.clock, day=day, profiles=profiles, cache=cache
    )


@router.get("/api/roster", tags=["api"], summary="Every athlete's week, most in need first")
def roster_api(request: Request, lib: Lib, date: DateQuery = None) -> Response:
    return json_response(serialise.roster(_rows(request, lib, date)))


@router.get("/roster", response_class=HTMLResponse, include_in_schema=False)
def roster_page(request: Request, lib: Lib, date: DateQuery = None) -> Response:
    rows = _rows(request, lib, date)
    top = max((x for r in rows for x in r.weekly_trimp), default=0.0) or 1.0
    view = [
        {
            "row": r,
            "data": r.to_dict(),
            "links": serialise.athlete_links(r.name, r.monday),
            # the weekly-load bars, each as a share of the roster's biggest week
            "bars": [round(x / top, 3) for x in r.weekly_trimp],
        }
        for r in rows
    ]
    context = {"rows": view, "spike": lib.settings.acwr_spike, "date": date}
    return _page(request, "roster.html", context)
