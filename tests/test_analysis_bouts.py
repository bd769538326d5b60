"""Sessions without a speed channel (treadmill, indoor track): repetitions from timer stops,
manual laps and heart rate."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta

import numpy as np

from legday.analysis import HistorySummary, RunKind, analyze
from legday.model import AthleteProfile, Event, Lap
from test_analysis_support import T0, activity, piecewise

PROFILE = AthleteProfile(hr_max=190, hr_rest=50, lthr=170, sex="f")


def _hr(parts: list[tuple[float, float]]) -> np.ndarray:
    """Heart rate following effort levels (0 easy … 1 hard) with a 30-s lag."""
    target = piecewise([(s, 135.0 + 40.0 * e) for s, e in parts])
    hr = np.empty_like(target)
    hr[0] = target[0]
    for i in range(1, target.size):
        hr[i] = hr[i - 1] + (target[i] - hr[i - 1]) / 30.0
    return hr


def _indoor(parts: list[tuple[float, float]]) -> np.ndarray:
    return np.zeros(int(sum(s for s, _ in parts)))


def test_paused_recoveries_on_a_treadmill_are_intervals_with_their_reps() -> None:
    # warm-up + rep 1, then rests paused: 4 stops, 5 reps of 200 s, no speed or distance
    parts = [(600.0, 0.0), (200.0, 1.0)]
    events = [Event(T0, "timer", "start")]
    t = 800.0
    for _ in range(4):
        events += [Event(T0 + t, "timer", "stop_all"), Event(T0 + t + 120.0, "timer", "start")]
        parts += [(120.0, 0.0), (200.0, 1.0)]
        t += 320.0
    parts += [(480.0, 0.0)]
    keep = np.ones(int(sum(s for s, _ in parts)), dtype=bool)
    for k in range(4):
        a = 800 + 320 * k
        keep[a : a + 120] = False
    run = activity(_indoor(parts), _hr(parts), keep=keep, events=events, sub_sport="treadmill")
    result = analyze(run, PROFILE)
    assert result.kind is RunKind.INTERVALS
    assert [b.reps for b in result.blocks] == [5]


def test_manual_laps_with_heart_rate_mark_an_indoor_ladder() -> None:
    parts = [(600.0, 0.0)]
    for work in (60.0, 120.0, 180.0, 120.0, 60.0):
        parts += [(work, 1.0), (90.0, 0.0)]
    parts[-1] = (480.0, 0.0)
    edges = np.r_[0.0, np.cumsum([s for s, _ in parts])]
    laps = tuple(
        Lap(start=T0 + a, end=T0 + b, trigger="manual") for a, b in itertools.pairwise(edges)
    )
    run = dataclasses.replace(activity(_indoor(parts), _hr(parts)), laps=laps)
    result = analyze(run, PROFILE)
    assert result.kind is RunKind.INTERVALS
    assert [b.reps for b in result.blocks] == [5]


def test_an_easy_treadmill_run_is_neither_recovery_nor_work() -> None:
    # with a history of outdoor runs, a zero pace must not read as "slower than usual"
    start = datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
    history = [
        HistorySummary(start + timedelta(days=2 * i), 2400.0, 8000.0, "easy", None)
        for i in range(8)
    ]
    parts = [(2400.0, 0.1)]
    run = activity(_indoor(parts), _hr(parts), sub_sport="treadmill")
    result = analyze(run, PROFILE, history)
    assert result.kind is RunKind.EASY and result.blocks == ()
