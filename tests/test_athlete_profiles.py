"""Each athlete of a coach's server is analysed and judged with their own stored profile
(``athletes.profile``), which they set on their account page (or the administrator with
``legday profile set --athlete``); single-user legday keeps legday.toml's. On real PostgreSQL,
acting as the server does (row-level security)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import new_pg_database
from legday.accounts import Role
from legday.accounts.store import athlete_library, link_coach, user_named
from legday.cli import app as cli_app
from legday.errors import ForbiddenError
from legday.home import Home
from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import Database, open_database
from legday.store.library import Library
from test_accounts import Clock, _user, easy_run
from test_web_accounts import Server, login, server  # noqa: F401 (the fixture)

#: The server's legday.toml profile: neither athlete's.
SERVER = AthleteProfile(hr_max=180, hr_rest=50, lthr=165)
AL = {"hr_max": 200, "hr_rest": 50, "lthr": 185}
BO = {"hr_max": 160, "hr_rest": 50, "lthr": 140}


def _server_library(db: Database, tmp_path: Path) -> Library:
    return Library(db, BlobStore(tmp_path / "originals"), SERVER, Settings())


def _own(base: Library, db: Database, login: str, clock: Clock) -> Library:
    """``login``'s own library, as the server opens it."""
    return athlete_library(base, user_named(db, login), None, f"{login} test", clock)


def _analysed_run(lib: Library) -> dict[str, Any]:
    (row,) = lib.sessions().rows
    return lib.activity(int(row.id))


def test_each_athlete_is_judged_with_their_own_profile(pg_server_url: str, tmp_path: Path) -> None:
    db = open_database(new_pg_database(pg_server_url))
    clock = Clock()
    try:
        _user(db, "al"), _user(db, "bo"), _user(db, "jo", Role.COACH)
        base = _server_library(db, tmp_path)
        for login, values in (("al", AL), ("bo", BO)):
            lib = _own(base, db, login, clock)
            assert lib.profile == AthleteProfile()  # a new athlete: the defaults, not the server's
            lib.save_profile(AthleteProfile.from_dict(values))
        # the same run, as different bytes: one plain, one gzip-compressed
        plain = easy_run(tmp_path / "run.fit", seed=3)
        packed = tmp_path / "run.fit.gz"
        packed.write_bytes(gzip.compress(plain.read_bytes()))
        runs = {}
        for login, path in (("al", plain), ("bo", packed)):
            lib = _own(base, db, login, clock)  # a later request: read from the database
            assert lib.import_paths([path]).count("imported") == 1
            runs[login] = _analysed_run(lib)
        for login, values in (("al", AL), ("bo", BO)):
            hr = runs[login]["analysis"]["hr"]
            assert (hr["hr_max_used"], hr["lthr_used"]) == (values["hr_max"], values["lthr"])
            assert hr["hr_max_source"] == hr["lthr_source"] == "profile"
        zones = {who: run["analysis"]["hr"]["zones_s"] for who, run in runs.items()}
        assert zones["al"]["Z4"] < zones["bo"]["Z4"]  # 140 bpm is bo's threshold, not al's
        r2 = {
            who: next(r["text"] for r in run["verdict"]["verdict"]["reasons"] if r["rule"] == "R2")
            for who, run in runs.items()
        }
        assert r2["al"] != r2["bo"]

        # a coach reads bo's with bo's profile, and may not change it
        link_coach(db, "bo", "jo", clock, can_edit=True)
        theirs = athlete_library(base, user_named(db, "jo"), "bo", "jo test", clock)
        assert theirs.profile == AthleteProfile.from_dict(BO)
        with pytest.raises(ForbiddenError, match="only the athlete"):
            theirs.save_profile(SERVER)
    finally:
        db.dispose()


def test_an_athlete_sets_their_profile_on_the_account_page(server: Server) -> None:  # noqa: F811
    with server.client() as c:
        csrf = login(c, "al")
        page = c.get("/account")
        assert 'name="hr_max" value=""' in page.text
        form = {"csrf_token": csrf, "hr_max": "191", "threshold_pace_s_per_km": "4:10"}
        r = c.post("/account/profile", data=form, follow_redirects=False)
        assert r.status_code == 303
        assert 'name="threshold_pace_s_per_km" value="4:10"' in c.get("/account").text
        r = c.post("/api/account/profile", json={"lthr": 300}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 400 and "between 80 and 230" in r.json()["error"]
        r = c.post("/api/account/profile", json={"lthr": 172}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200
        stored = c.get("/api/account/profile").json()["profile"]
        assert (stored["hr_max"], stored["lthr"], stored["threshold_pace_s_per_km"]) == (
            191,
            172,
            250,
        )
        # the server's pages use it: the dashboard's library is al's, with al's profile
        assert c.get("/api/account").json()["profile"]["lthr"] == 172
    # bo's is untouched
    db = open_database(server.url)
    try:
        base = _server_library(db, server.home)
        assert _own(base, db, "bo", server.clock).profile == AthleteProfile()
    finally:
        db.dispose()


def test_the_administrator_sets_an_athletes_profile(
    server: Server,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEGDAY_HOME", str(server.home))
    runner = CliRunner()
    done = runner.invoke(
        cli_app, ["profile", "set", "--athlete", "bo", "--db", server.url, "hr_max=171"]
    )
    assert done.exit_code == 0, done.output
    shown = runner.invoke(
        cli_app, ["profile", "show", "--athlete", "bo", "--db", server.url, "--json"]
    )
    assert json.loads(shown.output)["hr_max"] == 171
    # legday.toml, single-user mode's, is untouched
    assert Home(server.home).profile() == AthleteProfile()
    missing = runner.invoke(cli_app, ["profile", "show", "--athlete", "nobody", "--db", server.url])
    assert missing.exit_code == 1 and "nobody" in missing.output


def test_the_first_athlete_keeps_the_single_user_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The single-user history's athlete row holds the profile of its first import; the first
    athlete user takes legday.toml's as it is now, with which that history was analysed."""
    home = Home(tmp_path)
    url = f"sqlite:///{tmp_path / 'legday.sqlite'}"
    single = Library.open(home, url)
    try:
        assert single.import_paths([easy_run(tmp_path / "run.fit", seed=1)], workers=1).ok
    finally:
        single.close()
    home.save_profile(AthleteProfile.from_dict(AL))  # after the import: the stored one is older
    monkeypatch.setenv("LEGDAY_HOME", str(tmp_path))
    monkeypatch.setenv("LEGDAY_PASSWORD", "correct horse")
    for who in ("al", "bo"):
        done = CliRunner().invoke(cli_app, ["users", "add", who, "--db", url])
        assert done.exit_code == 0, done.output
    db = open_database(url)
    try:
        base = _server_library(db, tmp_path)
        assert _own(base, db, "al", Clock()).profile == AthleteProfile.from_dict(AL)
        assert _own(base, db, "bo", Clock()).profile == AthleteProfile()
    finally:
        db.dispose()
