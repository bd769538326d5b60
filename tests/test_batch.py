"""``legday batch`` and ``batch-summary`` (issue 21): the import's analysis on Dask, into Parquet.

A synthetic archive (two athletes' folders, a lifting log, a zip, a corrupt file) and real
recordings read in place go through :func:`legday.batch.run_batch` on a small LocalCluster
(threads: the same code path as processes, without their start-up cost). Each file must have
its rows exactly once, equal to what ``legday analyze`` gives for the file on its own; a bad
file is a row with its typed error; a re-run does nothing; the summary counts what the table
holds and says "unknown" where watch files cannot tell.
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


def _analyze(path: str) -> list[dict[str, Any]] | None:
    """``legday analyze PATH --json`` as a list of sessions, None when it fails."""
    result = runner.invoke(app, ["analyze", path, "--json"])
    if result.exit_code != 0:
        return None
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]


def _assert_rows_match_analyze(rows: list[dict[str, Any]], path: str, source: str) -> None:
    mine = [r for r in rows if r["source"] == source]
    expected = _analyze(path)
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
    result = run_batch([str(archive)], str(tmp_path), client=client, chunk_size=3)
    rows = _table(tmp_path)
    runs = sorted(p for p in (archive / "ann").iterdir() if p.suffix in (".fit", ".tcx"))
    # every run, the CSV, two zip members and the broken file; the CSV's sessions are rows
    assert result.counts.files == len(runs) + 4
    assert result.counts.failed == 1
    assert len({(r["source"], r["index"]) for r in rows}) == len(rows) == result.counts.rows
    for path in runs:
        _assert_rows_match_analyze(rows, str(path), str(path))
    assert {r["athlete"] for r in rows} == {"ann", "bob"}


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
    for row in rows:
        zip_path, member = row["source"].split("!")
        assert zip_path == str(archive / "bob" / "export.zip")
        name = member.removeprefix("activities/")
        _assert_rows_match_analyze(rows, str(archive / "ann" / name), row["source"])


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


def test_real_files_match_analyze(real_dir: Path, client: Client, tmp_path: Path) -> None:
    out = tmp_path / "study"
    paths = [str(real_dir / p) for p in REAL]
    listed = {row["path"] for row in real_manifest()}
    assert set(REAL) <= listed
    run_batch(paths, str(out), client=client, chunk_size=2)
    rows = _table(out)
    assert {r["source"] for r in rows} == set(paths)
    for path in paths:
        _assert_rows_match_analyze(rows, path, path)
    assert len([r for r in rows if r["source"] == paths[2]]) > 1  # the triathlon's legs


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
    args = ["batch", str(archive / "bob"), "--out", str(out), "--workers", "1", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert (counts["files"], counts["failed"], counts["skipped"]) == (3, 1, 0)
    argv = ["batch-summary", str(out), "--out", str(tmp_path / "w.pq"), "--json"]
    summary = runner.invoke(app, argv)
    assert summary.exit_code == 0, summary.output
    weeks = json.loads(summary.stdout)
    assert weeks and {w["athlete"] for w in weeks} == {"bob"}
    assert all(w["r8"] == "unknown" for w in weeks)
    assert ds.dataset(tmp_path / "w.pq").count_rows() == len(weeks)


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
