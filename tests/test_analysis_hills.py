"""Hill repeats on hand-made runs: climbs read from the altitude (analysis/hills.py) and the
hill rules of analysis/patterns.py (gentle grades, jog-downs, approach climbs, shifted starts)."""

from __future__ import annotations

import numpy as np

from legday.analysis import RunKind, analyze
from legday.analysis.grade import GradeModel
from legday.analysis.moving import build_grid
from legday.analysis.patterns import build_blocks, name_block
from legday.analysis.pipeline import signals
from legday.analysis.segments import (
    CPD_REFERENCE_PENALTY_BIC,
    Signals,
    easy_reference,
    find_efforts,
    level_segments,
)
from legday.model import Activity, AthleteProfile
from legday.settings import Settings
from test_analysis_support import M_PER_DEG, activity, piecewise

PROFILE = AthleteProfile(hr_max=190, hr_rest=50, lthr=170, sex="f")
EASY = 3.0
#: A piece of a hand-made run: seconds, speed m/s, direction along the road (±1), grade.
Part = tuple[float, float, int, float]


def _hr_for(speed: np.ndarray, climbing: np.ndarray | None = None) -> np.ndarray:
    """Heart rate following speed (and the climbing, as the effort) with a 30-s lag."""
    target = 70 + 23 * speed + (25.0 * climbing if climbing is not None else 0.0)
    out = np.empty_like(target)
    out[0] = 90.0
    a = np.exp(-1 / 30)
    for i in range(1, target.size):  # test fixture only
        out[i] = a * out[i - 1] + (1 - a) * target[i]
    return out


def _hill_session(
    parts: list[Part],
    *,
    gps: bool = True,
    altitude: bool = True,
) -> Activity:
    """A run from (seconds, speed m/s, direction ±1, grade) pieces along one straight road:
    position and altitude follow the route (out and back over the same ground)."""
    speed = piecewise([(s, v) for s, v, _, _ in parts])
    direction = piecewise([(s, d) for s, _, d, _ in parts])
    grade = piecewise([(s, g) for s, _, _, g in parts])
    # altitude rises with the signed route position on the climbing pieces only
    alt = 100.0 + np.cumsum(speed * direction * grade)
    climbing = (grade * direction > 0).astype(np.float64)
    a = activity(speed, _hr_for(speed, climbing), alt if altitude else None, gps=gps)
    if gps:
        route = np.cumsum(speed * direction)
        a.samples["latitude_deg"] = 52.0 + route[: a.n_samples] / M_PER_DEG
    return a


def _reps(result: object, pattern: RunKind) -> int:
    return sum(b.reps for b in result.blocks if b.pattern is pattern)  # type: ignore[attr-defined]


def _steep(
    reps: int, up_mps: float = 3.1, down_mps: float = 3.4
) -> list[tuple[float, float, int, float]]:
    """Hill sprints up 40 m at 20 % in 13 s, jogged straight back down as fast."""
    out: list[tuple[float, float, int, float]] = []
    for _ in range(reps):
        out += [(40.0 / up_mps, up_mps, 1, 0.2), (40.0 / down_mps, down_mps, -1, 0.2)]
    return out


def test_steep_hill_sprints_with_fast_jog_downs_are_found_from_the_altitude() -> None:
    # the jog down is as fast as the climb: speed shows no dip, the altitude rises and falls
    # 8 m every ~25 s over the same ground
    parts = [(900.0, EASY, 1, 0.0), *_steep(8), (700.0, EASY, -1, 0.0)]
    r = analyze(_hill_session(parts), PROFILE)
    assert r.kind is RunKind.HILL_REPEATS  # type: ignore[attr-defined]
    assert abs(_reps(r, RunKind.HILL_REPEATS) - 8) <= 1
    assert r.blocks[0].avg_grade_pct > 3.0  # type: ignore[attr-defined]


def test_steep_hill_sprints_without_gps_are_found_from_a_barometer() -> None:
    parts = [(900.0, EASY, 1, 0.0), *_steep(8), (700.0, EASY, -1, 0.0)]
    r = analyze(_hill_session(parts, gps=False), PROFILE)
    assert r.kind is RunKind.HILL_REPEATS  # type: ignore[attr-defined]
    assert abs(_reps(r, RunKind.HILL_REPEATS) - 8) <= 1


def test_an_easy_run_over_rolling_hills_is_no_hill_repeat() -> None:
    # climbs of 8 m every 400 m, run easily, never topping out in the same place
    parts = [(67.0, EASY, 1, 0.04 if k % 2 == 0 else -0.04) for k in range(36)]
    r = analyze(_hill_session(parts), PROFILE)
    assert r.kind is RunKind.EASY and r.tags == ()  # type: ignore[attr-defined]


def test_repeated_climbs_run_easily_are_no_hill_repeats() -> None:
    # the same out-and-back steep climb walked up and down: the climbs are no efforts
    parts = [(900.0, EASY, 1, 0.0), *_steep(8, up_mps=1.0, down_mps=1.5), (700.0, EASY, -1, 0.0)]
    r = analyze(_hill_session(parts), PROFILE)
    assert RunKind.HILL_REPEATS not in r.tags  # type: ignore[attr-defined]


def _signals(a: Activity) -> tuple[Signals, float]:
    """The analysis signals of ``a`` and its easy reference speed."""
    settings = Settings()
    sig = signals(build_grid(a, settings.max_sample_gap_s), settings, GradeModel.MINETTI)
    v_ref = easy_reference(sig, *level_segments(sig, CPD_REFERENCE_PENALTY_BIC))
    assert v_ref is not None
    return sig, v_ref


def _hill_reps(
    reps: int, dist_m: float, grade: float, up_mps: float, down_mps: float, offsets: list[float]
) -> list[Part]:
    """``reps`` climbs of ``dist_m`` at ``grade`` (rep k starting ``offsets[k]`` m up the
    climb), each jogged back down to where the next starts."""
    out: list[Part] = []
    for k in range(reps):
        nxt = offsets[k + 1] if k + 1 < reps else 0.0
        out += [
            ((dist_m - offsets[k]) / up_mps, up_mps, 1, grade),
            ((dist_m - nxt) / down_mps, down_mps, -1, grade),
        ]
    return out


def test_a_fast_jog_down_is_a_recovery_not_a_noise_dip() -> None:
    # 100 m at 8 % run hard, jogged down at easy pace in ~30 s: the dip never slows below the
    # easy effort speed, but it goes back down the climb
    parts = [(900.0, EASY, 1, 0.0), *_hill_reps(6, 100.0, 0.08, 3.4, 3.4, [0.0] * 6)]
    sig, v_ref = _signals(_hill_session([*parts, (700.0, EASY, -1, 0.0)]))
    efforts = find_efforts(sig, v_ref, *level_segments(sig))
    assert len(efforts) == 6


def test_a_gentle_climb_counts_though_smoothing_shaves_its_grade() -> None:
    # 200 m at 2.8 %: over the efforts found the smoothed altitude reads under 3 %
    parts = [(900.0, EASY, 1, 0.0), *_hill_reps(6, 200.0, 0.028, 4.2, 2.5, [0.0] * 6)]
    sig, v_ref = _signals(_hill_session([*parts, (700.0, EASY, -1, 0.0)]))
    efforts = find_efforts(sig, v_ref, *level_segments(sig))
    assert len(efforts) == 6
    found = name_block(sig, efforts, v_ref)
    assert found is not None and found.pattern is RunKind.HILL_REPEATS


def test_reps_started_higher_up_the_same_climb_still_count() -> None:
    # three of seven reps start 100 m up a 200-m climb: the starts disagree, the tops do not
    offsets = [0.0, 100.0, 0.0, 100.0, 0.0, 100.0, 0.0]
    parts = [(900.0, EASY, 1, 0.0), *_hill_reps(7, 200.0, 0.06, 3.6, 2.2, offsets)]
    sig, v_ref = _signals(_hill_session([*parts, (700.0, EASY, -1, 0.0)]))
    efforts = find_efforts(sig, v_ref, *level_segments(sig))
    assert len(efforts) == 7
    found = name_block(sig, efforts, v_ref)
    assert found is not None and found.pattern is RunKind.HILL_REPEATS


def test_an_approach_climb_run_hard_is_no_repetition() -> None:
    # a 250-m climb on the way to the hill, run as hard as the reps, then 6 × 200 m reps
    approach = [(250.0 / 3.6, 3.6, 1, 0.07), (120.0, EASY, 1, 0.0)]
    reps = _hill_reps(6, 200.0, 0.06, 3.6, 2.2, [0.0] * 6)
    parts = [(700.0, EASY, 1, 0.0), *approach, *reps, (700.0, EASY, -1, 0.0)]
    sig, v_ref = _signals(_hill_session(parts))
    efforts = find_efforts(sig, v_ref, *level_segments(sig))
    assert len(efforts) == 7
    blocks = build_blocks(sig, efforts, v_ref, None)
    assert [(b.pattern, b.block.reps) for b in blocks] == [(RunKind.HILL_REPEATS, 6)]


def test_a_rep_started_after_a_partial_jog_down_counts_on_a_short_steep_hill() -> None:
    # 10 sprints up 40 m at 13 %; before reps 4 and 8 the athlete jogs only 18 m back down, so
    # those climb ~2.3 m, under the zig-zag's 2-m hysteresis once smoothed: the finer reading
    # of the block counts them (they top out at the same crest, run hard)
    offsets = [0.0] * 10
    offsets[3] = offsets[7] = 22.0
    parts = [(900.0, EASY, 1, 0.0), *_hill_reps(10, 40.0, 0.13, 3.3, 3.4, offsets)]
    for gps in (True, False):
        r = analyze(_hill_session([*parts, (700.0, EASY, -1, 0.0)], gps=gps), PROFILE)
        assert r.kind is RunKind.HILL_REPEATS  # type: ignore[attr-defined]
        assert _reps(r, RunKind.HILL_REPEATS) == 10


def test_reps_are_counted_by_position_when_gps_altitude_is_too_noisy() -> None:
    # 10 sprints up 40 m at 18 % (two started after a partial jog down), recorded with GPS
    # altitude (correlated noise of ~2 m, which hides 5-m climbs): the track still arrives at
    # the crest once per rep
    offsets = [0.0] * 10
    offsets[3] = offsets[7] = 22.0
    parts = [(900.0, EASY, 1, 0.0), *_hill_reps(10, 40.0, 0.18, 3.0, 3.4, offsets)]
    for seed in range(3):
        a = _hill_session([*parts, (700.0, EASY, -1, 0.0)])
        n = a.samples["altitude_m"].size
        white = np.random.default_rng(seed).normal(0.0, 1.0, n + 29)
        a.samples["altitude_m"] = a.samples["altitude_m"] + 2.0 * np.convolve(
            white, np.ones(30) / np.sqrt(30), "valid"
        )
        r = analyze(a, PROFILE)
        assert r.kind is RunKind.HILL_REPEATS  # type: ignore[attr-defined]
        assert abs(_reps(r, RunKind.HILL_REPEATS) - 10) <= 1


def test_climbs_in_the_warm_up_are_not_reps_of_the_interval_set() -> None:
    # two 9 % climbs in the warm-up (grade-adjusted effort high, speed and heart rate low),
    # then 8 × 85 s on the flat: the climbs are no reps
    parts: list[Part] = [(200.0, 2.8, 1, 0.0)]
    parts += [(100.0, 3.0, 1, 0.09), (100.0, 2.8, 1, -0.09), (120.0, 2.8, 1, 0.0)] * 2
    for _ in range(8):
        parts += [(85.0, 4.7, 1, 0.0), (60.0, 2.2, 1, 0.0)]
    parts.append((600.0, 2.8, 1, 0.0))
    speed = piecewise([(s, v) for s, v, _, _ in parts])
    grade = piecewise([(s, g) for s, _, _, g in parts])
    hr = np.where(np.arange(speed.size) < 740, 110.0, 150.0 + 10.0 * (speed > 4.0))
    r = analyze(activity(speed, hr, 100.0 + np.cumsum(speed * grade), gps=True), PROFILE)
    assert r.kind is RunKind.INTERVALS  # type: ignore[attr-defined]
    assert abs(_reps(r, RunKind.INTERVALS) - 8) <= 1
