"""The HTML pages: week (or a welcome on an empty database), activity, strength and one strength
session, plan, import and the offline API docs."""

from __future__ import annotations

from datetime import date, timedelta
from datetime import date as date_type  # the routes' `date` parameter shadows the type
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from legday import serialise
from legday.errors import LabelError, NotFoundError
from legday.model import RunKind
from legday.plan import Block, to_ics
from legday.store.library import Library

from ..app import get_library
from ..run_views import run_page_view
from ..strength_views import strength_session_view, strength_view
from ..units import to_units
from ..views import activity_view, week_view

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: Weeks of lifting the strength page draws (e1RM trends; the hard-set grid shows the last 8):
#: a year, so the page reads a year's sessions whatever the history's length.
TREND_WEEKS = 52

Lib = Annotated[Library, Depends(get_library)]
DateQuery = Annotated[date | None, Query()]


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, {"page": name.removesuffix(".html"), **context}, status_code=status
    )


@router.get("/", response_class=HTMLResponse)
def week_page(request: Request, lib: Lib, date: DateQuery = None) -> Response:
    if date is None and not lib.has_sessions():
        home = request.app.state.home
        return _page(request, "welcome.html", {"home": str(home) if home else None})
    units = to_units(lib.profile.units)
    today = lib.today()
    # without a date, the newest week that holds sessions: a runner's data, not an empty week
    data = lib.week(date or lib.latest_session_day() or today).to_dict()
    distances = lib.activity_distances(
        s["id"] for s in data["sessions"] if isinstance(s["id"], int)
    )
    view = week_view(data, units, distances)
    monday = date_type.fromisoformat(data["start"])
    this_week = monday <= today < monday + timedelta(days=7)
    context = {
        "week": data,
        "units": units,
        "today": None if this_week else today,
        "newest": date is None,
        **view,
    }
    return _page(request, "week.html", context)


@router.get("/activity/{activity_id}", response_class=HTMLResponse)
def activity_page(
    request: Request,
    lib: Lib,
    activity_id: int,
    route: Annotated[Literal["pace", "hr"], Query()] = "pace",
) -> Response:
    units = to_units(lib.profile.units)
    activity = serialise.activity(lib.activity(activity_id))  # the API's vocabulary
    streams = lib.activity_streams(activity_id)
    view = activity_view(activity, streams, units, lib.activity_reps(activity_id))
    view.update(run_page_view(activity, streams, lib.activity_laps(activity_id), units, route))
    kinds = [k.value for k in RunKind]
    return _page(request, "activity.html", {"activity": activity, "kinds": kinds, **view})


@router.post("/activity/{activity_id}/label")
def label_form(
    lib: Lib,
    activity_id: int,
    kind: Annotated[str, Form()] = "",
    reps: Annotated[str, Form()] = "",
    clear: Annotated[str, Form()] = "",
) -> Response:
    """The activity page's "what kind of run was it?" form (as ``legday label``): set the
    runner's kind (and reps), or clear it, then back to the page. A page on another site
    cannot post it: :class:`~legday.web.security.UploadLimit` refuses a foreign ``Origin``,
    as for the import form."""
    if clear:
        lib.clear_label(activity_id)
    else:
        count = reps.strip()
        if count and not count.isdigit():
            raise LabelError(f"reps must be a whole number, not {count!r}")
        lib.label(activity_id, kind, int(count) if count else None)
    return RedirectResponse(f"/activity/{activity_id}#label", status_code=303)


@router.get("/strength", response_class=HTMLResponse)
def strength_page(request: Request, lib: Lib) -> Response:
    units = to_units(lib.profile.units)
    view = strength_view(*lib.strength_overview(TREND_WEEKS), units)  # one read for both
    return _page(request, "strength.html", {"units": units, **view})


@router.get("/records", response_class=HTMLResponse)
def records_page(request: Request, lib: Lib) -> Response:
    from legday.store.records import records

    from ..records_views import records_view

    units = to_units(lib.profile.units)
    return _page(request, "records.html", {"units": units, **records_view(records(lib), units)})


@router.get("/strength/session/{session_id}", response_class=HTMLResponse)
def strength_session_page(request: Request, lib: Lib, session_id: int) -> Response:
    units = to_units(lib.profile.units)
    session = serialise.strength_session(lib.strength_session(session_id))
    view = strength_session_view(session, units)
    return _page(request, "strength_session.html", {"session": session, "units": units, **view})


def _plan(lib: Library, day: date | None) -> Any:
    result = lib.plan(day)
    # Library.plan returns a Block only for weeks > 1, which the dashboard never asks for
    return result.plans[0] if isinstance(result, Block) else result


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, lib: Lib, date: DateQuery = None) -> Response:
    plan = _plan(lib, date)
    units = to_units(lib.profile.units)
    return _page(request, "plan.html", {"plan": plan, "date": date, "units": units})


@router.get("/plan.ics")
def plan_ics(lib: Lib, date: DateQuery = None) -> Response:
    plan = _plan(lib, date)
    return Response(
        to_ics(plan, time_zone=lib.profile.time_zone),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="legday-{plan.week}.ics"'},
    )


@router.get("/plan/{name}.fit")
def plan_fit(name: str, lib: Lib, date: DateQuery = None) -> Response:
    """One strength session of the plan as a Garmin FIT workout (``<date>-<weekday>-strength``,
    as the plan page links it)."""
    from legday.plan.fit_workout import fit_workouts

    plan = _plan(lib, date)
    for workout in fit_workouts(plan, units=lib.profile.units):
        if workout.name == f"{name}.fit":
            return Response(
                workout.data,
                media_type="application/vnd.ant.fit",
                headers={"Content-Disposition": f'attachment; filename="{workout.name}"'},
            )
    raise NotFoundError(f"no strength session {name}.fit in the plan for {plan.week}")


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> Response:
    return _page(
        request, "import.html", {"result": None, "limit": request.app.state.max_upload_bytes}
    )


@router.post("/import", response_class=HTMLResponse)
def import_form(request: Request, lib: Lib, files: Annotated[list[UploadFile], File()]) -> Response:
    """The no-JavaScript path: the form posts here, and is sent to its job's page."""
    job = request.app.state.imports.submit(lib, files)
    return RedirectResponse(f"/import/{job.id}", status_code=303)


@router.get("/import/{job_id}", response_class=HTMLResponse)
def import_job_page(request: Request, lib: Lib, job_id: str) -> Response:
    """An import's progress (the page reloads itself until it is done), then its results."""
    job = request.app.state.imports.status(lib, job_id).to_dict()
    context = {"result": job["report"], "job": job, "limit": request.app.state.max_upload_bytes}
    return _page(request, "import.html", context)


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> Response:
    """The API's endpoints, listed from the OpenAPI schema (offline: no Swagger UI CDN)."""
    schema = request.app.openapi()
    endpoints = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "params": [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ],
            "body": "requestBody" in op,
        }
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    ]
    return _page(request, "docs.html", {"endpoints": endpoints, "info": schema["info"]})
