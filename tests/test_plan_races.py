"""Races (issue 15, item 4): an input by date and distance, honoured around race day, and a
block that builds toward the race."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legday.cli import app
from legday.errors import ConfigError
from legday.model import AthleteProfile, Race, parse_races
from legday.plan import parse_runs, plan_block, plan_week
from legday.plan.block import periodise
from legday.settings import Settings
from legday.week.rules import Recovery, WeekSession, WeekSessions, legs_after_race_h
from test_plan_coach import races_honoured

S = Settings()
MONDAY = date(2026, 11, 30)
WEEK = parse_runs("mon=easy,tue=intervals,thu=tempo,sat=long")
runner = CliRunner()


def test_races_parse_by_km_or_name_sorted_and_round_trip_through_the_profile() -> None:
    races = parse_races("2027-06-06:10k, 2027-04-18:42.2,2027-09-26:marathon,2027-05-01")
    assert [str(r) for r in races] == [
        "2027-04-18:42.2",
        "2027-05-01",
        "2027-06-06:10",
        "2027-09-26:42.195",
    ]
    profile = AthleteProfile().with_value("races", "2027-04-18:half")
    assert profile.races == (Race(date(2027, 4, 18), 21.0975),)
    assert AthleteProfile.from_dict(profile.to_dict()) == profile
    for bad, words in (
        ("2027-13-01:10", "DATE:KM"),
        ("2027-04-18:far", "give km"),
        ("x", "DATE:KM"),
    ):
        with pytest.raises(ConfigError, match=words):
            parse_races(bad)
    with pytest.raises(ConfigError, match="between 0 and"):
        parse_races("2027-04-18:-5")


def test_no_hard_legs_after_a_race_scales_with_its_distance() -> None:
    assert [legs_after_race_h(km, S) for km in (5, 10, 21.1, 42.2, 100)] == [
        48,
        72,
        96,
        144,
        144,
    ]

    def legs_after(km: float | None, days: int) -> list[str]:
        race = WeekSession(day=0, type="run", hour=7.0, kind="race", minutes=45, distance_km=km)
        lift = WeekSession(day=days, type="strength", hour=18.0, minutes=30, lower_body=True)
        return [v.text for v in Recovery().check(WeekSessions((lift,), (race,)), S)]

    assert legs_after(5, 2) == [] and legs_after(5, 1)
    assert legs_after(10, 3) == [] and legs_after(10, 2)
    assert legs_after(None, 3) == [] and "distance not given" in legs_after(None, 2)[0]
    assert legs_after(42.2, 6) == [] and "144 h" in legs_after(42.2, 5)[0]


def test_a_race_week_has_at_most_two_lighter_sessions_and_none_the_day_before() -> None:
    runs = parse_runs("mon=easy,tue=intervals,thu=tempo,sun=race")
    plan = plan_week(runs, monday=MONDAY)
    assert len(plan.strength_sessions) <= S.race_week_max_sessions
    assert all(day.weekday not in ("sat", "sun") for day, _ in plan.strength_sessions)
    legs = [s for _, s in plan.strength_sessions if s.lower_body]
    assert len(legs) == 1 and not plan.infeasible
    for e in legs[0].exercises:
        if e.region == "lower" and e.hard and e.rir is not None:
            assert e.rir == S.target_rir[1] + 1  # the race-week dose
    assert "Race week" in legs[0].why
    races_honoured([plan], [Race(MONDAY + timedelta(days=6))])


def test_a_race_does_not_repeat_in_the_weeks_around_a_single_week() -> None:
    # Last week's Sunday is not a race, so Tuesday's legs after the intervals stand.
    plan = plan_week(parse_runs("tue=intervals,sun=race"), monday=MONDAY)
    assert any(d.weekday == "tue" and s.lower_body for d, s in plan.strength_sessions)
    assert not any(s.kind == "race" for s in plan.context)


def test_a_dated_marathon_last_week_makes_a_recovery_week() -> None:
    race = Race(MONDAY - timedelta(days=1), 42.2)
    plan = plan_week(WEEK, monday=MONDAY, races=[race])
    races_honoured([plan], [race])
    legs = [d.weekday for d, s in plan.strength_sessions if s.lower_body]
    assert legs and all(day in ("sat", "sun") for day in legs)
    assert not plan.infeasible  # one leg session is the recovery week's dose
    assert "lighter week" in plan.strength_sessions[0][1].why
    # The same race as a 5 k leaves Tuesday free for legs after the intervals.
    short = plan_week(WEEK, monday=MONDAY, races=[Race(race.day, 5.0)])
    assert "tue" in [d.weekday for d, s in short.strength_sessions if s.lower_body]


def test_periodise_counts_deloads_back_from_the_race() -> None:
    assert periodise(8, {}, 4, 21.0) == ((3, 7), ())
    # A marathon in week 8 (index 7): taper in week 7, deloads 4 and 8 weeks before.
    assert periodise(8, {7: 42.2}, 4, 21.0) == ((3,), (6,))
    # A 10 k in week 6: deloads at 2 (4 weeks before); the cycle restarts after it.
    assert periodise(10, {5: 10.0}, 4, 21.0) == ((1, 9), ())
    # A marathon in week 5: taper before, recovery week after, then the count restarts.
    assert periodise(12, {4: 42.2}, 4, 21.0) == ((0, 5, 9), (3,))
    # A marathon the Sunday before the block: its first week is the recovery week.
    assert periodise(8, {-1: 42.2}, 4, 21.0) == ((0, 4), ())
    # A race after the block still sets the deloads.
    assert periodise(6, {9: 42.2}, 4, 21.0) == ((1, 5), ())


def test_a_block_builds_toward_a_dated_race() -> None:
    race = Race(MONDAY + timedelta(weeks=5, days=6), 42.2)  # Sunday of week 6
    block = plan_block(8, WEEK, start=MONDAY, races=[race])
    assert block.race_weeks == (5,) and block.taper_weeks == (4,)
    assert block.deload_weeks == (1, 6)  # 4 weeks before the race; the recovery week after
    kinds = [[s.kind for d in p.days for s in d.sessions if s.type == "run"] for p in block.plans]
    assert [k.count("race") for k in kinds] == [0, 0, 0, 0, 0, 1, 0, 0]
    races_honoured(block.plans, [race])
    d = block.to_dict()
    assert [w["taper"] for w in d["weeks"]] == [False] * 4 + [True] + [False] * 3
    assert "== Week 5 of 8 (taper)" in block.lines()


def test_a_repeated_weeks_race_is_the_blocks_last_week() -> None:
    block = plan_block(4, parse_runs("tue=intervals,thu=tempo,sun=race"), start=MONDAY)
    assert block.race_weeks == (3,)
    sundays = [p.days[6].sessions[0].kind for p in block.plans]
    assert sundays == ["long", "long", "long", "race"]
    races_honoured(block.plans, [Race(MONDAY + timedelta(weeks=3, days=6))])


def test_cli_plan_takes_races_from_the_option_and_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEGDAY_HOME", str(tmp_path))
    runs = "mon=easy,tue=intervals,thu=tempo,sat=long"
    plain = runner.invoke(app, ["plan", "--runs", runs, "--json"])
    assert plain.exit_code == 0, plain.output
    monday = date.fromisoformat(json.loads(plain.output)["days"][0]["date"])
    race = monday + timedelta(days=6)
    result = runner.invoke(app, ["plan", "--runs", runs, "--race", f"{race}:10", "--json"])
    assert result.exit_code == 0, result.output
    days = json.loads(result.output)["days"]
    assert [s["kind"] for s in days[6]["sessions"]] == ["race"]
    lifts = [d["weekday"] for d in days for s in d["sessions"] if s["type"] == "strength"]
    assert len(lifts) <= 2 and "sat" not in lifts
    # From the profile, a marathon the Sunday before: a recovery week.
    before = monday - timedelta(days=1)
    assert runner.invoke(app, ["profile", "set", f"races={before}:marathon"]).exit_code == 0
    after = json.loads(runner.invoke(app, ["plan", "--runs", runs, "--json"]).output)
    legs = [
        d["weekday"]
        for d in after["days"]
        for s in d["sessions"]
        if s["type"] == "strength" and s["focus"] in ("lower", "full")
    ]
    assert all(day in ("sat", "sun") for day in legs)
    bad = runner.invoke(app, ["plan", "--race", "April"])
    assert bad.exit_code != 0 and "DATE:KM" in bad.output
