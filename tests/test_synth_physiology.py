"""Physiology and terrain building blocks of the synthetic runner, and its public surface."""

from __future__ import annotations

import numpy as np
import pytest

import legday.synth
from legday.synth import SyntheticAthlete
from legday.synth.physiology import (
    cadence_spm,
    exp_filter,
    grade_speed_factor,
    heart_rate_bpm,
    minetti_cost,
)
from legday.synth.terrain import HillSpec, make_terrain


def test_public_surface_is_pinned_and_sorted() -> None:
    assert legday.synth.__all__ == sorted(legday.synth.__all__)
    assert set(legday.synth.__all__) >= {
        "Device", "History", "RunKind", "SyntheticAthlete", "SyntheticRun", "Truth",
        "generate_history", "make_run", "make_strength_session", "write_fit", "write_gpx",
        "write_history", "write_strong_csv", "write_tcx",
    }  # fmt: skip
    assert [k.value for k in legday.synth.RunKind] == [
        "easy", "recovery", "long", "tempo", "intervals", "hill_repeats", "strides", "sprints",
        "fartlek", "race", "mixed",
    ]  # fmt: skip


def test_exp_filter_matches_the_recursion() -> None:
    x = np.random.default_rng(0).normal(size=1000)
    for tau in (0.7, 3.0, 60.0):
        a = np.exp(-1.0 / tau)
        y, prev = np.empty_like(x), 5.0
        for i, v in enumerate(x):
            prev = a * prev + (1 - a) * v
            y[i] = prev
        np.testing.assert_allclose(exp_filter(x, tau, y0=5.0), y, atol=1e-9)


def test_minetti_cost_values() -> None:
    # Minetti et al. 2002: 3.6 J/kg/m on the flat; ≈ 5.2 at +7 %; minimum on a moderate downhill
    assert minetti_cost(np.array(0.0)) == pytest.approx(3.6)
    assert minetti_cost(np.array(0.07)) == pytest.approx(5.18, abs=0.02)
    grades = np.linspace(-0.45, 0.45, 91)
    assert -0.25 < grades[np.argmin(minetti_cost(grades))] < -0.1


def test_runners_slow_uphill_and_speed_up_a_little_downhill() -> None:
    g = np.array([-0.1, -0.05, 0.0, 0.05, 0.1])
    f = grade_speed_factor(g)
    assert f[2] == pytest.approx(1.0)
    assert np.all(np.diff(f[2:]) < 0) and f[-1] > 0.6
    assert np.all(f[:2] > 1.0) and np.all(f[:2] <= 1.12)


def test_heart_rate_reaches_lthr_at_threshold_and_stays_below_max() -> None:
    athlete = SyntheticAthlete.default()
    speed = np.full(1200, athlete.threshold_speed_mps)
    hr = heart_rate_bpm(athlete, speed, np.zeros(1200), drift_bpm_per_h=0.0)
    assert hr[-1] == pytest.approx(athlete.lthr, abs=1.0)
    assert hr[30] < athlete.lthr - 15, "first-order kinetics, not a step"
    easy = heart_rate_bpm(athlete, np.full(1200, athlete.easy_speed_mps), np.zeros(1200))
    assert 0.65 * athlete.hr_max < easy[-1] < 0.8 * athlete.hr_max
    sprint = heart_rate_bpm(athlete, np.full(600, athlete.max_speed_mps), np.full(600, 0.1))
    assert sprint.max() <= athlete.hr_max
    up = heart_rate_bpm(athlete, speed, np.full(1200, 0.05), drift_bpm_per_h=0.0)
    assert up[-1] > hr[-1], "the same speed uphill costs more (Minetti 2002)"


def test_recovery_is_slower_than_the_rise() -> None:
    athlete = SyntheticAthlete.default()
    speed = np.concatenate(
        [np.zeros(300), np.full(600, athlete.threshold_speed_mps), np.zeros(600)]
    )
    hr = heart_rate_bpm(athlete, speed, np.zeros(speed.size), drift_bpm_per_h=0.0)
    low, high = hr[299], hr[899]
    half = low + 0.5 * (high - low)
    rise = np.argmax(hr[300:] >= half)
    fall = np.argmax(hr[900:] <= half)
    assert fall > rise


def test_cadence_by_speed() -> None:
    athlete = SyntheticAthlete.default()
    cad = cadence_spm(athlete, np.array([0.0, 1.3, 3.0, 4.0, 8.0]))
    assert cad[0] == 0 and 100 < cad[1] < 125 and 150 < cad[2] < cad[3] < cad[4] <= 215


def test_hill_climb_is_steady() -> None:
    hill = HillSpec(start_m=2000.0, length_m=200.0, grade=0.07)
    t = make_terrain(
        np.random.default_rng(0), length_m=5000.0, home_lat_deg=52.5, home_lon_deg=13.4,
        home_elevation_m=50.0, hilliness_m=20.0, hill=hill, loop=False,
    )  # fmt: skip
    on = np.linspace(2030.0, 2170.0, 29)
    grades = t.grade_at(on)
    assert np.all((grades > 0.055) & (grades < 0.085))
    gain = t.elevation_at(np.array([2200.0]))[0] - t.elevation_at(np.array([2000.0]))[0]
    assert gain == pytest.approx(14.0, abs=2.0)
    assert t.elevation_at(np.array([0.0]))[0] == pytest.approx(50.0)
