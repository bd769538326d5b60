"""What ``legday rm`` removed stays removed (issue 16's leftovers), on both back ends.

Each test failed before the fix: a newer Strong export brought a removed strength session back,
the same run from another source brought a removed run back, and SQLite gave the id of a
removed newest session to the next import.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from typer.testing import CliRunner

from legday.cli import app
from legday.home import Home
from legday.store.db import open_database
from legday.store.library import Library
from legday.store.schema import ActivityRow, RemovedRow, StrengthSessionRow
from legday.synth import (
    Device,
    SyntheticAthlete,
    SyntheticRun,
    make_run,
    make_strength_session,
    write_fit,
    write_gpx,
    write_strong_csv,
)

runner = CliRunner()
TODAY = datetime.now(UTC).date().isoformat()  # the day `legday rm` runs in the CLI tests


def _exports(folder: Path, days: tuple[int, ...] = (2, 5, 9, 12)) -> list[Path]:
    """Strong exports of a growing log: the k-th holds the first k + 2 sessions."""
    athlete = SyntheticAthlete.default()
    rng = np.random.default_rng(7)
    sessions = [
        make_strength_session(athlete, datetime(2026, 11, d, 17, tzinfo=UTC), rng, "lower")
        for d in days
    ]
    paths = []
    for k in range(2, len(sessions) + 1):
        path = folder / f"strong-{k}.csv"
        path.write_text(write_strong_csv(sessions[:k]), encoding="utf-8")
        paths.append(path)
    return paths


def _easy_run() -> SyntheticRun:
    return make_run(
        "easy",
        SyntheticAthlete.default(),
        Device.clean(),
        datetime(2026, 11, 24, 7, tzinfo=UTC),
        np.random.default_rng(1),
    )


def _strength_ids(db_url: str, home: Path) -> list[int]:
    lib = Library.open(Home(home), db_url)
    try:
        with lib.db.session() as s:
            return list(s.scalars(sa.select(StrengthSessionRow.id).order_by(StrengthSessionRow.id)))
    finally:
        lib.close()


def _json_cli(env: dict[str, str], db_url: str) -> Callable[..., dict[str, object]]:
    """A legday command run with ``--json`` on ``db_url``: its output, after a zero exit."""

    def cli(*args: str) -> dict[str, object]:
        result = runner.invoke(app, [*args, "--json", "--db", db_url], env=env)
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.stdout))

    return cli


def test_cli_a_removed_strength_session_stays_removed(tmp_path: Path, db_url: str) -> None:
    env = {"LEGDAY_HOME": str(tmp_path / "home")}
    first, second, third = _exports(tmp_path)
    cli = _json_cli(env, db_url)

    cli("import", str(first))
    _, gone = _strength_ids(db_url, tmp_path / "home")
    assert cli("rm", f"s{gone}") == {"removed": [f"s{gone}"]}

    newer = cli("import", str(second))["files"][0]  # type: ignore[index]
    assert newer["sessions"] == 1  # only the new session; the removed one stays removed
    (skipped,) = newer["removed"]
    assert (skipped["id"], skipped["action"], skipped["removed_on"]) == (
        f"s{gone}",
        "skipped",
        TODAY,
    )
    assert skipped["start"].startswith("2026-11-05T")  # the session's own day
    assert gone not in _strength_ids(db_url, tmp_path / "home")

    shown = runner.invoke(app, ["import", str(third), "--db", db_url], env=env)
    assert shown.exit_code == 0, shown.output
    assert f"s{gone} skipped: removed by you on {TODAY}" in shown.stdout
    assert "--restore-removed" in shown.stdout

    back = cli("import", str(third), "--restore-removed")["files"][0]  # type: ignore[index]
    assert back["status"] == "imported" and back["sessions"] == 1
    assert [r["action"] for r in back["removed"]] == ["restored"]
    assert len(_strength_ids(db_url, tmp_path / "home")) == 4
    assert cli("import", str(third))["duplicates"] == 1  # nothing left to skip or restore
    undo = runner.invoke(app, ["rm", "--undo", "--db", db_url], env=env)
    assert undo.exit_code == 1 and "nothing to undo" in undo.stderr  # its removal is over


def test_a_removed_run_stays_removed_when_another_source_has_it(
    tmp_path: Path, db_url: str
) -> None:
    run = _easy_run()
    (tmp_path / "strava.gpx").write_bytes(write_gpx(run.activity))
    (tmp_path / "garmin.fit").write_bytes(write_fit(run.activity, run.truth))
    lib = Library.open(Home(tmp_path), db_url)
    try:
        assert lib.import_paths([tmp_path / "garmin.fit"], workers=1).ok
        with lib.db.session() as s:
            (ident,) = s.scalars(sa.select(ActivityRow.id)).all()
        lib.remove([str(ident)])
        report = lib.import_paths([tmp_path / "strava.gpx"], workers=1).files[0]
        assert (report.status, report.sessions) == ("duplicate", 0)
        assert [(r["id"], r["action"]) for r in report.removed] == [(str(ident), "skipped")]
        assert not lib.has_sessions()
        again = lib.import_paths([tmp_path / "strava.gpx"], workers=1, restore_removed=True)
        assert again.files[0].sessions == 1 and lib.has_sessions()
    finally:
        lib.close()


def test_ids_never_repeat_after_rm(tmp_path: Path, db_url: str) -> None:
    first, second, third = _exports(tmp_path)
    lib = Library.open(Home(tmp_path), db_url)
    try:
        seen: set[int] = set()
        for path in (first, second, third):
            assert lib.import_paths([path], workers=1).ok
            with lib.db.session() as s:
                ids = set(s.scalars(sa.select(StrengthSessionRow.id)))
            assert not (ids - seen) & seen
            newest = max(ids)
            seen |= ids
            lib.remove([f"s{newest}"])  # the newest: SQLite's rowid would hand it out again
            logged = lib.log("back squat 3x5 @ 60kg", date(2026, 12, 1 + len(seen)))
            assert logged.id not in seen
            seen.add(logged.id)
    finally:
        lib.close()


def _at_0006(path: Path) -> None:
    """A database as legday wrote it before migration 0007."""
    from alembic import command
    from alembic.config import Config

    engine = sa.create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("legday.store") / "migrations"))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0006")
    engine.dispose()


def test_migration_0007_keeps_every_row_and_never_reuses_a_removed_id(tmp_path: Path) -> None:
    """The rebuild of activities and strength_sessions on SQLite: children kept (a drop with
    foreign keys on would cascade to them), ids past the removed ones, fingerprints filled."""
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    # the rows through today's schema on a fresh database, copied into a 0006 one
    lib = Library.open(Home(home), f"sqlite:///{tmp_path / 'new.sqlite'}")
    try:
        (first, *_) = _exports(tmp_path)
        run = _easy_run()
        (tmp_path / "run.fit").write_bytes(write_fit(run.activity, run.truth))
        assert lib.import_paths([first, tmp_path / "run.fit"], workers=1).ok
        lifted = lib.log("back squat 3x5 @ 60kg", date(2026, 12, 1))
        lib.remove([f"s{lifted.id}"])
    finally:
        lib.close()
    _at_0006(tmp_path / "old.sqlite")
    tables = ["athletes", "files", "activities", "laps", "segments", "best_efforts"]
    tables += ["strength_sessions", "strength_sets", "removed_sessions", "lift_state"]
    counts = {}
    with (
        sa.create_engine(f"sqlite:///{tmp_path / 'new.sqlite'}").connect() as new,
        sa.create_engine(url).begin() as old,
    ):
        for table in tables:
            rows = new.execute(sa.text(f"select * from {table}")).mappings().all()
            counts[table] = len(rows)
            newer = {("removed_sessions", "fingerprint"), ("files", "athlete_id")}  # than 0006
            columns = [c for c in rows[0] if (table, c) not in newer] if rows else []
            if rows:
                names = ", ".join(f'"{c}"' for c in columns)
                values = ", ".join(f":{c}" for c in columns)
                old.execute(
                    sa.text(f"insert into {table} ({names}) values ({values})"),
                    [{c: r[c] for c in columns} for r in rows],
                )
    assert all(counts[t] for t in ("laps", "strength_sets", "removed_sessions")), counts

    db = open_database(url)  # migrates to 0007
    try:
        with db.engine.connect() as c:
            for table in tables:
                assert c.execute(sa.text(f"select count(*) from {table}")).scalar() == counts[table]
            assert c.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
            assert not c.execute(sa.text("PRAGMA foreign_key_check")).all()
            for table in ("activities", "strength_sessions"):
                sql = c.execute(
                    sa.text("select sql from sqlite_master where name = :t"), {"t": table}
                ).scalar()
                assert "AUTOINCREMENT" in sql and "ON DELETE CASCADE" in sql
        with db.session() as s:
            removed = s.scalars(sa.select(RemovedRow)).one()
            assert removed.fingerprint == removed.payload["fingerprint"]
    finally:
        db.dispose()
    lib = Library.open(Home(home), url)
    try:
        again = lib.log("front squat 3x5 @ 50kg", date(2026, 12, 2))
        assert again.id > lifted.id  # the removed newest id is not handed out again
    finally:
        lib.close()


def test_cli_an_edited_session_does_not_come_back_on_import(tmp_path: Path, db_url: str) -> None:
    # a corrected lifting session: the export it came from, imported again, adds nothing
    first, second, _ = _exports(tmp_path)
    cli = _json_cli({"LEGDAY_HOME": str(tmp_path / "home")}, db_url)

    cli("import", str(first))
    edited, _ = _strength_ids(db_url, tmp_path / "home")
    cli("edit", f"s{edited}", "--sets", "back squat 3x5 @ 100kg rir 2", "--date", "2026-11-02")
    assert cli("import", str(first))["duplicates"] == 1  # the same file
    newer = cli("import", str(second))["files"][0]  # type: ignore[index]
    assert newer["sessions"] == 1  # only the export's new session
    assert len(_strength_ids(db_url, tmp_path / "home")) == 3
