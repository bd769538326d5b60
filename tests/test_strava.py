"""Strava's activities.csv: sessions without a file are kept (totals only), none duplicated."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from legday.errors import UnsupportedFileError
from legday.io.archive import read_archive
from legday.io.strava import read_row_bytes, row_activity, row_bytes, strava_rows
from legday.model import Activity
from legday.store.schema import ActivityRow
from legday.synth import Device, SyntheticAthlete, make_run, write_fit
from test_store_import import _library

STRAVA_CSV = "strava-insights/data/activities.csv"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _raw_rows(raw: bytes) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    return header, rows


def test_the_real_export_loses_no_session(real_dir: Path, tmp_path: Path) -> None:
    raw = (real_dir / STRAVA_CSV).read_bytes()
    header, rows = _raw_rows(raw)
    export = _zip(tmp_path / "export.zip", {"activities.csv": raw})
    items = list(read_archive(export))
    assert len(items) == len(rows) == 112
    acts = [item for _, item in items]
    assert all(isinstance(a, Activity) for a in acts)
    manual = [a for a in acts if isinstance(a, Activity) and a.metadata["strava_manual"]]
    no_file = sum(1 for r in rows if not r[header.index("Filename")])
    assert len(manual) == no_file == 19
    # rows that name a file this zip lacks say so
    missing = [a for a in acts if isinstance(a, Activity) and not a.metadata["strava_manual"]]
    assert all(any("which the export lacks" in w for w in a.warnings) for a in missing)


def test_a_row_gives_its_totals_in_si_units(real_dir: Path) -> None:
    raw = (real_dir / STRAVA_CSV).read_bytes()
    _, rows = _raw_rows(raw)
    by_id = {r[0]: r for r in rows}
    record = by_id["4831144613"]  # "Afternoon Run", Feb 22, 2021, 4:56:56 PM
    (row,) = [r for r in strava_rows(raw, "activities.csv") if r["Activity ID"] == "4831144613"]
    act = row_activity(row, name="x")
    assert act.start == datetime(2021, 2, 22, 16, 56, 56, tzinfo=UTC)
    assert act.sport == "running" and act.name == "Afternoon Run"
    assert act.totals is not None
    assert act.totals.total_elapsed_s == 3070
    assert act.totals.total_timer_s == 2977
    # the second "Distance" column is metres; the first (8.19) is in the display unit
    assert act.totals.total_distance_m == pytest.approx(float(record[17]))
    assert act.distance_m == pytest.approx(8191.6, abs=0.1)
    assert act.n_samples == 0


def test_row_bytes_round_trip_and_bad_dates() -> None:
    row = {"Activity ID": "7", "Activity Date": "Mar 3, 2021, 11:51:31 AM", "Filename": ""}
    act = read_row_bytes(row_bytes(row), name="e.zip!activities.csv#7", profile_tz="Europe/Oslo")
    assert act.start == datetime(2021, 3, 3, 11, 51, 31, tzinfo=UTC)
    assert act.utc_offset_s == 3600 and act.metadata["strava_manual"] is True
    row["Activity Date"] = "3 mars 2021, 11:51:31"  # a French export
    with pytest.raises(UnsupportedFileError, match="Activity Date") as exc:
        read_row_bytes(row_bytes(row), name="e.zip!activities.csv#7")
    assert "e.zip!activities.csv#7" in str(exc.value)


def test_manual_entries_import_once(real_dir: Path, tmp_path: Path) -> None:
    raw = (real_dir / STRAVA_CSV).read_bytes()
    export = _zip(tmp_path / "export.zip", {"activities.csv": raw})
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        first = lib.import_paths([export], workers=1).to_dict()
        again = lib.import_paths([export], workers=1).to_dict()
        with lib.db.session() as s:
            stored = s.scalar(sa.select(sa.func.count()).select_from(ActivityRow))
            formats = set(s.scalars(sa.select(ActivityRow.source_format)))
    finally:
        lib.close()
    assert first["imported"] == 112 and first["failed"] == 0
    assert again["imported"] == 0 and again["duplicates"] == 112
    assert stored == 112 and formats == {"strava_csv"}


def test_the_recording_replaces_the_totals_when_it_arrives(tmp_path: Path) -> None:
    athlete = SyntheticAthlete.default()
    start = datetime(2026, 11, 24, 7, tzinfo=UTC)
    run = make_run("easy", athlete, Device.clean(), start, np.random.default_rng(1))
    csv_text = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename,"
        "Distance\n"
        f'9,"{start.strftime("%b %d, %Y, %I:%M:%S %p")}",Easy one,Run,'
        f"{run.activity.duration_s:.0f},5.0,activities/9.fit,{run.activity.distance_m:.1f}\n"
    ).encode()
    without = _zip(tmp_path / "first.zip", {"activities.csv": csv_text})
    full = _zip(
        tmp_path / "second.zip",
        {"activities.csv": csv_text, "activities/9.fit": write_fit(run.activity, run.truth)},
    )
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        a = lib.import_paths([without], workers=1).to_dict()
        b = lib.import_paths([full], workers=1).to_dict()
        with lib.db.session() as s:
            rows = s.scalars(sa.select(ActivityRow)).all()
    finally:
        lib.close()
    assert a["imported"] == 1 and b["imported"] == 1
    assert [(r.source_format, r.name) for r in rows] == [("fit", "Easy one")]


def test_perceived_exertion_gives_a_session_rpe_load(real_dir: Path, tmp_path: Path) -> None:
    from legday import analyze

    raw = (real_dir / STRAVA_CSV).read_bytes()
    export = _zip(tmp_path / "export.zip", {"activities.csv": raw})
    rated = [a for _, a in read_archive(export) if isinstance(a, Activity) and "rpe" in a.metadata]
    assert len(rated) == 10  # the rows with a Perceived Exertion
    for act in rated:
        result = analyze(act)
        assert act.totals is not None and act.totals.total_timer_s
        # Foster's session RPE: CR10 × minutes, over the moving time the row gives
        assert result.load.srpe == pytest.approx(
            act.metadata["rpe"] * act.totals.total_timer_s / 60
        )
