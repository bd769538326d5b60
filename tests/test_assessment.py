"""assess(): analysis and verdict together, with the athlete's own threshold."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from legday.analysis import HistorySummary
from legday.assessment import assess, threshold_speed
from legday.model import AthleteProfile
from legday.stimulus.fibres import DEFAULT_THRESHOLD_SPEED_MPS
from legday.synth import Device, SyntheticAthlete, make_run


def test_threshold_speed_sources() -> None:
    assert threshold_speed(None, None) == DEFAULT_THRESHOLD_SPEED_MPS
    assert threshold_speed(None, None, easy_speed_mps=2.5) == pytest.approx(3.0)
    profile = AthleteProfile().with_value("threshold_pace_s_per_km", "5:00")
    assert threshold_speed(profile, None) == pytest.approx(1000 / 300)
    start = datetime(2026, 10, 4, 9, tzinfo=UTC)
    races = [
        HistorySummary(start=start, duration_s=2700, distance_m=9000, kind="race"),
        HistorySummary(start=start, duration_s=12000, distance_m=42195, kind="race"),  # marathon
        HistorySummary(start=start, duration_s=1500, distance_m=7000, kind="tempo"),
    ]
    assert threshold_speed(AthleteProfile(), races) == pytest.approx(9000 / 2700 * 0.97)


def test_a_slower_runners_intervals_are_forceful_for_them() -> None:
    """Reps at 4:50/km are hard for a runner whose threshold is 5:00/km, easy for an elite: the
    fibre model must judge them against the athlete, not a population default."""
    slow = replace(
        SyntheticAthlete.default(),
        threshold_speed_mps=1000 / 300,
        easy_speed_mps=1000 / 390,
        max_speed_mps=5.2,
    )
    run = make_run(
        "intervals",
        slow,
        Device.clean(),
        datetime(2026, 11, 24, 7, tzinfo=UTC),
        np.random.default_rng(2),
    )
    own = assess(run.activity, slow.profile())
    elite = assess(run.activity, slow.profile().with_value("threshold_pace_s_per_km", "3:10"))
    estimated = assess(run.activity, replace(slow.profile(), threshold_pace_s_per_km=None))
    assert own.verdict.category == "power" and not own.verdict.counts_as_leg_day
    assert own.verdict.stimulus.type2_share > elite.verdict.stimulus.type2_share
    assert own.verdict.stimulus.type2_share > 0.05
    # With no pace in the profile and no race, the threshold comes from the run's easy speed.
    assert estimated.analysis.easy_speed_mps is not None
    assert estimated.verdict.stimulus.type2_share > 0.05


def test_segment_grades_are_plausible_on_real_runs(real_dir) -> None:  # type: ignore[no-untyped-def]
    """A standing recovery has no grade (altimeter noise over 1 m moved read 300 % before)."""
    from conftest import real_files
    from legday.analysis import analyze
    from legday.errors import LegdayError
    from legday.io.reader import read_all

    checked = 0
    for path in real_files("fit"):
        try:
            activities = read_all(path)
        except LegdayError:
            continue
        for activity in activities:
            if activity.sport != "running":
                continue
            for segment in analyze(activity).segments:
                assert segment.grade_pct is None or abs(segment.grade_pct) <= 45, (path, segment)
                checked += 1
    assert checked >= 20
