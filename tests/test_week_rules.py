"""The week rules (R2, R4, R8–R11) and the load trend."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.settings import Settings
from legday.week.check import SessionFacts, check_week_of, iso_week
from legday.week.load import ewma, load_trend
from legday.week.rules import (
    Coverage,
    HardDaysHard,
    Recovery,
    StrengthFrequency,
    WeekSession,
    WeekSessions,
    check_week,
)

S = Settings()
ALL = frozenset({"compound", "isolation", "single_leg", "core", "upper"})


def run(day: int, kind: str, hour: float = 7.0) -> WeekSession:
    return WeekSession(day=day, type="run", kind=kind, hour=hour, minutes=50)


def lift(
    day: int, hour: float = 18.0, lower: bool = True, cover: frozenset[str] = ALL
) -> WeekSession:
    return WeekSession(
        day=day, type="strength", hour=hour, minutes=25, lower_body=lower, coverage=cover
    )


def rules_broken(
    sessions: list[WeekSession], context: list[WeekSession] | None = None
) -> list[str]:
    week = WeekSessions(tuple(sessions), tuple(context or []))
    return [v.rule for v in check_week(week, S)]


def test_a_good_week_breaks_no_placement_rule() -> None:
    # Tue intervals then legs in the evening; Sat long run, legs on Sunday (day after).
    week = [run(0, "easy"), run(1, "intervals"), lift(1), run(3, "easy"), run(5, "long"), lift(6)]
    broken = rules_broken(week)
    assert "R8" not in broken and "R9" not in broken
    assert "R10" not in broken and "R11" not in broken


def test_r8_counts_sessions() -> None:
    assert [v.rule for v in StrengthFrequency().check(WeekSessions((lift(1),)), S)] == ["R8"]
    four = tuple(lift(d, lower=False) for d in (0, 2, 4, 6))
    assert "more than 3" in StrengthFrequency().check(WeekSessions(four), S)[0].text
    assert StrengthFrequency().check(WeekSessions((lift(1), lift(4))), S) == []


def test_r9_names_what_is_missing() -> None:
    week = WeekSessions((lift(1, cover=frozenset({"compound", "core"})),))
    texts = [v.text for v in Coverage().check(week, S)]
    assert len(texts) == 3
    assert any("single-leg" in t for t in texts) and any("isolation" in t for t in texts)


def test_r10_placement() -> None:
    rule = HardDaysHard()
    ok_same_day = WeekSessions((run(1, "tempo", 7), lift(1, 18)))
    ok_next_day = WeekSessions((run(1, "hill_repeats"), lift(2)))
    before_run = WeekSessions((lift(1, 6), run(1, "tempo", 18)))
    after_easy = WeekSessions((run(1, "easy"), run(3, "intervals", 7), lift(1, 18)))
    assert rule.check(ok_same_day, S) == []
    assert rule.check(ok_next_day, S) == []
    assert [v.day for v in rule.check(before_run, S)] == ["tue"]
    assert len(rule.check(after_easy, S)) == 1
    # A week with no hard run: R10 does not apply (issue 15), nothing to pair legs with.
    easy_only = WeekSessions((run(1, "easy"), lift(1, 18)))
    assert not rule.applies(easy_only) and rule.check(easy_only, S) == []
    assert rule.applies(WeekSessions((lift(0),), (run(-1, "long"),)))
    assert not rule.applies(WeekSessions((lift(0),), (run(-2, "long"),)))
    # Monday legs after last Sunday's long run (context from the previous week).
    monday = WeekSessions((lift(0),), (run(-1, "long"),))
    assert rule.check(monday, S) == []
    # Upper-body sessions go anywhere.
    assert rule.check(WeekSessions((lift(3, lower=False),)), S) == []


def test_r11_recovery() -> None:
    rule = Recovery()
    day_before_intervals = WeekSessions((lift(1, 18), run(2, "intervals", 7)))
    assert [v.rule for v in rule.check(day_before_intervals, S)] == ["R11"]
    two_days_before = WeekSessions((lift(1, 7), run(3, "intervals", 7)))
    assert rule.check(two_days_before, S) == []
    back_to_back = WeekSessions((lift(1, 18), lift(2, 18)))
    assert any("48 h" in v.text for v in rule.check(back_to_back, S))
    assert rule.check(WeekSessions((lift(1, 18), lift(3, 18))), S) == []
    # No lifting at all the day before a race (issue 15), upper body two days before is fine.
    before = rule.check(WeekSessions((lift(5, lower=False), run(6, "race"))), S)
    assert [v.day for v in before] == ["sat"] and "day before" in before[0].text
    assert rule.check(WeekSessions((lift(4, lower=False), run(6, "race"))), S) == []


def _facts(day: date, hour: int, type_: str, **kw: object) -> SessionFacts:
    return SessionFacts(
        id=f"{day}-{hour}",
        local_start=datetime(day.year, day.month, day.day, hour),
        type=type_,  # type: ignore[arg-type]
        minutes=float(kw.pop("minutes", 45)),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def test_check_week_of_builds_the_report() -> None:
    monday = date(2026, 11, 23)
    sessions = [
        _facts(
            monday + timedelta(days=1), 7, "run", kind="intervals", trimp=90, cardio_band_s=40 * 60
        ),
        _facts(
            monday + timedelta(days=1),
            18,
            "strength",
            lower_body=True,
            counts_as_leg_day=True,
            coverage=ALL,
            strength_load=8,
            muscles={"glutes": 6.0, "quads": 5.0},
        ),
        _facts(
            monday + timedelta(days=5),
            8,
            "run",
            kind="long",
            trimp=150,
            cardio_band_s=100 * 60,
            overload=True,
        ),
        _facts(monday - timedelta(days=30), 8, "run", kind="easy", trimp=50),
    ]
    report = check_week_of(monday + timedelta(days=3), sessions, S)
    data = report.to_dict()
    assert data["week"] == "2026-W48" == iso_week(monday)
    assert [s["kind"] for s in data["sessions"]] == ["intervals", None, "long"]
    assert data["strength_sessions"] == 1 and data["leg_days"] == 1
    assert set(data["muscles"]) >= {"glutes", "rhomboids"} and len(data["muscles"]) == 16
    assert data["muscles"]["glutes"] == 6.0
    rules = {v["rule"] for v in data["violations"]}
    assert rules == {"R8", "R4", "R2"}  # one lift; the long run's overload; 140 < 150 cardio min
    assert data["cardio_band_min"] == 140.0
    assert data["load"]["week_trimp"] == 240.0


def test_without_a_hard_run_r10_is_not_applicable_in_the_week_and_the_plan() -> None:
    """Issue 15: one says ✓ and the other ✗ no more; both say "not applicable"."""
    from legday.plan import parse_runs, plan_week

    monday = date(2026, 11, 23)
    sessions = [
        _facts(monday, 7, "run", kind="easy"),
        _facts(monday + timedelta(days=2), 7, "run", kind="easy"),
        _facts(monday + timedelta(days=2), 18, "strength", lower_body=True, coverage=ALL),
    ]
    week = check_week_of(monday, sessions, S).to_dict()
    r10 = next(r for r in week["rules"] if r["rule"] == "R10")
    assert r10["ok"] and not r10["applicable"] and r10["text"].startswith("Not applicable")
    assert not [v for v in week["violations"] if v["rule"] == "R10"]
    plan = plan_week(parse_runs("mon=easy,wed=easy"), monday=monday + timedelta(days=7))
    check = next(c for c in plan.to_dict()["checks"] if c["rule"] == "R10")
    assert {k: check[k] for k in ("ok", "applicable", "text")} == {
        k: r10[k] for k in ("ok", "applicable", "text")
    }
    assert not [i for i in plan.infeasible if i.rule == "R10"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 500), min_size=1, max_size=400), st.sampled_from([7, 28, 42]))
def test_ewma_matches_the_recursion(values: list[float], n: int) -> None:
    k = 1 - np.exp(-1 / n)
    expected, y = [], 0.0
    for v in values:
        y += (v - y) * k
        expected.append(y)
    np.testing.assert_allclose(ewma(np.array(values), k), expected, rtol=1e-9, atol=1e-9)


def test_load_trend_spike() -> None:
    first = date(2026, 1, 1)
    days = [first + timedelta(days=i) for i in range(60)]
    daily = {d: 50.0 for d in days[:53]} | {d: 200.0 for d in days[53:]}
    trend = load_trend(days[0], days[-1], daily, {})
    assert trend.acwr[-1] > 1.5 > trend.acwr[40]
    assert trend.tsb[-1] < 0  # fatigue above fitness after the spike


def _numpy_ewma(values: list[float], k: float) -> list[float]:
    """The closed form as numpy evaluated it before ``week/load.py`` became plain Python (so
    that ``legday week`` never loads numpy): the reference the week's figures must keep."""
    x = np.asarray(values, dtype=np.float64)
    out, a, prev = np.empty_like(x), 1.0 - k, 0.0
    chunk = max(1, int(200.0 / max(-np.log(a), 1e-12)))
    for lo in range(0, x.size, chunk):
        seg = x[lo : lo + chunk]
        n = np.arange(seg.size, dtype=np.float64)
        y = (np.cumsum(seg * a ** (-n)) * k + prev * a) * a**n
        out[lo : lo + chunk] = y
        prev = float(y[-1])
    return [float(v) for v in out]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.just(0.0), st.floats(0, 400)), min_size=133, max_size=133),
    st.sampled_from([7, 28, 42]),
)
def test_the_trend_keeps_numpys_figures(values: list[float], n: int) -> None:
    """The week's trend over its 133 days, as shown (two decimals), is numpy's."""
    k = 1 - float(np.exp(-1 / n))
    ours, theirs = ewma(values, k), _numpy_ewma(values, k)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    assert [round(v, 2) for v in ours] == [round(v, 2) for v in theirs]
