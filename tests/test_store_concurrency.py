"""Imports at the same moment, on both back ends: nothing duplicated, nothing reported failed.

Each trial starts real ``legday import`` processes that load legday first and then wait for one
"go" file, so they reach the database together (a first use races on creating the tables and
the athlete; two imports of the same runs race on the same-session check).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from conftest import new_pg_database
from legday.store.db import open_database
from legday.store.schema import ActivityRow, AthleteRow
from legday.synth import Device, SyntheticAthlete, make_run, write_fit, write_gpx

#: Loads legday, says it is ready, waits for the go file, then runs the command line.
_WORKER = """
import os, sys, time
from pathlib import Path
from legday.cli import app
go = Path(sys.argv[1])
(go.parent / f"{go.name}.ready-{os.getpid()}").touch()
while not go.exists():
    time.sleep(0.002)
app(sys.argv[2:], prog_name="legday")
"""


def _race(home: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Run each ``legday`` command in its own process, released at the same moment."""
    go = home / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "LEGDAY_HOME": str(home)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(go), *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in commands
    ]
    deadline = time.monotonic() + 120
    while len(list(home.glob(f"{go.name}.ready-*"))) < len(procs):
        assert all(p.poll() is None for p in procs), "a worker died before the start"
        assert time.monotonic() < deadline, "the workers did not load legday in 120 s"
        time.sleep(0.01)
    go.touch()
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def _runs(folder: Path, n: int, seed: int) -> tuple[Path, Path, Path]:
    """``n`` synthetic runs written three times: as FIT in ``folder/fit``, as GPX in
    ``folder/gpx``, and as GPX from another app (another creator) in ``folder/app``."""
    athlete = SyntheticAthlete.default()
    rng = np.random.default_rng(seed)
    fit, gpx, app = folder / "fit", folder / "gpx", folder / "app"
    for sub in (fit, gpx, app):
        sub.mkdir(parents=True)
    first = datetime(2026, 11, 2, 7, tzinfo=UTC)
    for i in range(n):
        run = make_run("easy", athlete, Device.clean(), first + timedelta(days=i), rng)
        (fit / f"run{i}.fit").write_bytes(write_fit(run.activity, run.truth))
        (gpx / f"run{i}.gpx").write_bytes(write_gpx(run.activity))
        (app / f"run{i}.gpx").write_bytes(write_gpx(replace(run.activity, device="Another app")))
    return fit, gpx, app


def _import(paths: list[Path], url: str) -> list[str]:
    return ["import", *map(str, paths), "--db", url, "--workers", "1", "--json"]


def _summaries(results: list[subprocess.CompletedProcess[str]]) -> list[dict[str, object]]:
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr, r.stderr
    return [json.loads(r.stdout) for r in results]


@pytest.mark.slow
def test_the_same_runs_imported_at_once_on_a_new_database_are_stored_once(
    db_url: str, tmp_path: Path
) -> None:
    """The same runs from a watch (FIT), from Strava (GPX) and from another app (GPX of another
    creator), imported by three processes at the same moment into a new database, 4 trials.

    First use: the tables and the athlete are created once, and every import succeeds (SQLite
    died on "table already exists", PostgreSQL on a UniqueViolation). Then each run is stored
    once: PostgreSQL stored some twice while the same-session check and the insert were two
    steps under READ COMMITTED."""
    n_runs = 10
    folders = _runs(tmp_path / "runs", n_runs, seed=2)
    duplicated = []
    for trial in range(4):
        url = _fresh(db_url, tmp_path, trial)
        home = tmp_path / f"home-{trial}"
        home.mkdir()
        summaries = _summaries(_race(home, [_import([f], url) for f in folders]))
        assert [s["failed"] for s in summaries] == [0, 0, 0]
        db = open_database(url)
        try:
            with db.session() as s:
                assert s.scalar(sa.select(sa.func.count()).select_from(AthleteRow)) == 1
                stored = s.scalar(sa.select(sa.func.count()).select_from(ActivityRow))
        finally:
            db.dispose()
        duplicated.append(stored - n_runs)
    assert duplicated == [0, 0, 0, 0]


@pytest.mark.slow
def test_the_same_folder_imported_twice_at_once(db_url: str, tmp_path: Path) -> None:
    """Two processes import one folder at once (3 trials): every file is imported by one and
    reported a duplicate by the other, never failed."""
    n_runs = 6
    fit, _, _ = _runs(tmp_path / "runs", n_runs, seed=3)
    for trial in range(3):
        url = _fresh(db_url, tmp_path, trial)
        open_database(url).dispose()
        home = tmp_path / f"home-{trial}"
        home.mkdir()
        a, b = _summaries(_race(home, [_import([fit], url), _import([fit], url)]))
        assert a["failed"] == b["failed"] == 0, (a, b)
        assert a["imported"] + b["imported"] == n_runs
        assert a["duplicates"] + b["duplicates"] == n_runs


def _fresh(db_url: str, tmp_path: Path, trial: int) -> str:
    """A new empty database on ``db_url``'s back end for each trial."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'trial-{trial}.sqlite'}"
    return new_pg_database(db_url)
