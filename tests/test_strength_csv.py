"""Strong and Hevy CSV readers: every real export, every row accounted for, and the variants."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legday.errors import (
    ConfigError,
    CorruptFileError,
    NotFoundError,
    OnError,
    UnsupportedFileError,
)
from legday.io.csv_values import BadValue, local_to_utc, parse_duration
from legday.io.strength_csv import read_strength_csv
from legday.model import SetType
from legday.strength.catalog import load_catalog
from legday.strength.grammar import KG_PER_LB
from legday.strength.names import match_exercise

#: Every strength CSV in ../shared/data/real, its format, and the sessions it holds.
REAL_FILES = [
    ("strong-statistics/data_sample/sample_strong.csv", "strong", 15),
    ("strong-statistics/data_sample/sample_strong_legacy.csv", "strong", 3),
    ("strong-charts/strong.csv", "strong", 129),
    ("strong-statistics/data_sample/sample_hevy.csv", "hevy", 335),
    ("workout-converter/test/sample_data/hevy.csv", "hevy", 2),
]


def _data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def _read(text: str, **kw: object):  # type: ignore[no-untyped-def]
    return read_strength_csv(io.BytesIO(text.encode("utf-8")), name="test.csv", **kw)  # type: ignore[arg-type]


def test_manifest_lists_these_files(real_dir: Path) -> None:
    from conftest import real_manifest

    listed = {
        row["path"]
        for row in real_manifest()
        if row["kind"] == "csv" and row["sport"] == "strength"
    }
    assert listed == {path for path, _, _ in REAL_FILES}


@pytest.mark.parametrize(("rel", "fmt", "n_sessions"), REAL_FILES)
def test_every_row_is_a_set_or_a_skipped_row(
    real_dir: Path, rel: str, fmt: str, n_sessions: int
) -> None:
    path = real_dir / rel
    result = read_strength_csv(path)
    assert result.format == fmt
    assert result.sets + len(result.skipped_rows) == _data_rows(path)
    assert len(result.sessions) == n_sessions
    assert all(r.reason for r in result.skipped_rows)
    for session in result.sessions:
        assert session.start.tzinfo is not None and session.start.utcoffset().total_seconds() == 0
        assert session.sets
        assert session.source is not None and session.source.format == f"{fmt}_csv"
        for s in session.sets:
            assert s.mapped == (s.exercise in load_catalog())
            assert s.raw_name
            assert s.load_kg is None or s.load_kg >= 0
    starts = [s.start for s in result.sessions]
    assert starts == sorted(starts)


def test_strong_current_format_values(real_dir: Path) -> None:
    result = read_strength_csv(
        real_dir / "strong-statistics/data_sample/sample_strong.csv", profile_tz="Europe/London"
    )
    first = result.sessions[0]
    # "2024-11-28 17:36:08" London (GMT in November) is 17:36:08 UTC.
    assert first.start == datetime(2024, 11, 28, 17, 36, 8, tzinfo=UTC)
    assert first.utc_offset_s == 0
    assert (first.name, first.duration_s) == ("B", 35 * 60)
    s = first.sets[0]
    assert (s.exercise, s.raw_name, s.reps, s.load_kg) == (
        "bent_over_row",
        "Bent Over Row (Barbell)",
        13,
        10.0,
    )
    assert s.mapped and s.set_type is SetType.WORKING
    assert "read as kg" in result.warnings[0]


def test_strong_with_notes_german_names_and_hour_durations(real_dir: Path) -> None:
    result = read_strength_csv(real_dir / "strong-charts/strong.csv", profile_tz="Europe/Berlin")
    first = result.sessions[0]
    assert first.name == "Mittwoch"
    assert first.duration_s == 2 * 3600 + 18 * 60
    # 16:46:13 in Berlin in February (CET, +1 h) is 15:46:13 UTC.
    assert first.start == datetime(2021, 2, 10, 15, 46, 13, tzinfo=UTC)
    assert first.utc_offset_s == 3600
    notes = {s.notes for session in result.sessions for s in session.sets if s.notes}
    assert "Deep squats" in notes
    assert any(session.notes for session in result.sessions)


def test_hevy_big_export(real_dir: Path) -> None:
    result = read_strength_csv(
        real_dir / "strong-statistics/data_sample/sample_hevy.csv", profile_tz="Europe/Berlin"
    )
    sets = [s for session in result.sessions for s in session.sets]
    assert len(sets) == 7211
    kinds = {t: sum(s.set_type is t for s in sets) for t in SetType}
    assert kinds == {
        SetType.WORKING: 3851,
        SetType.WARMUP: 2195,
        SetType.FAILURE: 1122,
        SetType.DROP: 43,
    }
    assert sum(s.mapped for s in sets) / len(sets) >= 0.95
    assert any("'Warm Up' is not in the catalog" in w for w in result.warnings)
    first_squat = next(s for s in sets if s.raw_name == "Squat (Barbell)")
    assert first_squat.exercise == "back_squat" and first_squat.rpe is not None
    # A session's duration is end - start; a Berlin summer time has a +2 h offset.
    summer = next(s for s in result.sessions if s.start.month == 7)
    assert summer.utc_offset_s == 7200
    assert summer.duration_s and summer.duration_s > 0


HEVY_HEADER = (
    '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_lbs","reps","distance_miles",'
    '"duration_seconds","rpe"\n'
)


def test_hevy_pounds_miles_and_set_types() -> None:
    text = HEVY_HEADER + (
        '"Legs","30 Jan 2025, 12:34","30 Jan 2025, 13:23","Felt good","Squat (Barbell)",,'
        '"",0,"warmup",135,5,,,\n'
        '"Legs","30 Jan 2025, 12:34","30 Jan 2025, 13:23","Felt good","Squat (Barbell)",0,'
        '"cue: brace",1,"normal",225,8,,,8.5\n'
        '"Legs","30 Jan 2025, 12:34","30 Jan 2025, 13:23","Felt good","Running",,"",0,'
        '"normal",,,1.5,600,\n'
    )
    result = _read(text, profile_tz="America/New_York")
    assert result.format == "hevy"
    (session,) = result.sessions
    assert session.start == datetime(2025, 1, 30, 17, 34, tzinfo=UTC)
    assert session.utc_offset_s == -5 * 3600
    assert (session.duration_s, session.notes) == (49 * 60, "Felt good")
    warm, work, run = session.sets
    assert warm.set_type is SetType.WARMUP
    assert work.load_kg == pytest.approx(225 * KG_PER_LB)
    assert (work.rpe, work.reps, work.notes) == (8.5, 8, "cue: brace")
    assert run.distance_m == pytest.approx(1.5 * 1609.344)
    assert (run.duration_s, run.mapped) == (600.0, False)
    assert [s.order for s in session.sets] == [1, 2, 3]


STRONG_OLD = (
    "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
    "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n"
    '2019-01-11 12:31:54;"Leg";"Deadlift (Barbell)";W;20;kg;5;;;;0;"";"";1h 5m\n'
    '2019-01-11 12:31:54;"Leg";"Deadlift (Barbell)";1;102,5;kg;5;8;;;0;"";"";1h 5m\n'
    '2019-01-11 12:31:54;"Leg";"Deadlift (Barbell)";D;80;kg;8;;;;0;;;1h 5m\n'
    '2019-01-11 12:31:54;"Leg";"Deadlift (Barbell)";F;225;lbs;2;;;;0;;;1h 5m\n'
    '2019-01-11 12:31:54;"Leg";"Rowing (Machine)";1;;;;;2;km;600;;;1h 5m\n'
    '2019-01-11 12:31:54;"Leg";"Deadlift (Barbell)";Rest Timer;;;;;;;90;;;1h 5m\n'
    '2019-01-11 12:31:54;"Leg";"Plank";1;;;;;;;0;;;1h 5m\n'
    "\n"
)


def test_strong_semicolon_unit_columns_decimal_commas_and_set_letters() -> None:
    result = _read(STRONG_OLD.replace("\n", "\r\n"))
    assert result.format == "strong"
    (session,) = result.sessions
    assert session.duration_s == 3900.0
    types = [s.set_type for s in session.sets]
    assert types == [
        SetType.WARMUP,
        SetType.WORKING,
        SetType.DROP,
        SetType.FAILURE,
        SetType.WORKING,
    ]
    assert session.sets[1].load_kg == 102.5 and session.sets[1].rpe == 8.0
    assert session.sets[3].load_kg == pytest.approx(225 * KG_PER_LB)
    assert session.sets[4].distance_m == 2000.0 and session.sets[4].duration_s == 600.0
    assert [r.reason for r in result.skipped_rows] == [
        "rest timer row",
        "no set data (weight, reps, distance and time all empty or zero)",
        "empty row",
    ]
    assert [r.line for r in result.skipped_rows] == [7, 8, 9]
    assert result.sets + len(result.skipped_rows) == 8


def test_strong_units_in_headers_and_12_hour_times() -> None:
    text = (
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight (lbs),Reps,"
        "Distance (mi),Seconds,Notes,Workout Notes,RPE\n"
        '2023-06-01 7:05:09\u202fPM,"Evening",1h,"Bench Press (Barbell)",1,135,10,0,0,,,\n'
        '2023-06-02 12:15:00 AM,"Late",45m,"Squat (Barbell)",1,185.5,5,0,0,,,\n'
    )
    result = _read(text, profile_tz="UTC")
    evening, late = sorted(result.sessions, key=lambda s: s.name or "")
    assert evening.start == datetime(2023, 6, 1, 19, 5, 9, tzinfo=UTC)
    assert late.start == datetime(2023, 6, 2, 0, 15, tzinfo=UTC)
    assert evening.sets[0].load_kg == pytest.approx(135 * KG_PER_LB)
    assert not any("read as kg" in w for w in result.warnings)


def test_weight_unit_parameter_for_unitless_strong_files() -> None:
    text = (
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"
        "2024-11-28 17:36:08,A,35m,Squat (Barbell),1,100,5,0,0,\n"
    )
    assert _read(text, weight_unit="lb").sessions[0].sets[0].load_kg == pytest.approx(
        100 * KG_PER_LB
    )


def test_unmapped_names_warn_with_a_suggestion() -> None:
    text = HEVY_HEADER.replace("weight_lbs", "weight_kg") + (
        '"A","1 Feb 2025, 10:00","1 Feb 2025, 11:00","","Bulgarian Splitsquat",,"",0,'
        '"normal",20,8,,,\n'
    )
    result = _read(text)
    s = result.sessions[0].sets[0]
    assert (s.exercise, s.mapped) == ("Bulgarian Splitsquat", False)
    assert any("closest: Bulgarian Split Squat" in w for w in result.warnings)


BAD_ROW = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"
    "2024-11-28 17:36:08,A,35m,Squat (Barbell),1,100,5,0,0,\n"
    "2024-11-28 17:36:08,A,35m,Squat (Barbell),2,heavy,5,0,0,\n"
    "2024-11-28 17:36:08,A,35m,Squat (Barbell),3,100,5,0\n"
    "yesterday,A,35m,Squat (Barbell),1,100,5,0,0,\n"
    "2024-11-28 17:36:08,A,35m,Squat (Barbell),X,100,5,0,0,\n"
    "2024-11-28 17:36:08,A,35m,Squat (Barbell),4,100,5,0,0,12\n"
)


def test_bad_rows_follow_on_error() -> None:
    warned = _read(BAD_ROW)
    assert warned.sets == 1
    reasons = {r.line: r.reason for r in warned.skipped_rows}
    assert list(reasons) == [3, 4, 5, 6, 7]
    assert "cannot read Weight 'heavy'" in reasons[3]
    assert "expected 10 fields, got 8" in reasons[4]
    assert "cannot read the date" in reasons[5]
    assert "unknown Set Order" in reasons[6]
    assert "RPE 12" in reasons[7]
    assert sum("row skipped" in w for w in warned.warnings) == 5
    skipped = _read(BAD_ROW, on_error=OnError.SKIP)
    assert len(skipped.skipped_rows) == 5
    assert not any("row skipped" in w for w in skipped.warnings)
    with pytest.raises(CorruptFileError, match=r"test\.csv line 3: cannot read Weight") as info:
        _read(BAD_ROW, on_error=OnError.RAISE)
    assert (info.value.path, info.value.line) == ("test.csv", 3)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", UnsupportedFileError, "empty"),
        (b"\x00\x01\x02FIT", UnsupportedFileError, "binary"),
        (b"a,b,c\n1,2,3\n", UnsupportedFileError, "not a Strong or Hevy export"),
        (
            b'Date,Workout Name,Exercise Name\n2024-01-01 10:00:00,"A,Squat\n',
            CorruptFileError,
            "line 2",
        ),
        (
            b"Date,Exercise Name,Weight (stone),Reps\n2024-01-01 10:00:00,Squat,10,5\n",
            CorruptFileError,
            "unknown weight unit",
        ),
    ],
)
def test_malformed_files_raise_typed_errors(data: bytes, error: type, message: str) -> None:
    with pytest.raises(error, match=message) as info:
        read_strength_csv(io.BytesIO(data), name="bad.csv")
    assert info.value.path == "bad.csv"


def test_paths_missing_files_and_zones(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(STRONG_OLD, encoding="utf-8")
    assert read_strength_csv(path).sessions[0].source.name == str(path)  # type: ignore[union-attr]
    assert read_strength_csv(str(path), name="mine.csv").sessions[0].source.name == "mine.csv"  # type: ignore[union-attr]
    with pytest.raises(NotFoundError):
        read_strength_csv(tmp_path / "missing.csv")
    with pytest.raises(ConfigError, match="time zone"):
        read_strength_csv(path, profile_tz="Mars/Olympus")


def test_names_in_real_files_match_the_catalog_the_same_way(real_dir: Path) -> None:
    catalog = load_catalog()
    result = read_strength_csv(real_dir / "strong-charts/strong.csv")
    for session in result.sessions:
        for s in session.sets:
            assert s.exercise == (match_exercise(s.raw_name or "", catalog).key or s.raw_name)


@given(st.integers(0, 30), st.integers(0, 59), st.integers(0, 59))
def test_durations_in_every_spelling(h: int, m: int, s: int) -> None:
    total = h * 3600 + m * 60 + s
    assert parse_duration(f"{h}h {m}m {s}s") == total
    assert parse_duration(f"{h}:{m:02d}:{s:02d}") == total
    assert parse_duration(str(total)) == total
    assert parse_duration(f"{m}m") == m * 60


@pytest.mark.parametrize(
    ("text", "zone", "utc", "offset"),
    [
        ("2024-01-01T10:00:00+02:00", "UTC", datetime(2024, 1, 1, 8, tzinfo=UTC), 7200),
        ("2024-07-01 12:00:00 AM", "UTC", datetime(2024, 7, 1, 0, tzinfo=UTC), 0),
        ("2024-07-01 12:30 PM", "UTC", datetime(2024, 7, 1, 12, 30, tzinfo=UTC), 0),
        ("07/01/2024 1:05:00 PM", "UTC", datetime(2024, 7, 1, 13, 5, tzinfo=UTC), 0),
        ("01.07.2024 13:05", "Europe/Berlin", datetime(2024, 7, 1, 11, 5, tzinfo=UTC), 7200),
        ("1 Jul 2024, 13:05", "Europe/Berlin", datetime(2024, 7, 1, 11, 5, tzinfo=UTC), 7200),
        # A wall-clock time that does not exist (spring forward) still reads, with fold=0.
        ("2025-03-30 02:30:00", "Europe/Berlin", datetime(2025, 3, 30, 1, 30, tzinfo=UTC), 3600),
    ],
)
def test_local_times_to_utc(text: str, zone: str, utc: datetime, offset: int) -> None:
    assert local_to_utc(text, ZoneInfo(zone)) == (utc, offset)


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01 10:00", "2024-01-01 13:00 PM", ""])
def test_unreadable_times(text: str) -> None:
    with pytest.raises(BadValue):
        local_to_utc(text, ZoneInfo("UTC"))
