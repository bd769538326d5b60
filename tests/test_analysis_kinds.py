"""Kinds, tags, blocks and segments on hand-made runs, and the result's JSON form."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import numpy as np
import pytest

from legday.analysis import HistorySummary, RunKind, analyze, summarize
from legday.analysis.kinds import is_long, is_overload, race_metadata
from legday.model import AthleteProfile
from legday.settings import Settings
from test_analysis_support import START, activity, piecewise

EASY = 3.0
PROFILE = AthleteProfile(hr_max=190, hr_rest=50, lthr=170, sex="f")


def _hr_for(speed: np.ndarray) -> np.ndarray:
    """A simple heart rate that follows speed with a lag (easy 3 m/s ≈ 140 bpm)."""
    target = 70 + 23 * speed
    out = np.empty_like(target)
    out[0] = 90.0
    a = np.exp(-1 / 30)
    for i in range(1, target.size):  # test fixture only
        out[i] = a * out[i - 1] + (1 - a) * target[i]
    return out


def _run(parts: list[tuple[float, float]], **kw: object) -> object:
    speed = piecewise(parts)
    return analyze(activity(speed, _hr_for(speed), **kw), PROFILE)  # type: ignore[arg-type]


def _reps(result: object, pattern: RunKind) -> int:
    return sum(b.reps for b in result.blocks if b.pattern is pattern)  # type: ignore[attr-defined]


def test_steady_easy_run() -> None:
    r = _run([(2400, EASY)])
    assert r.kind is RunKind.EASY and r.tags == ()  # type: ignore[attr-defined]
    assert [s.role.value for s in r.segments] == ["steady"]  # type: ignore[attr-defined]


def test_easy_run_with_strides_is_easy_tagged_strides() -> None:
    strides = [(20, 5.0), (70, 1.4)] * 6
    r = _run([(2400, EASY), *strides, (240, 2.7)])
    assert r.kind is RunKind.EASY  # type: ignore[attr-defined]
    assert r.tags == (RunKind.STRIDES,)  # type: ignore[attr-defined]
    assert _reps(r, RunKind.STRIDES) == 6
    roles = [s.role.value for s in r.segments]  # type: ignore[attr-defined]
    assert roles[0] == "steady" and roles[-1] == "cooldown" and roles.count("work") == 6


def test_intervals_with_jog_recoveries() -> None:
    reps = [(180, 4.4), (120, 2.2)] * 5 + [(180, 4.4)]
    r = _run([(900, 2.85), *reps, (600, 2.7)])
    assert r.kind is RunKind.INTERVALS  # type: ignore[attr-defined]
    assert _reps(r, RunKind.INTERVALS) == 6
    block = r.blocks[0]  # type: ignore[attr-defined]
    assert block.work_s == pytest.approx(180, abs=10)
    assert block.recovery_s == pytest.approx(120, abs=10)
    assert block.work_distance_m == pytest.approx(180 * 4.4, rel=0.06)
    assert r.segments[0].role.value == "warmup"  # type: ignore[attr-defined]


def test_tempo_block() -> None:
    r = _run([(900, 2.85), (1500, 3.9), (600, 2.7)])
    assert r.kind is RunKind.TEMPO and r.tags == (RunKind.TEMPO,)  # type: ignore[attr-defined]


def test_tempo_with_strides_is_mixed() -> None:
    strides = [(20, 5.2), (60, 1.4)] * 6
    r = _run([(900, 2.85), *strides, (420, 3.9), (120, 2.2), (420, 3.9), (150, 2.2), *strides,
              (400, 2.7)])  # fmt: skip
    assert r.kind is RunKind.MIXED  # type: ignore[attr-defined]
    assert r.tags == (RunKind.STRIDES, RunKind.TEMPO)  # type: ignore[attr-defined]
    assert _reps(r, RunKind.STRIDES) == 12 and _reps(r, RunKind.TEMPO) == 2


def test_hill_repeats_on_the_same_ground() -> None:
    up, down = 100, 133  # s; hard up a 6 % climb of 320 m, jog down
    parts = [(900, 2.85)] + [(up, 3.2), (down, 2.4)] * 6 + [(600, 2.7)]
    speed = piecewise(parts)
    # altitude and position: out and back on the same 300 m of road
    direction = piecewise([(900, 1)] + [(up, 1), (down, -1)] * 6 + [(600, 1)])
    route = np.cumsum(speed * direction)
    climbing = np.zeros(speed.size, dtype=bool)
    climbing[900 : 900 + 6 * (up + down)] = True
    base = route[899]
    altitude = 100 + np.where(climbing, 0.06 * np.clip(route - base, 0, None), 0.0)
    a = activity(speed, _hr_for(speed), altitude, gps=True)
    a.samples["latitude_deg"] = 52.0 + route / 111_195.0
    r = analyze(a, PROFILE)
    assert r.kind is RunKind.HILL_REPEATS  # type: ignore[attr-defined]
    assert abs(_reps(r, RunKind.HILL_REPEATS) - 6) <= 1
    assert r.blocks[0].avg_grade_pct > 3.0  # type: ignore[attr-defined]
    assert r.ascent_m == pytest.approx(6 * 0.06 * up * 3.2, rel=0.2)  # type: ignore[attr-defined]


def test_race_from_the_name() -> None:
    act = activity(piecewise([(1500, 4.0)]), np.full(1500, 175.0), name="Saturday parkrun")
    assert race_metadata(act)
    assert analyze(act, PROFILE).kind is RunKind.RACE
    assert not race_metadata(activity(piecewise([(60, 3.0)]), name="Morning Run"))


def test_race_after_a_standing_start() -> None:
    r = _run([(600, 2.85), (300, 0.0), (1300, 4.2), (400, 2.6)])
    assert r.kind is RunKind.RACE and r.tags == (RunKind.RACE,)  # type: ignore[attr-defined]


def test_long_and_overload_relative_to_history() -> None:
    s = Settings()
    history = [
        HistorySummary(START - timedelta(days=i), d, 8000.0, "easy", 180.0)
        for i, d in enumerate([2400, 2700, 3000, 2400, 2700, 5400, 3000, 5400])
    ]
    assert not is_long(4000, history, s) and is_long(4800, history, s)
    assert is_overload(1.45 * 5400, history, s) and not is_overload(6000, history, s)
    assert is_long(5400, [], s) and not is_long(5300, [], s)
    assert not is_overload(20_000, [], s)


def test_recovery_run_by_heart_rate() -> None:
    speed = piecewise([(1800, 2.3)])
    r = analyze(activity(speed, np.full(1800, 115.0)), PROFILE)
    assert r.kind is RunKind.RECOVERY


def test_recovery_run_by_pace_against_history() -> None:
    history = [
        HistorySummary(START - timedelta(days=i), 2700.0, 2700.0 * 3.0, "easy", None)
        for i in range(6)
    ]
    slow = analyze(activity(piecewise([(1800, 2.5)]), np.full(1800, 150.0)), PROFILE, history)
    assert slow.kind is RunKind.RECOVERY  # 83 % of the usual 3.0 m/s, despite a higher HR
    usual = analyze(activity(piecewise([(1800, 3.0)]), np.full(1800, 115.0)), PROFILE, history)
    assert usual.kind is RunKind.EASY  # the usual pace, however low the HR


def _usual_3mps() -> list[HistorySummary]:
    return [
        HistorySummary(START - timedelta(days=i), 2700.0, 2700.0 * 3.0, "easy", None)
        for i in range(6)
    ]


def test_an_auto_paused_easy_run_is_not_a_recovery_run() -> None:
    # 35 min at the usual 3.0 m/s with three 2-min stops at lights: elapsed pace looks 15 %
    # slower, the running pace is the usual one
    speed = piecewise([(600, 3.0), (120, 0.0)] * 3 + [(300, 3.0)])
    r = analyze(activity(speed, np.full(speed.size, 150.0)), PROFILE, _usual_3mps())
    assert r.kind is RunKind.EASY


def test_a_recovery_run_with_gps_dropouts_stays_a_recovery_run() -> None:
    # 30 min at 2.5 m/s (83 % of usual); GPS lost three times for 1–2 min: the watch writes
    # speed 0 and a frozen distance that jumps back when the fix returns (HR goes on)
    run = activity(piecewise([(1800, 2.5)]), np.full(1800, 150.0))
    samples = run.samples.copy()
    for a, b in ((300, 400), (900, 1020), (1400, 1460)):
        samples["speed_mps"][a:b] = 0.0
        samples["distance_m"][a:b] = samples["distance_m"][a - 1]
    run = dataclasses.replace(run, samples=samples)
    assert analyze(run, PROFILE, _usual_3mps()).kind is RunKind.RECOVERY


def test_an_indoor_run_with_frozen_distance_is_judged_by_heart_rate() -> None:
    # a treadmill with no foot pod: distance 0, the wrist's speed 12 % under the belt's
    speed = piecewise([(2400, 3.0 * 0.88)])
    run = activity(speed, np.full(speed.size, 150.0), sub_sport="treadmill")
    samples = run.samples.copy()
    samples["distance_m"] = np.zeros(speed.size)
    run = dataclasses.replace(run, samples=samples)
    assert analyze(run, PROFILE, _usual_3mps()).kind is RunKind.EASY  # HR 150: not recovery


def test_a_slow_short_run_with_strides_is_an_easy_run_with_strides() -> None:
    # 25 min at 2.4 m/s (80 % of the usual 3.0) then six strides walked back: slow enough for
    # a recovery run, but strides make it an easy run with strides
    history = [
        HistorySummary(START - timedelta(days=i), 2700.0, 2700.0 * 3.0, "easy", None)
        for i in range(6)
    ]
    strides = [(20, 5.0), (70, 1.4)] * 6
    speed = piecewise([(1500, 2.4), *strides, (120, 2.4)])
    r = analyze(activity(speed, np.full(speed.size, 130.0)), PROFILE, history)
    assert (r.kind, r.tags) == (RunKind.EASY, (RunKind.STRIDES,))


def test_one_spoiled_stride_does_not_unmake_a_set_of_seven() -> None:
    # seven 20-s strides at 1.9 x easy with walks back; the fourth only reached 1.3 x (GPS
    # speed noise, a slow start): still an easy run with strides
    strides = [[(20, s * EASY), (70, 1.4)] for s in (1.9, 1.9, 1.9, 1.3, 1.9, 1.9, 1.9)]
    r = _run([(2400, EASY), *(p for pair in strides for p in pair), (240, 2.7)])
    assert r.tags == (RunKind.STRIDES,)  # type: ignore[attr-defined]


def test_a_fartlek_split_by_a_missed_surge_stays_one_fartlek() -> None:
    # uneven surges at 1.4 x easy with easy jogs between; the eighth surge was run at only
    # 1.1 x (no effort), and the four after it happen to be even: still one fartlek
    lengths = [95, 130, 135, 140, 160, 40, 65]
    parts: list[tuple[float, float]] = [(900, EASY)]
    for n in lengths:
        parts += [(n, 1.4 * EASY), (110, EASY)]
    parts += [(150, 1.1 * EASY), (110, EASY)]
    for n in (150, 170, 130, 155):
        parts += [(n, 1.4 * EASY), (110, EASY)]
    r = _run([*parts, (600, EASY)])
    assert r.kind is RunKind.FARTLEK and r.tags == (RunKind.FARTLEK,)  # type: ignore[attr-defined]


def test_to_dict_is_json_and_complete() -> None:
    strides = [(20, 5.0), (70, 1.4)] * 6
    r = _run([(2400, EASY), *strides, (240, 2.7)])
    d = json.loads(json.dumps(r.to_dict()))  # type: ignore[attr-defined]
    top = "sport start duration_s moving_s distance_m ascent_m descent_m hr kind tags blocks"
    assert set(d) >= {*top.split(), "overload", "segments", "load"}
    hr = "avg max hr_max_used hr_max_source cardio_band_s zones_s zone_model"
    assert set(d["hr"]) >= set(hr.split())
    block = "pattern reps work_s recovery_s work_distance_m avg_grade_pct intensity"
    assert set(d["blocks"][0]) == set(block.split())
    seg = "start_s end_s role avg_speed_mps avg_grade_adjusted_speed_mps avg_hr grade_pct"
    assert set(d["segments"][0]) == set(seg.split())
    assert set(d["load"]) == {"trimp", "edwards_trimp", "hr_stress", "srpe"}
    assert d["hr"]["hr_max_source"] == "profile" and d["load"]["trimp"] > 0
    assert "grade_adjusted_speed_mps" not in d
    assert r.grade_adjusted_speed_mps.size == r.elapsed_s.size  # type: ignore[attr-defined]


def test_summarize_feeds_history() -> None:
    r = _run([(1800, EASY)])
    h = summarize(r)  # type: ignore[arg-type]
    assert h.kind == "easy" and h.duration_s == pytest.approx(1800, abs=2)
    assert h.max_hr is not None and 130 < h.max_hr < 145


def test_no_heart_rate_leaves_load_empty() -> None:
    r = analyze(activity(piecewise([(1800, EASY)])))
    assert r.load.trimp is None and r.hr.avg is None and sum(r.hr.zones_s.values()) == 0


def test_session_rpe_from_metadata() -> None:
    a = activity(piecewise([(1800, EASY)]))
    a.metadata["rpe"] = 4
    assert analyze(a).load.srpe == pytest.approx(4 * 30, rel=0.01)
