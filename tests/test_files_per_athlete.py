"""A file is an athlete's (migration 0011): two athletes importing the same bytes each get their
sessions and see only their own file name; the same athlete's second import is a duplicate.
The migration of a populated database, both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from legday.accounts import open_access
from legday.errors import DatabaseError
from legday.store.db import Database, open_database
from legday.store.library import Library
from test_accounts import Clock, _to_revision, _user, bound, easy_run, single_user_history


def _library(db: Database, login: str, home: Path) -> Library:
    user = _user(db, login)
    return bound(db, open_access(db, user, user.athlete_id or 0, "t", Clock()), home)


def _files(db: Database) -> list[tuple[str, str, bool, str]]:
    """Each activity's athlete, with its file's name, whether the file is that athlete's, and
    its content hash."""
    with db.session() as s:
        rows = s.execute(
            sa.text(
                "select a.name, f.name, f.athlete_id = x.athlete_id, f.sha256 from activities x "
                "join athletes a on a.id = x.athlete_id join files f on f.id = x.file_id"
            )
        ).all()
    return [(athlete, file, bool(own), sha) for athlete, file, own, sha in rows]


def _file_names(db: Database) -> dict[str, set[str]]:
    """The file name behind each athlete's activities, by athlete name."""
    names: dict[str, set[str]] = {}
    for athlete, file, _, _ in _files(db):
        names.setdefault(athlete, set()).add(file)
    return names


def test_two_athletes_import_the_same_bytes(db_url: str, tmp_path: Path) -> None:
    run = easy_run(tmp_path / "al-morning.fit", seed=5)
    theirs = shutil.copy(run, tmp_path / "bo-tuesday.fit")
    mine, bos = str(run), str(theirs)  # the names the import keeps
    db = open_database(db_url)
    try:
        al, bo = _library(db, "al", tmp_path), _library(db, "bo", tmp_path)
        assert al.import_paths([run], workers=1).count("imported") == 1
        done = bo.import_paths([theirs], workers=1)
        assert done.count("imported") == 1 and done.files[0].sessions == 1
        assert bo.sessions_of_files([mine, bos]).keys() == {bos}
        assert al.sessions_of_files([mine, bos]).keys() == {mine}
        assert _file_names(db) == {"al": {mine}, "bo": {bos}}
        again = bo.import_paths([run], workers=1)  # the same bytes under another name
        assert again.count("duplicate") == 1 and again.count("imported") == 0
    finally:
        db.dispose()


def _files_columns(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            return {col["name"] for col in sa.inspect(c).get_columns("files")}
    finally:
        engine.dispose()


def test_the_migration_gives_each_file_its_athlete(db_url: str, tmp_path: Path) -> None:
    """A database at 0010 with a run, and a second athlete with a session of the same file (an
    import with --restore-removed could do that): after the upgrade each has their own row of
    it; the downgrade merges them again, and refuses when both hold the same session."""
    home, before = single_user_history(db_url, tmp_path)
    _to_revision(db_url, "0010")
    assert "athlete_id" not in _files_columns(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as c:
        c.execute(sa.text("insert into athletes (name, profile) values ('bo', '{}')"))
        c.execute(
            sa.text(
                "insert into activities (athlete_id, file_id, session_index, sport, start, "
                "duration_s, distance_m, n_samples, n_channels, source_format, "
                "counts_as_leg_day, meta, samples) "
                "select (select id from athletes where name = 'bo'), file_id, 1, sport, start, "
                "duration_s, distance_m, n_samples, n_channels, source_format, "
                "counts_as_leg_day, meta, samples from activities"
            )
        )
    engine.dispose()

    db = open_database(db_url)  # upgrades to 0011
    try:
        files = _files(db)
        assert sorted(athlete for athlete, _, _, _ in files) == ["bo", "default"]
        assert all(own for _, _, own, _ in files) and len({sha for *_, sha in files}) == 1
        name = str(tmp_path / "run.fit")
        assert _file_names(db) == {"default": {name}, "bo": {name}}
    finally:
        db.dispose()
    single = Library.open(home, db_url)
    try:
        assert single.week(date(2026, 11, 25)).to_dict() == before
        # the same bytes again: still a duplicate for this athlete
        assert single.import_paths([tmp_path / "run.fit"], workers=1).count("duplicate") == 1
    finally:
        single.close()

    _to_revision(db_url, "0010")  # bo's session is index 1 of the file: it fits in one row
    assert "athlete_id" not in _files_columns(db_url)
    engine = sa.create_engine(db_url)
    with engine.connect() as c:
        assert c.execute(sa.text("select count(*) from files")).scalar() == 1
        assert c.execute(sa.text("select count(distinct file_id) from activities")).scalar() == 1
    engine.dispose()

    db = open_database(db_url)
    try:
        _user(db, "al")  # takes the single-user history over
        cy = _library(db, "cy", tmp_path)  # a new athlete with the same run, at index 0
        assert cy.import_paths([tmp_path / "run.fit"], workers=1).count("imported") == 1
    finally:
        db.dispose()
    with pytest.raises(DatabaseError, match="imported by more than one athlete"):
        _to_revision(db_url, "0010")
