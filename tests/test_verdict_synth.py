"""The whole pipeline on synthetic runs with known truth: synth → analysis → verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from legday.analysis import HistorySummary, analyze
from legday.settings import Settings
from legday.stimulus import MUSCLES, Verdict, judge_analysis
from legday.synth import Device, SyntheticAthlete, make_run

SETTINGS = Settings()
ATHLETE = SyntheticAthlete.default()
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def history() -> list[HistorySummary]:
    """Four weeks of 50-min runs with the athlete's usual long run every third day."""
    return [
        HistorySummary(
            start=datetime(2026, 2, day, 7, 0, tzinfo=UTC),
            duration_s=ATHLETE.usual_long_run_s if day % 3 == 0 else 3000.0,
            distance_m=15000.0 if day % 3 == 0 else 8500.0,
        )
        for day in range(1, 28)
    ]


def judged(kind: str, **options: object) -> Verdict:
    run = make_run(kind, ATHLETE, Device.clean(), START, np.random.default_rng(7), **options)
    analysis = analyze(run.activity, ATHLETE.profile(), history(), SETTINGS)
    return judge_analysis(analysis, SETTINGS, threshold_speed_mps=ATHLETE.threshold_speed_mps)


def top(v: Verdict, n: int) -> set[str]:
    return set(sorted(MUSCLES, key=lambda m: -v.stimulus.muscles[m])[:n])


def test_easy_run() -> None:
    v = judged("easy")
    assert (v.category, v.counts_as_leg_day) == ("cardio", False)
    assert v.stimulus.strength < 0.5


def test_hill_repeats() -> None:
    v = judged("hill_repeats", reps=8, rep_distance_m=200)
    assert (v.category, v.counts_as_leg_day) == ("power", False)
    assert top(v, 4) == {"glutes", "hamstrings", "gastrocnemius", "soleus"}


def test_sprints() -> None:
    v = judged("sprints", reps=10, rep_distance_m=100)
    easy = judged("easy")
    assert (v.category, v.counts_as_leg_day) == ("power", False)
    assert v.stimulus.type2_share > 0.15 > easy.stimulus.type2_share
    assert top(v, 2) == {"glutes", "hamstrings"}


@pytest.mark.parametrize("kind", ["intervals", "strides", "tempo", "fartlek", "race", "mixed"])
def test_no_synthetic_run_is_leg_day(kind: str) -> None:
    assert not judged(kind).counts_as_leg_day


def test_overload_long_run_gets_r4() -> None:
    v = judged("long", overload=True)
    assert v.category == "cardio"
    assert any(r.rule == "R4" and "overload" in r.text for r in v.reasons)
    assert not judged("long").facts.overload
