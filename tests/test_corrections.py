"""Sessions a user can correct (issue 16, item 7): logs that get their own times and are not
stored twice, ``legday rm`` with its undo, ``legday edit``, and their JSON twins on the web.

Each test here failed before the fix: three quick logs made three sessions at the same minute
of 0:00, the same log twice was an IntegrityError traceback, and rm and edit did not exist.
"""

from __future__ import annotations

import itertools
import json
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from legday.cli import app
from legday.errors import DuplicateError, LogSyntaxError, NotFoundError, OutOfRangeError
from legday.home import Home
from legday.settings import Settings
from legday.store.library import Library
from legday.web import create_app
from test_web_support import LOOPBACK, SAME_ORIGIN, hostile_gpx

NOW = datetime(2026, 11, 24, 18, 0, 20, tzinfo=UTC)  # a Tuesday
SQUAT = "back squat 3x8 @ 80kg rir 2"

runner = CliRunner()


@pytest.fixture
def lib(tmp_path: Path, db_url: str) -> Iterator[Library]:
    library = Library.open(Home(tmp_path), db_url, clock=lambda: NOW)
    yield library
    library.close()


def _starts(lib: Library) -> list[tuple[datetime, float]]:
    return [(s.start, s.duration_s or 0.0) for s in lib.strength_sessions()]


def test_three_quick_logs_are_three_sessions_one_after_the_other(lib: Library) -> None:
    for text in (SQUAT, "romanian deadlift 3x8 @ 60kg rir 2", "calf raise 2x15 rir 2"):
        lib.log(text)
    starts = _starts(lib)
    assert len(starts) == 3
    assert all(seconds > 60 for _, seconds in starts)  # not 0:00
    for (a, a_s), (b, _) in itertools.pairwise(starts):
        assert b >= a + timedelta(seconds=a_s)  # never overlapping, never the same minute
    assert starts[0][0] + timedelta(seconds=starts[0][1]) <= NOW + timedelta(minutes=1)


def test_the_same_log_twice_names_the_stored_session(lib: Library) -> None:
    first = lib.log(SQUAT)
    with pytest.raises(DuplicateError, match=rf"already logged as s{first.id}\b"):
        lib.log(SQUAT)
    again = lib.log(SQUAT, again=True)
    assert again.id != first.id and len(lib.strength_sessions()) == 2
    # the same at a time given, twice over with --again: the next free minute
    at = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    one = lib.log(SQUAT, at)
    two = lib.log(SQUAT, at, again=True)
    assert two.session.start - one.session.start == timedelta(minutes=1)


def test_a_log_racing_another_legday_is_a_duplicate(
    tmp_path: Path, pg_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL (READ COMMITTED): another process stores the same session between this log's
    check and its insert; the unique fingerprint refuses it, said as a duplicate."""
    import legday.store.importer as importer_module  # Library.log imports strength_row from it
    from conftest import new_pg_database
    from legday.store.db import open_database

    lib = Library.open(Home(tmp_path), new_pg_database(pg_server_url), clock=lambda: NOW)

    real = importer_module.strength_row

    def racing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        other = open_database(lib.db.url)
        try:
            with other.session() as s:
                s.add(real(*args, **kwargs))  # type: ignore[arg-type]
        finally:
            other.dispose()
        return real(*args, **kwargs)  # type: ignore[arg-type]

    lib.log("push up 3x12 rir 2")  # the athlete exists
    monkeypatch.setattr(importer_module, "strength_row", racing)
    try:
        with pytest.raises(DuplicateError, match="at this moment by another legday"):
            lib.log(SQUAT, datetime(2026, 11, 20, 7, 30, tzinfo=UTC))
        assert len(lib.strength_sessions()) == 2
    finally:
        lib.close()


def test_a_date_alone_is_the_evening_and_moves_past_what_is_there(lib: Library) -> None:
    day = date(2026, 11, 20)
    a = lib.log(SQUAT, day)
    b = lib.log("push up 3x12 rir 2", day)
    assert a.session.start.hour == 18  # the profile's zone is UTC
    assert b.session.start >= a.session.start + timedelta(seconds=a.session.duration_s or 0)


@pytest.mark.parametrize(
    "when",
    [date(9999, 12, 31), date(1, 1, 1), datetime(9999, 12, 31, 23, 0), datetime(1899, 5, 1, 9)],
)
def test_log_at_the_calendars_edges_is_refused(lib: Library, when: date) -> None:
    with pytest.raises(OutOfRangeError, match="outside 1900–2100"):
        lib.log(SQUAT, when)
    assert lib.strength_sessions() == []


def test_cli_log_twice_and_at_9999_in_a_western_zone_is_one_line(tmp_path: Path) -> None:
    home = {"LEGDAY_HOME": str(tmp_path)}
    assert runner.invoke(app, ["profile", "set", "time_zone=America/Los_Angeles"], env=home)
    first = runner.invoke(app, ["log", SQUAT, "--json"], env=home)
    assert first.exit_code == 0, first.output
    ident = json.loads(first.stdout)["id"]
    for args in (["log", SQUAT], ["log", SQUAT, "--date", "9999-12-31T23:00"]):
        result = runner.invoke(app, args, env=home)
        assert result.exit_code == 1 and result.exception is not None
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.output + result.stderr
    assert f"already logged as {ident}" in runner.invoke(app, ["log", SQUAT], env=home).stderr
    assert runner.invoke(app, ["log", SQUAT, "--again"], env=home).exit_code == 0


def _import_run(lib: Library, folder: Path) -> int:
    path = folder / "run.gpx"
    path.write_text(hostile_gpx(NOW - timedelta(days=1)), encoding="utf-8")
    assert lib.import_paths([path], workers=1).ok
    facts = lib.session_facts(date(2026, 11, 16), date(2026, 11, 29))
    return next(int(f.id) for f in facts if f.type == "run")


def test_rm_keeps_sessions_for_undo_with_their_ids(lib: Library, tmp_path: Path) -> None:
    run = _import_run(lib, tmp_path)
    lifted = lib.log(SQUAT)
    before_run = lib.activity(run)
    before_lift = lib.strength_session(lifted.id)
    streams = lib.activity_streams(run)

    with pytest.raises(NotFoundError):  # all or none: one unknown id removes nothing
        lib.remove([str(run), "s999"])
    assert lib.remove([str(run), f"s{lifted.id}"]) == [str(run), f"s{lifted.id}"]
    assert not lib.has_sessions()
    with pytest.raises(NotFoundError):
        lib.activity(run)

    assert sorted(lib.undo_remove()) == sorted([str(run), f"s{lifted.id}"])
    assert lib.activity(run) == before_run
    assert lib.strength_session(lifted.id) == before_lift
    assert lib.activity_streams(run).keys() == streams.keys()
    with pytest.raises(NotFoundError, match="nothing to undo"):
        lib.undo_remove()


def test_undo_refuses_a_session_stored_again_since(lib: Library) -> None:
    at = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    logged = lib.log(SQUAT, at)
    lib.remove([f"s{logged.id}"])
    again = lib.log(SQUAT, at)
    with pytest.raises(DuplicateError, match=f"stored again as s{again.id}"):
        lib.undo_remove()


def test_edit_changes_name_time_rpe_notes_and_sets_and_judges_again(lib: Library) -> None:
    logged = lib.log("push up 3x12 rir 2")
    assert lib.strength_session(logged.id)["verdict"]["verdict"]["counts_as_leg_day"] is False
    data = lib.edit(
        f"s{logged.id}",
        name="Tuesday legs",
        when=datetime(2026, 11, 23, 7, 15, tzinfo=UTC),
        rpe=8,
        notes="felt strong",
        sets=SQUAT,
    )
    assert (data["name"], data["date"], data["time"]) == ("Tuesday legs", "2026-11-23", "07:15")
    assert (data["rpe"], data["notes"]) == (8, "felt strong")
    assert [s["exercise"] for s in data["sets"]] == ["back_squat"] * 3
    assert data["duration_s"] == 3 * 8 * 3.0 + 2 * Settings().rest_between_sets_s
    assert data["verdict"]["verdict"]["counts_as_leg_day"] is True
    week = lib.week(date(2026, 11, 23)).to_dict()
    assert [s["id"] for s in week["sessions"] if s["date"] == "2026-11-23"] == [f"s{logged.id}"]

    moved = lib.edit(f"s{logged.id}", when=date(2026, 11, 22), name="")
    assert (moved["date"], moved["time"], moved["name"]) == ("2026-11-22", "07:15", None)


def test_edit_refuses_what_it_cannot_take(lib: Library) -> None:
    a = lib.log(SQUAT)
    b = lib.log("push up 3x12 rir 2")
    with pytest.raises(DuplicateError, match=f"same session as s{a.id}"):
        lib.edit(f"s{b.id}", sets=SQUAT)
    with pytest.raises(LogSyntaxError, match="0–10"):
        lib.edit(f"s{b.id}", rpe=11)
    with pytest.raises(OutOfRangeError):
        lib.edit(f"s{b.id}", when=date(2200, 1, 1))
    with pytest.raises(NotFoundError, match="legday label"):
        lib.edit(str(b.id), rpe=5)
    assert lib.strength_session(b.id)["sets"][0]["exercise"] == "push_up"


def test_cli_rm_undo_and_edit(tmp_path: Path) -> None:
    home = {"LEGDAY_HOME": str(tmp_path)}

    def cli(*args: str) -> dict[str, object]:
        result = runner.invoke(app, [*args, "--json"], env=home)
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.stdout))

    ident = str(cli("log", SQUAT)["id"])  # "s1": the id as rm and edit take it
    assert cli("rm", ident) == {"removed": [ident]}
    assert cli("rm", "--undo") == {"restored": [ident]}
    edited = cli("edit", ident, "--rpe", "7", "--notes", "[link=https://evil.example]x[/link]")
    assert edited["rpe"] == 7
    shown = runner.invoke(app, ["edit", ident, "--name", "[/oops]"], env=home)
    assert shown.exit_code == 0, shown.output
    assert "[/oops]" in shown.stdout and "[link=https://evil.example]x[/link]" in shown.stdout
    for bad in (["rm"], ["rm", ident, "--undo"], ["edit", ident], ["rm", "s999"]):
        result = runner.invoke(app, bad, env=home)
        assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1, bad


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, Callable[[], Library]]]:
    def factory() -> Library:
        return Library.open(Home(tmp_path), clock=lambda: NOW)

    with TestClient(create_app(factory), base_url=LOOPBACK, headers=SAME_ORIGIN) as client:
        yield client, factory


def test_api_edits_removes_and_puts_back(web: tuple[TestClient, Callable[[], Library]]) -> None:
    client, factory = web
    lib = factory()
    try:
        logged = lib.log(SQUAT)
    finally:
        lib.close()
    r = client.post(
        f"/api/strength/session/{logged.id}/edit",
        json={"rpe": 9, "when": "2026-11-23T06:45", "name": "early"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["rpe"], r.json()["time"], r.json()["name"]) == (9, "06:45", "early")
    assert (
        client.post(f"/api/strength/session/{logged.id}/edit", json={"rpe": 12}).status_code == 400
    )
    r = client.post("/api/sessions/remove", json={"ids": [f"s{logged.id}"]})
    assert r.json() == {"removed": [f"s{logged.id}"]}
    assert client.get(f"/api/strength/session/{logged.id}").status_code == 404
    assert client.post("/api/sessions/undo").json() == {"restored": [f"s{logged.id}"]}
    assert client.get(f"/api/strength/session/{logged.id}").json()["name"] == "early"


def test_api_changes_are_refused_from_another_site_and_without_the_token(tmp_path: Path) -> None:
    def factory() -> Library:
        return Library.open(Home(tmp_path), clock=lambda: NOW)

    lib = factory()
    try:
        ident = lib.log(SQUAT).id
    finally:
        lib.close()
    posts = (
        ("/api/sessions/remove", {"ids": [f"s{ident}"]}),
        ("/api/sessions/undo", None),
        (f"/api/strength/session/{ident}/edit", {"rpe": 5}),
    )
    with TestClient(create_app(factory), base_url=LOOPBACK) as client:
        for path, body in posts:
            r = client.post(path, json=body, headers={"Origin": "https://evil.example"})
            assert r.status_code == 403, (path, r.status_code)
    with TestClient(create_app(factory, token="s3cret"), base_url=LOOPBACK) as client:
        for path, body in posts:
            assert client.post(path, json=body, headers=SAME_ORIGIN).status_code in (401, 403)
    lib = factory()
    try:
        assert lib.strength_session(ident)["rpe"] is None  # nothing changed
    finally:
        lib.close()


def test_numpy_warnings_never_reach_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    real_week = Library.week

    def noisy_week(self: Library, day: date | None = None):  # type: ignore[no-untyped-def]
        np.nanmax(np.array([np.nan]))  # "All-NaN slice encountered", as an all-NaN HR block
        np.array([0.0]) / np.array([0.0])  # "invalid value encountered in divide"
        return real_week(self, day)

    monkeypatch.setattr(Library, "week", noisy_week)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as under -W error: a leak would fail the command
        result = runner.invoke(app, ["week"], env={"LEGDAY_HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr and result.stderr == ""
