"""Workout laps as a hint, out-and-back repeats without GPS (found by pace or against their own
jogs), and how efforts split into runs."""

from __future__ import annotations

import dataclasses

import numpy as np

from legday.analysis import RunKind, analyze
from legday.analysis.patterns import _runs_by_class
from legday.analysis.segments import Stretch
from legday.model import Activity, AthleteProfile, Lap
from test_analysis_support import T0, activity, piecewise

PROFILE = AthleteProfile(hr_max=190, hr_rest=50, lthr=170, sex="f")
EASY = 3.0


def _reps(result: object, pattern: RunKind) -> int:
    return sum(b.reps for b in result.blocks if b.pattern is pattern)  # type: ignore[attr-defined]


def _workout(work_mps: float, rest_mps: float, reps: int = 6) -> list[tuple[float, float]]:
    parts = [(600.0, EASY)]
    for _ in range(reps):
        parts += [(60.0, work_mps), (60.0, rest_mps)]
    return [*parts, (600.0, EASY)]


def _laps(parts: list[tuple[float, float]], work: str, rest: str) -> tuple[Lap, ...]:
    """One lap per part, as a watch running a structured workout records them."""
    edges = np.r_[0.0, np.cumsum([s for s, _ in parts])]
    names = ["warmup"] + [work, rest] * ((len(parts) - 2) // 2) + ["cooldown"]
    return tuple(
        Lap(start=T0 + a, end=T0 + b, intensity=name, trigger="time", wkt_step_index=i)
        for i, (a, b, name) in enumerate(zip(edges[:-1], edges[1:], names, strict=True))
    )


def _with_laps(a: Activity, laps: tuple[Lap, ...]) -> Activity:
    return dataclasses.replace(a, laps=laps)


def test_workout_laps_mark_repeats_the_speed_threshold_misses() -> None:
    # 6 × 60 s at only 1.1 × easy (under the 1.25 × effort threshold and the 1.12 × contrast
    # threshold), no GPS, no altitude
    parts = _workout(1.1 * EASY, 0.85 * EASY)
    bare = activity(piecewise(parts))
    assert analyze(bare, PROFILE).kind is RunKind.EASY
    hinted = analyze(_with_laps(bare, _laps(parts, "active", "recovery")), PROFILE)
    assert hinted.kind is RunKind.HILL_REPEATS and _reps(hinted, RunKind.HILL_REPEATS) == 6


def test_workout_laps_are_ignored_when_the_data_disagree() -> None:
    parts = _workout(1.1 * EASY, 0.85 * EASY)
    bare = activity(piecewise(parts))
    # the laps call the slow jogs the work: the recording contradicts them
    swapped = analyze(_with_laps(bare, _laps(parts, "recovery", "active")), PROFILE)
    assert swapped.kind is RunKind.EASY and swapped.blocks == ()
    # manual or auto laps without workout steps are no hint either
    manual = tuple(
        dataclasses.replace(lap, wkt_step_index=None) for lap in _laps(parts, "active", "recovery")
    )
    assert analyze(_with_laps(bare, manual), PROFILE).kind is RunKind.EASY


def test_a_rep_cut_short_stays_in_its_workout_block() -> None:
    # 7 × 60 s at only 1.1 × easy (the laps find them, the pace cannot), the second started
    # from another spot (30 s): one block of 7, not the 5 after it
    parts = [(600.0, EASY)]
    for w in [60.0, 30.0] + [60.0] * 5:
        parts += [(w, 1.1 * EASY), (60.0, 0.85 * EASY)]
    parts = [*parts, (600.0, EASY)]
    r = analyze(_with_laps(activity(piecewise(parts)), _laps(parts, "active", "recovery")), PROFILE)
    assert [b.reps for b in r.blocks] == [7]


def test_workout_laps_name_float_recoveries_intervals() -> None:
    # 6 × 3 min at 1.45 × easy with 90-s floats at 1.25 × easy: a pace search alone reads
    # one sustained block; the workout's laps say six repetitions
    parts = [(600.0, EASY)]
    for _ in range(6):
        parts += [(180.0, 1.45 * EASY), (90.0, 1.25 * EASY)]
    parts = [*parts, (600.0, EASY)]
    r = analyze(_with_laps(activity(piecewise(parts)), _laps(parts, "active", "recovery")), PROFILE)
    assert [b.reps for b in r.blocks] == [6] and r.kind is not RunKind.TEMPO


def _repeats(recoveries_s: list[float], back: bool) -> Activity:
    """40-s repeats at 1.5 × easy (180 m) with jog recoveries, no GPS and no altitude; with
    ``back`` each jog covers the repeat's 180 m again (back down the hill)."""
    parts = [(600.0, EASY)]
    for rec in recoveries_s:
        jog = 180.0 / rec if back else 0.75 * EASY
        parts += [(40.0, 1.5 * EASY), (rec, jog)]
    return activity(piecewise([*parts[:-1], (600.0, EASY)]))


FREE = [55.0, 95.0, 70.0, 110.0, 60.0, 100.0]


def test_out_and_back_repeats_without_gps_are_hill_repeats() -> None:
    for recoveries in ([80.0] * 6, FREE):
        hills = analyze(_repeats(recoveries, back=True), PROFILE)
        assert hills.kind is RunKind.HILL_REPEATS and _reps(hills, RunKind.HILL_REPEATS) == 6


def test_free_recoveries_keep_fast_short_repeats_strides() -> None:
    # the same repeats with jogs of free length (and distance) are strides
    strides = analyze(_repeats(FREE, back=False), PROFILE)
    assert strides.kind is RunKind.EASY and strides.tags == (RunKind.STRIDES,)
    assert _reps(strides, RunKind.STRIDES) == 6


def _stretch(start_s: float, duration_s: float) -> Stretch:
    a = int(start_s)
    return Stretch(a, a + int(duration_s), start_s, start_s + duration_s, 0.0, 0.0, 0.0, 0.0,
                   float("nan"), 0.0, 0.0, 0.0)  # fmt: skip


def test_a_tempo_repetition_between_strides_stays_its_own_run() -> None:
    strides = [_stretch(100.0 * i, 20.0) for i in range(6)]
    tempo = _stretch(700.0, 400.0)
    after = [_stretch(1200.0 + 100.0 * i, 20.0) for i in range(6)]
    runs = _runs_by_class([*strides, tempo, *after])
    assert [len(r) for r in runs] == [6, 1, 6]
    # a repetition straddling the 42-s line between two strides joins them
    runs = _runs_by_class([*strides, _stretch(700.0, 50.0), *after])
    assert [len(r) for r in runs] == [13]


def test_hill_repeats_barely_faster_than_the_warm_up_are_found_against_their_jogs() -> None:
    # no GPS, no altitude: the climb holds the repeats to 1.15 × the warm-up's speed (under the
    # run-wide 1.25 × threshold), but each is clearly faster than the jog back down
    parts = [(600.0, EASY)]
    for _ in range(7):
        parts += [(40.0, 1.15 * EASY), (63.0, 138.0 / 63.0)]
    speed = piecewise([*parts, (600.0, EASY)])
    hills = analyze(activity(speed), PROFILE)
    assert hills.kind is RunKind.HILL_REPEATS and _reps(hills, RunKind.HILL_REPEATS) == 7
    # with a GPS track the climb must show in position and altitude instead
    assert analyze(activity(speed, gps=True), PROFILE).kind is RunKind.EASY
