"""Heart-rate anchors, zone models, time in zone, and training load."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.analysis import HistorySummary, ZoneModel
from legday.analysis.load import (
    banister_trimp,
    edwards_trimp,
    hr_stress,
    session_rpe,
)
from legday.analysis.zones import (
    HrAnchors,
    clean_hr,
    hr_anchors,
    observed_hr_max,
    tanaka_hr_max,
    time_in_band,
    time_in_zones,
    zone_bounds,
)
from legday.errors import ConfigError
from legday.model import AthleteProfile
from legday.settings import Settings

S = Settings()
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _history(maxima: list[float]) -> list[HistorySummary]:
    return [HistorySummary(WHEN, 3600.0, 10_000.0, "easy", m) for m in maxima]


def test_tanaka() -> None:
    assert tanaka_hr_max(40) == pytest.approx(180.0)


def test_anchor_precedence_profile_history_tanaka_default() -> None:
    p = AthleteProfile(hr_max=190, hr_rest=50, lthr=170)
    a = hr_anchors(p, _history([180, 181, 182]), S, 2026)
    assert (a.hr_max, a.hr_max_source, a.hr_rest, a.lthr) == (190, "profile", 50, 170)
    a = hr_anchors(AthleteProfile(birth_year=1986), _history([180, 182, 184]), S, 2026)
    assert a.hr_max_source == "history" and 182 < a.hr_max <= 184
    a = hr_anchors(AthleteProfile(birth_year=1986), _history([180]), S, 2026)
    assert (a.hr_max, a.hr_max_source) == (pytest.approx(180.0), "tanaka")
    a = hr_anchors(None, None, S, 2026)
    assert (a.hr_max, a.hr_max_source, a.hr_rest_source) == (185.0, "default", "default")
    assert a.lthr == pytest.approx(0.89 * 185.0)


def test_an_observed_maximum_beats_an_estimate_but_not_the_profile() -> None:
    a = hr_anchors(AthleteProfile(birth_year=1986), None, S, 2026, observed_max=195.0)
    assert (a.hr_max, a.hr_max_source) == (195.0, "observed")
    a = hr_anchors(AthleteProfile(hr_max=190), None, S, 2026, observed_max=195.0)
    assert a.hr_max == 190


def test_observed_max_rejects_spikes_and_cadence_lock() -> None:
    hr = np.full(1200, 150.0)
    hr[100] = 230.0  # a one-sample optical spike
    cadence = np.full(1200, 170.0)
    hr[600:900] = 171.0  # 5 min locked onto the step rate
    got = observed_hr_max(hr, cadence, 1.0, 99.5)
    assert got == pytest.approx(150.0, abs=1.0)
    assert np.isnan(clean_hr(hr, cadence, 1.0)[700])


def test_observed_max_needs_a_minute_of_data() -> None:
    assert observed_hr_max(np.full(30, 150.0), np.full(30, np.nan), 1.0, 99.5) is None


def test_zone_bounds_for_each_model() -> None:
    a = HrAnchors(200.0, "profile", 50.0, "profile", 170.0, "profile")
    names, b = zone_bounds(ZoneModel.HRMAX, a, S)
    assert names == ("Z1", "Z2", "Z3", "Z4", "Z5") and b == pytest.approx((120, 140, 160, 180))
    _, b = zone_bounds(ZoneModel.HRR, a, S)
    assert b == pytest.approx((140, 155, 170, 185))  # Karvonen: 50 + f·150
    names, b = zone_bounds(ZoneModel.LTHR, a, S)
    assert names[-1] == "Z5c" and b[0] == pytest.approx(0.85 * 170)


def test_unknown_zone_model_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="hrmax, hrr, lthr"):
        ZoneModel.parse("polar")


def test_time_in_zone_skips_pauses_and_gaps() -> None:
    hr = np.r_[np.full(600, 110.0), np.full(600, 150.0), np.full(600, 185.0)]
    weight = np.ones(1800)
    weight[1200:] = 0.0  # paused
    z = time_in_zones(hr, weight, ("Z1", "Z2", "Z3"), (130.0, 170.0))
    assert z == {"Z1": 600.0, "Z2": 600.0, "Z3": 0.0}
    assert time_in_band(hr, weight, 100.0, 157.25) == 1200.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(40, 220) | st.just(float("nan")), min_size=1, max_size=300))
def test_zones_add_up_to_the_counted_time(values: list[float]) -> None:
    hr = np.asarray(values)
    weight = np.where(np.arange(hr.size) % 7 == 0, 0.0, 1.0)
    names, bounds = zone_bounds(ZoneModel.HRMAX, HrAnchors(190.0, "x", 55.0, "x", 170.0, "x"), S)
    total = sum(time_in_zones(hr, weight, names, bounds).values())
    assert total == pytest.approx(float(weight[np.isfinite(hr)].sum()))


def test_banister_trimp_of_a_constant_effort() -> None:
    hr = np.full(3600, 160.0)
    w = np.ones(3600)
    x = (160 - 60) / (190 - 60)
    for sex, (a, b) in {"m": (0.64, 1.92), "f": (0.86, 1.67), None: (0.725, 1.795)}.items():
        expected = 60 * x * a * np.exp(b * x)
        assert banister_trimp(hr, w, 60, 190, sex) == pytest.approx(expected)  # type: ignore[arg-type]


def test_trimp_ignores_paused_time_and_missing_hr() -> None:
    hr = np.r_[np.full(60, 150.0), np.full(60, np.nan)]
    w = np.r_[np.zeros(30), np.ones(90)]
    assert banister_trimp(hr, w, 60, 190, "m") == pytest.approx(
        banister_trimp(np.full(30, 150.0), np.ones(30), 60, 190, "m")
    )


def test_edwards_and_hr_stress() -> None:
    hr = np.r_[np.full(600, 0.55 * 200), np.full(600, 0.95 * 200)]
    assert edwards_trimp(hr, np.ones(1200), 200.0) == pytest.approx(10 * 1 + 10 * 5)
    hour = np.full(3600, 170.0)
    trimp = banister_trimp(hour, np.ones(3600), 60, 190, None)
    assert hr_stress(trimp, 170.0, 60, 190, None) == pytest.approx(100.0)


def test_session_rpe() -> None:
    assert session_rpe(6, 45 * 60) == pytest.approx(270.0)
    assert session_rpe(None, 60) is None


# --- the athlete's own LTHR, from their races and tempo runs -----------------------------------


def test_sustained_hr_is_the_hardest_twenty_minutes() -> None:
    from legday.analysis.zones import sustained_hr

    hr = np.r_[np.full(900, 140.0), np.full(1200, 172.0), np.full(600, 150.0)]
    counted = np.ones(hr.size, dtype=bool)
    assert sustained_hr(hr, counted, 1.0) == pytest.approx(172.0)
    assert sustained_hr(hr[:1000], counted[:1000], 1.0) is None  # shorter than 20 min
    assert sustained_hr(np.full(hr.size, np.nan), counted, 1.0) is None


@settings(max_examples=40, deadline=None)
@given(st.floats(100.0, 190.0), st.floats(-20.0, 20.0))
def test_sustained_hr_lies_within_the_run(base: float, swing: float) -> None:
    from legday.analysis.zones import sustained_hr

    hr = base + swing * np.sin(np.arange(3000) / 300.0)
    got = sustained_hr(hr, np.ones(hr.size, dtype=bool), 1.0)
    assert got is not None and hr.min() - 1e-9 <= got <= hr.max() + 1e-9


def test_lthr_comes_from_races_and_tempo_runs_not_easy_ones() -> None:
    from datetime import timedelta

    from legday.analysis.zones import hr_anchors, lthr_from_history
    from legday.settings import Settings

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    easy = [HistorySummary(t0 + timedelta(days=i), 2400, 7000, "easy", 165, 140) for i in range(9)]
    assert lthr_from_history(easy) is None
    race = HistorySummary(t0 + timedelta(days=20), 2500, 10000, "race", 185, 175)
    tempo = HistorySummary(t0 + timedelta(days=25), 3000, 9000, "tempo", 178, 168)
    assert lthr_from_history([*easy, race, tempo]) == pytest.approx((175 * 0.98 + 168) / 2)
    anchors = hr_anchors(None, [*easy, race, tempo], Settings(), 2026)
    assert anchors.lthr_source == "history"
    assert anchors.lthr == pytest.approx((175 * 0.98 + 168) / 2)
    own = hr_anchors(AthleteProfile(lthr=160), [race], Settings(), 2026)
    assert (own.lthr, own.lthr_source) == (160.0, "profile")
