"""Bulk input: folders, Strava and Garmin export zips built at test time, zip bombs."""

from __future__ import annotations

import csv
import gzip
import importlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest

import legday.io.archive as archive_mod
from legday.errors import (
    CorruptFileError,
    LegdayError,
    NotFoundError,
    UnsafeInputError,
    UnsupportedFileError,
)
from legday.io.archive import read_archive
from legday.model import Activity

GPX_RUN = "runpandas/runpandas/tests/io/data/gpx/strava_export.gpx"
GPX_UNTYPED = "togeojson/test/data/missing_hr.gpx"
TCX_RUN = "runpandas/runpandas/tests/io/data/tcx/run_garmin.tcx"
FIT_RUN = "python-fitparse/tests/files/garmin-fenix-5-run.fit"
STRAVA_CSV = "strava-insights/data/activities.csv"


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def activities(items: list[tuple[str, Activity | LegdayError]]) -> list[Activity]:
    return [item for _, item in items if isinstance(item, Activity)]


def errors(items: list[tuple[str, Activity | LegdayError]]) -> list[tuple[str, LegdayError]]:
    return [(name, item) for name, item in items if isinstance(item, LegdayError)]


def test_folder_walk(real_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "runs" / "2021").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    shutil.copy(real_dir / GPX_RUN, tmp_path / "runs" / "2021" / "a.gpx")
    (tmp_path / "runs" / "b.tcx.gz").write_bytes(gzip.compress((real_dir / TCX_RUN).read_bytes()))
    shutil.copy(real_dir / GPX_RUN, tmp_path / ".hidden" / "secret.gpx")
    shutil.copy(real_dir / GPX_RUN, tmp_path / ".dotfile.gpx")
    (tmp_path / "notes.csv").write_text("a,b\n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "broken.gpx").write_bytes(b"<gpx><trk>")
    items = list(read_archive(tmp_path))
    names = [Path(name).name for name, _ in items]
    assert names == ["broken.gpx", "b.tcx.gz", "a.gpx"]  # sorted per folder, files first
    assert [a.source.format for a in activities(items)] == ["tcx", "gpx"]  # type: ignore[union-attr]
    ((bad_name, bad),) = errors(items)
    assert isinstance(bad, CorruptFileError) and bad_name.endswith("broken.gpx")


def test_a_refused_zip_in_a_folder_does_not_stop_the_walk(
    monkeypatch: pytest.MonkeyPatch, real_dir: Path, tmp_path: Path
) -> None:
    monkeypatch.setattr(archive_mod, "MAX_ARCHIVE_MEMBERS", 2)
    (tmp_path / "a.zip").write_bytes(zip_bytes({f"{i}.gpx": b"" for i in range(3)}))
    shutil.copy(real_dir / TCX_RUN, tmp_path / "b.tcx")
    (name, err), (_, act) = list(read_archive(tmp_path))
    assert isinstance(err, UnsafeInputError) and name.endswith("a.zip")
    assert isinstance(act, Activity)


def test_single_file_and_missing_path(real_dir: Path) -> None:
    ((name, act),) = list(read_archive(real_dir / TCX_RUN))
    assert isinstance(act, Activity) and name.endswith("run_garmin.tcx")
    with pytest.raises(NotFoundError):
        list(read_archive(real_dir / "no-such-folder"))


def _strava_csv(real_dir: Path) -> tuple[bytes, dict[str, str], dict[str, str]]:
    """The real activities.csv, and two of its rows: a run with gear, a walk (both .gpx).

    Its header repeats names ("Distance", "Elapsed Time"): the first column of a name counts.
    """
    raw = (real_dir / STRAVA_CSV).read_bytes()
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    first = {h: header.index(h) for h in header}
    records = [{h: row[i] for h, i in first.items()} for row in rows]
    run = next(r for r in records if r["Activity Gear"] and r["Filename"].endswith(".gpx"))
    walk = next(
        r for r in records if r["Activity Type"] == "Walk" and r["Filename"].endswith(".gpx")
    )
    return raw, run, walk


def test_strava_export(real_dir: Path, tmp_path: Path) -> None:
    raw, run, walk = _strava_csv(real_dir)
    export = tmp_path / "export_1234.zip"
    export.write_bytes(
        zip_bytes(
            {
                "activities.csv": raw,
                run["Filename"] + ".gz": b"",  # a name the csv does not know: read, no metadata
                run["Filename"]: (real_dir / GPX_RUN).read_bytes(),
                walk["Filename"]: (real_dir / GPX_UNTYPED).read_bytes(),
                "profile.jpg": b"\xff\xd8",
                "media/": b"",
            }
        )
    )
    items = list(read_archive(export))
    by_member = {name.split("!", 1)[1]: item for name, item in items}
    got_run = by_member[run["Filename"]]
    got_walk = by_member[walk["Filename"]]
    assert isinstance(got_run, Activity) and isinstance(got_walk, Activity)
    assert got_run.name == run["Activity Name"]
    assert got_run.metadata["gear"] == run["Activity Gear"]
    assert got_run.metadata["strava_type"] == "Run"
    assert got_run.metadata["strava_activity_id"] == run["Activity ID"]
    assert got_run.source is not None
    assert got_run.source.name == f"{export}!{run['Filename']}"
    assert got_walk.sport == "walking"  # the file says nothing; Strava's type fills it
    assert isinstance(by_member[run["Filename"] + ".gz"], UnsupportedFileError)
    files = [n for n in by_member if "#" not in n]
    assert len(files) == 3
    # every other row of activities.csv is a session too: a manual entry, or a file the zip
    # lacks (this test zips two of the files): totals only, none lost
    rows = [item for n, item in by_member.items() if n.startswith("activities.csv#")]
    assert len(rows) == raw.decode().count("\n") - 1 - 2
    assert all(isinstance(r, Activity) and r.n_samples == 0 for r in rows)


def test_garmin_export_with_nested_zips(real_dir: Path, tmp_path: Path) -> None:
    inner = zip_bytes(
        {
            "user_12345_1.fit": (real_dir / FIT_RUN).read_bytes(),
            "user_12345_2.tcx": (real_dir / TCX_RUN).read_bytes(),
        }
    )
    export = tmp_path / "garmin.zip"
    export.write_bytes(
        zip_bytes(
            {
                "DI_CONNECT/DI-Connect-Fitness/summary.json": b"{}",
                "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner,
            }
        )
    )
    items = list(read_archive(export))
    names = [name.rsplit("!", 1)[1] for name, _ in items]
    assert names == ["user_12345_1.fit", "user_12345_2.tcx"]
    assert "UploadedFiles_0-_Part1.zip!" in items[0][0]
    assert isinstance(items[1][1], Activity)
    if hasattr(importlib.import_module("legday.io.fit"), "read_fit"):
        assert isinstance(items[0][1], Activity) and items[0][1].source.format == "fit"  # type: ignore[union-attr]


def test_zips_nested_too_deep_are_not_opened(real_dir: Path, tmp_path: Path) -> None:
    deep = zip_bytes({"b.zip": zip_bytes({"c.zip": zip_bytes({"x.tcx": b""})})})
    path = tmp_path / "a.zip"
    path.write_bytes(deep)
    ((name, item),) = list(read_archive(path))
    assert isinstance(item, UnsupportedFileError) and name.endswith("a.zip!b.zip!c.zip")


# --- hostile zips ---------------------------------------------------------------------------


def test_member_names_that_climb_out_are_refused(real_dir: Path, tmp_path: Path) -> None:
    gpx = (real_dir / GPX_RUN).read_bytes()
    path = tmp_path / "evil.zip"
    path.write_bytes(
        zip_bytes({"../../escape.gpx": gpx, "/abs.gpx": gpx, "a\\..\\b.gpx": gpx, "ok.gpx": gpx})
    )
    items = list(read_archive(path))
    refused = [name for name, item in items if isinstance(item, UnsafeInputError)]
    assert refused == [f"{path}!../../escape.gpx", f"{path}!/abs.gpx", f"{path}!a\\..\\b.gpx"]
    assert len(activities(items)) == 1
    assert not (tmp_path.parent / "escape.gpx").exists()


def test_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(zip_bytes({"bomb.gpx": b"\0" * (40 << 20), "after.gpx": b"<gpx/>"}))
    assert path.stat().st_size < 200_000
    items = list(read_archive(path))
    err = items[0][1]
    assert isinstance(err, UnsafeInputError)
    assert str(err).startswith(f"{path}!bomb.gpx: ") and "inflates more than" in str(err)
    assert items[1][0].endswith("after.gpx")  # the walk goes on


def test_member_size_and_archive_budget(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    path.write_bytes(zip_bytes({f"{i}.gpx": b"x" * 5000 for i in range(3)}, zipfile.ZIP_STORED))
    monkeypatch.setattr(archive_mod, "MAX_MEMBER_BYTES", 4000)
    assert all(isinstance(item, UnsafeInputError) for _, item in read_archive(path))
    monkeypatch.setattr(archive_mod, "MAX_MEMBER_BYTES", 10_000)
    monkeypatch.setattr(archive_mod, "MAX_ARCHIVE_BYTES", 12_000)
    with pytest.raises(UnsafeInputError, match=r"big\.zip!2\.gpx"):
        list(read_archive(path))


def test_archive_budget_counts_nested_zips(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    inner = zip_bytes({f"{i}.gpx": b"x" * 5000 for i in range(3)}, zipfile.ZIP_STORED)
    path = tmp_path / "outer.zip"
    path.write_bytes(zip_bytes({"inner.zip": inner, "later.gpx": b"x"}, zipfile.ZIP_STORED))
    monkeypatch.setattr(archive_mod, "MAX_ARCHIVE_BYTES", len(inner) + 8000)
    with pytest.raises(UnsafeInputError, match=r"outer\.zip!inner\.zip!1\.gpx"):
        list(read_archive(path))


def test_too_many_members(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(archive_mod, "MAX_ARCHIVE_MEMBERS", 5)
    path = tmp_path / "many.zip"
    path.write_bytes(zip_bytes({f"{i}.txt": b"" for i in range(6)}))
    with pytest.raises(UnsafeInputError, match="6 members"):
        list(read_archive(path))


def test_damaged_member_is_yielded_not_raised(real_dir: Path, tmp_path: Path) -> None:
    gpx = (real_dir / GPX_RUN).read_bytes()
    data = bytearray(zip_bytes({"a.gpx": gpx, "b.gpx": gpx}, zipfile.ZIP_STORED))
    at = data.find(b"<trkpt")
    data[at : at + 6] = b"<TRKPT"  # the stored bytes no longer match the CRC
    path = tmp_path / "crc.zip"
    path.write_bytes(bytes(data))
    items = list(read_archive(path))
    assert isinstance(items[0][1], CorruptFileError) and "a.gpx" in str(items[0][1])
    assert isinstance(items[1][1], Activity)


def test_a_broken_strava_csv_is_yielded_and_files_still_import(
    real_dir: Path, tmp_path: Path
) -> None:
    huge_field = b'Activity ID,Filename\n1,"' + b"x" * 200_000 + b'"\n'  # past csv's field limit
    path = tmp_path / "export.zip"
    path.write_bytes(
        zip_bytes(
            {"activities.csv": huge_field, "activities/1.tcx": (real_dir / TCX_RUN).read_bytes()}
        )
    )
    (csv_name, err), (_, act) = list(read_archive(path))
    assert csv_name.endswith("!activities.csv")
    assert isinstance(err, CorruptFileError) and isinstance(err.__cause__, csv.Error)
    assert isinstance(act, Activity)
