"""Planning a week: placement, the shared week rules, infeasibility, the output shape."""

from __future__ import annotations

from datetime import date

import pytest

from legday.errors import ConfigError
from legday.model import AthleteProfile
from legday.plan import PLAN_RULES, parse_runs, plan_week
from legday.settings import Settings
from legday.week.rules import RULES, Recovery, check_week

MONDAY = date(2026, 11, 30)
WEEK = parse_runs("mon=easy,tue=intervals,thu=tempo,sat=long")
S = Settings()


def strength_days(plan) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {d.weekday: s.focus for d, s in plan.strength_sessions}


def test_plan_rules_are_the_week_rule_objects() -> None:
    assert all(any(r is q for q in RULES) for r in PLAN_RULES)
    assert {r.id for r in PLAN_RULES} == {"R8", "R9", "R10", "R11"}


def test_a_typical_week_puts_legs_after_the_hard_runs() -> None:
    plan = plan_week(WEEK, monday=MONDAY)
    assert plan.ok and all(c.ok for c in plan.checks)
    legs = [(d.weekday, s) for d, s in plan.strength_sessions if s.lower_body]
    assert len(legs) >= Settings().min_lower_body_sessions
    for day, s in legs:
        assert WEEK.get(day) in ("intervals", "tempo", "long") and s.after_run
        assert "keep hard days hard" in s.why
    lo, hi = Settings().strength_sessions_per_week
    assert lo <= len(plan.strength_sessions) <= hi
    # The independent week check agrees.
    assert [v for v in check_week(plan.week_sessions(), Settings(), RULES) if v.rule != "R2"] == []


def test_to_dict_has_exactly_the_documented_shape() -> None:
    d = plan_week(WEEK, monday=MONDAY).to_dict()
    assert set(d) == {"week", "days", "checks", "infeasible"}
    assert d["week"] == "2026-W49" and d["infeasible"] == []
    assert [x["weekday"] for x in d["days"]] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert d["days"][0]["date"] == "2026-11-30"
    assert d["days"][1]["sessions"][0] == {"type": "run", "kind": "intervals", "time": "07:00"}
    assert all(set(c) == {"rule", "ok", "applicable", "text"} for c in d["checks"])
    strength = [s for day in d["days"] for s in day["sessions"] if s["type"] == "strength"]
    assert strength and all(s["after"] in ("run", None) for s in strength)
    assert all(s["exercises"] and s["why"] for s in strength)


def test_lines_is_a_readable_view() -> None:
    lines = plan_week(WEEK, monday=MONDAY).lines()
    assert lines[0].startswith("Plan for 2026-W49")
    assert any("intervals" in line for line in lines) and any("RIR" in line for line in lines)


def test_without_hard_runs_legs_take_the_best_free_days() -> None:
    plan = plan_week(parse_runs("mon=easy,wed=easy,fri=easy"), monday=MONDAY)
    assert plan.ok
    r10 = next(c for c in plan.checks if c.rule == "R10")
    assert r10.ok and not r10.applicable and "Not applicable" in r10.text
    assert "R10 n/a" in "\n".join(plan.lines())
    legs = [d.date for d, s in plan.strength_sessions if s.lower_body]
    assert len(legs) == 2 and (legs[1] - legs[0]).days >= 2


def test_only_two_free_days_both_before_hard_runs_is_reported() -> None:
    runs = parse_runs("tue=intervals,thu=tempo,sat=long")
    plan = plan_week(runs, monday=MONDAY, available_days=["mon", "wed"])
    rules = {i.rule for i in plan.infeasible}
    assert rules == {"R10"}
    text = " ".join(i.text for i in plan.infeasible)
    assert "less than 24 h before the intervals run on tue" in text
    # The best legal partial plan: no hard leg session, but light legs with the upper body and
    # core (issue 15: not zero leg work), so R9's single-leg work is there; R11 intact.
    assert set(strength_days(plan).values()) == {"light_legs"}
    assert "Light legs on mon, wed instead" in text
    assert next(c for c in plan.checks if c.rule == "R11").ok
    assert not plan.ok


def test_no_time_at_all() -> None:
    plan = plan_week(WEEK, monday=MONDAY, minutes_per_day=9)
    assert plan.strength_sessions == []
    assert {i.rule for i in plan.infeasible} >= {"R8", "R9", "R10"}
    assert "under 10 min" in plan.infeasible[0].text


def test_ten_minutes_a_day_gets_micro_sessions() -> None:
    """Issue 15: 10–15 minute micro-sessions when that is all the time there is."""
    plan = plan_week(WEEK, monday=MONDAY, minutes_per_day=10)
    assert plan.ok and len(plan.strength_sessions) >= 2
    legs = [d.weekday for d, s in plan.strength_sessions if s.lower_body]
    assert legs == ["tue", "thu"]  # after the intervals and the tempo run (R10)
    for _, s in plan.strength_sessions:
        assert s.minutes == 10 and len(s.exercises) <= 2
        assert all(e.sets == S.sets_per_exercise[0] for e in s.exercises)


def test_sunday_legs_see_next_mondays_hard_run() -> None:
    runs = parse_runs("mon=intervals,sat=long")
    plan = plan_week(runs, monday=MONDAY, available_days=["sun", "wed", "fri"])
    assert "sun" not in {d.weekday for d, s in plan.strength_sessions if s.lower_body}
    # With an easy Monday next week, Sunday legs (the day after the long run) are fine.
    plan2 = plan_week(
        runs, monday=MONDAY, available_days=["sun", "wed", "fri"], next_runs={"mon": "easy"}
    )
    assert "sun" in {d.weekday for d, s in plan2.strength_sessions if s.lower_body}


def test_last_weeks_sunday_legs_block_monday_legs() -> None:
    from legday.week.rules import WeekSession

    runs = parse_runs("mon=tempo,thu=intervals")
    free = plan_week(runs, monday=MONDAY, available_days=["mon", "thu"])
    assert strength_days(free) == {"mon": "lower", "thu": "full"}
    sunday_legs = WeekSession(day=-1, type="strength", hour=18.0, minutes=30, lower_body=True)
    blocked = plan_week(
        runs, monday=MONDAY, available_days=["mon", "thu"], previous_lifts=[sunday_legs]
    )
    assert strength_days(blocked)["mon"] == "upper_core"
    assert [i.rule for i in blocked.infeasible] == ["R10"]
    assert "mon: " not in blocked.infeasible[0].text
    assert "48 h apart" in blocked.infeasible[0].text


def test_race_keeps_legs_away_for_72_hours_and_off_race_day() -> None:
    runs = parse_runs("tue=intervals,sat=race")
    plan = plan_week(runs, monday=MONDAY)
    for day, s in plan.strength_sessions:
        assert day.weekday != "sat"
        if s.lower_body:
            assert (date(2026, 12, 5) - day.date).days > 3 or day.date > date(2026, 12, 5)
    assert next(c for c in plan.checks if c.rule == "R11").ok


def test_settings_change_the_plan_through_the_rules() -> None:
    strict = Settings(no_legs_before_hard_run_h=48)
    plan = plan_week(
        parse_runs("mon=easy,wed=intervals,fri=tempo,sun=long"), monday=MONDAY, settings=strict
    )
    legs = [d.weekday for d, s in plan.strength_sessions if s.lower_body]
    assert not Recovery().check(plan.week_sessions(), strict)
    assert "tue" not in legs and "thu" not in legs


def test_minutes_per_day_mapping_and_limits() -> None:
    plan = plan_week(WEEK, monday=MONDAY, minutes_per_day={"tue": 60, "thu": 16, "sun": 40})
    for day, s in plan.strength_sessions:
        cap = {"tue": 60, "thu": 16, "sun": 40}.get(day.weekday, 30)
        assert Settings().min_strength_session_min <= s.minutes <= cap


def test_equipment_override_and_profile() -> None:
    profile = AthleteProfile(equipment=("barbell",), experience="advanced")
    plan = plan_week(WEEK, monday=MONDAY, profile=profile)
    kit = {e.equipment for _, s in plan.strength_sessions for e in s.exercises}
    assert kit <= {"barbell", "bodyweight"} and "barbell" in kit
    plan2 = plan_week(WEEK, monday=MONDAY, profile=profile, equipment=["bands"])
    kit2 = {e.equipment for _, s in plan2.strength_sessions for e in s.exercises}
    assert kit2 <= {"bands", "bodyweight"}


def test_last_week_varies_the_exercises() -> None:
    first = plan_week(WEEK, monday=MONDAY)
    done = {e.key for _, s in first.strength_sessions for e in s.exercises}
    second = plan_week(WEEK, monday=MONDAY, last_week=done)
    again = {e.key for _, s in second.strength_sessions for e in s.exercises}
    assert len(again & done) < len(done) / 2


def test_the_plan_is_deterministic() -> None:
    assert plan_week(WEEK, monday=MONDAY).to_dict() == plan_week(WEEK, monday=MONDAY).to_dict()


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"monday": date(2026, 12, 1)}, "starts on a Monday"),
        ({"available_days": ["mon", "someday"]}, "unknown day"),
        ({"equipment": ["rowing_machine"]}, "unknown equipment"),
        ({"minutes_per_day": {"mon": -5}}, "≥ 0"),
    ],
)
def test_bad_inputs_raise_config_errors(kwargs: dict[str, object], needle: str) -> None:
    args: dict[str, object] = {"monday": MONDAY, **kwargs}
    with pytest.raises(ConfigError, match=needle):
        plan_week(WEEK, **args)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown run kind"):
        plan_week({"mon": "swim"}, monday=MONDAY)


def test_r11_keeps_72_hours_before_a_race() -> None:
    """The R11 change this planner needed lives in the shared rule, so the week check has it."""
    from legday.week.rules import WeekSession, WeekSessions

    def legs_then(kind: str, days_before: int) -> list[str]:
        lift = WeekSession(day=1, type="strength", hour=18.0, minutes=30, lower_body=True)
        run = WeekSession(day=1 + days_before, type="run", hour=7.0, kind=kind)
        return [v.text for v in Recovery().check(WeekSessions((lift, run)), Settings())]

    assert legs_then("race", 2) and "72 h" in legs_then("race", 2)[0]
    assert legs_then("race", 3)  # Tue 18:30 → Fri 07:00 is 60.5 h
    assert legs_then("race", 4) == []
    assert legs_then("tempo", 2) == []
    assert legs_then("race", 2) and not Recovery().check(
        WeekSessions(
            (
                WeekSession(day=1, type="strength", hour=18.0, minutes=30, lower_body=True),
                WeekSession(day=3, type="run", hour=7.0, kind="race"),
            )
        ),
        Settings(no_legs_before_race_h=24),
    )
