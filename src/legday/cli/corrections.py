"""``legday rm`` and ``legday edit``: sessions a user can correct."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from legday.errors import LogSyntaxError

from .common import DbOption, console, example, guarded, library, parse_when, print_json

RM_EPILOG = example("legday rm s12", "legday rm 42 s13", "legday rm --undo")
EDIT_EPILOG = example(
    "legday edit s12 --date 2026-11-24T07:30 --rpe 8",
    'legday edit s12 --sets "back squat 3x8 @ 82.5kg rir 2" --notes "felt strong"',
)


@guarded
def rm(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="Session ids as `legday week` shows them: 42 (an activity), s12 (lifting).",
            show_default=False,
        ),
    ] = None,
    undo: Annotated[
        bool, typer.Option("--undo", help="Put back what the last `legday rm` removed.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Remove sessions (all or none). They are kept, with their original files, so that
    `legday rm --undo` puts them back with the same ids."""
    if undo == bool(ids):
        raise LogSyntaxError("give the ids to remove, or --undo to put the last ones back")
    lib = library(db)
    try:
        done = lib.undo_remove() if undo else lib.remove(ids or [])
    finally:
        lib.close()
    if json_out:
        print_json({"restored" if undo else "removed": done})
        return
    verb = "Put back" if undo else "Removed"
    tail = "" if undo else " (undo: legday rm --undo)"
    console.print(f"{verb} {', '.join(done)}{tail}")


@guarded
def edit(
    session: Annotated[str, typer.Argument(help="A strength session's id, as s12.")],
    name: Annotated[
        str | None, typer.Option("--name", help='Its name ("" clears it).', show_default=False)
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="When, in your time zone: YYYY-MM-DD (same time of day) or YYYY-MM-DDTHH:MM.",
            show_default=False,
        ),
    ] = None,
    rpe: Annotated[
        float | None,
        typer.Option(
            "--rpe", help="The session's effort, 0–10 (Foster's CR-10).", show_default=False
        ),
    ] = None,
    notes: Annotated[
        str | None, typer.Option("--notes", help='Notes ("" clears them).', show_default=False)
    ] = None,
    sets: Annotated[
        str | None,
        typer.Option(
            "--sets",
            help="All its sets, as `legday log` takes them (replacing the stored ones).",
            show_default=False,
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Correct a logged strength session: its name, date and time, RPE, notes or sets. It is
    judged again (leg day or not) with what you changed."""
    if all(v is None for v in (name, date, rpe, notes, sets)):
        raise LogSyntaxError("nothing to change: give --name, --date, --rpe, --notes or --sets")
    lib = library(db)
    try:
        data = lib.edit(session, name=name, when=parse_when(date), rpe=rpe, notes=notes, sets=sets)
    finally:
        lib.close()
    from legday import serialise

    data = serialise.strength_session(data)
    if json_out:
        print_json(data)
        return
    render_session(data)


def render_session(data: dict[str, Any]) -> None:
    name = f" {escape(data['name'])}" if data.get("name") else ""
    rpe = f" · RPE {data['rpe']:g}" if data.get("rpe") is not None else ""
    console.print(f"[bold]Session {data['id']}[/]{name} · {data['date']} {data['time']}{rpe}")
    if data.get("notes"):
        console.print(f"  {escape(data['notes'])}")
    table = Table("exercise", "reps", "load", "effort")
    for s in data["sets"]:
        load = "–" if s["load_kg"] is None else f"{s['load_kg']:g} kg"
        reps = f"{s['duration_s']:g} s" if s["reps"] is None and s["duration_s"] else s["reps"]
        effort = f"RIR {s['rir']:g}" if s["rir"] is not None else "–"
        table.add_row(escape(s["name"]), str(reps), load, effort)
    console.print(table)
    verdict = data.get("verdict") or {}
    if verdict.get("headline"):
        console.print(escape(verdict["headline"]))
