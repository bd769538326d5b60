"""``legday demo``: a synthetic runner, end to end, on the embedded defaults.

The demo never touches the user's own data: it writes into ``<home>/demo/seed-N/`` with its own
SQLite database and the synthetic athlete's profile.
"""

from __future__ import annotations

import gzip
import shutil
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .common import console, example, fmt_duration, guarded, home
from .plan import write_fit_workouts
from .week import render_week

if TYPE_CHECKING:
    from legday.model import AthleteProfile
    from legday.plan.result import Plan
    from legday.store.library import Library
    from legday.synth import Device, History

EPILOG = example("legday demo", "legday demo --weeks 4 --seed 7")

#: The demo runner's watch: GPS and a barometer, recording every second, so its outdoor runs
#: have a route and real ascent (the synthetic runner otherwise draws a device at random,
#: footpod watches without either included).
DEMO_WATCH = "synthetic gps watch"


#: The demo's club: teammates drawn from the seeds after the runner's, each with how many days
#: before the runner's last day their history stops (one has stopped logging this week).
CLUB_STOPS_DAYS_BEFORE = (0, 12, 0)


@guarded
def demo(
    weeks: Annotated[int, typer.Option(min=1, max=52, help="Weeks of history to generate.")] = 8,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same runner.")
    ] = 0,
    teammates: Annotated[
        int,
        typer.Option(
            min=0,
            max=len(CLUB_STOPS_DAYS_BEFORE),
            help="Teammates imported beside the runner for the coach's roster (0: none).",
        ),
    ] = len(CLUB_STOPS_DAYS_BEFORE),
) -> None:
    """Generate a sample runner (FIT, GPX and TCX runs, a Strong CSV of lifts), import it into
    a demo database, judge every session, check the last week and plan the next one. No
    --json: this is a tour for a person; the demo's home takes every command's --json (the
    last lines say how)."""
    from legday.home import Home
    from legday.plan.result import Plan
    from legday.store.library import Library
    from legday.synth import Device, generate_history, write_history

    t0 = time.perf_counter()
    h = home()
    folder = h.path / "demo" / f"seed-{seed}"
    if folder.exists():
        shutil.rmtree(folder)
    files = folder / "files"
    files.mkdir(parents=True)
    watch = Device(DEMO_WATCH, has_gps=True, has_baro=True, noise=1)
    history = generate_history(weeks=weeks, seed=seed, device=watch)
    written = write_history(history, files, formats=("fit", "gpx", "tcx"))
    zipped = _strava_export(history, written, files / "export_strava.zip")
    athlete = history.athlete
    console.print(
        f"[bold]1. A sample runner:[/] {athlete.name}, {len(history.runs)} runs and "
        f"{len(history.strength)} strength sessions over {weeks} weeks, written as real files "
        f"to {files}: FIT, TCX, a Strong CSV, and a Strava export zip holding {zipped} of the "
        f"runs plus one entered by hand, without a file ({time.perf_counter() - t0:.1f} s)"
    )

    # The demo folder is a legday home of its own (profile, database, originals), so every
    # command can be pointed at it with LEGDAY_HOME. The clock stands at the evening of the
    # history's last day.
    demo_home = Home(folder)
    demo_home.save_profile(athlete.profile())
    last = history.last_day
    now = datetime(last.year, last.month, last.day, 21, tzinfo=UTC)
    lib = Library.open(demo_home, clock=lambda: now)
    try:
        t1 = time.perf_counter()
        summary = lib.import_paths([files])
        data = summary.to_dict()
        console.print(
            f"[bold]2. Imported[/] {data['imported']} files ({data['failed']} failed) into "
            f"{folder / 'legday.sqlite'}: analysed and judged in {time.perf_counter() - t1:.1f} s"
        )
        report = lib.week(last)
        _sessions_table(lib, last - timedelta(days=13), last)
        _why(written, athlete.profile(), folder)
        console.print("[bold]3. The week check[/]")
        render_week(report)
        console.print("[bold]4. Next week's plan[/]")
        plan = lib.plan(last)
        for line in plan.lines():
            console.print(escape(line))
        week = plan if isinstance(plan, Plan) else plan.plans[0]
        _write_workouts(lib, week, folder / "workouts")
        if teammates:
            _club(lib, weeks, seed, watch, folder / "club", last, teammates)
    finally:
        lib.close()
    console.print(f"Done in {time.perf_counter() - t0:.1f} s.")
    console.print(
        f"[bold]6. Explore it:[/] the demo folder is a legday home of its own —\n"
        f"  LEGDAY_HOME={folder} legday serve      (the dashboard)\n"
        f"  then open {dashboard_url(last)}      (the demo's last week)\n"
        f"  LEGDAY_HOME={folder} legday week --date {last.isoformat()}\n"
        f"  LEGDAY_HOME={folder} legday strength\n"
        f"  LEGDAY_HOME={folder} legday roster --date {last.isoformat()}      (the club, "
        "also at /roster)\n"
        '  a coach\'s server for many athletes, with logins: README, "For coaches and clubs"',
        soft_wrap=True,  # whole lines, so they can be copied
    )


def _club(
    lib: Library, weeks: int, seed: int, watch: Device, folder: Path, last: date, count: int
) -> None:
    """Teammates imported under their own names into the demo's database, then the roster a
    coach reads: every athlete's week, the one most in need of attention first."""
    from dataclasses import replace

    from legday.store.roster import every_athlete, read_roster
    from legday.synth import generate_history, write_history

    from .roster import render_roster

    t0 = time.perf_counter()
    # their watches record "smart" (a point every 1-7 s, as most Garmins do by default): files
    # of a realistic size, written in a third of the time the SDK's encoder takes at 1 s
    smart = replace(watch, recording="smart")
    names = []
    for k, stop in enumerate(CLUB_STOPS_DAYS_BEFORE[:count], start=1):
        mate = generate_history(
            weeks=weeks, seed=seed + k, end=last - timedelta(days=stop), device=smart
        )
        name = mate.athlete.name if mate.athlete.name not in names else f"{mate.athlete.name} {k}"
        names.append(name)
        files = folder / f"{k}"
        files.mkdir(parents=True)
        write_history(mate, files, formats=("fit",))
        replace(lib, athlete=name, profile=mate.athlete.profile()).import_paths([files])
    rows = read_roster(
        lib.db,
        every_athlete(lib.db),
        lib.settings,
        lib.clock,
        day=last,
        profiles={lib.athlete: lib.profile},
    )
    console.print(
        f"[bold]5. A coach's roster:[/] {len(names)} teammates ({', '.join(names)}) generated "
        f"and imported under their own names ({time.perf_counter() - t0:.1f} s); who needs a "
        "word first:"
    )
    render_roster(rows, you=lib.athlete)


#: The structure the demo gives next week's first quality run, by its kind, in ``legday plan
#: --runs``'s grammar (docs/fit-workouts.md).
QUALITY_RUNS: dict[str, str] = {
    "intervals": "wu2k+6x800@5k/400jog+cd2k",
    "tempo": "wu2k+20min@threshold+cd2k",
    "hill_repeats": "wu2k+8x60s/90s+cd2k",
    "fartlek": "wu2k+8x1min@10k/1min+cd2k",
    "sprints": "wu2k+6x20s/2minwalk+cd2k",
}


def demo_run(plan: Plan) -> str | None:
    """Next week's first quality run given its structure, as ``legday plan --runs`` takes it
    (``wed=tempo:wu2k+20min@threshold+cd2k``); None when the week has none."""
    for day in plan.days:
        for session in day.sessions:
            if session.type == "run" and session.kind in QUALITY_RUNS:
                return f"{day.weekday}={session.kind}:{QUALITY_RUNS[session.kind]}"
    return None


def _write_workouts(lib: Library, plan: Plan, folder: Path) -> None:
    """Next week's strength sessions and its quality run as FIT workouts in ``folder``, as
    ``legday plan --runs DAY=KIND:STRUCTURE --fit FOLDER`` writes them, and where they are."""
    from legday.plan.fit_run_workout import library_threshold
    from legday.plan.runs import parse_run_workouts

    units = lib.profile.units
    run = demo_run(plan)
    structured = parse_run_workouts(run) if run else {}
    threshold = library_threshold(lib) if structured else None
    files = write_fit_workouts(plan, folder, units, structured, threshold)
    console.print(
        f"{len(files)} workouts for a Garmin watch in {folder} (copy them to the watch's "
        "GARMIN/NewFiles folder)",
        soft_wrap=True,
    )
    run_files = [f for f in files if f.name.endswith("-run.fit")]
    if threshold is None or not run_files:
        console.print(
            "  no quality run next week, so no run workout (legday plan --runs "
            '"tue=intervals:6x800@5k/400jog" --fit DIR writes one)',
            soft_wrap=True,
        )
        return
    (workout,) = structured.values()
    console.print(
        f"  the run workout {run_files[0].name}: {workout.kind.replace('_', ' ')} "
        f"{escape(workout.text)}, paces from a threshold of {threshold.describe(units)}; "
        'your own runs: legday plan --runs "DAY=KIND:STRUCTURE" --fit DIR (docs/fit-workouts.md)',
        soft_wrap=True,
    )


def dashboard_url(day: date, host: str = "127.0.0.1", port: int = 8765) -> str:
    """The address of the dashboard's week holding ``day`` under a default ``legday serve``."""
    return f"http://{host}:{port}/?date={day.isoformat()}"


#: The manual entry the demo's Strava export carries: days before the history's last day, start
#: (UTC), name, seconds, metres.
MANUAL_ENTRY = (10, time_of_day(6, 30), "Treadmill run (entered by hand)", 1_800, 6_000)


def _strava_export(history: History, written: list[Path], path: Path) -> int:
    """Move the TCX runs into a Strava-style bulk export at ``path`` (``activities.csv`` and
    gzipped files) with one activity entered by hand; returns how many runs it holds."""
    header = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
    lines = [header + "Filename,Moving Time,Distance"]
    fmt = "%b %d, %Y, %I:%M:%S %p"  # Strava's English export, UTC
    with zipfile.ZipFile(path, "w") as zf:
        runs = [(r, p) for r, p in zip(history.runs, written, strict=False) if p.suffix == ".tcx"]
        for n, (run, file) in enumerate(runs, start=1):
            act = run.activity
            member = f"activities/{n}.tcx.gz"
            zf.writestr(member, gzip.compress(file.read_bytes(), mtime=0))
            file.unlink()
            when = act.start.astimezone(UTC).strftime(fmt)
            km = act.distance_m / 1000
            lines.append(
                f'{n},"{when}",{run.truth.kind.title()} run,Run,{act.duration_s:.0f},{km:.2f},'
                f"{member},{act.duration_s:.0f},{act.distance_m:.1f}"
            )
        days, at, name, seconds, metres = MANUAL_ENTRY
        when = datetime.combine(history.last_day - timedelta(days=days), at, UTC).strftime(fmt)
        lines.append(
            f'{len(runs) + 1},"{when}",{name},Run,{seconds},{metres / 1000:.2f},,,{metres}'
        )
        zf.writestr("activities.csv", "\n".join(lines) + "\n")
    return len(runs)


#: The kinds the demo explains, first found from the newest run back.
_EXPLAINED = ("hill_repeats", "intervals", "fartlek", "tempo", "race")


def _why(written: list[Path], profile: AthleteProfile, folder: Path) -> None:
    """How legday named the newest quality run (else the newest run): its kind, confidence and
    the reasons, read back from its file as `legday analyze --explain` would."""
    from legday.analysis import analyze
    from legday.io.reader import read

    runs = sorted(
        (p for p in written if p.suffix in (".fit", ".gpx", ".tcx") and p.exists()), reverse=True
    )
    results = ((path, analyze(read(path), profile)) for path in runs)
    first = None
    for path, result in results:
        first = first or (path, result)
        if result.kind.value in _EXPLAINED:
            first = (path, result)
            break
    if first is None:
        return
    path, result = first
    console.print(
        f"[bold]How legday named {path.name}:[/] {result.kind.value} "
        f"(confidence {result.confidence:.2f}) — " + "; ".join(result.reasons)
    )
    console.print(f"  LEGDAY_HOME={folder} legday analyze {path} --explain", soft_wrap=True)


def _sessions_table(lib: Library, first: date, last: date) -> None:
    facts = sorted(lib.session_facts(first, last), key=lambda f: f.local_start)
    table = Table(title="The last two weeks, judged")
    for col in ("date", "session", "minutes", "category", "leg day?"):
        table.add_column(col)
    for f in facts:
        label = f.kind or f.sport or f.type
        if f.type == "strength":
            label = "strength"
        table.add_row(
            f.local_start.strftime("%a %d %b %H:%M"),
            label,
            fmt_duration(f.minutes * 60),
            f.category or "–",
            "[green]yes[/]" if f.counts_as_leg_day else "no",
        )
    console.print(table)
