"""The JSON API: the same objects the CLI prints with ``--json``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response

from legday import serialise
from legday.errors import LabelError
from legday.store.library import Library

from ..app import get_library

__all__ = ["json_response", "router"]

router = APIRouter(prefix="/api", tags=["api"])

Lib = Annotated[Library, Depends(get_library)]
DateQuery = Annotated[
    date | None, Query(description="Any day of the week (YYYY-MM-DD); default: today.")
]


def json_response(data: Any, status_code: int = 200) -> Response:
    """JSON exactly as ``legday … --json`` prints it (non-finite numbers become null)."""
    return Response(serialise.dumps(data), status_code=status_code, media_type="application/json")


@router.get("/week", summary="The week check (as `legday week --json`)")
def week(lib: Lib, date: DateQuery = None) -> Response:
    return json_response(serialise.week(lib.week(date).to_dict()))


@router.get("/activity/{activity_id}", summary="One stored activity: analysis and verdict")
def activity(lib: Lib, activity_id: int) -> Response:
    return json_response(serialise.activity(lib.activity(activity_id)))


@router.post(
    "/activity/{activity_id}/label",
    summary="Set (or clear) the runner's kind of a run (as `legday label --json`)",
)
def label_activity(
    lib: Lib,
    activity_id: int,
    kind: Annotated[
        str | None,
        Body(description="The run's kind (e.g. race, intervals); null clears your label."),
    ] = None,
    reps: Annotated[int | None, Body(description="Work repetitions, as you counted them.")] = None,
) -> Response:
    if kind is None:
        if reps is not None:
            raise LabelError("reps go with a kind: send kind as well")
        return json_response(serialise.activity(lib.clear_label(activity_id)))
    return json_response(serialise.activity(lib.label(activity_id, kind, reps)))


@router.get("/activity/{activity_id}/reps", summary="A run's work blocks and each repetition")
def activity_reps(lib: Lib, activity_id: int) -> Response:
    return json_response(lib.activity_reps(activity_id))


@router.get("/strength", summary="Lifts and next targets (as `legday strength --json`)")
def strength(
    lib: Lib,
    exercise: Annotated[str | None, Query(description="One exercise (name or key).")] = None,
) -> Response:
    return json_response(lib.strength_report(exercise))


@router.get("/strength/session/{session_id}", summary="One strength session: sets and verdict")
def strength_session(lib: Lib, session_id: int) -> Response:
    return json_response(serialise.strength_session(lib.strength_session(session_id)))


@router.post(
    "/strength/session/{session_id}/edit",
    summary="Correct a strength session: name, time, RPE, notes, sets (as `legday edit --json`)",
)
def edit_strength_session(
    lib: Lib,
    session_id: int,
    name: Annotated[str | None, Body(description='Its name ("" clears it).')] = None,
    when: Annotated[
        date | datetime | None,
        Body(description="YYYY-MM-DD (same time of day) or YYYY-MM-DDTHH:MM, local."),
    ] = None,
    rpe: Annotated[float | None, Body(description="Session RPE, 0–10.")] = None,
    notes: Annotated[str | None, Body(description='Notes ("" clears them).')] = None,
    sets: Annotated[str | None, Body(description="All its sets, in the log grammar.")] = None,
) -> Response:
    edited = lib.edit(f"s{session_id}", name=name, when=when, rpe=rpe, notes=notes, sets=sets)
    return json_response(serialise.strength_session(edited))


@router.post("/sessions/remove", summary="Remove sessions, kept for undo (as `legday rm --json`)")
def remove_sessions(
    lib: Lib,
    ids: Annotated[list[str], Body(embed=True, description='Ids as the week shows: "42", "s5".')],
) -> Response:
    return json_response({"removed": lib.remove(ids)})


@router.post("/sessions/undo", summary="Put back what the last removal took (`legday rm --undo`)")
def undo_remove(lib: Lib) -> Response:
    return json_response({"restored": lib.undo_remove()})


@router.get("/strength/trends", summary="e1RM per session and weekly hard sets per muscle")
def strength_trends(lib: Lib) -> Response:
    return json_response(lib.strength_trends())


@router.get("/records", summary="Personal records, lift records and totals (`legday records`)")
def records(lib: Lib) -> Response:
    from legday.store.records import records as records_of

    return json_response(serialise.records(records_of(lib).to_dict()))


@router.get("/plan", summary="Next week's plan (as `legday plan --json`)")
def plan(lib: Lib, date: DateQuery = None) -> Response:
    return json_response(lib.plan(date).to_dict())


@router.post(
    "/import",
    status_code=202,
    summary="Queue files or export zips for import: the job, at once (its url tells the rest)",
)
def import_files(
    request: Request, lib: Lib, files: Annotated[list[UploadFile], File()]
) -> Response:
    job = request.app.state.imports.submit(lib, files)
    return json_response(job.to_dict(), status_code=202)


@router.get(
    "/imports/{job_id}",
    summary="An import job: queued, running (files done of all) or done, with its report "
    "(as `legday import --json`)",
)
def import_job(request: Request, lib: Lib, job_id: str) -> Response:
    return json_response(request.app.state.imports.status(lib, job_id).to_dict())
