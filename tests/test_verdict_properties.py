"""Invariants of the stimulus and the verdict, over generated runs, lifts and sports."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.model import ExerciseSet, SetType, StrengthSession
from legday.settings import Settings
from legday.stimulus import (
    MUSCLES,
    RunFacts,
    RunStreams,
    Verdict,
    judge_combined,
    judge_other,
    judge_run,
    judge_strength,
)
from legday.stimulus.judge import KIND_LABELS
from legday.strength.catalog import load_catalog

SETTINGS = Settings()
CATALOG = load_catalog()
KEYS = [ex.key for ex in CATALOG]
START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def check_stimulus(v: Verdict) -> None:
    m = v.stimulus.muscles
    assert set(MUSCLES) <= set(m)
    assert all(math.isfinite(x) and x >= 0.0 for x in m.values())
    assert 0.0 <= v.stimulus.type2_share <= 1.0
    assert v.stimulus.strength >= 0.0 and math.isfinite(v.stimulus.cardio)
    assert v.reasons and all(r.rule.startswith("R") for r in v.reasons)
    assert v.headline().startswith(("Yes — ", "No — "))
    d = v.to_dict()["verdict"]
    assert list(d["stimulus"]["muscles"])[:16] == list(MUSCLES)


@st.composite
def runs(draw: st.DrawFn) -> RunStreams:
    n = draw(st.integers(min_value=1, max_value=400))
    dt = draw(st.sampled_from([0.5, 1.0, 3.0]))
    speed = draw(
        st.lists(st.one_of(st.floats(0.0, 13.0), st.just(math.nan)), min_size=n, max_size=n).map(
            np.array
        )
    )
    grade = draw(
        st.lists(st.one_of(st.floats(-0.6, 0.6), st.just(math.nan)), min_size=n, max_size=n).map(
            np.array
        )
    )
    time = np.arange(n, dtype=float) * dt
    if draw(st.booleans()) and n > 2:
        time[n // 2 :] += draw(st.floats(0.0, 7200.0))  # a pause
    return RunStreams(time, speed, grade)


@settings(max_examples=60, deadline=None)
@given(
    runs(),
    st.sampled_from(sorted(KIND_LABELS)),
    st.lists(st.sampled_from(sorted(KIND_LABELS)), max_size=3),
    st.booleans(),
)
def test_no_run_ever_counts_as_leg_day(
    r: RunStreams, kind: str, tags: list[str], overload: bool
) -> None:
    v = judge_run(r, RunFacts(kind=kind, tags=tuple(tags), overload=overload), SETTINGS)
    assert not v.counts_as_leg_day
    assert v.category in ("cardio", "power", "mixed")
    check_stimulus(v)


sets = st.builds(
    ExerciseSet,
    exercise=st.sampled_from([*KEYS, "not_an_exercise"]),
    reps=st.one_of(st.none(), st.integers(1, 30)),
    load_kg=st.one_of(st.none(), st.floats(0.0, 300.0)),
    rir=st.one_of(st.none(), st.floats(0.0, 10.0)),
    rpe=st.one_of(st.none(), st.floats(1.0, 10.0)),
    set_type=st.sampled_from(list(SetType)),
    mapped=st.just(True),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(sets, max_size=25))
def test_strength_invariants(items: list[ExerciseSet]) -> None:
    v = judge_strength(StrengthSession(START, tuple(items)), CATALOG, SETTINGS)
    assert v.category == "strength"
    check_stimulus(v)
    if v.counts_as_leg_day:
        assert v.facts.hard_lower_sets >= SETTINGS.leg_day_min_hard_sets
        assert v.facts.lower_exercises >= SETTINGS.leg_day_min_exercises


@settings(max_examples=40, deadline=None)
@given(st.lists(sets, max_size=12), st.sampled_from(["back_squat", "hip_thrust", "deadlift"]))
def test_more_hard_lower_sets_never_undo_a_leg_day(items: list[ExerciseSet], key: str) -> None:
    before = judge_strength(StrengthSession(START, tuple(items)), CATALOG, SETTINGS)
    extra = tuple(items) + tuple(ExerciseSet(key, reps=8, rir=1, mapped=True) for _ in range(3))
    after = judge_strength(StrengthSession(START, extra), CATALOG, SETTINGS)
    assert after.counts_as_leg_day >= before.counts_as_leg_day
    for m in MUSCLES:
        assert after.stimulus.muscles[m] >= before.stimulus.muscles[m]


@settings(max_examples=40, deadline=None)
@given(
    st.text(max_size=20),
    st.one_of(st.none(), st.text(max_size=20)),
    st.floats(0.0, 6 * 3600.0),
    st.one_of(st.none(), st.floats(0.0, 6 * 3600.0)),
    st.floats(0.0, 3.0),
)
def test_other_sports_invariants(
    sport: str, sub: str | None, duration: float, band: float | None, intensity: float
) -> None:
    v = judge_other(
        sport, duration, SETTINGS, sub_sport=sub, cardio_band_s=band, intensity=intensity
    )
    assert not v.counts_as_leg_day
    check_stimulus(v)


@settings(max_examples=30, deadline=None)
@given(runs(), st.lists(sets, max_size=12))
def test_combined_invariants(r: RunStreams, items: list[ExerciseSet]) -> None:
    run = judge_run(r, RunFacts(), SETTINGS)
    lift = judge_strength(StrengthSession(START, tuple(items)), CATALOG, SETTINGS)
    v = judge_combined([run, lift])
    assert v.counts_as_leg_day == lift.counts_as_leg_day
    check_stimulus(v)
