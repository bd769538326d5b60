"""``legday batch`` and ``batch-summary`` (issue 21): the import's analysis on Dask, into Parquet.

A synthetic archive (two athletes' folders, a lifting log, a zip, a corrupt file), a longer
synthetic athlete, a zip of real files and every real recording in ``../shared/data/real`` go
through :func:`legday.batch.run_batch` on a small LocalCluster (threads: the same code path as
processes, without their start-up cost). Each file must have its rows exactly once, equal to
what ``legday analyze`` gives for the file on its own once the athlete's files are imported
(the batch judges each run against its athlete's history, as the import does); a bad file is
a row with its typed error; a re-run does nothing; the summary counts what the table holds and
says "unknown" where watch files cannot tell.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import real_manifest
from legday.cli import app
from legday.model import MUSCLES

pytest.importorskip("distributed")
import pyarrow.dataset as ds
from distributed import Client, LocalCluster

from legday.batch import run_batch
from legday.batch.summary import summarise
from legday.synth import generate_history, write_history

runner = CliRunner()

#: Real recordings of several shapes: FIT, GPX and TCX runs, a triathlon (several sessions in
#: one file), a strength-and-run watch file, a file with a bad CRC.
REAL = (
    "python-fitparse/tests/files/compressed-speed-distance.fit",
    "python-fitparse/tests/files/garmin-fenix-5-run.fit",
    "muktihari-fit/testdata/from_garmin_forums/triathlon_summary_first.fit",
    "fit-analyzer/tests/fixtures/20555050352_ACTIVITY.fit",
    "workoutizer/tests/data/garmin_example.gpx",
    "runpandas/runpandas/tests/io/data/samples/2020-12-02T06_08_29-300_Running.tcx",
    "fitdecode/tests/files/invalid/activity-filecrc.fit",
)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``ann/``: two weeks of synthetic runs (FIT and TCX) and a Strong CSV; ``bob/``: a zip of
    two of them and a corrupt FIT file."""
    root = tmp_path_factory.mktemp("archive")
    history = generate_history(weeks=2, seed=4, end=date(2026, 11, 22))
    paths = write_history(history, root / "ann", formats=("fit", "tcx"))
    runs = sorted(p for p in paths if p.suffix in (".fit", ".tcx"))
    (root / "bob").mkdir()
    with zipfile.ZipFile(root / "bob" / "export.zip", "w") as zf:
        for p in runs[:2]:
            zf.write(p, f"activities/{p.name}")
    (root / "bob" / "broken.fit").write_bytes(b".FIT" * 64)
    return root


def _table(out: Path) -> list[dict[str, Any]]:
    rows = ds.dataset(out / "activities", format="parquet", partitioning="hive").to_table()
    return sorted(rows.to_pylist(), key=lambda r: (r["source"], r["index"] or 0))


def _imported(paths: list[str], home: Path) -> dict[str, str]:
    """A legday home at ``home`` holding ``paths`` (``legday import``): the athlete's history
    ``legday analyze`` judges against; the environment that names it."""
    env = {"LEGDAY_HOME": str(home)}
    result = runner.invoke(app, ["import", *paths], env=env)
    assert result.exit_code in (0, 1) and " imported," in result.output, result.output  # 1: a
    return env  # file failed (a bad file in the real set), the others are stored


def _analyze(path: str, env: dict[str, str] | None = None) -> list[dict[str, Any]] | None:
    """``legday analyze PATH --json`` (in the home ``env`` names) as a list of sessions, None
    when it fails."""
    result = runner.invoke(app, ["analyze", path, "--json"], env=env)
    if result.exit_code != 0:
        return None
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]


def _assert_rows_match_analyze(
    rows: list[dict[str, Any]], path: str, source: str, env: dict[str, str] | None = None
) -> None:
    mine = [r for r in rows if r["source"] == source]
    expected = _analyze(path, env)
    if expected is None:
        assert len(mine) == 1 and mine[0]["error"] and mine[0]["error_type"], mine
        return
    assert [r["index"] for r in mine] == list(range(len(expected))), source
    for row, want in zip(mine, expected, strict=True):
        verdict = want["verdict"]
        assert row["error"] is None, row["error"]
        assert row["sport"] == want["sport"]
        assert row["kind"] == (want["kind"] if row["sport"].endswith("running") else None)
        assert row["tags"] == want["tags"]
        assert row["trimp"] == pytest.approx(want["load"]["trimp"])
        assert row["category"] == verdict["category"]
        assert row["counts_as_leg_day"] == verdict["counts_as_leg_day"]
        assert row["verdict"] == verdict["headline"]
        assert [b["reps"] for b in row["blocks"]] == [b["reps"] for b in want["blocks"]]
        loads = verdict["stimulus"]["muscles"]
        for muscle in MUSCLES:  # the sixteen (lifting may name more, e.g. lats)
            assert row[f"muscle_{muscle}"] == pytest.approx(loads.get(muscle, 0.0)), muscle


def test_every_file_has_its_rows_once_equal_to_analyze(
    archive: Path, client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "study"
    result = run_batch([str(archive)], str(out), client=client, chunk_size=3)
    rows = _table(out)
    runs = sorted(p for p in (archive / "ann").iterdir() if p.suffix in (".fit", ".tcx"))
    # every run, the CSV, two zip members and the broken file; the CSV's sessions are rows
    assert result.counts.files == len(runs) + 4
    assert result.counts.failed == 1
    assert len({(r["source"], r["index"]) for r in rows}) == len(rows) == result.counts.rows
    env = _imported([str(archive / "ann")], tmp_path / "home")
    for path in runs:
        _assert_rows_match_analyze(rows, str(path), str(path), env)
    assert {r["athlete"] for r in rows} == {"ann", "bob"}


@pytest.fixture(scope="module")
def long_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dan/``: ten weeks of synthetic runs, enough history for "long", R4 and the anchors."""
    root = tmp_path_factory.mktemp("long")
    history = generate_history(weeks=10, seed=4, end=date(2026, 11, 22))
    write_history(history, root / "dan", formats=("fit", "tcx"), strong_csv=False)
    return root


def test_each_run_is_judged_against_its_athletes_history(
    long_archive: Path, client: Client, tmp_path: Path
) -> None:
    """Rows equal ``legday analyze`` with the athlete's files imported (judged without history,
    two of these 48 runs get another verdict: R4's overload needs the usual longest run), and
    the block table holds each run's segments as ``analyze`` gives them."""
    out = tmp_path / "study"
    result = run_batch([str(long_archive)], str(out), client=client, blocks=True)
    runs = sorted(str(p) for p in (long_archive / "dan").iterdir() if p.suffix != ".json")
    assert result.scanned.files == len(runs) and result.judged.files > len(runs) // 2
    rows = _table(out)
    blocks = ds.dataset(out / "blocks", format="parquet", partitioning="hive").to_table()
    by_run: dict[str, list[dict[str, Any]]] = {}
    for b in sorted(blocks.to_pylist(), key=lambda b: b["block"]):
        by_run.setdefault(b["source"], []).append(b)
    env = _imported([str(long_archive / "dan")], tmp_path / "home")
    for path in runs:
        _assert_rows_match_analyze(rows, path, path, env)
        [want] = _analyze(path, env) or []
        got = by_run.get(path, [])
        assert [b["index"] for b in got] == [0] * len(want["segments"])
        for b, seg in zip(got, want["segments"], strict=True):
            assert (b["role"], b["start_s"], b["end_s"]) == (
                seg["role"],
                seg["start_s"],
                seg["end_s"],
            )
            assert b["duration_s"] == pytest.approx(seg["end_s"] - seg["start_s"])
            assert b["avg_hr"] == seg["avg_hr"] and b["athlete"] == "dan"
            if seg["avg_speed_mps"]:
                assert b["pace_s_per_km"] == pytest.approx(1000 / seg["avg_speed_mps"])
                # the distance samples, against the segment's mean speed over its length
                speed = b["distance_m"] / b["duration_s"]
                assert speed == pytest.approx(seg["avg_speed_mps"], rel=0.25, abs=0.3)
    assert sum(r["overload"] for r in rows) > 0  # R4 needs the history: it fired


def test_a_chunk_summarises_each_history_once_not_once_a_run(
    long_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk indexes its athlete's history once (``SortedHistory``, as the import does): a
    run takes its earlier sessions by bisection. Handed the plain list, each run would
    summarise all its earlier sessions again, some 48²/2 for 48 runs in each judging pass."""
    from legday.store import work

    summarised: list[int] = []
    real = work._summaries

    def counted(history: Any) -> Any:
        out = real(history)
        summarised.append(len(out))
        return out

    monkeypatch.setattr(work, "_summaries", counted)
    result = run_batch([str(long_archive)], str(tmp_path), in_process=True, chunk_size=100)
    runs = result.scanned.files
    assert runs >= 40 and result.counts.files == runs
    assert 0 < sum(summarised) <= 2 * runs  # the judging pass's and the rows' pass's, once each


def test_a_bad_file_is_a_row_with_its_typed_error(
    archive: Path, client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "study"
    run_batch([str(archive / "bob" / "broken.fit")], str(out), client=client)
    [row] = _table(out)
    assert row["error_type"] == "UnsupportedFileError"
    assert "broken.fit" in row["error"] and "not a FIT, GPX or TCX file" in row["error"]
    assert row["athlete"] == "bob" and row["kind"] is None and row["sport"] is None


def test_a_zip_member_is_judged_as_the_file_itself(
    archive: Path, client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "study"
    run_batch([str(archive / "bob" / "*.zip")], str(out), client=client)
    rows = _table(out)
    assert len(rows) == 2
    env = _imported([str(archive / "bob" / "export.zip")], tmp_path / "home")
    for row in rows:
        zip_path, member = row["source"].split("!")
        assert zip_path == str(archive / "bob" / "export.zip")
        name = member.removeprefix("activities/")
        _assert_rows_match_analyze(rows, str(archive / "ann" / name), row["source"], env)


def test_each_member_of_a_zip_of_real_files_is_a_task(
    real_dir: Path, client: Client, tmp_path: Path
) -> None:
    """A Strava-export-shaped zip of real files: the client lists its members (names only), a
    task per member reads it from the zip itself; together they read what reading the zip
    whole reads (the csv's rows without a file too), and each recording is judged as
    ``legday analyze`` judges it with the zip imported."""
    from legday.batch import discover
    from legday.io.archive import iter_archive_members

    recordings = {
        "activities/run.fit": "python-fitparse/tests/files/garmin-fenix-5-run.fit",
        "activities/speed.fit": "python-fitparse/tests/files/compressed-speed-distance.fit",
        "activities/garmin.tcx": (
            "runpandas/runpandas/tests/io/data/samples/2020-12-02T06_08_29-300_Running.tcx"
        ),
        "activities/bad.fit": "fitdecode/tests/files/invalid/activity-filecrc.fit",
    }
    export = tmp_path / "eve" / "export_1.zip"
    export.parent.mkdir()
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(real_dir / "strava-insights/data/activities.csv", "activities.csv")
        for member, path in recordings.items():
            zf.write(real_dir / path, member)
        zf.writestr("profile.jpg", b"\xff\xd8")
    sources = list(discover([str(export)]))
    assert {s.member for s in sources} == {"activities.csv", *recordings}
    assert {(s.url, s.athlete) for s in sources} == {(str(export), "eve")}
    out = tmp_path / "study"
    result = run_batch([str(export)], str(out), client=client, chunk_size=1)
    rows = _table(out)
    whole = {m.name for m in iter_archive_members(export)}
    assert {r["source"] for r in rows} == whole
    assert result.counts.files == len(whole)  # a row set per member, none twice
    assert len({(r["source"], r["index"]) for r in rows}) == len(rows)
    env = _imported([str(export)], tmp_path / "home")
    for member, path in recordings.items():
        _assert_rows_match_analyze(rows, str(real_dir / path), f"{export}!{member}", env)


def test_a_rerun_skips_everything_already_done(
    archive: Path, client: Client, tmp_path: Path
) -> None:
    first = run_batch([str(archive)], str(tmp_path), client=client)
    before = _table(tmp_path)
    again = run_batch([str(archive)], str(tmp_path), client=client)
    assert first.counts.files > 0 and len(before) == first.counts.rows
    assert (again.counts.files, again.counts.rows) == (0, 0)
    assert again.counts.skipped == first.counts.files
    assert _table(tmp_path) == before


def test_rows_without_their_done_set_file_are_removed(
    archive: Path, client: Client, tmp_path: Path
) -> None:
    """A worker killed between writing its rows and its done-set file: the rows go, and the
    files are analysed again."""
    out = tmp_path / "study"
    run_batch([str(archive / "ann")], str(out), client=client, chunk_size=100)
    before = _table(out)
    [done] = list((out / "done").glob("part-*.parquet"))
    done.unlink()
    again = run_batch([str(archive / "ann")], str(out), client=client, chunk_size=100)
    assert again.counts.skipped == 0 and again.counts.rows == len(before)
    assert [{**r, "sha256": r["sha256"]} for r in _table(out)] == before


def test_real_files_and_a_synthetic_archive_on_a_local_cluster(
    real_dir: Path, archive: Path, client: Client, tmp_path: Path
) -> None:
    """The issue's "done when": every real recording of ``../shared/data/real`` and the
    synthetic archive in one batch; every file has its rows exactly once; each row equals
    ``legday analyze`` of its file with its athlete's files imported (an athlete is a folder
    name: files of folders of one name share a history, in the batch as in the home); a
    re-run skips all of it, the history's passes too."""
    from legday.batch.sources import _wanted, athlete_of

    real = [str(real_dir / row["path"]) for row in real_manifest()]
    assert set(REAL) <= {row["path"] for row in real_manifest()}
    out = tmp_path / "study"
    inputs = [*real, str(archive)]
    first = run_batch(inputs, str(out), client=client)
    rows = _table(out)
    synthetic = sorted(str(p) for p in archive.rglob("*") if _wanted(str(p)) and p.suffix != ".zip")
    members = [f"{archive / 'bob' / 'export.zip'}!activities/{p.name}" for p in _zipped(archive)]
    assert {r["source"] for r in rows} == {*real, *synthetic, *members}
    assert first.counts.files == len(real) + len(synthetic) + len(members)
    assert len({(r["source"], r["index"]) for r in rows}) == len(rows) == first.counts.rows
    by_athlete: dict[str, list[str]] = {}
    for path in real:
        by_athlete.setdefault(athlete_of(path), []).append(path)
    for k, (athlete, paths) in enumerate(sorted(by_athlete.items())):
        env = _imported(paths, tmp_path / f"home{k}")
        for path in paths:
            if path.endswith(".csv"):  # analyze reads no CSV: a lifting log's sessions, or
                mine = [r for r in rows if r["source"] == path]  # another CSV's error
                lifts = all(r["sport"] == "strength_training" and not r["error"] for r in mine)
                assert mine and (lifts or (len(mine) == 1 and mine[0]["error_type"])), athlete
            else:
                _assert_rows_match_analyze(rows, path, path, env)
    env = _imported([str(archive / "ann")], tmp_path / "home-ann")
    for path in synthetic:
        if "/ann/" in path and not path.endswith(".csv"):
            _assert_rows_match_analyze(rows, path, path, env)
    assert len([r for r in rows if r["source"] == str(real_dir / REAL[2])]) > 1  # triathlon
    again = run_batch(inputs, str(out), client=client)
    assert (again.counts.files, again.scanned.files, again.judged.files) == (0, 0, 0)
    assert again.counts.skipped == first.counts.files
    assert _table(out) == rows


def _zipped(archive: Path) -> list[Path]:
    with zipfile.ZipFile(archive / "bob" / "export.zip") as zf:
        return [Path(n) for n in zf.namelist()]


def test_summary_counts_what_the_table_holds(archive: Path, client: Client, tmp_path: Path) -> None:
    out = tmp_path / "study"
    run_batch([str(archive)], str(out), client=client)
    rows = [r for r in _table(out) if r["error"] is None]
    weeks = summarise(str(out))
    ann = [w for w in weeks if w["athlete"] == "ann"]
    bob = [w for w in weeks if w["athlete"] == "bob"]
    assert sum(w["runs"] for w in ann) == sum(
        r["athlete"] == "ann" and r["kind"] is not None for r in rows
    )
    assert sum(w["strength_sessions"] for w in ann) == sum(
        r["athlete"] == "ann" and r["sport"] == "strength_training" for r in rows
    )
    legs = {r["start"].date() for r in rows if r["athlete"] == "ann" and r["counts_as_leg_day"]}
    assert sum(w["leg_days"] for w in ann) == len(legs) > 0
    assert all(w[r] in ("met", "broken", "n/a") for w in ann for r in ("r8", "r9", "r10", "r11"))
    power = sum(
        r["duration_s"] / 60 for r in rows if r["athlete"] == "ann" and r["category"] == "power"
    )
    assert sum(w["power_min"] for w in ann) == pytest.approx(power)
    # bob has runs but no strength session: whether he lifts, the table cannot tell
    assert bob and all(w["r8"] == "unknown" and w["r11"] == "unknown" for w in bob)
    assert sum(w["runs"] for w in weeks) == sum(w["runs"] for w in ann + bob)


def test_the_cli_on_a_local_cluster_of_processes(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "study"
    args = ["batch", str(archive / "bob"), "--out", str(out), "--workers", "1", "--blocks"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert (counts["files"], counts["failed"], counts["skipped"]) == (3, 1, 0)
    assert counts["history"] == {"scanned": 3, "judged": 1, "skipped": 0}  # 1: the later run
    blocks = ds.dataset(out / "blocks", format="parquet", partitioning="hive").to_table()
    assert set(blocks.column("source").to_pylist()) == {
        r["source"] for r in _table(out) if r["error"] is None
    }
    argv = ["batch-summary", str(out), "--out", str(tmp_path / "w.pq"), "--json"]
    summary = runner.invoke(app, argv)
    assert summary.exit_code == 0, summary.output
    weeks = json.loads(summary.stdout)
    assert weeks and {w["athlete"] for w in weeks} == {"bob"}
    assert all(w["r8"] == "unknown" for w in weeks)
    assert ds.dataset(tmp_path / "w.pq").count_rows() == len(weeks)


def test_the_local_cluster_runs_without_dask_statistical_profiler() -> None:
    """``legday batch``'s own cluster: its workers do not sample the running task's stack
    every 10 ms, nor check their event loop every 20 ms (CPU taken from the analysis)."""
    import dask.config

    from legday.batch.run import local_cluster

    def settings() -> tuple[Any, ...]:
        get = dask.config.get
        return get("distributed.worker.profile.enabled"), get("distributed.admin.tick.interval")

    with local_cluster(1) as client:
        assert list(client.run(settings).values()) == [(False, "1s")]


def test_without_dask_the_command_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from legday.cli import batch as batch_cli

    monkeypatch.setattr(batch_cli, "_NEEDS", ("dask", "legday_no_such_module"))
    for argv in (["batch", str(tmp_path), "--out", str(tmp_path / "o")], ["batch-summary", "x"]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 1
        assert result.stderr.strip() == f"legday: error: {batch_cli.INSTALL_HINT}"
    assert not (tmp_path / "o").exists()


def test_the_core_and_the_cli_import_no_dask() -> None:
    code = (
        "import sys, legday, legday.cli, legday.store.work\n"
        "bad = [m for m in ('dask', 'distributed', 'pyarrow', 'fsspec') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_fsspec_file_system_other_than_local(
    archive: Path, client: Client, tmp_path: Path
) -> None:
    """Inputs on fsspec's in-memory file system (shared with the threads of the cluster), as
    they would be on s3://: a file and a zip, which a worker copies to a local file to read."""
    import fsspec

    memory = fsspec.filesystem("memory")
    run = next(p for p in sorted((archive / "ann").iterdir()) if p.suffix == ".fit")
    memory.pipe("/legday-test/cat/run.fit", run.read_bytes())
    memory.pipe("/legday-test/cat/export.zip", (archive / "bob" / "export.zip").read_bytes())
    try:
        result = run_batch(["memory://legday-test/cat"], str(tmp_path), client=client)
    finally:
        memory.rm("/legday-test", recursive=True)
    rows = _table(tmp_path)
    assert result.counts.files == 3 and result.counts.failed == 0
    assert {r["athlete"] for r in rows} == {"cat"}
    folder = memory.unstrip_protocol("/legday-test/cat")  # the URL a worker opens
    sources = {r["source"] for r in rows}
    assert f"{folder}/run.fit" in sources
    assert sum(s.startswith(f"{folder}/export.zip!activities/") for s in sources) == 2
    _assert_rows_match_analyze(rows, str(run), f"{folder}/run.fit")
