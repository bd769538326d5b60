"""Best efforts over a hand-computed stream: the sliding window finds the fastest stretch."""

from __future__ import annotations

import numpy as np
import pytest

from legday.analysis.efforts import EFFORT_DISTANCES, MAX_RUN_SPEED_MPS, best_efforts


def test_fastest_stretch_of_a_hand_computed_stream() -> None:
    # 60-s samples: 200 m, 200 m, then 300 m and 300 m (5 m/s), then a 60-s stop, then 240 m.
    t = np.array([0.0, 60, 120, 180, 240, 300, 360]) + 1.8e9
    d = np.array([0.0, 200, 400, 700, 1000, 1000, 1240])
    efforts = best_efforts(t, d, {"400m": 400.0, "600m": 600.0, "1k": 1000.0, "2k": 2000.0})
    # 400 m: wholly inside the 5 m/s minutes, 80 s; it starts where d = 600 m, at 160 s.
    assert efforts["400m"].elapsed_s == pytest.approx(80.0)
    assert efforts["400m"].start_s == pytest.approx(160.0)
    # 600 m: the two fast minutes exactly, 120 to 240 s.
    assert efforts["600m"].elapsed_s == pytest.approx(120.0)
    assert efforts["600m"].start_s == pytest.approx(120.0)
    # 1 km: from 0 to 240 s (240 s), or across the stop: the clock runs on during a stop, so
    # from d = 240 (72 s) to d = 1240 (360 s) is 288 s; the first is faster.
    assert efforts["1k"].elapsed_s == pytest.approx(240.0)
    assert efforts["1k"].start_s == pytest.approx(0.0)
    assert efforts["1k"].end_s == pytest.approx(240.0)
    assert "2k" not in efforts  # longer than the run


def test_window_may_end_between_samples() -> None:
    # 1 m/s for 100 s, 5 m/s for 60 s (300 m), then 2 m/s for 100 s. The best 400 m takes the
    # fast minute and the next 100 m at 2 m/s (60 + 50 s), not the 100 m before (60 + 100 s):
    # it starts on a sample (100 s) and ends between two (210 s).
    t = np.array([0.0, 100, 160, 260])
    d = np.array([0.0, 100, 400, 600])
    effort = best_efforts(t, d, {"400m": 400.0})["400m"]
    assert effort.elapsed_s == pytest.approx(110.0)
    assert effort.start_s == pytest.approx(100.0)


def test_gaps_jumps_and_short_runs() -> None:
    t = np.arange(0.0, 301.0)
    d = t * 4.0  # 4 m/s for 300 s: 1.2 km
    d[50:60] = np.nan  # a dropout is skipped, not a stop
    d[200:] += 1000.0  # a GPS jump of 1 km in one second is clipped to the fastest runner
    efforts = best_efforts(t, d)
    assert set(efforts) == {"400m", "1k"}
    # across the jump: one second at the clipped speed, the rest at 4 m/s
    assert efforts["400m"].elapsed_s == pytest.approx(1 + (400 - MAX_RUN_SPEED_MPS) / 4)
    assert best_efforts(np.array([0.0]), np.array([0.0])) == {}
    assert best_efforts(t, np.full(t.size, np.nan)) == {}


def test_standard_distances() -> None:
    assert EFFORT_DISTANCES["1mi"] == pytest.approx(1609.344)
    assert EFFORT_DISTANCES["marathon"] == pytest.approx(42195.0)
    assert list(EFFORT_DISTANCES.values()) == sorted(EFFORT_DISTANCES.values())
