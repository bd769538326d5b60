"""Totals and records on the demo runner's history, on SQLite and PostgreSQL: best efforts are
stored at import, filled in once for runs without them, found again by ``legday reanalyze``,
and go with their run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from legday.analysis.efforts import EFFORT_DISTANCES, best_efforts
from legday.cli.demo import DEMO_WATCH
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.store.records import PERIODS, records
from legday.store.samples import unpack_samples
from legday.store.schema import ActivityRow, BestEffortRow
from legday.synth import Device, SyntheticAthlete, generate_history, write_history


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files of a two-week demo runner, as ``legday demo`` writes them: FIT, GPX and TCX
    runs from its GPS and barometer watch, and a Strong CSV."""
    return write_demo_files(tmp_path_factory.mktemp("records"))


def write_demo_files(folder: Path) -> Path:
    """Two weeks of the demo's runner, written to ``folder``."""
    watch = Device(DEMO_WATCH, has_gps=True, has_baro=True, noise=1)
    history = generate_history(weeks=2, seed=4, device=watch, end=date(2026, 11, 22))
    write_history(history, folder, formats=("fit", "gpx", "tcx"))
    return folder


@pytest.fixture
def lib(db_url: str, tmp_path: Path, demo_files: Path) -> Iterator[Library]:
    library = Library(
        db=open_database(db_url),
        blobs=BlobStore(tmp_path / "originals"),
        profile=SyntheticAthlete.default().profile(),
        settings=Settings(),
    )
    summary = library.import_paths([demo_files], workers=1)
    assert summary.ok and summary.count("imported") > 5
    yield library
    library.close()


def _efforts(lib: Library) -> dict[tuple[int, str], float | None]:
    with lib.db.session() as s:
        rows = s.execute(
            sa.select(BestEffortRow.activity_id, BestEffortRow.distance, BestEffortRow.elapsed_s)
        ).all()
    return {(a, d): e for a, d, e in rows}


def _runs(lib: Library) -> dict[int, tuple[str, dict[str, np.ndarray]]]:
    with lib.db.session() as s:
        rows = s.execute(sa.select(ActivityRow.id, ActivityRow.sport, ActivityRow.samples)).all()
    return {i: (sport, unpack_samples(blob)) for i, sport, blob in rows}


def test_best_efforts_are_stored_at_import_and_give_the_records(lib: Library) -> None:
    efforts = _efforts(lib)
    runs = {i: s for i, (sport, s) in _runs(lib).items() if sport == "running"}
    assert runs and {a for a, _ in efforts} == set(runs)  # every run, nothing else
    for activity_id, samples in runs.items():
        found = best_efforts(samples["timestamp"], samples["distance_m"])
        for name in EFFORT_DISTANCES:
            stored = efforts[activity_id, name]
            if name in found:
                assert stored == pytest.approx(found[name].elapsed_s)
            else:
                assert stored is None
    got = records(lib)
    assert [r.distance for r in got.personal][:3] == ["400m", "1k", "1mi"]
    for record in got.personal:
        times = [e for (_, d), e in efforts.items() if d == record.distance and e is not None]
        assert record.elapsed_s == pytest.approx(min(times))
        assert efforts[record.activity_id, record.distance] == pytest.approx(record.elapsed_s)
    # a longer distance never takes less time than a shorter one
    times = [r.elapsed_s for r in got.personal]
    assert times == sorted(times)
    assert got.lifts and got.lifts[0].e1rm_kg >= got.lifts[-1].e1rm_kg


def test_totals_add_up_over_weeks_months_and_years(lib: Library) -> None:
    got = records(lib)
    with lib.db.session() as s:
        distance = s.scalar(sa.select(sa.func.sum(ActivityRow.distance_m)))
        count = s.scalar(sa.select(sa.func.count(ActivityRow.id)))
    for period in PERIODS:
        totals = got.totals[period]
        assert [t.first for t in totals] == sorted((t.first for t in totals), reverse=True)
        assert sum(t.distance_m for t in totals) == pytest.approx(distance)
        assert sum(t.sessions for t in totals) == count
        assert all(t.moving_s <= t.duration_s for t in totals)
    assert sum(t.ascent_m for t in got.totals["week"]) > 0  # the demo's runs climb hills
    assert all(t.first.weekday() == 0 for t in got.totals["week"])
    assert all(t.first.day == 1 for t in got.totals["month"])


def test_runs_without_efforts_get_them_once_and_reanalyze_finds_them_again(
    lib: Library,
) -> None:
    before = _efforts(lib)
    with lib.db.session() as s:
        s.execute(sa.delete(BestEffortRow))
    assert records(lib).personal  # filled in on the way
    assert _efforts(lib) == pytest.approx(before)
    with lib.db.session() as s:
        s.execute(sa.update(BestEffortRow).values(elapsed_s=1.0))
    lib.reanalyze()
    assert _efforts(lib) == pytest.approx(before)


def test_a_removed_run_takes_its_efforts_and_its_records(lib: Library) -> None:
    record = records(lib).personal[0]
    lib.remove([record.activity_id])
    assert record.activity_id not in {a for a, _ in _efforts(lib)}
    assert records(lib).personal[0].activity_id != record.activity_id
    lib.undo_remove()  # back with its id, and its efforts found again
    assert records(lib).personal[0] == record


def test_cli_records_prints_what_the_library_finds(lib: Library) -> None:
    from typer.testing import CliRunner

    from legday import serialise
    from legday.cli import app

    runner = CliRunner()
    db = ["--db", lib.db.url]
    shown = runner.invoke(app, ["records", "--json", *db])
    assert shown.exit_code == 0, shown.output
    expected = serialise.records(records(lib).to_dict())
    assert json.loads(shown.output) == json.loads(serialise.dumps(expected))
    table = runner.invoke(app, ["records", *db])
    assert table.exit_code == 0, table.output
    best = records(lib).personal[0]
    assert "Personal records" in table.output and "400 m" in table.output
    assert best.local_start.date().isoformat() in table.output
    assert "Totals per month" in table.output and "ascent" in table.output


def test_a_read_only_database_still_gives_every_record(tmp_path: Path, demo_files: Path) -> None:
    """A run stored without its efforts, on a database this process may only read (SQLite's
    ``immutable``: writes fail as on a read-only file): found on the way, not stored."""
    url = f"sqlite:///{tmp_path / 'legday.sqlite'}"
    writer = Library(
        db=open_database(url),
        blobs=BlobStore(tmp_path / "originals"),
        profile=SyntheticAthlete.default().profile(),
        settings=Settings(),
    )
    try:
        assert writer.import_paths([demo_files], workers=1).ok
        expected = records(writer).personal
        with writer.db.session() as s:
            s.execute(sa.delete(BestEffortRow))
    finally:
        writer.close()
    reader = replace(
        writer,
        db=open_database(f"sqlite:///file:{tmp_path / 'legday.sqlite'}?immutable=1&uri=true"),
    )
    try:
        assert records(reader).personal == expected
        assert _efforts(reader) == {}  # nothing written
    finally:
        reader.close()
