"""Real third-party recordings (read in place from ../shared/data/real) through reader,
analysis and verdict: no run counts as leg day, interval sessions come out "power", other
sports are judged by R12, and a watch strength session without effort data is never a leg day.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import real_manifest
from legday.io.reader import read_all
from legday.model import Activity
from legday.settings import Settings
from legday.stimulus import MUSCLES, POWER_KINDS, judge_activities, judge_activity
from legday.strength.catalog import load_catalog

pytestmark = pytest.mark.real

SETTINGS = Settings()
CATALOG = load_catalog()

RUN_FILES = [
    row["path"]
    for row in real_manifest()
    if row["kind"] in ("fit", "gpx", "tcx")
    and "running" in row["sport"]
    and "corrupted" not in row["notes"]
]

#: Recorded interval sessions the analysis recognises as such (MANIFEST notes).
INTERVAL_FILES = ["workoutizer/tests/data/with_nones.fit"]


def activities(real_dir: Path, path: str) -> list[Activity]:
    return read_all(real_dir / path)


@pytest.mark.parametrize("path", RUN_FILES)
def test_real_runs_never_count_as_leg_day(real_dir: Path, path: str) -> None:
    """Every session of every run file (a triathlon's swim and ride too) is judged."""
    for act in activities(real_dir, path):
        v = judge_activity(act, SETTINGS, CATALOG)
        assert not v.counts_as_leg_day
        if act.sport == "running":
            assert v.category in ("cardio", "power", "mixed")
        assert set(MUSCLES) <= set(v.stimulus.muscles)
        assert all(x >= 0 for x in v.stimulus.muscles.values())
        assert 0.0 <= v.stimulus.type2_share <= 1.0
        assert v.headline().startswith("No — ")


@pytest.mark.parametrize("path", INTERVAL_FILES)
def test_real_interval_sessions_are_power(real_dir: Path, path: str) -> None:
    (act,) = activities(real_dir, path)
    v = judge_activity(act, SETTINGS, CATALOG)
    assert (v.category, v.counts_as_leg_day) == ("power", False)
    assert {"R5", "R6"} <= set(v.rules)


def test_power_kinds_from_the_analysis_are_power(real_dir: Path) -> None:
    from legday.analysis import analyze

    """Whatever the analysis calls hill repeats, sprints, strides or intervals is "power"."""
    for path in RUN_FILES:
        for act in activities(real_dir, path):
            if act.sport != "running":
                continue
            analysis = analyze(act, settings=SETTINGS)
            if analysis.kind.value in POWER_KINDS:
                v = judge_activity(act, SETTINGS, CATALOG, analysis=analysis)
                assert v.category == "power", path


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("muktihari-fit/testdata/from_official_sdk/activity_poolswim_with_hr.fit", "cardio"),
        ("tormoder-fit/testdata/misc/0134902991.fit", "cardio"),
        ("workoutizer/wkz/initial_trace_data/hike_with_coordinates_muggenbrunn.fit", "other"),
        # 2.2 h of volleyball, mostly at 50–85 % HRmax: cardio by R2
        ("fit-analyzer/tests/fixtures/20548472357_ACTIVITY.fit", "cardio"),
    ],
)
def test_real_other_sports(real_dir: Path, path: str, category: str) -> None:
    v = judge_activities(activities(real_dir, path), SETTINGS, CATALOG)
    assert not v.counts_as_leg_day
    assert "R12" in v.rules
    assert v.category == category


def test_real_strength_session_without_effort_is_not_leg_day(real_dir: Path) -> None:
    path = "fit-analyzer/tests/fixtures/20744294788_ACTIVITY.fit"  # indoor ride + lifting
    v = judge_activities(activities(real_dir, path), SETTINGS, CATALOG)
    assert len(v.parts) == 2
    assert [p.category for p in v.parts] == ["cardio", "strength"]
    assert not v.counts_as_leg_day  # no RIR/RPE in Garmin set messages
    assert v.category == "mixed"


def test_real_strength_run_strength_file_is_judged_by_parts(real_dir: Path) -> None:
    path = "fit-analyzer/tests/fixtures/20555050352_ACTIVITY.fit"
    v = judge_activities(activities(real_dir, path), SETTINGS, CATALOG)
    assert v.parts[0].category == "strength"
    assert [p.category == "strength" for p in v.parts] == [True, False, True]
    assert "run" in v.parts[1].facts.label
    assert not v.counts_as_leg_day


def test_real_strength_file_without_sets(real_dir: Path) -> None:
    v = judge_activities(
        activities(real_dir, "fit-parser-js/test/user_metrics.fit"), SETTINGS, CATALOG
    )
    assert (v.category, v.counts_as_leg_day) == ("strength", False)
    assert "sets are unknown" in v.reasons[0].text


def test_real_run_without_heart_rate_says_so(real_dir: Path) -> None:
    (act,) = activities(real_dir, "sports-lib/src/specs/fixtures/runs/fit/6914538454.fit")
    v = judge_activity(act, SETTINGS, CATALOG)
    assert any(r.rule == "R2" and "No heart rate" in r.text for r in v.reasons)
    assert v.stimulus.cardio > 0  # estimated from pace


def test_real_verdict_is_json(real_dir: Path) -> None:
    import json

    (act,) = activities(real_dir, "workoutizer/tests/data/example.fit")
    v = judge_activity(act, SETTINGS, CATALOG)
    back = json.loads(json.dumps(v.to_dict()))
    assert back["verdict"]["category"] == v.category == "cardio"
    assert "% of it at 50–85 % of your max heart rate (R1, R2)" in v.headline()
