"""The strength model: effort per set, hard sets, lower-body exercises, per-muscle load."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from legday.model import ExerciseSet, SetType, StrengthSession
from legday.settings import Settings
from legday.stimulus.muscles import MUSCLES
from legday.stimulus.strength_model import (
    UNKNOWN_EFFORT,
    estimated_rir,
    is_lower_body,
    set_effort,
    strength_stimulus,
)
from legday.strength.catalog import load_catalog

CATALOG = load_catalog()
SETTINGS = Settings()


def test_effort_falls_with_reps_in_reserve() -> None:
    effort = [set_effort(ExerciseSet("back_squat", reps=5, rir=r)) for r in (0, 1, 2, 5, 9, 10)]
    assert effort[0] == effort[1] == 1.0
    assert effort[1] > effort[2] > effort[3] > effort[4] == effort[5] == 0.0
    assert set_effort(ExerciseSet("back_squat", reps=5, rpe=8)) == set_effort(
        ExerciseSet("back_squat", reps=5, rir=2)
    )
    assert set_effort(ExerciseSet("back_squat", reps=5)) == UNKNOWN_EFFORT
    assert set_effort(ExerciseSet("back_squat", reps=5, rir=0, set_type=SetType.WARMUP)) == 0.0
    assert set_effort(ExerciseSet("back_squat", reps=5, set_type=SetType.FAILURE)) == 1.0


def test_rir_from_load_and_e1rm() -> None:
    """Epley inverted: at 100 kg with a 120 kg e1RM, 6 reps are possible; 5 done leaves 1."""
    s = ExerciseSet("back_squat", reps=5, load_kg=100.0)
    assert estimated_rir(s, 120.0) == pytest.approx(1.0)
    assert estimated_rir(s, None) is None
    assert estimated_rir(ExerciseSet("back_squat", reps=5, rir=3), 120.0) == 3


def test_primary_counts_one_and_secondary_half() -> None:
    squat = CATALOG.get("back_squat")
    ss = strength_stimulus(
        [ExerciseSet("back_squat", reps=5, rir=1, mapped=True)], CATALOG, SETTINGS
    )
    for m in squat.primary:
        assert ss.muscles[m] == 1.0
    for m in squat.secondary:
        assert ss.muscles[m] == 0.5
    assert set(MUSCLES) <= set(ss.muscles)
    assert ss.strength == 1.0 and ss.type2_share == 1.0


def test_lower_body_means_mostly_lower_body_primary_muscles() -> None:
    assert is_lower_body(CATALOG.get("back_squat"))
    assert is_lower_body(CATALOG.get("standing_calf_raise"))
    assert not is_lower_body(CATALOG.get("bench_press"))
    assert not is_lower_body(CATALOG.get("hanging_knee_raise"))


def test_counts() -> None:
    sets = (
        [ExerciseSet("back_squat", reps=5, rir=1, mapped=True)] * 3
        + [ExerciseSet("hip_thrust", reps=8, rir=5, mapped=True)] * 2
        + [ExerciseSet("bench_press", reps=8, rir=1, mapped=True)] * 2
        + [ExerciseSet("back_squat", reps=5, rir=0, set_type=SetType.WARMUP, mapped=True)]
        + [ExerciseSet("mystery", reps=5, rir=1)]
    )
    ss = strength_stimulus(
        StrengthSession(datetime(2026, 1, 1, tzinfo=UTC), tuple(sets)), CATALOG, SETTINGS
    )
    assert ss.working_sets == 8
    assert ss.hard_sets == 6  # squats, bench presses and the unmapped set
    assert ss.hard_lower_sets == 3
    assert ss.lower_exercises == ("back_squat",)
    assert ss.lower_working_sets == 5
    assert ss.unmapped == ("mystery",)
    assert ss.min_lower_rir == 1
