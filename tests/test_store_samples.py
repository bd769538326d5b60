"""Stored samples (issue 18, item 3): columnar, compressed, and read back bit for bit from each
back end, with the rest of the decoded activity they carry for judging a run again."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from legday.model import CHANNELS, Activity, Event, ExerciseSet, Lap, SessionTotals, Source
from legday.store.db import Database, ensure_athlete, open_database
from legday.store.samples import (
    activity_inputs,
    activity_of,
    carries_activity,
    pack_samples,
    unpack_samples,
)
from legday.store.schema import ActivityRow, FileRow

floats = st.floats(allow_nan=True, allow_infinity=True)
maybe_float = st.none() | floats
maybe_text = st.none() | st.text(max_size=10)
json_value = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
json_value |= st.floats(allow_nan=False)


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    n = draw(st.integers(0, 40))
    extra = draw(st.lists(st.text(min_size=1, max_size=8), max_size=3, unique=True))
    names = list(dict.fromkeys([*CHANNELS, *extra]))
    column = hnp.arrays(np.float64, n, elements=floats)
    lap = st.builds(
        Lap, start=floats, end=floats, intensity=maybe_text, trigger=maybe_text,
        wkt_step_index=st.none() | st.integers(0, 99), total_distance_m=maybe_float,
        total_timer_s=maybe_float, total_elapsed_s=maybe_float, sport=maybe_text,
    )  # fmt: skip
    event = st.builds(Event, timestamp=floats, event=st.text(max_size=6),
                      event_type=st.text(max_size=6), data=maybe_float)  # fmt: skip
    totals = st.builds(SessionTotals, *[maybe_float] * 8)
    return Activity(
        sport=draw(st.sampled_from(["running", "trail_running", "cycling", "generic"])),
        start=draw(st.datetimes(timezones=st.just(UTC))),
        samples={name: draw(column) for name in names},
        sub_sport=draw(maybe_text),
        utc_offset_s=draw(st.none() | st.integers(-50_400, 50_400)),
        device=draw(maybe_text),
        source=draw(st.none() | st.builds(Source, st.sampled_from(["fit", "gpx"]), maybe_text)),
        laps=tuple(draw(st.lists(lap, max_size=4))),
        events=tuple(draw(st.lists(event, max_size=4))),
        totals=draw(st.none() | totals),
        name=draw(maybe_text),
        description=draw(maybe_text),
        metadata=draw(st.dictionaries(st.text(max_size=6), json_value, max_size=4)),
    )


def one_row(db: Database) -> int:
    """The id of a stored activity whose samples the test overwrites."""
    with db.session() as s:
        athlete = ensure_athlete(s, "samples", {})
        file = FileRow(
            sha256="0" * 64, name="x.fit", size=0, kind="activity", format="fit",
            imported_at=datetime.now(UTC),
        )  # fmt: skip
        s.add(file)
        s.flush()
        row = ActivityRow(
            athlete_id=athlete, file_id=file.id, session_index=0, sport="running",
            start=datetime.now(UTC), duration_s=0.0, distance_m=0.0, n_samples=0,
            n_channels=0, source_format="fit", samples=b"",
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


def same_activity(a: Activity, b: Activity) -> bool:
    """Equal inputs (as JSON text: NaN equal to NaN) and samples equal bit for bit."""
    text = [json.dumps(activity_inputs(x), sort_keys=True) for x in (a, b)]
    bits = [{k: v.tobytes() for k, v in x.samples.items()} for x in (a, b)]
    return text[0] == text[1] and list(a.samples) == list(b.samples) and bits[0] == bits[1]


def test_samples_and_their_activity_round_trip_through_the_database(db_url: str) -> None:
    db = open_database(db_url)
    row_id = one_row(db)

    @settings(max_examples=60, deadline=None)
    @given(activities())
    def round_trip(activity: Activity) -> None:
        blob = pack_samples(activity.samples, activity_inputs(activity))
        with db.session() as s:
            s.execute(sa.update(ActivityRow).where(ActivityRow.id == row_id).values(samples=blob))
        with db.session() as s:
            stored = s.scalar(sa.select(ActivityRow.samples).where(ActivityRow.id == row_id))
        assert stored == blob
        assert carries_activity(stored)
        back = activity_of(stored)
        assert back is not None and same_activity(back, activity)
        assert back.start == activity.start and back.laps.__len__() == len(activity.laps)

    try:
        round_trip()
    finally:
        db.dispose()


def test_samples_stored_before_they_carried_the_activity_stay_readable() -> None:
    samples = {c: np.arange(5, dtype=np.float64) for c in CHANNELS}
    old = pack_samples(samples)  # the layout every stored run had before
    assert not carries_activity(old) and activity_of(old) is None
    assert all(unpack_samples(old)[c].tobytes() == samples[c].tobytes() for c in CHANNELS)


@pytest.mark.parametrize(
    "change",
    [
        {"sets": (ExerciseSet(exercise="squat", reps=5, load_kg=100.0),)},  # mapped in place
        {"metadata": {"laps": (1, 2)}},  # a tuple would come back a list
        {"metadata": {"x": float("nan")}},
        {"metadata": {1: "one"}},  # a number as key would come back text
        {"metadata": {"when": datetime(2026, 1, 1, tzinfo=UTC)}},
    ],
)
def test_an_activity_json_cannot_carry_exactly_is_stored_without_it(
    change: dict[str, object],
) -> None:
    activity = Activity(
        sport="running",
        start=datetime(2026, 1, 1, tzinfo=UTC),
        samples={c: np.zeros(3) for c in CHANNELS},
    )
    for key, value in change.items():
        setattr(activity, key, value)
    assert activity_inputs(activity) is None
    assert not carries_activity(pack_samples(activity.samples, activity_inputs(activity)))


def test_stored_samples_are_columns_compressed() -> None:
    """An hour at 1 s of smooth channels packs well below its raw float64 size."""
    t = np.arange(3600, dtype=np.float64)
    samples = {c: np.full(t.size, np.nan) for c in CHANNELS}
    samples.update(timestamp=1.7e9 + t, elapsed_s=t, distance_m=np.round(t * 2.8, 2))
    samples["heart_rate_bpm"] = np.round(140 + 10 * np.sin(t / 300))
    raw = sum(v.nbytes for v in samples.values())
    assert len(pack_samples(samples)) < raw / 4
