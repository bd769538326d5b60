"""One JSON vocabulary for every ``--json`` output and every ``/api`` route.

The library's own dicts (``Library.activity``, ``WeekReport.to_dict``, the stored verdict
payload, …) are shaped for storage and for the dashboard's templates; these functions turn them
into what a user's script reads, the same way wherever it reads it. Three rules hold:

* **A session id is a string**: an activity's is its number (``"42"``), a lifting session's is
  ``s`` and its number (``"s5"``) — what ``legday week`` and the dashboard show and what every
  command and API route that takes an id reads (a bare number, ``42``, still reads as an
  activity). Ids that point at another session (``activity_id``) follow the same rule.
* **``reasons`` is a list of ``{"rule", "text"}``**: ``rule`` is the rule of
  ``../shared/docs/DOMAIN.md`` the sentence applies (``"R3"``), or null where none does (why a
  run got its kind is what the recording showed, not a rule).
* **A verdict is one object**, ``{"counts_as_leg_day", "category", "reasons", "stimulus",
  "headline", "headlines"}``, never wrapped in another ``"verdict"`` key.

The JSON Schemas of these shapes are in ``docs/schemas/``; ``tests/test_json_schemas.py`` runs
every command and API route against them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from legday.week.roster import RosterRow

__all__ = [
    "activity",
    "analysis",
    "athlete_links",
    "dumps",
    "import_summary",
    "json_ready",
    "reasons",
    "records",
    "roster",
    "session_id",
    "session_page",
    "strength_session",
    "verdict",
    "week",
]

SessionType = Literal["activity", "strength"]


def session_id(ref: int | str, type_: SessionType = "activity") -> str:
    """A session's id as a string: ``42`` (an activity) → ``"42"``, a strength session's row
    ``5`` → ``"s5"``; a string already in that form is returned as it is."""
    if isinstance(ref, str):
        return ref.strip().lower()
    return f"s{ref}" if type_ == "strength" else str(ref)


def _optional_id(ref: int | str | None, type_: SessionType = "activity") -> str | None:
    return None if ref is None else session_id(ref, type_)


def reasons(items: Iterable[str | Mapping[str, Any]] | None) -> list[dict[str, str | None]]:
    """Each reason as ``{"rule", "text"}``: a bare sentence (the analysis's reasons for a kind)
    applies no rule, so its ``rule`` is null."""
    out: list[dict[str, str | None]] = []
    for item in items or ():
        if isinstance(item, str):
            out.append({"rule": None, "text": item})
        else:
            out.append({"rule": item.get("rule") or None, "text": str(item.get("text", ""))})
    return out


def verdict(payload: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A verdict as one object: the stored ``{"verdict": {...}}`` payload unwrapped (a verdict
    already unwrapped passes as it is); None when there is none."""
    if not payload:
        return None
    inner = payload.get("verdict")
    body = dict(inner) if isinstance(inner, Mapping) else dict(payload)
    body["reasons"] = reasons(body.get("reasons"))
    return body


def analysis(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A run's analysis (``legday analyze --json``, or stored): its kind's ``reasons`` as
    ``{"rule": null, "text"}`` and its verdict, when it carries one, unwrapped."""
    if data is None:
        return None
    out = dict(data)
    out["reasons"] = reasons(data.get("reasons"))
    if "verdict" in out:
        out["verdict"] = verdict(out["verdict"])
    return out


def _with_offset(moment: str) -> str:
    """An ISO 8601 time the database gave back without its offset (SQLite keeps UTC times
    naive) with it: every time in the vocabulary carries one."""
    from datetime import UTC, datetime

    parsed = datetime.fromisoformat(moment)
    return moment if parsed.tzinfo else parsed.replace(tzinfo=UTC).isoformat()


def activity(data: Mapping[str, Any]) -> dict[str, Any]:
    """A stored activity (``Library.activity``, ``legday label --json``,
    ``/api/activity/ID``)."""
    return {
        **data,
        "id": session_id(data["id"]),
        "start": _with_offset(data["start"]),
        "analysis": analysis(data.get("analysis")),
        "verdict": verdict(data.get("verdict")),
    }


def strength_session(data: Mapping[str, Any]) -> dict[str, Any]:
    """A stored lifting session (``Library.strength_session``, ``legday edit --json``,
    ``/api/strength/session/ID``): its id the string ``"s5"`` only (no second, numeric one),
    the activity it came from (a watch's strength workout) by that activity's id."""
    out = {k: v for k, v in data.items() if k != "row_id"}
    out["id"] = session_id(data["id"], "strength")
    out["activity_id"] = _optional_id(data.get("activity_id"))
    out["verdict"] = verdict(data.get("verdict"))
    return out


def _typed_ids(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose ``id`` is an activity's number or already ``"s<n>"``: each id a string."""
    return [{**r, "id": session_id(r["id"])} for r in rows]


def week(data: Mapping[str, Any]) -> dict[str, Any]:
    """The week check (``legday week --json``, ``/api/week``)."""
    return {**data, "sessions": _typed_ids(data["sessions"])}


def session_page(data: Mapping[str, Any]) -> dict[str, Any]:
    """A page of the activity list (``/api/sessions``)."""
    return {**data, "sessions": _typed_ids(data["sessions"])}


def records(data: Mapping[str, Any]) -> dict[str, Any]:
    """Records and totals (``legday records --json``, ``/api/records``): each personal record
    names its run by the run's id."""
    personal = [
        {**r, "activity_id": session_id(r["activity_id"])} for r in data["personal_records"]
    ]
    return {**data, "personal_records": personal}


def import_summary(
    data: Mapping[str, Any], stored: Mapping[str, Iterable[int | str]]
) -> dict[str, Any]:
    """An import's summary (``legday import --json``, ``/api/import``), each file with the ids
    of the sessions it stored (``stored``, by the file's reported path; none for a duplicate or
    a failure) and each removed session it held by its id."""
    files = [
        {
            **f,
            "removed": [{**r, "id": session_id(r["id"])} for r in f.get("removed", ())],
            "session_ids": [session_id(i) for i in stored.get(f["path"], ())],
        }
        for f in data["files"]
    ]
    return {**data, "files": files}


def athlete_links(name: str, monday: date) -> dict[str, str]:
    """Where a coach opens an athlete's week, activities and plan on the dashboard."""
    from urllib.parse import urlencode

    who = {"athlete": name}
    week = {**who, "date": monday.isoformat()}
    plan = {**who, "date": (monday + timedelta(days=7)).isoformat()}
    return {
        "week": f"/?{urlencode(week)}",
        "activities": f"/activities?{urlencode(who)}",
        "plan": f"/plan?{urlencode(plan)}",
    }


def roster(rows: Iterable[RosterRow]) -> dict[str, Any]:
    """The coach's roster (``legday roster --json``, ``/api/roster``): each athlete's row, the
    one most in need of attention first, with the dashboard's links to them."""
    return {"athletes": [{**r.to_dict(), "links": athlete_links(r.name, r.monday)} for r in rows]}


def json_ready(value: Any) -> Any:
    """``value`` with every non-finite float (NaN, inf) as None: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def dumps(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON text: non-finite numbers as null, non-ASCII as written, anything else
    JSON has no type for (a date) as its ``str``."""
    return json.dumps(json_ready(value), indent=indent, ensure_ascii=False, default=str)
