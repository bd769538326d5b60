"""``legday week``: does this week hold 2–3 strength sessions, the right mix, well placed?"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer
from rich.markup import escape

from legday.model import WEEKDAYS
from legday.week.check import WeekReport

from .common import (
    DbOption,
    console,
    example,
    fmt_duration,
    guarded,
    library,
    parse_day,
    print_json,
)

EPILOG = example("legday week", "legday week --date 2026-11-23 --json")


@guarded
def week(
    date_: Annotated[
        str | None, typer.Option("--date", help="Any day of the week to check (YYYY-MM-DD).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Check a Monday-to-Sunday week (your local time) against R2, R4 and R8–R11: strength
    sessions, coverage, placement around hard runs, recovery, cardio minutes and load."""
    lib = library(db)
    try:
        report = lib.week(parse_day(date_))
    finally:
        lib.close()
    if json_out:
        from legday import serialise

        print_json(serialise.week(report.to_dict()))
        return
    render_week(report)


def _top(muscles: dict[str, float], n: int = 4) -> str:
    """The most loaded muscles of a layer, in hard-set equivalents, or "none"."""
    loaded = sorted(((v, k) for k, v in muscles.items() if v >= 0.05), reverse=True)[:n]
    return ", ".join(f"{k.replace('_', ' ')} {v:.1f}" for v, k in loaded) or "none"


def render_week(report: WeekReport) -> None:
    data = report.to_dict()
    console.print(f"[bold]Week {data['week']}[/] (from {data['start']})")
    monday = report.monday
    by_day: dict[date, list[str]] = {}
    for s in data["sessions"]:
        label = s["kind"] or s["category"] or s["type"]
        if s["type"] == "strength":
            label = "strength" + (" · leg day" if s["counts_as_leg_day"] else "")
        by_day.setdefault(date.fromisoformat(s["date"]), []).append(
            f"{s['time']} {label} ({fmt_duration(s['minutes'] * 60)}, id {s['id']})"
        )
    for i, key in enumerate(WEEKDAYS):
        day = monday + timedelta(days=i)
        items = by_day.get(day, [])
        console.print(f"  {key} {day.isoformat()}  " + (escape(", ".join(items)) or "rest"))
    console.print(
        f"Strength sessions: {data['strength_sessions']} · leg days: {data['leg_days']} · "
        f"guideline minutes: {data['guideline_min']:.0f} ({data['cardio_band_min']:.0f} in the "
        f"cardio band, {data['above_band_min']:.0f} above it counted double)"
    )
    layers = data["layers"]
    console.print(
        "Strength stimulus (lifting, forceful running — the leg-day layer): "
        + _top(layers["strength"])
    )
    console.print("Endurance load (steady running, other sports): " + _top(layers["endurance"]))
    for rule in data["rules"]:
        mark = (
            "[dim]–[/]"
            if not rule.get("applicable", True)
            else "[green]✓[/]"
            if rule["ok"]
            else "[red]✗[/]"
        )
        console.print(f"  {mark} {rule['rule']}: {escape(rule['text'])}")
    if data["violations"]:
        console.print("[bold]To do:[/]")
        for v in data["violations"]:
            where = f" ({v['day']})" if v["day"] else ""
            console.print(f"  • {v['rule']}{where}: {escape(v['text'])}")
    load = data["load"]
    spike = " · [yellow]load spike[/] (descriptive, not an injury risk)" if load["spike"] else ""
    console.print(
        f"Load: {load['week_trimp']:.0f} TRIMP this week · fitness (CTL) {load['ctl']:.0f} · "
        f"fatigue (ATL) {load['atl']:.0f} · form (TSB) {load['tsb']:.0f}{spike}"
    )
