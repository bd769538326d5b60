"""e1RM formulas (Epley 1985, Brzycki 1993) with known values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legday.model import ExerciseSet, SetType
from legday.strength.e1rm import E1RMFormula, brzycki, e1rm, epley, reps_at_load, set_e1rm


@pytest.mark.parametrize(
    ("load", "reps", "expected"),
    [
        (100.0, 10, 133.333),  # 100 · (1 + 10/30)
        (100.0, 5, 116.667),
        (80.0, 8, 101.333),
        (60.0, 30, 120.0),
        (100.0, 1, 100.0),  # a single is its own 1RM
    ],
)
def test_epley_known_values(load: float, reps: int, expected: float) -> None:
    assert epley(load, reps) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("load", "reps", "expected"),
    [
        (100.0, 10, 133.333),  # 36 · 100 / 27 — Epley and Brzycki agree at 10 reps
        (100.0, 5, 112.5),  # 36 · 100 / 32
        (80.0, 8, 99.310),  # 36 · 80 / 29
        (100.0, 1, 100.0),
    ],
)
def test_brzycki_known_values(load: float, reps: int, expected: float) -> None:
    assert brzycki(load, reps) == pytest.approx(expected, abs=1e-3)


def test_rir_adds_to_reps() -> None:
    # 8 reps with 2 in reserve reads as a 10-rep max.
    assert e1rm(100.0, 8, rir=2) == pytest.approx(epley(100.0, 10))
    assert e1rm(100.0, 8, rir=2, formula=E1RMFormula.BRZYCKI) == pytest.approx(brzycki(100.0, 10))
    assert e1rm(100.0, 8, rir=None) == pytest.approx(epley(100.0, 8))


def test_set_e1rm_uses_rpe_and_skips_unloaded_sets() -> None:
    s = ExerciseSet(exercise="back_squat", reps=8, load_kg=100.0, rpe=8.0)  # RPE 8 = 2 RIR
    assert set_e1rm(s) == pytest.approx(epley(100.0, 10))
    assert set_e1rm(ExerciseSet(exercise="push_up", reps=10)) is None
    assert set_e1rm(ExerciseSet(exercise="plank", duration_s=30.0, load_kg=10.0)) is None
    warm = ExerciseSet(exercise="back_squat", reps=5, load_kg=60.0, set_type=SetType.WARMUP)
    assert set_e1rm(warm) == pytest.approx(70.0)


def test_brzycki_pole_is_capped_and_bad_input_refused() -> None:
    assert brzycki(100.0, 40) == brzycki(100.0, 36)
    with pytest.raises(ValueError, match="non-negative"):
        epley(-1.0, 5)
    with pytest.raises(ValueError, match="positive"):
        reps_at_load(100.0, 0.0)


@given(st.floats(1, 500), st.integers(2, 30))
def test_reps_at_load_inverts_epley(load: float, reps: int) -> None:
    assert reps_at_load(epley(load, reps), load) == pytest.approx(reps)


@given(st.floats(1, 500), st.integers(1, 20), st.integers(1, 20))
def test_more_reps_at_the_same_load_means_a_higher_e1rm(load: float, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    for formula in E1RMFormula:
        assert e1rm(load, lo, formula=formula) <= e1rm(load, hi, formula=formula)
        assert e1rm(load, lo, formula=formula) >= load


def test_e1rm_tracker_keeps_the_running_best() -> None:
    from legday.model import ExerciseSet, SetType
    from legday.strength import E1rmTracker

    tracker = E1rmTracker({"back_squat": 100.0})
    best = tracker.update(
        [
            ExerciseSet("back_squat", reps=5, load_kg=60, set_type=SetType.WARMUP),
            ExerciseSet("back_squat", reps=30, load_kg=80),  # too many reps to say anything
            ExerciseSet("back_squat", reps=8, load_kg=90),  # Epley: 90 × (1 + 8/30) = 114
            ExerciseSet("romanian_deadlift", reps=10, load_kg=60),
        ]
    )
    assert best["back_squat"] == pytest.approx(114.0)
    assert best["romanian_deadlift"] == pytest.approx(80.0)
    assert tracker.update([ExerciseSet("back_squat", reps=3, load_kg=50)])["back_squat"] == (
        pytest.approx(114.0)
    )
