"""``legday log`` and ``legday strength``: lifting, by hand and over time."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from legday.strength.grammar import LOG_GRAMMAR_HELP, band_of

from .common import (
    DbOption,
    console,
    example,
    fmt_kg,
    guarded,
    library,
    parse_when,
    print_json,
)

LOG_EPILOG = example(
    'legday log "back squat 3x8 @ 80kg rir 2; split squat 2x10 @ 2x12kg rir 2"',
    'legday log "side plank 2x30s; bird dog 2x10" --date 2026-11-24T18:30 --json',
)
STRENGTH_EPILOG = example("legday strength", "legday strength --exercise 'back squat' --json")


@guarded
def log(
    text: Annotated[str, typer.Argument(help="What you lifted (see the grammar above).")],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="When, in your time zone: YYYY-MM-DD[THH:MM] (default: it just ended; a date "
            "alone is 18:00, or after a session already logged then).",
        ),
    ] = None,
    again: Annotated[
        bool,
        typer.Option("--again", help="Log it even when the same sets are logged that day already."),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    lib = library(db)
    try:
        logged = lib.log(text, parse_when(date), again=again)
    finally:
        lib.close()
    exercises = list(dict.fromkeys(s.exercise for s in logged.session.sets))
    if json_out:
        from legday import serialise

        print_json(
            {
                "id": serialise.session_id(logged.id, "strength"),
                "sets": len(logged.session.sets),
                "exercises": exercises,
                "verdict": serialise.verdict(logged.verdict),
            }
        )
        return
    console.print(f"[bold]{escape(logged.verdict['verdict']['headline'])}[/]")
    table = Table("exercise", "reps", "load", "effort", title=f"Logged session s{logged.id}")
    for s in logged.session.sets:
        band = band_of(s)
        load = band or (
            "–" if s.load_kg is None else f"{s.load_kg:g} kg" + (" each" if s.per_hand else "")
        )
        reps = f"{s.duration_s:g} s" if s.reps is None and s.duration_s else str(s.reps)
        effort = f"RIR {s.rir:g}" if s.rir is not None else (f"RPE {s.rpe:g}" if s.rpe else "–")
        table.add_row(escape(s.exercise), reps, load, effort)
    console.print(table)


log.__doc__ = "Log a strength session by hand and see its verdict.\n\n" + escape(LOG_GRAMMAR_HELP)


@guarded
def strength(
    exercise: Annotated[
        str | None, typer.Option("--exercise", help="One exercise (name or catalog key).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Your lifts: the e1RM trend over the last sessions (reps or seconds where there is no
    e1RM), the last session, the next action and why (double progression in 6–10 reps at 1–2
    reps in reserve, R7)."""
    lib = library(db)
    try:
        report = lib.strength_report(exercise)
    finally:
        lib.close()
    if json_out:
        print_json(report)
        return
    render_strength(report)


#: The trend's direction as an arrow.
_ARROW = {"up": "[green]↑[/]", "down": "[red]↓[/]", "flat": "→"}


def render_strength(report: dict[str, Any]) -> None:
    """Each lift: its trend, the last session, the next action and why (the report's texts, so
    the text and ``--json`` agree)."""
    if not report["exercises"]:
        console.print('No lifting yet: legday log "back squat 3x8 @ 60kg rir 2" or import a log.')
    for ex in report["exercises"]:
        trend = ex.get("trend")
        n = ex["sessions"]
        head = f"[bold]{escape(ex['name'])}[/] · {n} session{'' if n == 1 else 's'}"
        if trend is not None:
            head += f" · {_ARROW[trend['direction']]} {escape(trend['text'])}"
        elif ex.get("e1rm_kg") is not None:
            head += f" · e1RM {fmt_kg(ex['e1rm_kg'])} kg"
        console.print(head)
        last = ex.get("last")
        if last is not None:
            console.print(f"  last  {last['date']}: {escape(last['text'])}")
        console.print(f"  next  {escape(ex['next_action'])}")
        console.print(f"  why   {escape(ex['reason'])}", style="dim")
