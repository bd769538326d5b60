"""``legday import`` and the library on both back ends: idempotent, crash-safe, nothing lost."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from legday.cli import app
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.store.samples import unpack_samples
from legday.store.schema import ActivityRow, FileRow, SetRow, StrengthSessionRow
from legday.synth import (
    Device,
    SyntheticAthlete,
    generate_history,
    make_run,
    write_fit,
    write_gpx,
    write_history,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int, int]:
    """Two weeks of a synthetic runner: (folder, activity files, strength sessions, sets)."""
    folder = tmp_path_factory.mktemp("sample")
    history = generate_history(weeks=2, seed=3, end=date(2026, 11, 22))
    paths = write_history(history, folder, formats=("fit", "gpx", "tcx"))
    n_activities = sum(1 for p in paths if p.suffix != ".csv")
    sets = sum(len(s.sets) for s in history.strength)
    return folder, n_activities, len(history.strength), sets


def _library(url: str, home: Path, **kw: object) -> Library:
    athlete = SyntheticAthlete.default()
    return Library(
        db=open_database(url),
        blobs=BlobStore(home / "originals"),
        profile=athlete.profile(),
        settings=Settings(),
        **kw,  # type: ignore[arg-type]
    )


def _count(lib: Library, table: type) -> int:
    with lib.db.session() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def test_import_is_idempotent_on_both_back_ends(
    db_url: str, tmp_path: Path, sample: tuple[Path, int, int, int]
) -> None:
    folder, n_files, n_lifts, n_sets = sample
    lib = _library(db_url, tmp_path)
    try:
        first = lib.import_paths([folder], workers=1).to_dict()
        assert first["failed"] == 0, first
        assert first["imported"] == n_files + 1  # the activity files and the Strong CSV
        assert _count(lib, ActivityRow) == n_files
        assert _count(lib, StrengthSessionRow) == n_lifts
        assert _count(lib, SetRow) == n_sets
        csv_report = next(f for f in first["files"] if f["kind"] == "strength_log")
        assert csv_report["sets"] + csv_report["skipped_rows"] == n_sets
        # Every activity was analysed and judged; no run is a leg day (R6).
        with lib.db.session() as s:
            rows = s.scalars(sa.select(ActivityRow)).all()
            assert all(r.analysis and r.verdict and r.kind for r in rows)
            assert not any(r.counts_as_leg_day for r in rows)
            blob = rows[0].samples
        assert np.isfinite(unpack_samples(blob)["timestamp"]).all()
        # The originals are kept, content-addressed.
        with lib.db.session() as s:
            digests = s.scalars(sa.select(FileRow.sha256)).all()
        assert all(d in lib.blobs for d in digests)

        again = lib.import_paths([folder], workers=1).to_dict()
        assert again["imported"] == 0 and again["duplicates"] == n_files + 1
        assert _count(lib, ActivityRow) == n_files
        assert _count(lib, SetRow) == n_sets
    finally:
        lib.close()


def test_the_same_run_from_two_sources_is_stored_once(tmp_path: Path) -> None:
    athlete = SyntheticAthlete.default()
    run = make_run(
        "easy",
        athlete,
        Device.clean(),
        datetime(2026, 11, 24, 7, tzinfo=UTC),
        np.random.default_rng(1),
    )
    (tmp_path / "strava.gpx").write_bytes(write_gpx(run.activity))
    (tmp_path / "garmin.fit").write_bytes(write_fit(run.activity, run.truth))
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        a = lib.import_paths([tmp_path / "strava.gpx"], workers=1).to_dict()
        b = lib.import_paths([tmp_path / "garmin.fit"], workers=1).to_dict()
        assert a["imported"] == 1 and b["imported"] == 1
        with lib.db.session() as s:
            rows = s.scalars(sa.select(ActivityRow)).all()
        # The FIT copy is richer (cadence, power, altitude from the watch): it replaced the GPX.
        assert [r.source_format for r in rows] == ["fit"]
        c = lib.import_paths([tmp_path / "strava.gpx"], workers=1).to_dict()
        assert c["duplicates"] == 1
    finally:
        lib.close()


def test_a_bad_file_fails_alone(tmp_path: Path, sample: tuple[Path, int, int, int]) -> None:
    folder, *_ = sample
    good = sorted(folder.glob("*.fit"))[0]
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / good.name).write_bytes(good.read_bytes())
    (batch / "cut.fit").write_bytes(good.read_bytes()[:40])
    (batch / "notes.gpx").write_bytes(b"<gpx><trk><trkseg><trkpt lat='1'")
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        summary = lib.import_paths([batch], workers=1).to_dict()
    finally:
        lib.close()
    by_name = {Path(f["path"]).name: f for f in summary["files"]}
    assert by_name[good.name]["status"] == "imported"
    assert by_name["notes.gpx"]["status"] == "failed"
    assert "notes.gpx" in by_name["notes.gpx"]["error"]
    # A FIT file cut after its header still yields nothing usable: failed, named.
    assert by_name["cut.fit"]["status"] == "failed" and "cut.fit" in by_name["cut.fit"]["error"]


def test_an_empty_zip_is_said_to_be_empty(tmp_path: Path) -> None:
    # an empty zip starts with its end record (PK 05 06), not a member's header (PK 03 04)
    empty = tmp_path / "b0132.zip"
    zipfile.ZipFile(empty, "w").close()
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        (report,) = lib.import_paths([empty], workers=1).to_dict()["files"]
    finally:
        lib.close()
    assert report["status"] == "failed"
    assert "b0132.zip" in report["error"] and "the zip holds no FIT" in report["error"]


def test_strava_export_zip(tmp_path: Path, sample: tuple[Path, int, int, int]) -> None:
    import gzip

    folder, *_ = sample
    fit = sorted(folder.glob("*.fit"))[0]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "activities.csv",
            "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
            "Filename,Activity Gear\n"
            "1,x,Hill session,Run,Legs burning,activities/1.fit.gz,Pegasus 40\n",
        )
        zf.writestr("activities/1.fit.gz", gzip.compress(fit.read_bytes()))
        zf.writestr("../evil.fit", b"nope")
    archive = tmp_path / "export_1.zip"
    archive.write_bytes(buf.getvalue())
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        summary = lib.import_paths([archive], workers=1).to_dict()
        with lib.db.session() as s:
            row = s.scalars(sa.select(ActivityRow)).one()
    finally:
        lib.close()
    assert summary["imported"] == 1 and summary["failed"] == 1
    assert row.name == "Hill session" and row.description == "Legs burning"
    assert row.meta["gear"] == "Pegasus 40"


def test_cli_import_week_and_log(tmp_path: Path, sample: tuple[Path, int, int, int]) -> None:
    folder, n_files, *_ = sample
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    result = runner.invoke(app, ["import", str(folder), "--json", "--db", db, "--workers", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["imported"] == n_files + 1 and data["failed"] == 0
    assert {f["status"] for f in data["files"]} == {"imported"}

    result = runner.invoke(app, ["week", "--date", "2026-11-18", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    week = json.loads(result.output)
    assert week["week"] == "2026-W47"
    from legday.stimulus import MUSCLES

    assert list(week["muscles"])[:16] == list(MUSCLES)  # the 16 DOMAIN keys first, extras after
    assert set(week["coverage"]) == {"compound", "isolation", "single_leg", "core", "upper"}
    assert week["sessions"] and all("counts_as_leg_day" in s for s in week["sessions"])
    assert {"ctl", "atl", "tsb", "acwr"} <= set(week["load"])

    text = "back squat 3x8 @ 80kg rir 2; romanian deadlift 3x8 @ 60kg rir 2"
    result = runner.invoke(app, ["log", text, "--date", "2026-11-19T18:00", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    logged = json.loads(result.output)
    assert logged["sets"] == 6 and logged["exercises"] == ["back_squat", "romanian_deadlift"]
    assert logged["verdict"]["counts_as_leg_day"] is True

    result = runner.invoke(app, ["log", "bak squat 3x8", "--db", db])
    assert result.exit_code == 1 and "Back Squat" in result.output

    result = runner.invoke(app, ["import", str(tmp_path / "missing.fit"), "--db", db])
    assert result.exit_code == 1 and "missing.fit" in result.output


def test_kill_9_mid_import_then_rerun(db_url: str, tmp_path: Path) -> None:
    """A real ``legday import`` process killed with SIGKILL leaves a consistent database, and
    running the import again completes it with the exact expected counts and removes what the
    killed process left in the originals."""
    history = generate_history(weeks=6, seed=11, end=date(2026, 11, 22))
    files = tmp_path / "files"
    paths = write_history(history, files, formats=("fit",), strong_csv=False)
    expected = len(paths)
    env = {**os.environ, "LEGDAY_HOME": str(tmp_path / "home")}
    cmd = [
        sys.executable,
        "-m",
        "legday",
        "import",
        str(files),
        "--db",
        db_url,
        "--workers",
        "1",
        "--json",
    ]
    open_database(db_url).dispose()  # the schema first: the kill lands among the files
    engine = sa.create_engine(db_url)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_at = -1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        n = _activity_count(engine)
        if 0 < n < expected:
            proc.send_signal(signal.SIGKILL)
            killed_at = n
            break
        time.sleep(0.01)
    proc.wait(timeout=30)
    assert killed_at > 0, "the import finished before it could be killed"
    if db_url.startswith("sqlite:///"):
        con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.close()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["failed"] == 0
    assert summary["imported"] + summary["duplicates"] == expected
    assert summary["duplicates"] >= killed_at
    assert _activity_count(engine) == expected
    engine.dispose()
    assert not list((tmp_path / "home" / "originals").rglob(".tmp-*"))


def _activity_count(engine: sa.Engine) -> int:
    try:
        with engine.connect() as c:
            return int(c.execute(sa.text("select count(*) from activities")).scalar_one())
    except sa.exc.OperationalError:  # SQLite busy while the importer writes
        return 0


def test_real_strength_logs_import_with_every_row_accounted_for(
    real_dir: Path, tmp_path: Path
) -> None:
    from conftest import real_manifest

    rows = {
        r["path"]: int(r["notes"].split("auto: ")[1].split(" data rows")[0])
        for r in real_manifest()
        if r["kind"] == "csv" and r["sport"] == "strength"
    }
    assert len(rows) >= 5
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        summary = lib.import_paths([real_dir / p for p in rows], workers=1)
        for report in summary.files:
            rel = str(Path(report.path).relative_to(real_dir))
            assert report.status == "imported", report
            assert report.sets + report.skipped_rows == rows[rel], rel
        again = lib.import_paths([real_dir / p for p in rows], workers=1)
        assert again.count("duplicate") == len(rows)
    finally:
        lib.close()


def test_a_newer_export_adds_only_the_new_sessions(tmp_path: Path) -> None:
    from legday.synth import make_strength_session, write_strong_csv

    athlete = SyntheticAthlete.default()
    rng = np.random.default_rng(5)
    sessions = [
        make_strength_session(athlete, datetime(2026, 11, d, 17, tzinfo=UTC), rng, "lower")
        for d in (2, 5, 9)
    ]
    (tmp_path / "old.csv").write_text(write_strong_csv(sessions[:2]), encoding="utf-8")
    (tmp_path / "new.csv").write_text(write_strong_csv(sessions), encoding="utf-8")
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        first = lib.import_paths([tmp_path / "old.csv"], workers=1).files[0]
        second = lib.import_paths([tmp_path / "new.csv"], workers=1).files[0]
        assert (first.sessions, second.sessions) == (2, 1)
        assert second.sets == len(sessions[2].sets)
        assert _count(lib, StrengthSessionRow) == 3
    finally:
        lib.close()


def test_garmin_strength_fit_becomes_a_strength_session(real_dir: Path, tmp_path: Path) -> None:
    path = real_dir / "fit-analyzer/tests/fixtures/20474406937_ACTIVITY.fit"
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        report = lib.import_paths([path], workers=1).files[0]
        assert report.status == "imported", report
        with lib.db.session() as s:
            lift = s.scalars(sa.select(StrengthSessionRow)).one()
            assert lift.activity_id is not None and lift.sets
            assert any(r.mapped for r in lift.sets) or all(
                r.exercise.endswith("unknown") for r in lift.sets
            )
    finally:
        lib.close()


def test_an_enormous_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    from legday.io.reader import MAX_INPUT_BYTES

    huge = tmp_path / "huge.fit"
    with huge.open("wb") as fh:  # sparse: no disk is used
        fh.write(b"\x0e\x10")
        fh.truncate(MAX_INPUT_BYTES + 1)
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        report = lib.import_paths([huge], workers=1).files[0]
    finally:
        lib.close()
    assert report.status == "failed" and "huge.fit" in (report.error or "")
    assert "larger than" in (report.error or "")


def test_an_enormous_csv_is_refused(tmp_path: Path) -> None:
    from legday.errors import UnsafeInputError
    from legday.io.strength_csv import MAX_CSV_BYTES, read_strength_csv

    big = tmp_path / "strong.csv"
    with big.open("wb") as fh:
        fh.write(b"Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n")
        fh.truncate(MAX_CSV_BYTES + 1)
    with pytest.raises(UnsafeInputError, match=r"strong\.csv"):
        read_strength_csv(big)


def test_a_strong_log_without_rpe_is_judged_by_load(real_dir: Path, tmp_path: Path) -> None:
    """Real Strong exports carry no RPE: sets are judged hard by their load against the lifter's
    running best e1RM, so real leg days are recognised — and one-exercise sessions are not."""
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        lib.import_paths([real_dir / "strong-charts/strong.csv"], workers=1)
        with lib.db.session() as s:
            rows = s.scalars(sa.select(StrengthSessionRow)).all()
            verdicts = [(r.counts_as_leg_day, r.verdict["verdict"]["reasons"]) for r in rows]
    finally:
        lib.close()
    leg_days = [reasons for leg, reasons in verdicts if leg]
    assert len(leg_days) >= 5
    assert all(any(r["rule"] == "R7" for r in reasons) for reasons in leg_days)


def _shifted(activity, seconds: float):  # type: ignore[no-untyped-def]
    """The same recording with its clock moved, as a file written in local time without its
    offset would read."""
    from dataclasses import replace
    from datetime import timedelta

    samples = dict(activity.samples)
    samples["timestamp"] = samples["timestamp"] + seconds
    laps = tuple(
        replace(lap, start=lap.start + seconds, end=lap.end + seconds) for lap in activity.laps
    )
    return replace(
        activity,
        start=activity.start + timedelta(seconds=seconds),
        samples=samples,
        laps=laps,
        events=(),
    )


def test_a_copy_written_in_local_time_is_still_one_session(tmp_path: Path) -> None:
    """GoldenCheetah #2258 / Runalyze #1779: a copy of a run an hour off is a duplicate, but a
    second run over the same distance twelve hours later is kept."""
    athlete = SyntheticAthlete.default()
    run = make_run(
        "easy",
        athlete,
        Device.clean(),
        datetime(2026, 11, 24, 7, tzinfo=UTC),
        np.random.default_rng(4),
    )
    (tmp_path / "watch.fit").write_bytes(write_fit(run.activity, run.truth))
    (tmp_path / "local.gpx").write_bytes(write_gpx(_shifted(run.activity, 3600.0)))
    # The same totals twelve hours later, paced differently along the way: another run.
    evening = _shifted(run.activity, 12 * 3600.0)
    elapsed = evening.samples["elapsed_s"]
    wobble = elapsed + 60.0 * np.sin(2 * np.pi * elapsed / elapsed[-1])
    distance = np.interp(np.clip(wobble, 0, elapsed[-1]), elapsed, evening.samples["distance_m"])
    evening.samples["distance_m"] = np.maximum.accumulate(distance)
    (tmp_path / "evening.fit").write_bytes(write_fit(evening))
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        summary = lib.import_paths(
            [tmp_path / "watch.fit", tmp_path / "local.gpx", tmp_path / "evening.fit"], workers=1
        )
        by_name = {Path(f.path).name: f.status for f in summary.files}
        assert by_name == {
            "watch.fit": "imported",
            "local.gpx": "duplicate",
            "evening.fit": "imported",
        }
        assert _count(lib, ActivityRow) == 2
    finally:
        lib.close()


def test_a_stored_headline_follows_a_change_of_units(tmp_path: Path) -> None:
    athlete = SyntheticAthlete.default()
    start = datetime(2026, 11, 24, 7, tzinfo=UTC)
    run = make_run("easy", athlete, Device.clean(), start, np.random.default_rng(2))
    run.activity.samples["heart_rate_bpm"][:] = np.nan  # no strap: the headline gives distance
    (tmp_path / "run.fit").write_bytes(write_fit(run.activity, run.truth))
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        lib.import_paths([tmp_path / "run.fit"], workers=1)
        with lib.db.session() as s:
            (row_id,) = s.scalars(sa.select(ActivityRow.id)).all()
        metric = lib.activity(row_id)["verdict"]["verdict"]["headline"]
        lib.profile = replace(lib.profile, units="imperial")
        imperial = lib.activity(row_id)["verdict"]["verdict"]["headline"]
    finally:
        lib.close()
    assert " km" in metric and " mi" in imperial, (metric, imperial)


def test_a_folder_below_a_hidden_one_is_imported(
    tmp_path: Path, sample: tuple[Path, int, int, int]
) -> None:
    """~/.local/share/legday/… (the default home, where the demo writes) is not hidden; a dot
    file or folder inside the folder given is."""
    folder, *_ = sample
    runs = tmp_path / ".local" / "share" / "runs"
    (runs / ".cache").mkdir(parents=True)
    fit = sorted(folder.glob("*.fit"))
    (runs / "a.fit").write_bytes(fit[0].read_bytes())
    (runs / ".b.fit").write_bytes(fit[1].read_bytes())
    (runs / ".cache" / "c.fit").write_bytes(fit[2].read_bytes())
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        summary = lib.import_paths([runs], workers=1).to_dict()
    finally:
        lib.close()
    assert [Path(f["path"]).name for f in summary["files"]] == ["a.fit"]
    assert summary["imported"] == 1


def test_an_unreadable_folder_is_reported_by_path(
    tmp_path: Path, sample: tuple[Path, int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subfolder legday may not read fails the import, named, instead of being skipped."""
    folder, *_ = sample
    runs = tmp_path / "runs"
    locked = runs / "2025" / "locked"
    locked.mkdir(parents=True)
    fit = sorted(folder.glob("*.fit"))
    (runs / "a.fit").write_bytes(fit[0].read_bytes())
    (locked / "b.fit").write_bytes(fit[1].read_bytes())
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads any folder: refuse this one as the kernel would a user
        real_scandir = os.scandir

        def scandir(path: object = ".") -> object:
            if Path(str(path)) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "scandir", scandir)
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        summary = lib.import_paths([runs], workers=1)
    finally:
        lib.close()
        locked.chmod(0o755)
    assert summary.count("imported") == 1
    (failed,) = [f for f in summary.files if f.status == "failed"]
    assert failed.path == str(locked)
    assert failed.error == f"{locked}: cannot read the folder: Permission denied"


def test_the_next_import_removes_what_a_killed_one_left(tmp_path: Path) -> None:
    """A process killed while writing an original leaves ``.tmp-<pid>-…``; the next import
    removes it, and leaves alone the file a live writer is still writing."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    originals = tmp_path / "originals" / "ab"
    originals.mkdir(parents=True)
    dead = originals / f".tmp-{gone.stdout.strip()}-k9x"
    old = originals / ".tmp-abc123"  # named as before this fix: goes once it is an hour old
    live = originals / f".tmp-{os.getpid()}-w1"
    for tmp in (dead, old, live):
        tmp.write_bytes(b"half an original")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        assert lib.import_paths([], workers=1).ok
    finally:
        lib.close()
    assert sorted(p.name for p in originals.iterdir()) == [live.name]
