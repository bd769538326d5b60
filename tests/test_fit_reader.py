"""What ``read_fit`` returns for real files: channels, sessions, laps, events, sets, devices."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import legday.io.fit as fit_package
from conftest import REAL, real_files
from legday.errors import LegdayError, OnError
from legday.io.fit import is_fit, read_fit
from legday.model import CHANNELS, Activity, SetType

pytestmark = pytest.mark.real

STAMINA = "fit-parser-js/test/garmin-stamina.fit"


@cache
def _read(relative: str) -> list[Activity]:
    path = REAL / relative
    if not path.exists():
        pytest.skip(f"real data not found: {relative}")
    return read_fit(path.read_bytes(), name=relative)


def test_the_public_surface_is_pinned() -> None:
    assert fit_package.__all__ == ["is_fit", "read_fit"]


def test_is_fit_sniffs_the_header(real_dir: Path) -> None:
    head = (REAL / STAMINA).read_bytes()[:12]
    assert is_fit(head)
    assert not is_fit(head[:11]) and not is_fit(b"") and not is_fit(b"\x0e" + head[1:8] + b"FIT.")


def test_an_hour_long_run_gives_float64_channels_of_one_length(real_dir: Path) -> None:
    (activity,) = _read(STAMINA)
    n = activity.n_samples
    assert n == 4488
    for key, values in activity.samples.items():
        assert values.dtype == np.float64 and values.shape == (n,), key
        assert values.flags.c_contiguous, key
    assert set(CHANNELS) <= set(activity.samples)
    assert activity.samples["elapsed_s"][0] == 0
    assert np.all(np.diff(activity.samples["distance_m"]) >= 0)


def test_session_facts_are_read(real_dir: Path) -> None:
    (activity,) = _read(STAMINA)
    assert activity.sport == "running" and activity.sub_sport == "generic"
    assert activity.start == datetime(2026, 5, 14, 4, 5, 59, tzinfo=UTC)
    assert activity.device == "garmin fr965"
    assert activity.utc_offset_s == 8 * 3600
    assert activity.source is not None and activity.source.format == "fit"
    assert activity.totals is not None
    assert activity.totals.total_distance_m == pytest.approx(11232.7)
    assert activity.totals.avg_heart_rate_bpm == 143


def test_running_cadence_is_doubled_to_steps_per_minute(real_dir: Path) -> None:
    (activity,) = _read(STAMINA)
    moving = activity.samples["speed_mps"] > 2.5
    assert 150 < np.nanmedian(activity.samples["cadence_spm"][moving]) < 200


def test_laps_and_timer_events_of_a_structured_workout(real_dir: Path) -> None:
    (activity,) = _read(STAMINA)
    laps = activity.laps
    assert len(laps) == 12
    assert all(lap.end > lap.start for lap in laps)
    assert {lap.intensity for lap in laps} <= {"active", "rest", "warmup", "cooldown", "interval"}
    assert sum(lap.total_distance_m or 0 for lap in laps) == pytest.approx(11232.7, rel=1e-3)
    kinds = [(e.event, e.event_type) for e in activity.events]
    assert kinds[0] == ("timer", "start") and ("timer", "stop_all") in kinds


def test_device_names_use_the_profile_product_names(real_dir: Path) -> None:
    assert _read("python-fitparse/tests/files/garmin-fenix-5-run.fit")[0].device == "garmin fenix5"
    suunto = _read("sports-lib/src/specs/fixtures/runs/fit/6910052863.fit")[0]
    assert suunto.device == "suunto Suunto 9 Baro"


def test_multisport_sessions_split_the_records(real_dir: Path) -> None:
    activities = _read("muktihari-fit/testdata/from_garmin_forums/triathlon_summary_first.fit")
    assert [a.sport for a in activities] == [
        "swimming",
        "transition",
        "cycling",
        "transition",
        "running",
    ]
    assert sum(a.n_samples for a in activities) == 4043
    starts = [a.start for a in activities]
    assert starts == sorted(starts)
    for a, b in itertools.pairwise(activities):
        assert a.samples["timestamp"][-1] < b.samples["timestamp"][0]


def test_strength_sets_are_read_and_rest_sets_skipped(real_dir: Path) -> None:
    (activity,) = _read("fit-analyzer/tests/fixtures/20474406937_ACTIVITY.fit")
    sets = activity.sets
    assert len(sets) == 38  # 76 set messages: 38 active, 38 rest
    assert all(s.set_type is SetType.WORKING and not s.mapped for s in sets)
    assert all(s.exercise == s.raw_name and ":" in s.exercise for s in sets)
    assert all(s.reps is not None and s.reps > 0 for s in sets)
    assert [s.order for s in sets] == list(range(38))


def test_hrv_rr_intervals_go_to_metadata(real_dir: Path) -> None:
    (activity,) = _read("sports-lib/src/specs/fixtures/runs/fit/6860622783.fit")
    rr = np.asarray(activity.metadata["hrv_rr_s"])
    assert rr.size > 3000 and np.isfinite(rr).all()
    assert 0.25 < np.median(rr) < 1.5


def test_stored_heart_rate_is_merged_into_swim_records(real_dir: Path) -> None:
    (activity,) = _read("muktihari-fit/testdata/from_official_sdk/activity_poolswim_with_hr.fit")
    hr = activity.samples["heart_rate_bpm"]
    assert np.isfinite(hr).mean() > 0.5
    assert 60 < np.nanmedian(hr) < 200


def test_developer_fields_become_dev_channels(real_dir: Path) -> None:
    (activity,) = _read("python-fitparse/tests/files/developer-types-sample.fit")
    dev = {k for k in activity.samples if k.startswith("dev_")}
    assert {"dev_form_power", "dev_leg_spring_stiffness"} <= dev
    assert activity.metadata["dev_units"]["dev_form_power"] == "Watts"
    assert set(activity.metadata["dev_units"]) == dev
    assert np.nanmax(activity.samples["power_w"]) > 100


def test_extra_record_fields_get_unit_names(real_dir: Path) -> None:
    (activity,) = _read("sports-lib/src/specs/fixtures/runs/fit/6860622783.fit")
    for key in ("temperature_c", "vertical_oscillation_mm", "stance_time_ms", "step_length_mm"):
        assert key in activity.samples


def test_device_relative_times_are_flagged(real_dir: Path) -> None:
    """The Forerunner 70 has no clock: every time in the file counts seconds since power-on.
    Nothing in it ties them to UTC, so legday keeps them (1990 is not the date of the run) and
    says so; every duration, lap and distance is right, only the start date is unknown."""
    (activity,) = _read("python-fitparse/tests/files/compressed-speed-distance.fit")
    assert activity.start.year == 1990  # 17 M s after the FIT epoch: seconds since power-on
    assert any("device-relative" in w for w in activity.warnings)
    assert activity.utc_offset_s is None  # its local time gives no plausible offset
    # the 10 km run of 65 min as the device summed it, and its 1 km laps
    assert activity.duration_s == pytest.approx(3883.273)
    assert activity.distance_m == pytest.approx(10248.67)
    ts = activity.samples["timestamp"]
    assert ts[-1] - ts[0] == 3880 and np.all(np.diff(ts) > 0)
    laps = activity.laps
    assert len(laps) == 11 and all(lap.total_distance_m == 1000 for lap in laps[:10])
    assert laps[0].start == activity.start.timestamp()


def test_inverted_session_totals_are_kept_and_flagged(real_dir: Path) -> None:
    """A Nielsen-Kellerman logger's session says 2,840 s elapsed but 21,680 s on the timer, which
    cannot be (the timer excludes pauses). Its records span 21,670 s, 5 h of it one stop
    (18,099 s between two records): 6 h elapsed is the truth and the 2,840 s is about the moving
    time, i.e. the device swapped the two. legday keeps the totals as written (the official SDK
    reads the same), warns, and ``duration_s`` is the 6 h the records span."""
    (activity,) = _read("sports-lib/src/specs/fixtures/others/inverted-times.fit")
    assert activity.totals is not None
    assert activity.totals.total_elapsed_s == pytest.approx(2839.6)
    assert activity.totals.total_timer_s == 21680
    ts = activity.samples["timestamp"]
    gaps = np.diff(ts)
    assert ts[-1] - ts[0] == 21670 == activity.duration_s  # the session ends 10 s later
    assert gaps.max() == 18099
    moving = gaps[gaps < 60].sum()  # time between records a minute apart or less
    assert moving == pytest.approx(2839.6, rel=0.1)
    assert activity.distance_m == pytest.approx(7861.02)
    assert any(
        "timer time (21680 s) exceeds its elapsed time (2839.6 s)" in w for w in activity.warnings
    )


def _complete_runs(path: Path) -> list[Activity]:
    """Running sessions with a distance total, or [] for damaged and non-activity files
    (those are covered by test_fit_errors)."""
    try:
        activities = read_fit(path.read_bytes(), on_error=OnError.RAISE)
    except LegdayError:
        return []
    return [
        a for a in activities if a.sport == "running" and a.totals and a.totals.total_distance_m
    ]


#: Real FIT files holding complete running sessions, chosen at collection (no skips in CI).
RUNNING = [
    p
    for p in real_files("fit")
    if p.exists() and p.stat().st_size and "invalid" not in p.parts and _complete_runs(p)
]


def test_there_are_running_files(real_dir: Path) -> None:
    assert len(RUNNING) >= 10


@pytest.mark.parametrize("path", RUNNING, ids=lambda p: str(p.relative_to(REAL)))
def test_running_distance_matches_the_session_total(path: Path) -> None:
    activities = read_fit(path.read_bytes(), on_error=OnError.RAISE)
    runs = _complete_runs(path)
    for run in runs:
        distance = run.samples["distance_m"]
        finite = distance[np.isfinite(distance)]
        assert run.totals is not None and run.totals.total_distance_m
        covered = finite[-1] - (finite[0] if run.start != activities[0].start else 0.0)
        assert covered == pytest.approx(run.totals.total_distance_m, rel=0.01)
