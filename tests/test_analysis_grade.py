"""Elevation, grade and grade-adjusted speed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.analysis.grade import (
    STRAVA_FACTORS,
    STRAVA_GRADES,
    GradeModel,
    ascent_descent,
    grade,
    grade_adjusted_speed,
    grade_factor,
    minetti_cost,
    turning_points,
)
from legday.errors import ConfigError


def test_minetti_cost_matches_the_published_polynomial() -> None:
    # Minetti et al. 2002: Cr(0) = 3.6; at +10 %: 155.4e-5 - 30.4e-4 - 43.3e-3 + 46.3e-2
    # + 19.5e-1 + 3.6 = 5.968 J/kg/m
    assert minetti_cost(np.array([0.0]))[0] == pytest.approx(3.6)
    assert minetti_cost(np.array([0.1]))[0] == pytest.approx(5.968214, abs=1e-5)
    # clipped beyond ±45 %
    assert minetti_cost(np.array([0.9]))[0] == minetti_cost(np.array([0.45]))[0]


def test_uphill_is_worth_more_than_flat_under_both_models() -> None:
    g = np.array([0.0, 0.04, 0.1, 0.2])
    for model in GradeModel:
        f = grade_factor(g, model)
        assert f[0] == pytest.approx(1.0)
        assert np.all(np.diff(f) > 0)


def test_strava_model_reproduces_its_table() -> None:
    f = grade_factor(np.asarray(STRAVA_GRADES), GradeModel.STRAVA)
    assert f == pytest.approx(STRAVA_FACTORS)


def test_grade_adjusted_speed_treats_missing_grade_as_flat() -> None:
    v = grade_adjusted_speed(np.array([3.0, 3.0]), np.array([np.nan, 0.1]))
    assert v[0] == pytest.approx(3.0)
    assert v[1] == pytest.approx(3.0 * 5.968214 / 3.6, rel=1e-5)


def test_unknown_grade_model_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="minetti, strava"):
        GradeModel.parse("flat")


def test_grade_of_a_steady_ramp() -> None:
    d = np.arange(0.0, 2000.0, 3.0)
    z = 100.0 + 0.05 * d
    g = grade(z, d, 50.0, 1.0)
    assert np.median(g) == pytest.approx(0.05, abs=1e-3)


def test_grade_without_altitude_is_flat() -> None:
    d = np.arange(0.0, 100.0)
    assert not grade(np.full(100, np.nan), d, 50.0, 1.0).any()


def test_noise_below_the_hysteresis_adds_no_ascent() -> None:
    rng = np.random.default_rng(1)
    z = 50.0 + rng.uniform(-1.0, 1.0, 3000)
    up, down = ascent_descent(z, 4.0, 1.0)
    assert up < 1.0 and down < 1.0


def test_a_climb_and_descent_are_counted() -> None:
    z = np.r_[np.linspace(0, 120, 1200), np.linspace(120, 20, 1000)]
    up, down = ascent_descent(z, 4.0, 1.0)
    assert up == pytest.approx(120.0, abs=6.0)
    assert down == pytest.approx(100.0, abs=6.0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=200),
    st.floats(0.5, 10.0),
)
def test_turning_points_keep_only_swings_above_the_hysteresis(
    values: list[float], h: float
) -> None:
    z = np.asarray(values)
    pts = turning_points(z, h)
    swings = np.abs(np.diff(pts))
    # every confirmed swing but the last (still open) exceeds the hysteresis
    assert np.all(swings[:-1] > h)
    # extremes alternate and never exceed the data's range
    assert np.all(np.diff(np.sign(np.diff(pts))) != 0) if pts.size > 2 else True
    assert pts.min() >= z.min() - 1e-9 and pts.max() <= z.max() + 1e-9
    # filtering never adds climbing
    assert np.clip(np.diff(pts), 0, None).sum() <= np.clip(np.diff(z), 0, None).sum() + 1e-9
