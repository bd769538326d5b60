"""Issue 17 item 9, for analysts: an Activity's samples as pandas and polars frames with a
time-zone-aware time, and ``legday.open`` loading a stored history into a notebook."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

import legday
from legday.home import Home
from legday.model import Activity
from legday.store.library import Library
from legday.synth import SyntheticAthlete
from test_store_records import write_demo_files

START = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC


def _activity(offset_s: int | None = 3600) -> Activity:
    samples = Activity.empty_samples(4)
    samples["timestamp"] = START + np.array([0.0, 1.0, 2.0, 3.0])
    samples["heart_rate_bpm"] = np.array([120.0, np.nan, 124.0, 126.0])
    return Activity("running", datetime.fromtimestamp(START, UTC), samples, utc_offset_s=offset_s)


def test_to_pandas_is_indexed_by_zone_aware_time() -> None:
    frame = _activity().to_pandas()
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "time"
    assert frame.index[0] == pd.Timestamp("2027-01-15 09:00:00+01:00")  # its own offset
    assert frame.index[0].utcoffset().total_seconds() == 3600
    assert "timestamp" not in frame.columns and "heart_rate_bpm" in frame.columns
    np.testing.assert_array_equal(frame["heart_rate_bpm"].to_numpy(), [120, np.nan, 124, 126])
    berlin = _activity(None).to_pandas(tz="Europe/Berlin")
    assert str(berlin.index.tz) == "Europe/Berlin"
    assert berlin.index[3] == pd.Timestamp("2027-01-15 08:00:03", tz="UTC")
    assert str(_activity(None).to_pandas().index.tz) == "UTC"
    with pytest.raises(legday.ConfigError, match="Mars/Olympus"):
        _activity().to_pandas(tz="Mars/Olympus")


def test_to_polars_leads_with_zone_aware_time() -> None:
    frame = _activity().to_polars(tz="Asia/Kolkata")
    assert frame.columns[0] == "time"
    assert frame.schema["time"] == pl.Datetime("us", "Asia/Kolkata")
    assert frame["time"][0] == datetime.fromtimestamp(START, UTC)
    assert frame["heart_rate_bpm"].to_list()[0] == 120.0
    assert np.isnan(frame["heart_rate_bpm"].to_list()[1])  # NaN stays NaN, as in numpy
    # without a zone, the recording's own offset (+01:00)
    assert _activity().to_polars().schema["time"] == pl.Datetime("us", "Etc/GMT-1")


def test_a_missing_frame_library_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'legday\[pandas\]'"):
        _activity().to_pandas()
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match=r"pip install 'legday\[polars\]'"):
        _activity().to_polars()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A legday home holding two weeks of the demo's runner."""
    folder = tmp_path_factory.mktemp("notebook")
    files = write_demo_files(folder / "files")
    Home(folder).save_profile(SyntheticAthlete.default().profile())
    lib = Library.open(Home(folder))
    try:
        assert lib.import_paths([files], workers=1).ok
    finally:
        lib.close()
    return folder


def test_a_notebook_loads_the_demo_library_into_pandas(home: Path) -> None:
    # the README's three lines
    history = legday.open(home)
    sessions = history.sessions_frame()
    runs = sessions[sessions["sport"] == "running"]

    assert str(sessions.index.tz) == "Europe/Berlin" and sessions.index.is_monotonic_increasing
    assert len(sessions) == len(history.session_list()) > 10
    assert set(sessions["type"]) == {"activity", "strength"}
    assert runs["distance_m"].sum() > 50_000
    results = history.results_frame()
    assert str(results.index.tz) == "Europe/Berlin"
    assert set(results["id"]) == {int(i) for i in sessions["id"] if not i.startswith("s")}
    assert results["headline"].notna().all() and results["kind"].notna().any()
    run_id = int(runs["id"].iloc[-1])
    samples = history.samples_frame(run_id)
    assert str(samples.index.tz) == "Europe/Berlin"
    assert samples.index[0] == results.loc[results["id"] == run_id].index[0]
    assert samples["heart_rate_bpm"].mean() > 60
    activity = history.load_activity(run_id)
    assert activity.n_samples == len(samples) and activity.laps
    sets = history.sets_frame()
    assert len(sets) > 20 and (sets["load_kg"].dropna() >= 0).all()
    assert history.week(sessions.index[-1].date()).to_dict()["sessions"]  # the library too
    history.close()
    with pytest.raises(legday.NotFoundError):
        legday.open(home).load_activity(10**6)


def test_open_takes_a_url_and_gives_polars_frames(home: Path) -> None:
    with legday.open(f"sqlite:///{home / 'legday.sqlite'}") as history:
        sessions = history.sessions_frame(kind="polars")
        assert sessions.columns[0] == "start"
        assert sessions.schema["start"].time_zone == "UTC"  # the default home's profile
        assert len(sessions) == len(history.session_list())
        run_id = int(history.results_frame(kind="polars")["id"][0])
        assert history.samples_frame(run_id, kind="polars").columns[0] == "time"
