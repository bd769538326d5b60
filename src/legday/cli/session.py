"""``legday analyze`` and ``legday verdict``: one session, explained."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from legday.errors import NotFoundError
from legday.model import AthleteProfile

from .common import (
    DbOption,
    console,
    example,
    fmt_ascent,
    fmt_distance,
    fmt_duration,
    fmt_local,
    fmt_pace,
    fmt_speed,
    guarded,
    home,
    library,
    print_json,
)

ANALYZE_EPILOG = example(
    "legday analyze morning-run.fit", "legday analyze hills.gpx --hr-max 188 --sex f --json"
)
VERDICT_EPILOG = example("legday verdict morning-run.fit", "legday verdict 42 --json")

HrMax = Annotated[int | None, typer.Option("--hr-max", help="Maximum heart rate, bpm.")]
HrRest = Annotated[int | None, typer.Option("--hr-rest", help="Resting heart rate, bpm.")]
Lthr = Annotated[int | None, typer.Option("--lthr", help="Lactate-threshold heart rate, bpm.")]
Sex = Annotated[str | None, typer.Option("--sex", help="m or f (for the TRIMP constants).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _profile(
    hr_max: int | None, hr_rest: int | None, lthr: int | None, sex: str | None
) -> AthleteProfile:
    profile = home().profile()
    for key, value in (("hr_max", hr_max), ("hr_rest", hr_rest), ("lthr", lthr), ("sex", sex)):
        if value is not None:
            profile = profile.with_value(key, str(value))
    return profile


def _assess_file(path: Path, profile: AthleteProfile, db: str | None) -> list[Any]:
    from legday.assessment import assess
    from legday.io.reader import read_all

    activities = read_all(path, profile_tz=profile.time_zone)
    lib = library(db)
    try:
        lib = replace(lib, profile=profile)
        return [assess(a, profile, lib.history_for(a), lib.settings) for a in activities]
    finally:
        lib.close()


@guarded
def analyze(
    file: Annotated[Path, typer.Argument(help="A .fit, .gpx or .tcx file (optionally .gz).")],
    hr_max: HrMax = None,
    hr_rest: HrRest = None,
    lthr: Lthr = None,
    sex: Sex = None,
    json_out: Json = False,
    db: DbOption = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Also show why the run got its kind: the easy reference, the evidence, and "
            "the thresholds that decided it (and where to change them).",
        ),
    ] = False,
) -> None:
    """Analyse a run: moving time, heart-rate zones, grade-adjusted pace, segments, the kind of
    run, its blocks, training load, and the verdict. Options override the profile; your stored
    history makes "long" and "overload" relative to you."""
    profile = _profile(hr_max, hr_rest, lthr, sex)
    results = _assess_file(file, profile, db)
    if json_out:
        from legday import serialise

        data = [serialise.analysis(r.to_dict(profile.units)) for r in results]
        print_json(data[0] if len(data) == 1 else data)
        return
    for r in results:
        render_analysis(r.to_dict(profile.units), profile.units, profile.time_zone)
        if explain:
            render_explanation(r.to_dict(profile.units), profile.units)


def render_explanation(d: dict[str, Any], units: str) -> None:
    """Why the run got its kind: the reasons in order, the easy reference the efforts were
    measured against, and the classification table (``Settings.classify``)."""
    console.print("[bold]Why this kind[/]")
    for reason in d.get("reasons", []):
        console.print(f"  - {escape(reason)}")
    easy = d.get("easy_speed_mps")
    if easy:
        console.print(f"  easy reference (grade-adjusted): {fmt_pace(easy, units)}")
    console.print(
        escape(
            "Thresholds, defaults (change them under [settings.classify] in legday.toml; "
            "each one's source: docs/science.md §1.6 and src/legday/thresholds.py):"
        )
    )
    for key, value in _classify_table().items():
        console.print(f"  {key} = {value}")


def _classify_table() -> dict[str, Any]:
    from legday.settings import Settings

    return dict(Settings().to_dict()["classify"])


def render_analysis(d: dict[str, Any], units: str, time_zone: str = "UTC") -> None:
    from legday.stimulus.activities import RUNNING_SPORTS

    v = d["verdict"]
    console.print(f"[bold]{escape(v['headline'])}[/]")
    hr = d["hr"]
    console.print(
        f"{escape(str(d['sport']))} · {fmt_local(d['start'], time_zone)} · "
        f"{fmt_duration(d['duration_s'])} (moving {fmt_duration(d['moving_s'])}) · "
        f"{fmt_distance(d['distance_m'], units)} · ascent {fmt_ascent(d['ascent_m'], units)}"
    )
    run = d["sport"] in RUNNING_SPORTS
    if run:
        tags = f" (tags: {escape(', '.join(d['tags']))})" if d["tags"] else ""
        sure = f" · confidence {d['confidence']:.2f}" if d.get("confidence") else ""
        console.print(f"Kind: [bold]{d['kind']}[/]{tags}{sure} · category: {v['category']}")
    else:  # run kinds (intervals, long…) are measured against running, not this sport
        console.print(
            f"Kind: [bold]{escape(d['sport'].replace('_', ' '))} session[/] (run kinds apply "
            f"to runs only) · category: {v['category']}"
        )
    if hr["avg"] is not None:
        console.print(
            f"Heart rate: avg {hr['avg']:.0f}, max {hr['max']:.0f}, HRmax used "
            f"{hr['hr_max_used']:.0f} ({hr['hr_max_source']}); "
            f"{fmt_duration(hr['cardio_band_s'])} in the cardio band"
        )
        if hr.get("lthr_source"):
            console.print(
                f"LTHR used {hr['lthr_used']:.0f} ({_LTHR_SOURCES.get(hr['lthr_source'], '')})"
            )
        seen = hr.get("observed_max")
        if hr["hr_max_source"] == "profile" and seen and seen > hr["hr_max_used"] + 1:
            console.print(
                f"This recording reached {seen:.0f} bpm, above your HR max of "
                f"{hr['hr_max_used']:.0f}: update it with `legday profile set hr_max={seen:.0f}`."
            )
        zones = " · ".join(f"{k} {fmt_duration(s)}" for k, s in hr["zones_s"].items())
        console.print(f"Zones: {zones}")
    for b in d["blocks"] if run else ():
        console.print(
            f"Block: {b['pattern']} × {b['reps']}, work {fmt_duration(b['work_s'])}, "
            f"recovery {fmt_duration(b['recovery_s'])}"
        )
    if d["segments"] and run:
        table = Table("segment", "from", "to", "pace", "grade-adjusted", "HR", "grade %")
        for s in d["segments"]:
            table.add_row(
                s["role"],
                fmt_duration(s["start_s"]),
                fmt_duration(s["end_s"]),
                fmt_pace(s["avg_speed_mps"], units),
                fmt_pace(s["avg_grade_adjusted_speed_mps"], units),
                _num(s["avg_hr"], 0),
                _num(s["grade_pct"], 1),
            )
        console.print(table)
    elif d["moving_s"]:  # another sport: its speed, never a running pace
        console.print(f"Average moving speed: {fmt_speed(d['distance_m'] / d['moving_s'], units)}")
    load = d["load"]
    console.print(f"Load: TRIMP {_num(load['trimp'], 0)} · HR stress {_num(load['hr_stress'], 0)}")
    for reason in v["reasons"]:
        console.print(f"  {reason['rule']}: {escape(reason['text'])}")


#: Where an LTHR came from, in words.
_LTHR_SOURCES = {
    "profile": "your profile",
    "history": "your races and tempo runs",
    "hr_max": "a fraction of HR max: set lthr in your profile, or run a race or tempo",
}


def _num(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


#: A stored session's id as typed: ``42`` (an activity) or ``s5`` (a lifting session).
_SESSION_ID = re.compile(r"[sS]?[0-9]{1,12}")


def _stored_verdict(target: str, db: str | None, quiet: bool) -> dict[str, Any]:
    """The stored verdict payload of the session ``target`` (``42`` or ``s5``); unless
    ``quiet``, a run the runner labelled says so first."""
    from legday.store.ids import parse_session_id

    kind, number = parse_session_id(target)
    lib = library(db)
    try:
        stored = lib.activity(number) if kind == "activity" else lib.strength_session(number)
    finally:
        lib.close()
    if stored["verdict"] is None:
        raise NotFoundError(f"session {target} has no verdict yet: run `legday reanalyze`")
    if stored.get("label") and not quiet:
        console.print(f"Kind: {stored['kind']}, set by you (analysed as {stored['analysed_kind']})")
    return dict(stored["verdict"])


@guarded
def verdict(
    target: Annotated[
        str,
        typer.Argument(
            help="A file, or a stored session's id as `legday week` shows it: 42 (an activity), "
            "s5 (a lifting session)."
        ),
    ],
    hr_max: HrMax = None,
    hr_rest: HrRest = None,
    sex: Sex = None,
    json_out: Json = False,
    db: DbOption = None,
) -> None:
    """Does this session count as leg day? The answer first, then the reasons (rule ids) and the
    stimulus: cardio load, strength, type 2 share and the load on each muscle group."""
    from legday import serialise

    profile = _profile(hr_max, hr_rest, None, sex)
    path = Path(target)
    if not path.exists() and _SESSION_ID.fullmatch(target.strip()):
        v = serialise.verdict(_stored_verdict(target, db, json_out))
    else:
        from legday.assessment import verdict_payload
        from legday.stimulus import judge_combined

        results = _assess_file(path, profile, db)
        judged = (
            results[0].verdict
            if len(results) == 1
            else judge_combined([r.verdict for r in results])
        )
        v = serialise.verdict(verdict_payload(judged, profile.units))
    assert v is not None
    if json_out:
        print_json(v)
        return
    console.print(f"[bold]{escape(v['headline'])}[/]")
    for reason in v["reasons"]:
        console.print(f"  {reason['rule']}: {escape(reason['text'])}")
    stim = v["stimulus"]
    console.print(
        f"Stimulus: cardio {stim['cardio']:.0f} · strength {stim['strength']:.1f} hard-set eq. · "
        f"type 2 share {stim['type2_share']:.0%}"
    )
    top = sorted(stim["muscles"].items(), key=lambda kv: -kv[1])[:6]
    console.print("Most worked: " + ", ".join(f"{k} {v:.1f}" for k, v in top))
