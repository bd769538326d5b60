"""The run model: per-muscle load from speed and grade streams, and the fibre emphasis."""

from __future__ import annotations

import numpy as np
import pytest

from legday.stimulus.fibres import fatigue_recruitment, forceful_fraction, type2_share
from legday.stimulus.muscles import LOWER_BODY, MUSCLES, REGION
from legday.stimulus.run_model import (
    EXPOSURE_S_PER_SET,
    RUN_COEFFICIENTS,
    muscle_activation,
    run_stimulus,
)


def steady(duration_s: float, speed: float, grade: float = 0.0) -> tuple[np.ndarray, ...]:
    n = int(duration_s)
    return np.arange(n, dtype=float), np.full(n, speed), np.full(n, grade)


def test_the_sixteen_keys_and_regions() -> None:
    assert len(MUSCLES) == 16 == len(set(MUSCLES))
    assert set(REGION) == set(MUSCLES)
    assert set(RUN_COEFFICIENTS) == set(MUSCLES)
    assert {
        "glutes",
        "quads",
        "hamstrings",
        "hip_abductors",
        "hip_adductors",
        "hip_flexors",
        "gastrocnemius",
        "soleus",
    } == LOWER_BODY


def test_calves_lead_at_moderate_speed() -> None:
    """Dorn 2012 / Lenhart 2014: the calves carry most of the support at ordinary speeds."""
    w = muscle_activation(np.array([3.0]), np.array([0.0]))
    top = max(w, key=lambda m: float(w[m][0]))
    assert top == "soleus"
    assert w["gastrocnemius"][0] > w["glutes"][0] > w["biceps"][0]


def test_hip_work_keeps_rising_while_ankle_work_plateaus() -> None:
    """Schache 2015: ankle work plateaus from ~5 m/s; hip work keeps rising."""
    v = np.array([5.0, 8.0])
    w = muscle_activation(v, np.zeros(2))
    assert w["soleus"][1] == pytest.approx(w["soleus"][0])
    assert w["glutes"][1] > 2 * w["glutes"][0]
    assert w["hamstrings"][1] > w["soleus"][1]


def test_uphill_loads_hips_and_downhill_loads_quads() -> None:
    """Roberts & Belliveau 2005, Yokozawa 2007 uphill; Maeo 2017 downhill."""
    v = np.full(3, 3.0)
    w = muscle_activation(v, np.array([-0.1, 0.0, 0.1]))
    assert w["glutes"][2] > 1.5 * w["glutes"][1]
    assert w["hamstrings"][2] > 1.5 * w["hamstrings"][1]
    assert w["quads"][0] > 1.5 * w["quads"][1]


def test_easy_hour_is_about_one_set_of_exposure_and_no_strength() -> None:
    rs = run_stimulus(*steady(3600, 3.0))
    assert rs.strength == 0.0
    assert rs.type2_share == 0.0
    assert rs.muscles["soleus"] == pytest.approx(3600 / EXPOSURE_S_PER_SET, rel=0.01)
    assert rs.moving_s == pytest.approx(3599)
    assert all(rs.muscles[m] >= 0 for m in MUSCLES)


def test_stopped_samples_and_gaps_add_nothing() -> None:
    t, v, g = steady(600, 3.0)
    v[100:300] = 0.0
    t[400:] += 3600.0  # a one-hour pause: one long interval
    rs = run_stimulus(t, v, g)
    assert rs.moving_s == pytest.approx(600 - 1 - 200 - 1)


def test_nan_streams_are_tolerated() -> None:
    t, v, g = steady(300, 3.0, 0.05)
    v[::7] = np.nan
    g[::5] = np.nan
    rs = run_stimulus(t, v, g)
    assert np.isfinite(list(rs.muscles.values())).all()


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError, match="one length"):
        run_stimulus(np.arange(3.0), np.ones(3), np.zeros(2))


def test_forceful_fraction_ramps() -> None:
    gas = np.array([2.8, 4.0, 4.4, 5.0, 7.0])
    phi = forceful_fraction(gas, np.zeros(5), gas, threshold_speed_mps=4.0)
    assert phi[0] == phi[1] == 0.0  # steady running up to threshold is type 1 work (R3)
    assert 0.0 < phi[2] < phi[3] < 1.0
    assert phi[4] == 1.0
    climb = forceful_fraction(np.full(2, 3.0), np.array([0.0, 0.12]), np.full(2, 3.0), 4.0)
    assert climb[1] > climb[0]
    walk = forceful_fraction(np.full(1, 3.0), np.array([0.12]), np.full(1, 1.2), 4.0)
    assert walk[0] == 0.0
    with pytest.raises(ValueError, match="threshold"):
        forceful_fraction(gas, gas, gas, 0.0)


def test_fatigue_raises_type2_late_in_long_runs_but_not_strength() -> None:
    """Krustrup et al. 2004: type 2 recruitment rises once type 1 fibres are depleted."""
    assert fatigue_recruitment(np.array([3600.0]))[0] == 0.0
    assert fatigue_recruitment(np.array([4 * 3600.0]))[0] == pytest.approx(0.3)
    short = run_stimulus(*steady(3600, 3.0))
    long = run_stimulus(*steady(3 * 3600, 3.0))
    assert long.type2_share > short.type2_share
    assert long.strength == short.strength == 0.0


def test_type2_share_is_a_weighted_mean() -> None:
    assert type2_share(np.array([0.0, 1.0]), np.array([1.0, 3.0])) == pytest.approx(0.75)
    assert type2_share(np.array([1.0]), np.array([0.0])) == 0.0
