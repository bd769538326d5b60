"""Stored samples (issue 18, item 3): columnar, compressed, and read back bit for bit from each
back end, with the rest of the decoded activity they carry for judging a run again."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from legday.model import CHANNELS, Activity, Event, ExerciseSet, Lap, SessionTotals, Source
from legday.store.db import Database, ensure_athlete, open_database
from legday.store.samples import (
    SCALES,
    _header,
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
            athlete_id=athlete, sha256="0" * 64, name="x.fit", size=0, kind="activity",
            format="fit", imported_at=datetime.now(UTC),
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


def test_stored_samples_are_columns_of_integers_compressed() -> None:
    """An hour at 1 s of what a watch records (whole seconds, centimetres, beats) packs to a
    fraction of its float64 columns, even compressed."""
    t = np.arange(3600, dtype=np.float64)
    samples = {c: np.full(t.size, np.nan) for c in CHANNELS}
    samples.update(timestamp=1.7e9 + t, elapsed_s=t, distance_m=np.round(t * 2.8, 2))
    samples["heart_rate_bpm"] = np.round(140 + 10 * np.sin(t / 300))
    floats = sum(len(zlib.compress(v.tobytes(), 1)) for v in samples.values())
    assert len(pack_samples(samples)) < floats / 5


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(SCALES),
    hnp.arrays(np.int64, st.integers(0, 60), elements=st.integers(-(2**40), 2**40)),
    st.data(),
)
def test_a_column_of_integers_on_a_scale_is_stored_as_them_bit_for_bit(
    scale: tuple[str, float, float], q: np.ndarray, data: st.DataObject
) -> None:
    """A column a device recorded as integers on a scale (FIT's scales and offsets, decimals,
    semicircles), NaN holes included, is stored as those integers and reads back bit for
    bit."""
    kind, k, offset = scale
    x = q * k if kind == "mul" else q / k - offset if offset else q / k
    holes = data.draw(hnp.arrays(bool, q.size))
    x[holes] = np.nan
    blob = pack_samples({c: x for c in CHANNELS})
    back = unpack_samples(blob)
    assert all(back[c].tobytes() == x.tobytes() for c in CHANNELS)
    header, _ = _header(blob)
    assert all(len(channel) == 3 for channel in header["channels"])  # stored as integers


def test_a_column_no_scale_fits_stays_float64() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 0.4, 500)  # a derived speed: no decimals, no device scale
    x[7] = -0.0
    back = unpack_samples(pack_samples({c: x for c in CHANNELS}))
    assert back["speed_mps"].tobytes() == x.tobytes()


def test_migration_0009_keeps_every_run_readable_both_ways(tmp_path: Path) -> None:
    """Rows stored as ``LDS2`` go back to ``LDS1`` on a downgrade (what legday before 0009
    reads), with every sample bit for bit; upgraded again, those rows stay readable."""
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    from legday.settings import Settings
    from legday.store.blobs import BlobStore
    from legday.store.library import Library
    from legday.synth import Device, SyntheticAthlete, make_run, write_fit

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    run = make_run(
        "intervals", SyntheticAthlete.default(), Device.clean(),
        datetime(2026, 11, 24, 7, tzinfo=UTC), np.random.default_rng(3),
    )  # fmt: skip
    (tmp_path / "run.fit").write_bytes(write_fit(run.activity, run.truth))
    lib = Library(
        db=open_database(url), blobs=BlobStore(tmp_path / "originals"),
        profile=SyntheticAthlete.default().profile(), settings=Settings(),
    )  # fmt: skip
    assert lib.import_paths([tmp_path / "run.fit"], workers=1).ok
    lib.close()

    def stored() -> list[bytes]:
        with sa.create_engine(url).connect() as c:
            return [bytes(b) for b in c.scalars(sa.text("select samples from activities"))]

    (new,) = stored()
    assert new[:4] == b"LDS2" and carries_activity(new)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("legday.store") / "migrations"))
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0008")
    (old,) = stored()
    assert old[:4] == b"LDS1" and not carries_activity(old)
    before, after = unpack_samples(new), unpack_samples(old)
    assert list(before) == list(after)
    assert all(before[c].tobytes() == after[c].tobytes() for c in before)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0009")
    engine.dispose()
    assert stored() == [old]
    db = open_database(url)  # at head: opens as it is
    db.dispose()
