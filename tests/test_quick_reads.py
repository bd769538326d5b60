"""The everyday commands' reads without SQLAlchemy (issue 18 item 5, :mod:`legday.store.quick`).

A SQLite home at this legday's schema is read with :mod:`sqlite3` alone; every other database
through the SQLAlchemy session, with the same statements. These tests read one imported history
both ways and require the same answers, from the library and from each command's text and JSON;
check which databases take the sqlite3 path (and that it never opens SQLAlchemy); and that
PostgreSQL keeps its session and answers alike."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from legday.cli import app
from legday.home import Home
from legday.store import db as db_module
from legday.store import quick
from legday.store.db import Database, open_database
from legday.store.library import Library
from legday.synth import generate_history, write_history

runner = CliRunner()

#: The history's last day: the week of the race (runs, lifts and a label).
WEEKS = 5


def _import(home: Path, files: Path, db_url: str | None = None) -> None:
    lib = Library.open(Home(home), db_url, clock=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    try:
        summary = lib.import_paths([files], workers=1)
        assert summary.count("failed") == 0
        lib.label(3, "tempo")  # a run the runner labelled: the verdict says so first
        lib.log("back squat 3x5 @ 80kg rir 2; db row 3x10 @ 2x20kg; plank 2x45s", LAST_LOG)
    finally:
        lib.close()


LAST_LOG = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, date]:
    """A home with five weeks of runs and lifts imported, the files and the last day."""
    folder = tmp_path_factory.mktemp("quick")
    made = generate_history(weeks=WEEKS, seed=11, end=date(2026, 11, 22))
    write_history(made, folder / "files", formats=("fit", "gpx", "tcx"))
    _import(folder / "home", folder / "files")
    return folder / "home", folder / "files", made.last_day


@pytest.fixture
def both(history: tuple[Path, Path, date]) -> Iterator[tuple[Library, Library]]:
    """The same home read through sqlite3 and through SQLAlchemy."""
    home = Home(history[0])
    fast = Library.open(home)
    assert isinstance(fast.db, quick.QuickDatabase)
    orm = replace(fast, db=open_database(fast.db.url))
    yield fast, orm
    fast.close()
    orm.close()


def _answers(lib: Library, day: date) -> dict[str, Any]:
    """Everything the four commands (and the pages that share their reads) ask the library."""
    week = lib.session_facts(date(2026, 10, 1), day)
    return {
        "facts": week,
        "week": lib.week(day).to_dict(),
        "strength": lib.strength_report(),
        "squat": lib.strength_report("back squat"),
        "overview": lib.strength_overview(8),
        "sessions": lib.strength_sessions(),
        "recent": lib.strength_sessions(weeks=2),
        "plan": lib.plan(day).to_dict(),
        "block": lib.plan(day, weeks=4).to_dict(),
        "activities": [lib.activity(f.id) for f in week if isinstance(f.id, int)],
        "lifts": [lib.strength_session(int(str(f.id)[1:])) for f in week if f.type == "strength"],
    }


def test_the_library_answers_alike_through_sqlite3_and_sqlalchemy(
    both: tuple[Library, Library], history: tuple[Path, Path, date], monkeypatch: Any
) -> None:
    fast, orm = both
    day = history[2]
    expected = _answers(orm, day)
    assert expected["activities"] and expected["lifts"] and expected["strength"]["exercises"]
    assert any(a["label"] for a in expected["activities"])

    def refused(url: str, **_: Any) -> Database:
        raise AssertionError(f"the sqlite3 path opened SQLAlchemy on {url}")

    monkeypatch.setattr(db_module, "open_database", refused)
    assert _answers(fast, day) == expected


#: Each command's arguments, text and --json; {run} and {lift} are ids of the last week.
COMMANDS = (
    ["week", "--date", "{day}", "--json"],
    ["week", "--date", "{day}"],
    ["strength", "--json"],
    ["strength"],
    ["strength", "--exercise", "back squat", "--json"],
    ["plan", "--json"],
    ["plan"],
    ["verdict", "{run}", "--json"],
    ["verdict", "{run}"],
    ["verdict", "3"],  # labelled
    ["verdict", "{lift}", "--json"],
    ["verdict", "{lift}"],
)


def test_each_command_prints_the_same_both_ways(
    history: tuple[Path, Path, date], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _, day = history
    facts = Library.open(Home(home)).session_facts(day, day)
    values = {
        "day": day.isoformat(),
        "run": str(next(f.id for f in facts if f.type == "run")),
        "lift": "s1",
    }
    env = {"LEGDAY_HOME": str(home)}
    outputs = []
    for args in COMMANDS:
        given = [a.format(**values) for a in args]
        fast = runner.invoke(app, given, env=env)
        with monkeypatch.context() as m:
            m.setattr(quick, "open_reader", lambda url: None)  # the SQLAlchemy path
            orm = runner.invoke(app, given, env=env)
        assert fast.exit_code == orm.exit_code == 0, (given, fast.output, orm.output)
        assert fast.stdout == orm.stdout, given
        outputs.append(fast.stdout)
    assert "set by you" in outputs[COMMANDS.index(["verdict", "3"])]


def test_the_schema_head_is_the_databases(history: tuple[Path, Path, date]) -> None:
    assert quick.schema_head() == db_module.SCHEMA_HEAD


def _copy(history: tuple[Path, Path, date], tmp_path: Path) -> Path:
    target = tmp_path / "legday.sqlite"
    with (
        sqlite3.connect(history[0] / "legday.sqlite") as source,
        sqlite3.connect(target) as copy,
    ):
        source.backup(copy)
    source.close()
    copy.close()
    return target


@pytest.mark.parametrize(
    ("change", "quick_path"),
    [
        (None, True),
        ("update alembic_version set version_num = '0001'", False),  # to upgrade first
        ("update alembic_version set version_num = '0099'", False),  # a newer legday's
        ("delete from alembic_version", False),
        ("drop table alembic_version", False),
    ],
)
def test_only_a_database_at_the_schema_head_is_read_with_sqlite3(
    history: tuple[Path, Path, date], tmp_path: Path, change: str | None, quick_path: bool
) -> None:
    """Anything else opens with open_database, which upgrades it or says what is wrong."""
    path = _copy(history, tmp_path)
    if change is not None:
        with sqlite3.connect(path) as connection:
            connection.execute(change)
        connection.close()
    found = quick.open_reader(f"sqlite:///{path}")
    assert (found is not None) is quick_path


def test_a_missing_or_damaged_file_is_left_to_open_database(tmp_path: Path) -> None:
    assert quick.open_reader(f"sqlite:///{tmp_path / 'none.sqlite'}") is None
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"not a database, not at all" * 400)
    assert quick.open_reader(f"sqlite:///{damaged}") is None
    assert quick.open_reader("sqlite:///:memory:") is None
    assert quick.open_reader("postgresql+psycopg://u@localhost/x") is None


def test_a_write_through_the_sqlite3_path_opens_sqlalchemy(
    history: tuple[Path, Path, date], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(history[0], home)
    lib = Library.open(Home(home))
    try:
        assert isinstance(lib.db, quick.QuickDatabase)
        logged = lib.log("push up 3x10", date(2026, 11, 21))
        assert lib.strength_session(logged.id)["sets"][0]["reps"] == 10
    finally:
        lib.close()


def test_postgresql_reads_through_its_session_and_answers_alike(
    history: tuple[Path, Path, date], pg_server_url: str, tmp_path: Path
) -> None:
    """The same files imported into PostgreSQL: the library keeps SQLAlchemy there, and the
    week, the strength report and the plan are what SQLite's sqlite3 path gives."""
    from conftest import new_pg_database

    home, files, day = history
    url = new_pg_database(pg_server_url)
    pg_home = tmp_path / "pg-home"
    _import(pg_home, files, url)
    pg = Library.open(Home(pg_home), url)
    fast = Library.open(Home(home))
    try:
        assert isinstance(pg.db, Database) and isinstance(fast.db, quick.QuickDatabase)
        for ask in (
            lambda lib: lib.week(day).to_dict(),
            lambda lib: lib.strength_report(),
            lambda lib: lib.plan(day).to_dict(),
            lambda lib: lib.strength_sessions(),
            lambda lib: lib.activity(3)["verdict"],
            lambda lib: lib.strength_session(1)["sets"],
        ):
            assert ask(pg) == ask(fast)
    finally:
        pg.close()
        fast.close()
