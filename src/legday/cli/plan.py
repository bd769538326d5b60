"""``legday plan``: next week's strength sessions, placed around the runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from .common import DbOption, console, example, guarded, library, print_json

if TYPE_CHECKING:
    from collections.abc import Mapping

    from legday.model import Units
    from legday.plan.fit_run_workout import Threshold
    from legday.plan.result import Block, Plan
    from legday.plan.runs import RunWorkout

EPILOG = example(
    "legday plan",
    'legday plan --runs "mon=easy,tue=intervals,sat=long" --minutes 25 --json',
    "legday plan --weeks 8 --ics block.ics",
    "legday plan --fit workouts/",
    'legday plan --runs "tue=intervals:6x800@5k/400jog,sat=long" --fit workouts/',
    "legday plan --weeks 8 --race 2027-04-18:42.2",
)


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def _weeks(value: int) -> int:
    """``--weeks`` as its help says: 1, or a block of ``BLOCK_WEEKS`` (4–12)."""
    from legday.plan.block import BLOCK_WEEKS

    lo, hi = BLOCK_WEEKS
    if value != 1 and not lo <= value <= hi:
        raise typer.BadParameter(f"1 (next week) or {lo}–{hi} (a block), got {value}")
    return value


@guarded
def plan(
    runs: Annotated[
        str | None,
        typer.Option(
            help='The week\'s runs, e.g. "mon=easy,tue=intervals,sat=long" (days without a run '
            "are rest). Default: inferred from your last 4 weeks. A quality run may carry its "
            'structure for --fit: "tue=intervals:6x800@5k/400jog", '
            '"thu=tempo:wu2k+20min@threshold+cd10min" (docs/fit-workouts.md).'
        ),
    ] = None,
    weeks: Annotated[
        int,
        typer.Option(
            help="Weeks to plan: 1 (next week) or 4–12 (a progressive block with deloads).",
            callback=_weeks,
        ),
    ] = 1,
    available: Annotated[
        str | None, typer.Option(help="Days free for lifting, e.g. mon,wed,fri.")
    ] = None,
    minutes: Annotated[int | None, typer.Option(min=10, help="Minutes per session.")] = None,
    equipment: Annotated[
        str | None,
        typer.Option(help="bodyweight,bands,dumbbells,kettlebell,barbell,cables,machine"),
    ] = None,
    race: Annotated[
        str | None,
        typer.Option(
            help="Races, DATE:KM, e.g. 2027-04-18:42.2 or 2027-06-06:10k,2027-09-26:marathon "
            "(besides the profile's races): lighter race weeks, no lifting the day before, no "
            "hard legs for 48–144 h after; a block builds toward them."
        ),
    ] = None,
    ics: Annotated[Path | None, typer.Option(help="Also write an iCalendar file.")] = None,
    fit: Annotated[
        Path | None,
        typer.Option(
            help="Also write each strength session, and each run given a structure in --runs, "
            "as a Garmin FIT workout into this folder (copy them to the watch's GARMIN/NewFiles "
            "folder).",
            file_okay=False,
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Plan next week's 2–3 strength sessions around your runs (R8–R11): legs after or the day
    after hard runs, never the day before one, with compound, single-leg, isolation, core and
    upper-body work, loads from your progression. Around races: at most 2 lighter sessions in
    race week, none the day before. Rules that cannot be met are listed."""
    from legday.model import parse_races
    from legday.plan import parse_runs, to_ics
    from legday.plan.runs import parse_run_workouts

    workouts = parse_run_workouts(runs) if runs is not None and fit is not None else {}
    threshold: Threshold | None = None
    lib = library(db)
    try:
        if workouts:
            from legday.plan.fit_run_workout import library_threshold

            threshold = library_threshold(lib)
        result = lib.plan(
            runs=parse_runs(runs) if runs is not None else None,
            weeks=weeks,
            available_days=_split(available),
            minutes_per_day=minutes,
            equipment=_split(equipment),
            races=parse_races(race) if race is not None else (),
        )
    finally:
        lib.close()
    if ics is not None:
        ics.write_bytes(to_ics(result, time_zone=lib.profile.time_zone))
    units = lib.profile.units
    written = write_fit_workouts(result, fit, units, workouts, threshold) if fit else []
    if json_out:
        print_json(result.to_dict())
        return
    for line in result.lines():
        console.print(escape(line))
    if ics is not None:
        console.print(f"Calendar written to {escape(str(ics))}")
    if fit is not None:
        console.print(f"{len(written)} FIT workouts written to {escape(str(fit))}")
    if threshold is not None:
        console.print(f"Run paces from a threshold of {threshold.describe(units)}")


def write_fit_workouts(
    result: Plan | Block,
    folder: Path,
    units: Units,
    runs: Mapping[str, RunWorkout] | None = None,
    threshold: Threshold | None = None,
) -> list[Path]:
    """Each strength session, and each run ``runs`` gives a structure (paced from
    ``threshold``), as a FIT workout in ``folder`` (made when missing)."""
    from legday.plan.fit_workout import fit_workouts

    folder.mkdir(parents=True, exist_ok=True)
    files = fit_workouts(result, units=units)
    if runs and threshold is not None:
        from legday.plan.fit_run_workout import fit_run_workouts

        files += fit_run_workouts(result, runs, threshold, units=units)
    out = []
    for workout in files:
        path = folder / workout.name
        path.write_bytes(workout.data)
        out.append(path)
    return out
