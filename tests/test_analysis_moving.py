"""The time base (gaps, pauses, corrupt stamps) and the vectorised segmentation tools."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.analysis import analyze
from legday.analysis.moving import build_grid, moving_mask, rolling_mean
from legday.analysis.segments import change_points, fill_short, hysteresis, range_mean, runs
from legday.model import Event
from test_analysis_support import T0, activity, piecewise


def test_gaps_do_not_count_as_recorded_time() -> None:
    keep = np.ones(1200, dtype=bool)
    keep[400:700] = False  # a 5-min dropout
    a = activity(np.full(1200, 3.0), np.full(1200, 140.0), keep=keep)
    grid = build_grid(a, 10.0)
    assert grid.weight_s.sum() == pytest.approx(900.0, abs=12.0)
    result = analyze(a)
    assert sum(result.hr.zones_s.values()) == pytest.approx(900.0, abs=12.0)
    assert result.moving_s == pytest.approx(900.0, abs=15.0)
    assert result.duration_s == pytest.approx(1200.0, abs=2.0)


def test_timer_pauses_do_not_count() -> None:
    speed = piecewise([(600, 3.0), (300, 0.0), (600, 3.0)])
    events = [
        Event(T0 + 600, "timer", "stop_all"),
        Event(T0 + 900, "timer", "start"),
    ]
    a = activity(speed, np.full(1500, 140.0), events=events)
    grid = build_grid(a, 10.0)
    assert grid.paused[700] and not grid.paused[100]
    assert analyze(a).hr.cardio_band_s == pytest.approx(1200.0, abs=3.0)


def test_smart_recording_is_resampled_to_one_second() -> None:
    a = activity(np.full(900, 3.0), np.full(900, 140.0), dt=4.0)
    grid = build_grid(a, 10.0)
    assert grid.step_s == 1.0 and grid.counted.all()
    assert np.median(grid.speed_mps) == pytest.approx(3.0)


def test_backwards_and_corrupt_time_stamps_are_dropped() -> None:
    a = activity(np.full(600, 3.0), np.full(600, 140.0))
    ts = a.samples["timestamp"]
    ts[300] = ts[100]  # goes backwards
    ts[-1] = ts[0] + 2e9  # a corrupt stamp decades later
    grid = build_grid(a, 10.0)
    assert grid.elapsed_s[-1] < 700
    assert analyze(a).duration_s < 700


def test_speed_from_distance_when_the_speed_channel_is_empty() -> None:
    a = activity(np.full(600, 3.5))
    a.samples["speed_mps"][:] = np.nan
    grid = build_grid(a, 10.0)
    assert np.median(grid.speed_mps) == pytest.approx(3.5, rel=0.01)
    assert moving_mask(grid, 0.5).mean() > 0.95


def test_speed_from_the_gps_track_without_distance_or_speed() -> None:
    a = activity(np.full(600, 3.0), gps=True)
    a.samples["speed_mps"][:] = np.nan
    a.samples["distance_m"][:] = np.nan
    grid = build_grid(a, 10.0)
    assert grid.distance_m[-1] == pytest.approx(3.0 * 599, rel=0.01)


def test_empty_activity() -> None:
    a = activity(np.full(5, 3.0))
    for k in a.samples:
        a.samples[k] = np.zeros(0)
    result = analyze(a)
    assert result.moving_s == 0.0 and result.segments == ()


def _hysteresis_loop(x: np.ndarray, on: float, off: float) -> np.ndarray:
    state, out = False, np.zeros(x.size, dtype=bool)
    for i, v in enumerate(x):
        if v >= on:
            state = True
        elif v < off:
            state = False
        out[i] = state
    return out


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=300))
def test_vectorised_hysteresis_matches_a_plain_loop(values: list[float]) -> None:
    x = np.asarray(values)
    assert np.array_equal(hysteresis(x, 6.0, 5.0), _hysteresis_loop(x, 6.0, 5.0))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=200), st.integers(1, 6), st.integers(1, 6))
def test_fill_short_leaves_no_short_gaps_or_runs(bits: list[bool], off: int, on: int) -> None:
    out = fill_short(np.asarray(bits), off, on)
    starts, ends = runs(out)
    assert np.all(ends - starts >= on)


def test_runs_and_range_mean() -> None:
    s, e = runs(np.array([0, 1, 1, 0, 1], dtype=bool))
    assert list(s) == [1, 4] and list(e) == [3, 5]
    m = range_mean(np.array([1.0, np.nan, 3.0, 5.0]), np.array([0, 2]), np.array([2, 4]))
    assert list(m) == [1.0, 4.0]


def test_change_points_find_steps_and_ignore_noise() -> None:
    rng = np.random.default_rng(3)
    x = np.r_[np.full(100, 2.5), np.full(60, 3.6), np.full(100, 2.4)] + rng.normal(0, 0.08, 260)
    cps = change_points(x, 4 * 0.08**2 * np.log(260), 2)
    assert len(cps) == 2
    assert abs(cps[0] - 100) <= 2 and abs(cps[1] - 160) <= 2
    assert change_points(rng.normal(3, 0.08, 300), 4 * 0.08**2 * np.log(300), 2).size == 0


def test_rolling_mean_handles_nan_and_short_input() -> None:
    out = rolling_mean(np.array([1.0, np.nan, 3.0]), 5)
    assert out == pytest.approx([1.0, 2.0, 3.0])  # a centred window, clipped to the input
