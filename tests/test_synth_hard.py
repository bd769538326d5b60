"""The hard synthetic set: each condition is produced as specified, and the truth is what the
athlete would say."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.io.reader import read
from legday.model import CHANNELS
from legday.synth import Device, SyntheticAthlete, SyntheticRun, write_fit, write_run
from legday.synth.conditions import APPLIES, Condition, applicable, compatible
from legday.synth.hard import (
    HARD_KINDS,
    draw_conditions,
    hard_device,
    hard_session,
    make_hard_run,
)
from legday.synth.physiology import grade_speed_factor

START = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
C = Condition


def hard(kind: str, *conds: Condition, seed: int = 0, device: Device | None = None) -> SyntheticRun:
    chosen = frozenset(conds)
    athlete = SyntheticAthlete.default()
    dev = hard_device(device or Device.clean(), chosen)
    return make_hard_run(kind, chosen, athlete, dev, START, np.random.default_rng(seed))


def spans(r: SyntheticRun, role: str) -> list[tuple[float, float]]:
    return [(s.start_s, s.end_s) for s in r.truth.segments if s.role == role]


def inside(r: SyntheticRun, a: float, b: float) -> np.ndarray:
    t = r.activity.samples["elapsed_s"]
    return (t > a) & (t < b)


# --- the set as a whole --------------------------------------------------------------------------


def test_every_condition_is_drawn_alone_and_combined() -> None:
    drawn = [draw_conditions(HARD_KINDS[i % len(HARD_KINDS)], i, np.random.default_rng(i))
             for i in range(500)]  # fmt: skip
    counts = Counter(c for d in drawn for c in d)
    alone = Counter(next(iter(d)) for d in drawn if len(d) == 1)
    for cond in Condition:
        assert counts[cond] >= 10, cond
    assert len(alone) >= 15 and sum(len(d) > 2 for d in drawn) > 50
    for d in drawn:
        assert all(compatible(a, b) for a in d for b in d if a != b)


def test_conditions_apply_only_to_their_kinds() -> None:
    for i in range(130):
        kind = HARD_KINDS[i % len(HARD_KINDS)]
        for cond in draw_conditions(kind, i, np.random.default_rng(i)):
            assert kind in APPLIES[cond]
    with pytest.raises(ValueError, match="unknown kind"):
        applicable("swim")


def test_sessions_are_deterministic_and_list_their_conditions() -> None:
    a, b = hard_session(3, 17), hard_session(3, 17)
    assert a.run.truth == b.run.truth
    for key in CHANNELS:
        np.testing.assert_array_equal(a.run.activity.samples[key], b.run.activity.samples[key])
    assert a.run.truth.extra["conditions"] == sorted(c.value for c in a.conditions)
    assert a.run.truth.extra["hard"] is True


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), index=st.integers(0, 519))
def test_streams_are_well_formed(seed: int, index: int) -> None:
    s = hard_session(seed, index)
    samples = s.run.activity.samples
    assert np.all(np.diff(samples["timestamp"]) > 0)
    assert np.all(np.diff(samples["distance_m"]) >= 0), "distance never decreases"
    assert np.isfinite(samples["speed_mps"]).all() and np.isfinite(samples["distance_m"]).all()
    assert np.nanmax(samples["speed_mps"]) < 12.0
    hr = samples["heart_rate_bpm"]
    if np.isfinite(hr).any():
        assert np.nanmax(hr) <= max(s.athlete.hr_max, 215)
    segs = s.run.truth.segments
    assert segs[0].start_s == 0 and segs[-1].end_s == s.run.truth.duration_s
    kind = HARD_KINDS[index % len(HARD_KINDS)]
    assert s.run.truth.kind == ("easy" if kind == "strides" else kind)


# --- warm-ups and races --------------------------------------------------------------------------


def test_short_warmup_lasts_at_most_five_minutes() -> None:
    for seed in range(6):
        r = hard("intervals", C.SHORT_WARMUP, seed=seed)
        warm = spans(r, "warmup")
        assert not warm or warm[0][1] - warm[0][0] <= 300.0 + 1


def test_an_easy_run_with_strides_lasts_as_long_as_an_easy_run() -> None:
    # strides come out of the run's 30–65 min: never as long as the athlete's long run (an
    # 82-min "easy run with strides" was a long run by the athlete's own history)
    for seed in range(8):
        r = hard("strides", seed=seed)
        t = r.activity.samples["elapsed_s"]
        assert 20 * 60 <= t[-1] - t[0] <= 65 * 60


def test_cut_warmup_stands_still_part_of_the_way() -> None:
    r = hard("tempo", C.CUT_WARMUP, seed=1)
    (a, b), *_ = spans(r, "warmup")
    s = r.activity.samples
    stopped = inside(r, a, b) & (s["speed_mps"] < 0.05)
    assert 15 <= stopped.sum() <= 60


def test_split_warmup_session_starts_with_the_work_and_warm_heart() -> None:
    r = hard("intervals", C.SPLIT_WARMUP, seed=2)
    assert r.truth.segments[0].role == "work" and r.truth.segments[0].start_s == 0
    assert r.truth.extra["warmup_file_s"] > 8 * 60
    hr = r.activity.samples["heart_rate_bpm"]
    athlete = SyntheticAthlete.default()
    assert hr[0] > athlete.hr_rest + 30, "the heart is warm from the warm-up file"


def test_race_from_the_gun_with_a_finishing_kick_is_one_rep() -> None:
    r = hard("race", C.RACE_FROM_GUN, C.FINISH_SURGE, seed=4)
    (block,) = r.truth.blocks
    assert block.reps == 1 and r.truth.kind == "race"
    work = spans(r, "work")
    assert len(work) == 1 and work[0][0] == 0
    s = r.activity.samples
    end = work[0][1]
    kick = s["speed_mps"][inside(r, end - 8, end)].mean()
    before = s["speed_mps"][inside(r, end - 300, end - 60)].mean()
    assert kick > 1.1 * before


# --- athletes and hearts -------------------------------------------------------------------------


def test_trained_easy_and_bare_profile() -> None:
    sessions = [hard_session(0, i) for i in range(0, 60)]
    trained = [s for s in sessions if C.TRAINED_EASY in s.conditions]
    bare = [s for s in sessions if C.BARE_PROFILE in s.conditions]
    assert trained and bare
    for s in trained:
        assert 0.80 <= s.athlete.easy_speed_mps / s.athlete.threshold_speed_mps <= 0.86 + 1e-3
    for s in bare:
        p = s.profile
        assert p.lthr is None and p.threshold_pace_s_per_km is None and not s.with_history
        assert p.hr_max == s.athlete.hr_max and p.hr_rest == s.athlete.hr_rest


def test_hr_lags_at_the_start_and_drifts_on_hot_days() -> None:
    calm, lag = hard("long", seed=5), hard("long", C.HR_LAG, seed=5)
    t = calm.activity.samples["elapsed_s"]

    def settled_s(r: SyntheticRun) -> float:
        hr = r.activity.samples["heart_rate_bpm"]
        level = float(np.median(hr[(t > 360) & (t < 600)]))
        return float(t[np.argmax(hr >= level - 8)])

    assert settled_s(calm) < 100 and 100 <= settled_s(lag) <= 260
    hot = hard("long", C.HOT_DAY, seed=5)
    late = t > t[-1] - 600
    rise = (
        hot.activity.samples["heart_rate_bpm"][late] - calm.activity.samples["heart_rate_bpm"][late]
    )
    early = (t > 900) & (t < 1500)
    rise_early = (
        hot.activity.samples["heart_rate_bpm"][early]
        - calm.activity.samples["heart_rate_bpm"][early]
    )
    assert rise.mean() > 6 and rise.mean() > rise_early.mean() + 2, "HR drifts up in the heat"
    assert hot.truth.kind == "long" and not hot.truth.blocks, "a hot steady run is still steady"


# --- timers and laps -----------------------------------------------------------------------------


def test_paused_recovery_has_timer_stops_and_no_samples_in_rests() -> None:
    r = hard("intervals", C.PAUSED_RECOVERY, seed=6)
    rests = [(a, b) for a, b in spans(r, "recovery")]
    assert rests
    for a, b in rests:
        assert inside(r, a + 1.5, b - 1.5).sum() == 0, "nothing recorded in a paused rest"
    stops = [e for e in r.activity.events if e.event_type == "stop_all"]
    assert len(stops) >= len(rests)
    assert r.activity.totals is not None
    assert r.activity.totals.total_timer_s < r.truth.duration_s - 0.8 * sum(b - a for a, b in rests)


def test_auto_pause_stops_the_timer_at_traffic_lights() -> None:
    r = hard("easy", C.AUTO_PAUSE, seed=7)
    assert sum(e.event_type == "stop_all" for e in r.activity.events) >= 3
    assert r.device.auto_pause and r.truth.kind == "easy" and not r.truth.blocks


def test_manual_laps_mark_each_rep() -> None:
    r = hard("intervals", C.MANUAL_LAPS, seed=8)
    laps = r.activity.laps
    assert all(lap.trigger in ("manual", "session_end") for lap in laps)
    starts = np.array([lap.start for lap in laps]) - r.activity.samples["timestamp"][0]
    for a, b in spans(r, "work"):
        assert np.min(np.abs(starts - a)) <= 2 and np.min(np.abs(starts - b)) <= 2


@pytest.mark.parametrize(("cond", "metres"), [(C.AUTO_LAP_KM, 1000.0), (C.AUTO_LAP_MILE, 1609.344)])
def test_auto_laps_every_km_or_mile(cond: Condition, metres: float) -> None:
    r = hard("intervals", cond, seed=9)
    laps = r.activity.laps[:-1]
    assert len(laps) >= 3 and all(lap.trigger == "distance" for lap in laps)
    assert all(abs((lap.total_distance_m or 0) - metres) < 0.02 * metres for lap in laps)


def test_smart_recording_up_to_eight_seconds() -> None:
    r = hard("long", C.SMART_RECORDING, seed=10)
    gaps = np.diff(r.activity.samples["elapsed_s"])
    assert gaps.max() <= 8 and (gaps == 8).any() and gaps.mean() > 2


def test_gps_dropouts_lose_positions_and_freeze_distance() -> None:
    r = hard("long", C.GPS_DROPOUTS, seed=11)
    s = r.activity.samples
    gaps = r.truth.extra["gps_gaps"]
    assert 1 <= len(gaps) <= 4
    for a, b in gaps:
        gap = inside(r, a + 1, b - 1)
        assert gap.any() and np.isnan(s["latitude_deg"][gap]).all()
        assert np.ptp(s["distance_m"][gap]) == 0
    assert np.isfinite(s["latitude_deg"]).mean() > 0.8


# --- indoors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("cond", [C.TREADMILL, C.INDOOR_TRACK])
def test_indoors_no_gps_frozen_distance_hr_and_cadence(cond: Condition) -> None:
    for seed in range(4):
        r = hard("intervals", cond, C.MANUAL_LAPS, seed=seed)
        s = r.activity.samples
        assert np.isnan(s["latitude_deg"]).all() and np.isnan(s["altitude_m"]).all()
        assert (s["distance_m"] == 0).all()
        assert np.isfinite(s["heart_rate_bpm"]).all() and np.isfinite(s["cadence_spm"]).all()
        mode = r.truth.extra["indoor_speed"]
        assert mode in ("zero", "noisy")
        assert (s["speed_mps"] == 0).all() == (mode == "zero")
        expected = ("treadmill",) if cond == C.TREADMILL else ("track", "indoor_running")
        assert r.activity.sub_sport in expected


def test_indoor_sessions_with_reps_mark_them() -> None:
    for i in range(520):
        kind = HARD_KINDS[i % len(HARD_KINDS)]
        d = draw_conditions(kind, i, np.random.default_rng(i))
        if {C.TREADMILL, C.INDOOR_TRACK} & d and kind in ("intervals", "tempo", "sprints"):
            assert {C.PAUSED_RECOVERY, C.MANUAL_LAPS} & d


# --- workouts as the athlete counts them ---------------------------------------------------------


def test_float_inside_a_rep_counts_as_one_rep() -> None:
    r = hard("intervals", C.FLOAT_REP, seed=12)
    (block,) = r.truth.blocks
    assert "float" in block.pattern
    work = spans(r, "work")
    assert block.reps == len(work) and 4 <= block.reps <= 6
    s = r.activity.samples
    a, b = work[1]
    speed = s["speed_mps"][inside(r, a, b)]
    assert speed.min() < 0.92 * speed.max(), "the float is slower, inside the one work span"


def test_ladder_is_one_block_of_rising_reps() -> None:
    r = hard("intervals", C.LADDER, seed=13)
    (block,) = r.truth.blocks
    assert block.pattern.startswith("ladder") and block.reps == len(spans(r, "work")) >= 4


def test_long_sprint_rests() -> None:
    r = hard("sprints", C.LONG_SPRINT_RESTS, seed=14)
    (block,) = r.truth.blocks
    assert 130 <= block.recovery_s <= 330 and 50 <= block.work_distance_m <= 150


def _climb(r: SyntheticRun, a: float, b: float) -> tuple[float, float]:
    s = r.activity.samples
    m = inside(r, a, b)
    alt, dist = s["altitude_m"][m], s["distance_m"][m]
    return float(alt[-1] - alt[0]), float(dist[-1] - dist[0])


def test_gentle_hill_reps() -> None:
    for seed in range(4):
        r = hard("hill_repeats", C.GENTLE_HILL, seed=seed)
        (block,) = r.truth.blocks
        assert 2.0 <= block.avg_grade_pct <= 4.5
        gains = [_climb(r, a, b)[0] for a, b in spans(r, "work")]
        assert 2.5 <= float(np.median(gains)) <= 9.0


def test_steep_hill_reps_with_fast_jog_downs() -> None:
    r = hard("hill_repeats", C.STEEP_HILL, seed=15)
    (block,) = r.truth.blocks
    assert 25.0 <= block.work_distance_m <= 60.0 and 12.0 <= block.avg_grade_pct <= 26.0
    s = r.activity.samples
    athlete = SyntheticAthlete.default()
    down = [s["speed_mps"][inside(r, a + 3, b - 2)].mean() for a, b in spans(r, "recovery")[:-1]]
    assert float(np.median(down)) > athlete.easy_speed_mps, "jogged down briskly"


def test_approach_climb_is_not_a_rep() -> None:
    with_, without = hard("hill_repeats", C.APPROACH_CLIMB, seed=16), hard("hill_repeats", seed=16)
    assert with_.truth.blocks[0].reps == without.truth.blocks[0].reps
    (warm,) = spans(with_, "warmup")
    s = with_.activity.samples
    alt = s["altitude_m"][inside(with_, *warm)]
    rise = np.maximum.accumulate(alt - np.minimum.accumulate(alt))
    assert rise.max() > 4.0, "the warm-up climbs"
    assert all(b <= warm[1] or a >= warm[1] for a, b in spans(with_, "work"))


def test_shifted_starts_make_some_reps_shorter() -> None:
    r = hard("hill_repeats", C.SHIFTED_STARTS, seed=17)
    lengths = [_climb(r, a, b)[1] for a, b in spans(r, "work")]
    assert r.truth.blocks[0].reps == len(lengths)
    assert min(lengths) < 0.8 * float(np.median(lengths))


def test_steep_uphill_is_slower_than_flat_effort() -> None:
    assert float(grade_speed_factor(np.array(0.2))) < 0.65


# --- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "conds",
    [
        (C.TREADMILL, C.MANUAL_LAPS),
        (C.PAUSED_RECOVERY, C.SMART_RECORDING),
        (C.GPS_DROPOUTS, C.AUTO_LAP_MILE),
    ],
)
def test_files_read_back(tmp_path: Path, conds: tuple[Condition, ...]) -> None:
    r = hard("intervals", *conds, seed=18, device=replace(Device.clean(), noise=1))
    back = read(write_run(r, tmp_path / "x.fit", "fit"))
    s, b = r.activity.samples, back.samples
    assert back.n_samples == r.activity.n_samples
    np.testing.assert_allclose(b["elapsed_s"], s["elapsed_s"])
    np.testing.assert_allclose(b["distance_m"], s["distance_m"], atol=0.02)
    assert back.sub_sport == (r.activity.sub_sport if C.TREADMILL in conds else "generic")
    assert [lap.trigger for lap in back.laps] == [lap.trigger for lap in r.activity.laps]
    stops = sum(e.event_type == "stop_all" for e in back.events)
    assert stops == sum(e.event_type == "stop_all" for e in r.activity.events)
    if C.TREADMILL not in conds:
        back_gpx = read(write_run(r, tmp_path / "x.gpx", "gpx"))
        assert back_gpx.n_samples > 0
    assert write_fit(r.activity, r.truth) == write_fit(r.activity, r.truth)
