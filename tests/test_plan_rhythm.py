"""The athlete's own rhythm in a plan (issue 15, item 6).

Runs happen at the times the history shows, not at an assumed 07:00; lifts go at the
athlete's hour (after the day's run) and on their lifting days when the rules allow; last
Sunday's legs count 24 h before Monday's, in a week and in a block.
"""

from __future__ import annotations

import json
import statistics
from datetime import date, datetime, time, timedelta

import pytest
from typer.testing import CliRunner

from legday.cli import app
from legday.plan import parse_runs, plan_block, plan_week
from legday.plan.rhythm import LIFT_HOUR, RHYTHM_WEEKS, RUN_HOUR, Rhythm
from legday.week.check import SessionFacts
from legday.week.rules import WeekSession
from test_plan_named import home  # noqa: F401  (the demo athlete's home, a fixture)

MONDAY = date(2026, 11, 30)
runner = CliRunner()


def _fact(day: date, hh: int, mm: int, type_: str, kind: str | None = None) -> SessionFacts:
    start = datetime.combine(day, time(hh, mm))
    return SessionFacts(f"{day}{hh}", start, type_, 50.0, kind=kind)  # type: ignore[arg-type]


def _evening_runner() -> list[SessionFacts]:
    """Three weeks of Tuesday intervals at 18:15–19:00, Saturday long runs at 09:00 and
    Monday lifts at 06:30."""
    out = []
    for w, (hh, mm) in enumerate([(18, 15), (18, 30), (19, 0)]):
        monday = MONDAY - timedelta(weeks=3 - w)
        out.append(_fact(monday + timedelta(days=1), hh, mm, "run", "intervals"))
        out.append(_fact(monday + timedelta(days=5), 9, 0, "run", "long"))
        out.append(_fact(monday, 6, 30, "strength"))
    return out


def test_rhythm_reads_the_median_times_of_the_history() -> None:
    rhythm = Rhythm.of(_evening_runner())
    assert rhythm.run_at(1, "intervals") == (18.5, 50.0)
    assert rhythm.run_at(3, "intervals") == (18.5, 50.0)  # another day: the kind's time
    assert rhythm.run_at(5, "long") == (9.0, 50.0)
    assert rhythm.run_at(2, "easy")[0] == statistics.median([18.25, 18.5, 19.0, 9, 9, 9])
    assert rhythm.lift_at(0) == 6.5 and rhythm.lift_days == {0}
    assert rhythm.lift_at(1, rhythm.run_at(1, "intervals")) == pytest.approx(18.5 + 50 / 60)
    assert Rhythm().run_at(1, "tempo")[0] == RUN_HOUR and Rhythm().lift_at(4) == LIFT_HOUR


def test_a_plan_puts_runs_at_the_history_times_and_lifts_after_them() -> None:
    runs = parse_runs("tue=intervals,thu=easy,sat=long")
    plan = plan_week(runs, monday=MONDAY, rhythm=Rhythm.of(_evening_runner()))
    sessions = {d.weekday: d.sessions for d in plan.days}
    assert [s.time for s in sessions["tue"] if s.type == "run"] == ["18:30"]
    assert [s.time for s in sessions["sat"] if s.type == "run"] == ["09:00"]
    for day in plan.days:
        run_end = max((s.hour + s.minutes / 60 for s in day.sessions if s.type == "run"), default=0)
        assert all(s.hour >= run_end for s in day.sessions if s.type == "strength")
    assert plan.to_dict()["days"][1]["sessions"][0] == {
        "type": "run",
        "kind": "intervals",
        "time": "18:30",
    }
    default = plan_week(runs, monday=MONDAY)
    assert {s.time for d in default.days for s in d.sessions if s.type == "run"} == {"07:00"}


def test_lifts_go_on_the_athletes_days_when_the_rules_allow() -> None:
    runs = parse_runs("tue=intervals,fri=tempo,sun=long")
    usual = Rhythm(lift_days=frozenset({0, 2}))  # Monday and Wednesday
    default = {d.weekday for d, _ in plan_week(runs, monday=MONDAY).strength_sessions}
    own = plan_week(runs, monday=MONDAY, rhythm=usual)
    days = {d.weekday for d, _ in own.strength_sessions}
    assert not {"mon", "wed"} <= default and {"mon", "wed"} <= days
    assert own.ok and all(c.ok for c in own.checks)


SUNDAY_LEGS = WeekSession(-1, "strength", 18.0, minutes=40, lower_body=True)


def test_last_sundays_legs_keep_mondays_away_in_a_week_and_a_block() -> None:
    runs = parse_runs("mon=tempo,thu=intervals,sat=long")
    week = plan_week(runs, monday=MONDAY)
    assert ("mon", True) in [(d.weekday, s.lower_body) for d, s in week.strength_sessions]
    for plan in (
        plan_week(runs, monday=MONDAY, previous_lifts=[SUNDAY_LEGS]),
        plan_block(4, runs, start=MONDAY, previous_lifts=[SUNDAY_LEGS]).plans[0],
    ):
        legs = [d.weekday for d, s in plan.strength_sessions if s.lower_body]
        assert legs and "mon" not in legs


def test_legday_plan_runs_at_the_times_the_history_shows(home: dict[str, str]) -> None:  # noqa: F811
    plan = json.loads(runner.invoke(app, ["plan", "--json"], env=home).output)
    monday = date.fromisoformat(plan["days"][0]["date"])
    seen: dict[tuple[str, str], list[int]] = {}
    for back in range(1, RHYTHM_WEEKS + 1):
        week = runner.invoke(
            app, ["week", "--json", "--date", str(monday - timedelta(weeks=back))], env=home
        )
        for s in json.loads(week.output)["sessions"]:
            if s["type"] == "run" and s["kind"]:
                hh, mm = map(int, s["time"].split(":"))
                seen.setdefault((s["weekday"], s["kind"]), []).append(hh * 60 + mm)
    checked = 0
    for day in plan["days"]:
        for s in day["sessions"]:
            if s["type"] == "run" and (day["weekday"], s["kind"]) in seen:
                mins = statistics.median(seen[(day["weekday"], s["kind"])])
                assert s["time"] == f"{round(mins) // 60:02d}:{round(mins) % 60:02d}"
                checked += 1
    assert checked >= 2
