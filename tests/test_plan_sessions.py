"""One strength session: exercises, sets × reps at an RIR, loads, timing."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.model import EQUIPMENT
from legday.plan.result import PlannedExercise
from legday.plan.sessions import (
    CHANGEOVER_S,
    ISOLATION_REST_S,
    MAX_EXERCISES,
    MAX_SESSION_MIN,
    MICRO_WARMUP_S,
    TEMPO_S_PER_REP,
    WARMUP_S,
    Dose,
    Menu,
    build_session,
    exercise_seconds,
)
from legday.settings import Settings
from legday.strength.catalog import Catalog, Exercise, load_catalog

S = Settings()
CATALOG = load_catalog()
HOLD_EXERCISES = {e.key for e in CATALOG if e.dosing == "hold"}


def menu(equipment: tuple[str, ...] = ("bodyweight", "bands", "dumbbells"), **kw: object) -> Menu:
    return Menu.build(CATALOG, S, equipment=equipment, **kw)  # type: ignore[arg-type]


def test_timing_follows_tempo_rest_and_changeover() -> None:
    # 3 sets of 8 at 3.5 s a rep, 2 rests of 90 s, one changeover.
    assert exercise_seconds(3, 8, False, True, S) == 3 * 8 * TEMPO_S_PER_REP + 2 * 90 + CHANGEOVER_S
    # Unilateral: both sides per set; isolation rests less.
    assert (
        exercise_seconds(2, 10, True, False, S) == 2 * 20 * TEMPO_S_PER_REP + ISOLATION_REST_S + 60
    )
    assert exercise_seconds(2, 1, False, False, S, hold_s=30) == 60 + ISOLATION_REST_S + 60
    slow = Settings(rest_between_sets_s=180)
    assert exercise_seconds(3, 8, False, True, slow) > exercise_seconds(3, 8, False, True, S)


def test_a_leg_session_holds_a_compound_lift_and_a_single_leg_exercise() -> None:
    s = build_session(menu(), "lower", 30)
    assert s is not None and s.lower_body
    assert any(
        e.mechanic == "compound" and not e.unilateral and e.region == "lower" for e in s.exercises
    )
    assert any(
        e.unilateral and e.region == "lower" and e.mechanic == "compound" for e in s.exercises
    )
    assert {"compound", "single_leg"} <= s.coverage
    total = WARMUP_S + sum(e.duration_s for e in s.exercises)
    assert s.minutes == max(math.ceil(total / 60), S.min_strength_session_min) <= 30


def test_upper_and_full_sessions_cover_upper_body_and_core() -> None:
    upper = build_session(menu(), "upper_core", 25)
    full = build_session(menu(), "full", 40)
    assert upper is not None and full is not None
    assert {"upper", "core"} <= upper.coverage and not upper.lower_body
    assert {"upper", "core", "single_leg", "compound"} <= full.coverage and full.lower_body


@given(
    focus=st.sampled_from(["lower", "upper_core", "full"]),
    minutes=st.integers(0, 90),
    kit=st.sets(st.sampled_from(EQUIPMENT)),
    experience=st.sampled_from(["novice", "intermediate", "advanced"]),
    ordinal=st.integers(0, 2),
)
@settings(max_examples=150, deadline=None)
def test_sessions_fit_the_day_and_the_equipment(
    focus: str, minutes: int, kit: set[str], experience: str, ordinal: int
) -> None:
    s = build_session(menu(tuple(kit), experience=experience), focus, minutes, ordinal=ordinal)  # type: ignore[arg-type]
    if minutes < S.micro_session_min:
        assert s is None
        return
    if s is None:  # the required exercises do not fit (a full session in 15 minutes)
        assert focus == "full"
        return
    micro = minutes < S.min_strength_session_min
    floor = S.micro_session_min if micro else S.min_strength_session_min
    assert floor <= s.minutes <= min(minutes, MAX_SESSION_MIN)
    warmup = MICRO_WARMUP_S if micro else WARMUP_S
    assert warmup + sum(e.duration_s for e in s.exercises) <= min(minutes, MAX_SESSION_MIN) * 60
    if micro:  # a micro-session: the required exercises, two sets each
        assert len(s.exercises) <= 2 and all(e.sets == S.sets_per_exercise[0] for e in s.exercises)
    assert all(e.equipment in kit | {"bodyweight"} for e in s.exercises)
    assert len({e.key for e in s.exercises}) == len(s.exercises)
    lo, hi = S.sets_per_exercise
    assert all(lo <= e.sets <= hi for e in s.exercises)
    coach_checklist(s.exercises, kit)


def examples(default: int) -> int:
    """Hypothesis examples for a plan property: ``default``, or $LEGDAY_PLAN_EXAMPLES for a long
    run of the coach's checklist (``LEGDAY_PLAN_EXAMPLES=2000 pytest tests/test_plan_property.py
    tests/test_plan_coach.py`` checks thousands of plans and blocks)."""
    return int(os.environ.get("LEGDAY_PLAN_EXAMPLES", default))


def coach_checklist(exercises: Sequence[PlannedExercise], kit: set[str]) -> None:
    """What a coach checks in one session (issue 15)."""
    for e in exercises:
        ex = CATALOG.get(e.key)
        assert not ex.endurance_only, e.key  # no glute bridge 3 × 7 @ RIR 2
        if e.dosing in ("activation", "hold"):
            assert e.rir is None and e.load_kg is None, e.key  # no RIR, no load on drills
            assert (e.dosing == "activation") == (not e.hard)
        elif not e.hard:  # light legs: well short of failure, never a hard set
            assert e.region == "lower" and e.rir == S.target_rir[1] + 2, e.key
            assert e.rep_range is not None and e.rep_range[0] <= e.reps <= e.rep_range[1]
        else:
            assert e.rir in S.target_rir or e.rir == S.target_rir[1] + 1, e.key
            assert e.rep_range is not None and e.hard
            r_lo, r_hi = e.rep_range
            assert r_lo <= e.reps <= r_hi <= S.strength_max_reps_calf, e.key
            assert r_hi <= S.strength_max_reps or ex.pattern == "calf", e.key
        if e.load_kg is not None:  # only loads the equipment can give
            assert e.equipment in kit and e.equipment not in ("bodyweight", "bands"), e.key
        assert (e.hold_s is not None) == (
            e.key in HOLD_EXERCISES or (e.dosing == "activation" and e.count == "seconds")
        )
    if any(e.region == "lower" for e in exercises):
        assert len(exercises) <= MAX_EXERCISES
    patterns = [leg_pattern(e.key) for e in exercises if e.region == "lower"]
    assert len(patterns) == len(set(patterns)), patterns


def leg_pattern(key: str) -> str:
    """A coach's movement pattern of a leg exercise: squat, single-leg, hinge, calf, hip."""
    e = CATALOG.get(key)
    if e.unilateral and e.mechanic == "compound" and e.pattern in ("squat", "lunge"):
        return "single_leg"
    if e.pattern in ("hinge", "bridge", "knee_flexion"):
        return "hinge"
    if e.pattern.startswith("hip_"):
        return "hip"
    return e.pattern


def test_more_time_gives_more_work_never_more_than_the_cap() -> None:
    short = build_session(menu(), "lower", 15)
    long = build_session(menu(), "lower", 45)
    huge = build_session(menu(), "lower", 120)
    assert short is not None and long is not None and huge is not None
    work = [sum(e.sets for e in s.exercises) for s in (short, long)]
    assert work[0] < work[1]
    assert huge.minutes <= MAX_SESSION_MIN


def test_targets_give_the_load_else_a_starting_guide() -> None:
    m = menu(own_lifts=("goblet_squat",), targets={"goblet_squat": (16.0, 8)})
    s = build_session(m, "lower", 30)
    assert s is not None
    squat = next(e for e in s.exercises if e.key == "goblet_squat")
    assert (squat.load_kg, squat.reps, squat.guide) == (16.0, 8, None)
    new = [
        e for e in s.exercises if e.key != "goblet_squat" and e.equipment in ("dumbbells", "bands")
    ]
    assert new and all(e.load_kg is None and e.guide and "times" in e.guide for e in new)


def test_own_lifts_are_preferred_and_last_week_is_avoided() -> None:
    plain = build_session(menu(), "lower", 30)
    assert plain is not None
    first = plain.exercises[0].key
    again = build_session(menu(last_week=[e.key for e in plain.exercises]), "lower", 30)
    assert again is not None and first not in {e.key for e in again.exercises}
    mine = build_session(menu(own_lifts=("sumo_squat",)), "lower", 30)
    assert mine is not None and mine.exercises[0].key == "sumo_squat"


def test_two_sessions_of_a_week_share_the_main_lifts_and_vary_the_rest() -> None:
    m = menu()
    a = build_session(m, "lower", 45, ordinal=0)
    b = build_session(m, "lower", 45, ordinal=1)
    assert a is not None and b is not None
    main = set(m.main.values())
    assert [e.key for e in a.exercises if e.key in main] == [
        e.key for e in b.exercises if e.key in main
    ]
    assert {e.key for e in a.exercises} - main != {e.key for e in b.exercises} - main


def test_deload_and_race_doses_are_lighter() -> None:
    m = menu(targets={"goblet_squat": (20.0, 8)}, own_lifts=("goblet_squat",))
    normal = build_session(m, "full", 40)
    deload = build_session(m, "full", 40, dose=Dose.DELOAD)
    race = build_session(m, "full", 40, dose=Dose.RACE)
    assert normal is not None and deload is not None and race is not None
    assert sum(e.sets for e in deload.exercises) < sum(e.sets for e in normal.exercises)
    squat = {
        s: next(e for e in x.exercises if e.key == "goblet_squat")
        for s, x in (("n", normal), ("d", deload), ("r", race))
    }
    assert squat["d"].load_kg is not None and squat["d"].load_kg < 20.0
    assert squat["r"].load_kg == squat["d"].load_kg
    # Race weeks spare the legs only.
    upper_n = [e.sets for e in normal.exercises if e.region == "upper"]
    upper_r = [e.sets for e in race.exercises if e.region == "upper"]
    assert upper_n == upper_r


def _ex(key: str, region: str, mechanic: str, unilateral: bool, pattern: str) -> Exercise:
    return Exercise(key, key, ("glutes",), (), mechanic, unilateral, region, "bodyweight", pattern)  # type: ignore[arg-type]


def test_no_session_when_the_catalog_lacks_a_required_exercise() -> None:
    tiny = Catalog(
        [
            _ex("squat", "lower", "compound", False, "squat"),
            _ex("plank", "core", "isolation", False, "core_anti_extension"),
            _ex("push", "upper", "compound", False, "push"),
        ]
    )
    m = Menu.build(tiny, S, equipment=())
    assert build_session(m, "lower", 40) is None  # no single-leg exercise
    up = build_session(m, "upper_core", 40)
    assert up is not None and [e.key for e in up.exercises] == ["push", "plank"]


def test_to_dict_shape() -> None:
    s = build_session(menu(), "lower", 30, after_run=True, why="because")
    assert s is not None
    d = s.to_dict()
    assert set(d) == {"type", "time", "focus", "minutes", "after", "why", "exercises"}
    assert d["time"] == "18:00"  # the planned start (the athlete's hour in a plan)
    assert d["after"] == "run" and d["type"] == "strength"
    ex = d["exercises"][0]
    assert set(ex) >= {
        "key",
        "name",
        "sets",
        "reps",
        "rir",
        "load_kg",
        "equipment",
        "mechanic",
        "unilateral",
        "region",
        "muscles",
    }
    assert set(ex["muscles"]) == {"primary", "secondary"}


@pytest.mark.parametrize("experience", ["novice", "advanced"])
def test_experience_steers_equipment(experience: str) -> None:
    s = build_session(menu(EQUIPMENT, experience=experience), "lower", 45)
    assert s is not None
    kit = {e.equipment for e in s.exercises}
    if experience == "novice":
        assert "barbell" not in kit
    else:
        assert kit & {"barbell", "dumbbells", "kettlebell"}


def test_every_named_exercise_is_in_the_catalog() -> None:
    from legday.plan.sessions import ADVANCED_EXERCISES, RUNNER_STAPLES

    for name, keys in (
        ("HOLD_EXERCISES", HOLD_EXERCISES),
        ("RUNNER_STAPLES", RUNNER_STAPLES),
        ("ADVANCED_EXERCISES", ADVANCED_EXERCISES),
    ):
        missing = sorted(k for k in keys if k not in CATALOG)
        assert not missing, f"{name} names keys the catalog lacks: {missing}"
