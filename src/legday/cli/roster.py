"""``legday roster``: a coach's view of every athlete in the database, the one most in need of
attention first (the dashboard's ``/roster`` and ``/api/roster``, on the command line)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .common import DbOption, console, example, guarded, library, parse_day, print_json

if TYPE_CHECKING:
    from legday.week.roster import RosterRow

EPILOG = example("legday roster", "legday roster --date 2026-11-23 --json")


@guarded
def roster(
    date_: Annotated[
        str | None,
        typer.Option("--date", help="Any day of the week (YYYY-MM-DD); default: today."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Every athlete stored (a club's runners imported under their names), the one most in need
    of attention first: the week's strength sessions and leg days, the rules it broke (R8–R11),
    the load trend and its spike flag (ACWR), the last upload, and the attention score with
    the signals that make it (docs/science.md)."""
    from legday.store.roster import every_athlete, read_roster

    lib = library(db)
    try:
        rows = read_roster(
            lib.db,
            every_athlete(lib.db),
            lib.settings,
            lib.clock,
            day=parse_day(date_),
            profiles={lib.athlete: lib.profile},
        )
    finally:
        lib.close()
    if json_out:
        from legday import serialise

        print_json(serialise.roster(rows))
        return
    render_roster(rows, you=lib.athlete)


def render_roster(rows: list[RosterRow], you: str | None = None) -> None:
    """The roster as a table: one line per athlete, most in need of attention first (the
    athlete named ``you``, the home's own, shows as "you")."""
    if not rows:
        console.print("No athletes yet: import some sessions first (legday import).")
        return
    table = Table(title=f"Roster, week {rows[0].week}", title_justify="left")
    columns = ("athlete", "score", "why first", "lifts", "leg days", "rules", "ACWR at the end")
    for column in (*columns, "last upload"):
        table.add_column(column)
    for r in rows:
        top = r.signals[0] if r.signals else None  # the heaviest
        days = r.days_since_upload
        table.add_row(
            "you" if r.name == you else escape(r.name),
            f"{r.score:.1f}",
            escape(top.text) if top else "–",
            str(r.strength_sessions),
            str(r.leg_days),
            ", ".join(dict.fromkeys(v.rule for v in r.violations)) or "–",
            f"[red]{r.acwr:.2f}[/]" if r.spike else f"{r.acwr:.2f}",
            "never" if days is None else "today" if days == 0 else f"{days} d ago",
        )
    console.print(table)
