"""Repetitions told from recoveries by contrast: a trained runner's threshold reps, which run
only ~1.2–1.3 × easy pace, and the rolling ground that must not look like them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.analysis import RunKind, analyze
from legday.analysis.patterns import _length_groups
from legday.model import AthleteProfile
from test_analysis_support import activity, piecewise

PROFILE = AthleteProfile(hr_max=190, hr_rest=50, lthr=170, sex="m")
EASY = 3.6


def _hr_follow(speed: np.ndarray, low: float = 130.0, gain: float = 40.0) -> np.ndarray:
    """Heart rate following speed with a ~30-s first-order lag (Jones & Poole 2005)."""
    target = low + gain * (speed / EASY - 1.0) / 0.3
    hr = np.empty_like(target)
    hr[0] = target[0]
    for i in range(1, target.size):
        hr[i] = hr[i - 1] + (target[i] - hr[i - 1]) / 30.0
    return hr


def _session(work: float, rest: float, reps: int, work_s: float, rest_s: float) -> np.ndarray:
    parts = [(600.0, EASY)]
    for _ in range(reps):
        parts += [(work_s, work), (rest_s, rest)]
    return piecewise([*parts[:-1], (600.0, EASY)])


@pytest.mark.parametrize("ratio", [1.22, 1.28, 1.34])
def test_threshold_reps_with_floated_recoveries_are_intervals(ratio: float) -> None:
    # 5 × 1000 m at threshold pace with 90-s floats at easy pace: under the 1.25 × / 1.35 ×
    # pace thresholds that suit a wide range of runners, plain as an alternation
    speed = _session(ratio * EASY, EASY, 5, 1000.0 / (ratio * EASY), 150.0)
    result = analyze(activity(speed, _hr_follow(speed)), PROFILE)
    assert result.kind is RunKind.INTERVALS
    assert sum(b.reps for b in result.blocks) == 5


def test_rolling_ground_without_altitude_is_no_workout() -> None:
    # an easy run over rolling hills with no altitude data: slower up (HR rising), faster
    # down (HR falling) — the same alternation of pace, heart rate the other way round
    parts = [(600.0, EASY)]
    for _ in range(6):
        parts += [(120.0, 0.85 * EASY), (90.0, 1.2 * EASY)]
    speed = piecewise([*parts, (600.0, EASY)])
    climbing = piecewise(
        [(600.0, 0.0), *[(s, 1.0 if v < EASY else 0.0) for s, v in parts[1:]], (600.0, 0.0)]
    )
    hr = 135.0 + np.convolve(climbing, np.ones(60) / 60.0 * 15.0, mode="same")
    result = analyze(activity(speed, hr), PROFILE)
    assert result.kind is RunKind.EASY, result.reasons


def test_reps_of_two_set_lengths_are_intervals_not_fartlek() -> None:
    # 400, 400, 800, 800, 400 on the track with 400-m floats: set lengths, not speed play
    work = 1.28 * EASY
    parts = [(600.0, EASY)]
    for dist in (400.0, 400.0, 800.0, 800.0, 400.0):
        parts += [(dist / work, work), (110.0, EASY)]
    speed = piecewise([*parts[:-1], (600.0, EASY)])
    result = analyze(activity(speed, _hr_follow(speed)), PROFILE)
    assert result.kind is RunKind.INTERVALS
    assert sum(b.reps for b in result.blocks) == 5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(10.0, 2000.0), min_size=1, max_size=12), st.floats(1.0, 5.0))
def test_length_groups_ignore_scale_and_order(lengths: list[float], scale: float) -> None:
    groups = _length_groups(lengths)
    assert 1 <= groups <= len(lengths)
    assert _length_groups([x * scale for x in reversed(lengths)]) == groups
    assert _length_groups(lengths * 2) == groups


def test_set_reps_with_a_stray_rep_after_the_set_are_intervals() -> None:
    # 5 × 1 km with 1-km floats, then two shorter pick-ups on the way home
    work = 1.28 * EASY
    parts = [(600.0, EASY)]
    for dist in (1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 700.0, 400.0):
        parts += [(dist / work, work), (1000.0 / EASY, EASY)]
    speed = piecewise([*parts[:-1], (300.0, EASY)])
    result = analyze(activity(speed, _hr_follow(speed)), PROFILE)
    assert result.kind is RunKind.INTERVALS


def test_pick_ups_after_a_long_stop_are_not_more_reps() -> None:
    # 5 × 1 km with 1-km floats, a 7-min walk, then two pick-ups on the way home
    work = 1.28 * EASY
    parts = [(600.0, EASY)]
    for _ in range(5):
        parts += [(1000.0 / work, work), (1000.0 / EASY, EASY)]
    parts[-1] = (440.0, 1.5)
    parts += [(180.0, work), (200.0, EASY), (100.0, work), (300.0, EASY)]
    speed = piecewise(parts)
    result = analyze(activity(speed, _hr_follow(speed)), PROFILE)
    assert result.kind is RunKind.INTERVALS
    assert sum(b.reps for b in result.blocks if b.pattern is RunKind.INTERVALS) == 5


def test_one_minute_on_one_minute_off_with_no_easy_running_is_intervals() -> None:
    # 20 × (1 min at 1.45 × float pace, 1 min float): too quick for change points, and the
    # "easy" pace of the file is the session's own average (on a flat GPS track)
    parts = [(60.0, 1.45 * EASY) if i % 2 == 0 else (60.0, EASY) for i in range(40)]
    speed = piecewise(parts)
    result = analyze(activity(speed, _hr_follow(speed), np.zeros(speed.size), gps=True), PROFILE)
    assert result.kind is RunKind.INTERVALS
    assert abs(sum(b.reps for b in result.blocks) - 20) <= 2


def test_a_steady_run_has_no_rhythm() -> None:
    rng = np.random.default_rng(5)
    speed = EASY + 0.15 * rng.standard_normal(3600)
    result = analyze(activity(speed, _hr_follow(speed)), PROFILE)
    assert result.kind is RunKind.EASY


def test_sprints_with_long_rests_stay_one_block() -> None:
    # 8 × 100 m flat out (12 s at 2.3 × easy) with 4–6 min walked rests: one block of 8
    parts = [(600.0, EASY)]
    for rest in (240.0, 330.0, 280.0, 350.0, 300.0, 260.0, 340.0, 300.0):
        parts += [(12.0, 2.3 * EASY), (rest, 1.2)]
    speed = piecewise([*parts, (400.0, EASY)])
    result = analyze(activity(speed, _hr_follow(speed), np.zeros(speed.size), gps=True), PROFILE)
    assert result.kind is RunKind.SPRINTS
    assert [b.reps for b in result.blocks if b.pattern is RunKind.SPRINTS] == [8]


@pytest.mark.parametrize(("gain", "kind"), [(55.0, RunKind.INTERVALS), (12.0, RunKind.STRIDES)])
def test_forty_second_reps_past_threshold_heart_rate_are_intervals_not_strides(
    gain: float, kind: RunKind
) -> None:
    # 5 × 40 s at 1.7 × easy with 2-min walks after an easy run: with HR driven past LTHR
    # these are 200-m reps; with HR barely moving, relaxed strides
    parts = [(1500.0, EASY)]
    for _ in range(5):
        parts += [(40.0, 1.7 * EASY), (120.0, 1.2)]
    speed = piecewise([*parts, (300.0, EASY)])
    hr = _hr_follow(speed, low=120.0, gain=gain)
    result = analyze(activity(speed, hr, np.zeros(speed.size), gps=True), PROFILE)
    assert [b.pattern for b in result.blocks] == [kind]


def _floated(float_mps: float, rest_mps: float = 0.75 * EASY) -> np.ndarray:
    """5 × (400 m hard, a 45-s float or rest at ``float_mps``, 200 m hard), 3-min rests at
    ``rest_mps``."""
    work = 1.5 * EASY
    parts = [(900.0, EASY)]
    for _ in range(5):
        parts += [
            (400.0 / work, work),
            (45.0, float_mps),
            (200.0 / work, work),
            (180.0, rest_mps),
        ]
    return piecewise([*parts, (600.0, EASY)])


def test_a_float_inside_a_rep_does_not_make_two_reps() -> None:
    # the athlete counts "400, float, 200" as one rep: five, not ten
    speed = _floated(1.05 * EASY)
    result = analyze(activity(speed, _hr_follow(speed), np.zeros(speed.size), gps=True), PROFILE)
    assert [(b.pattern, b.reps) for b in result.blocks] == [(RunKind.INTERVALS, 5)]


def test_a_float_a_little_under_easy_pace_between_standing_rests_is_a_float() -> None:
    # floats at 0.9 × easy, the 3-min recoveries stood: still five reps
    speed = _floated(0.9 * EASY, 0.0)
    result = analyze(activity(speed, _hr_follow(speed), np.zeros(speed.size), gps=True), PROFILE)
    assert [(b.pattern, b.reps) for b in result.blocks] == [(RunKind.INTERVALS, 5)]


def test_sets_with_short_standing_rests_keep_every_rep() -> None:
    # the same shape with the 45 s stood, not floated: sets of two reps, ten in all
    speed = _floated(0.0)
    result = analyze(activity(speed, _hr_follow(speed), np.zeros(speed.size), gps=True), PROFILE)
    assert sum(b.reps for b in result.blocks if b.pattern is RunKind.INTERVALS) == 10


def test_the_athletes_usual_pace_sets_the_easy_reference_after_a_short_warm_up() -> None:
    # a 1-min warm-up, eight surges at 1.2 × easy floated at easy pace, a slow 12-min
    # cool-down: the run's own slowest level is the cool-down, against which the floats look
    # like work; the history says what easy is
    from datetime import UTC, datetime, timedelta

    from legday.analysis import HistorySummary

    parts = [(60.0, EASY)]
    floats = [120.0, 90.0, 150.0, 60.0, 110.0, 140.0, 80.0, 0.0]
    for surge, rest in zip(
        [90.0, 150.0, 60.0, 120.0, 75.0, 180.0, 45.0, 100.0], floats, strict=True
    ):
        parts += [(surge, 1.2 * EASY), (rest, EASY)]
    speed = piecewise([*parts, (700.0, 0.8 * EASY)])
    start = datetime(2026, 5, 1, tzinfo=UTC)
    history = [
        HistorySummary(start + timedelta(days=2 * i), 2700.0, 2700.0 * 0.98 * EASY, "easy")
        for i in range(10)
    ]
    a = activity(speed, _hr_follow(speed), np.zeros(speed.size), gps=True)
    result = analyze(a, PROFILE, history)
    assert result.kind is RunKind.FARTLEK
    assert result.easy_speed_mps is not None and result.easy_speed_mps >= 0.95 * 0.98 * EASY


def test_a_sprint_set_stays_one_block_when_the_last_sprints_slow_down() -> None:
    # 10 × 100 m with 5-min standing rests, the last three 25 % slower (still ≥ 2.05 × easy):
    # fatigue, not the cool-down
    parts = [(600.0, EASY)]
    for k in range(10):
        top = 2.9 * EASY if k < 7 else 2.25 * EASY
        parts += [(12.0, top), (300.0, 0.0)]
    speed = piecewise([*parts[:-1], (400.0, EASY)])
    result = analyze(activity(speed, _hr_follow(speed), np.zeros(speed.size), gps=True), PROFILE)
    assert [(b.pattern, b.reps) for b in result.blocks] == [(RunKind.SPRINTS, 10)]


def test_a_longer_rest_inside_a_sprint_set_does_not_split_it() -> None:
    # 8 × 100 m with 2.5-min walks, one of them 5 min (a sprint lost in a GPS dropout, or a
    # longer breather): the rhythm breaks, but what follows are still sprints
    parts = [(600.0, EASY)]
    for k in range(8):
        parts += [(12.0, 2.6 * EASY), (310.0 if k == 3 else 150.0, 1.2)]
    speed = piecewise([*parts[:-1], (400.0, EASY)])
    result = analyze(activity(speed, _hr_follow(speed), np.zeros(speed.size), gps=True), PROFILE)
    assert [(b.pattern, b.reps) for b in result.blocks] == [(RunKind.SPRINTS, 8)]


def test_the_usual_pace_caps_the_easy_reference_when_the_tempo_is_the_longest_level() -> None:
    # the warm-up was another file: 6 strides, 2 × 1600 m at tempo (1.5 × the usual speed of
    # the athlete's easy runs), 6 strides, walked between; the longest steady level of the
    # file is the tempo itself
    from datetime import UTC, datetime, timedelta

    from legday.analysis import HistorySummary

    strides = [(16.0, 1.8 * EASY), (60.0, 1.3)] * 6
    tempo = 1.3 * EASY
    parts = [*strides, (1600.0 / tempo, tempo), (120.0, 1.3), (1600.0 / tempo, tempo)]
    speed = piecewise([*parts, (120.0, 1.3), *strides])
    start = datetime(2026, 5, 1, tzinfo=UTC)
    history = [
        HistorySummary(start + timedelta(days=2 * i), 2700.0, 2700.0 * 0.85 * EASY, "easy")
        for i in range(10)
    ]
    hr = _hr_follow(speed, low=120.0, gain=45.0)
    a = activity(speed, hr, np.zeros(speed.size), gps=True)
    result = analyze(a, PROFILE, history)
    assert (result.kind, result.tags) == (RunKind.MIXED, (RunKind.STRIDES, RunKind.TEMPO))
    # the tempo is no easy pace: the reference stays within 1.15 × the usual speed
    assert result.easy_speed_mps is not None
    assert result.easy_speed_mps <= 1.15 * 0.85 * EASY + 1e-9
