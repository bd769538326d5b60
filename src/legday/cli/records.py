"""``legday records``: personal records over the standard distances, each lift's best e1RM,
and distance, time and ascent per week, month and year."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from .common import (
    DbOption,
    console,
    example,
    fmt_ascent,
    fmt_distance,
    fmt_duration,
    fmt_pace,
    guarded,
    library,
    print_json,
)

EPILOG = example("legday records", "legday records --json")


def _load(kg: float, units: str) -> str:
    from legday.strength.grammar import KG_PER_LB

    return f"{kg / KG_PER_LB:.1f} lb" if units == "imperial" else f"{kg:g} kg"


@guarded
def records(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Your records: the fastest time over 400 m, 1 km, 1 mile, 5 km, 10 km, half and full
    marathon from any run (with its date and id), each lift's best e1RM, and distance, time
    and ascent over the recent weeks, months and years, in your units."""
    from legday.store.records import EFFORT_LABELS
    from legday.store.records import records as records_of

    lib = library(db)
    try:
        found = records_of(lib)
        units = lib.profile.units
    finally:
        lib.close()
    if json_out:
        from legday import serialise

        print_json(serialise.records(found.to_dict()))
        return
    table = Table(title="Personal records", title_justify="left")
    for column in ("distance", "time", "pace", "date", "run"):
        table.add_column(column)
    for r in found.personal:
        table.add_row(
            EFFORT_LABELS[r.distance],
            fmt_duration(r.elapsed_s),
            fmt_pace(r.distance_m / r.elapsed_s, units),
            r.local_start.date().isoformat(),
            str(r.activity_id),
        )
    console.print(table if found.personal else "No runs with a distance yet.")
    if found.lifts:
        lifts = Table(title="Lift records (best e1RM)", title_justify="left")
        for column in ("lift", "e1RM", "date"):
            lifts.add_column(column)
        for lift in found.lifts:
            lifts.add_row(lift.name, _load(lift.e1rm_kg, units), lift.day.isoformat())
        console.print(lifts)
    for period, rows in found.totals.items():
        if not rows:
            continue
        totals = Table(title=f"Totals per {period}", title_justify="left")
        for column in (period, "sessions", "distance", "time", "ascent"):
            totals.add_column(column)
        for t in rows:
            totals.add_row(
                t.label,
                str(t.sessions),
                fmt_distance(t.distance_m, units),
                fmt_duration(t.duration_s),
                fmt_ascent(t.ascent_m, units),
            )
        console.print(totals)
