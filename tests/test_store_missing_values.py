"""A value a file did not record is stored the same on both back ends, and never refuses the file.

SQLite turned NaN into NULL (and refused ``nick.fit``, whose one lap has no start, on the NOT
NULL lap start) while PostgreSQL stored NaN: the back end decided.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from legday.model import Lap
from legday.store.importer import lap_rows
from legday.store.schema import ActivityRow, LapRow
from legday.synth import Device, SyntheticAthlete, SyntheticRun, make_run, write_fit
from test_store_import import _library

NAN = float("nan")


def _easy_run(seed: int) -> SyntheticRun:
    start = datetime(2026, 11, 3, 7, tzinfo=UTC)
    rng = np.random.default_rng(seed)
    return make_run("easy", SyntheticAthlete.default(), Device.clean(), start, rng)


def _easy_run(seed: int) -> SyntheticRun:
    start = datetime(2026, 11, 3, 7, tzinfo=UTC)
    rng = np.random.default_rng(seed)
    return make_run("easy", SyntheticAthlete.default(), Device.clean(), start, rng)


def test_nick_fit_imports_on_both_back_ends(db_url: str, real_dir: Path, tmp_path: Path) -> None:
    """A 4 h 38 ride from a truncated file, whose only lap has no start: it imports, and its
    lap starts at the session's start, on SQLite as on PostgreSQL."""
    lib = _library(db_url, tmp_path)
    try:
        summary = lib.import_paths([real_dir / "python-fitparse/tests/files/nick.fit"], workers=1)
        assert summary.to_dict()["failed"] == 0, summary.to_dict()
        with lib.db.session() as s:
            activity = s.scalars(sa.select(ActivityRow)).one()
            laps = s.scalars(sa.select(LapRow)).all()
            start = activity.start.replace(tzinfo=activity.start.tzinfo or UTC).timestamp()
            assert round(activity.duration_s) == 4 * 3600 + 38 * 60 + 43
        assert [(lap.start, lap.end) for lap in laps] == [(start, start + 3.0)]
        assert laps[0].total_timer_s is None
    finally:
        lib.close()


def test_lap_times_the_file_lacks_are_filled_from_their_neighbours() -> None:
    run = _easy_run(seed=4)
    t0 = run.activity.start.timestamp()
    end = t0 + run.activity.duration_s
    laps = (
        Lap(start=NAN, end=t0 + 600),
        Lap(start=NAN, end=NAN),
        Lap(start=t0 + 1200, end=NAN),
    )
    rows = lap_rows(replace(run.activity, laps=laps))
    assert [(r.start, r.end) for r in rows] == [
        (t0, t0 + 600),
        (t0 + 600, t0 + 1200),
        (t0 + 1200, end),
    ]


def test_missing_values_read_back_as_null_on_both_back_ends(db_url: str, tmp_path: Path) -> None:
    """The same file stores the same rows on both back ends: a lap distance and timer the file
    lacks are NULL, never NaN on one back end and NULL on the other."""
    run = _easy_run(seed=5)
    (tmp_path / "run.fit").write_bytes(write_fit(run.activity, run.truth))
    lib = _library(db_url, tmp_path)
    try:
        assert lib.import_paths([tmp_path / "run.fit"], workers=1).ok
        with lib.db.session() as s:
            lap_id = s.scalars(sa.select(LapRow.id)).first()
            # What the importer would store for a lap whose file lacks these values.
            s.execute(
                sa.update(LapRow)
                .where(LapRow.id == lap_id)
                .values(total_distance_m=NAN, total_timer_s=math.nan)
            )
        with lib.db.session() as s:
            lap = s.get(LapRow, lap_id)
            assert lap is not None
            assert (lap.total_distance_m, lap.total_timer_s) == (None, None)
    finally:
        lib.close()
