"""The multi-user server (issue 20, item 1): logins with server-side sessions in HttpOnly,
SameSite cookies, a CSRF token on every change, personal API tokens, a coach's read-only view
and the athlete's access log. On real PostgreSQL, as ``legday serve --multi-user`` requires."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import new_pg_database
from legday.accounts import Passwords, Role, add_user, create_token, link_coach, revoke_coach
from legday.cli import app as cli_app
from legday.home import Home
from legday.store.db import open_database
from legday.store.library import Library
from legday.web import create_app
from legday.web.auth import SESSION_COOKIE, MultiUser
from test_accounts import PASSWORD, Clock, bound
from test_web_support import LOOPBACK, SAME_ORIGIN

CHEAP = Passwords(cheap=True)


@dataclass
class Server:
    url: str
    home: Path
    lift_id: int
    clock: Clock

    def app(self) -> object:
        return create_app(
            lambda: Library.open(Home(self.home), self.url),
            home=self.home,
            multi_user=MultiUser(CHEAP, self.clock),
        )

    def client(self, base_url: str = LOOPBACK) -> TestClient:
        return TestClient(self.app(), base_url=base_url, headers=SAME_ORIGIN)  # type: ignore[arg-type]


@pytest.fixture
def server(pg_server_url: str, tmp_path: Path) -> Iterator[Server]:
    from legday.accounts import open_access

    url = new_pg_database(pg_server_url)
    db = open_database(url)
    clock = Clock()
    try:
        for login, role in (("al", Role.ATHLETE), ("bo", Role.ATHLETE), ("jo", Role.COACH)):
            add_user(db, login, PASSWORD, role, passwords=CHEAP, clock=clock)
        from legday.accounts.store import user_named

        al = user_named(db, "al")
        lib = bound(db, open_access(db, al, al.athlete_id or 0, "t", clock), tmp_path)
        lift = lib.log("back squat 3x5 @ 100kg", date(2026, 11, 30))
        yield Server(url, tmp_path, lift.id, clock)
    finally:
        db.dispose()


def login(client: TestClient, who: str, password: str = PASSWORD) -> str:
    """Log ``who`` in; the CSRF token of their session."""
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    r = client.post(
        "/login",
        data={"login": who, "password": password, "csrf_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get("/import")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def test_nobody_gets_nothing_but_the_login(server: Server) -> None:
    with server.client() as c:
        r = c.get("/activities?kind=easy", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2Factivities%3Fkind%3Deasy"
        r = c.get("/api/week")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert (
            c.get("/api/strength", headers={"Authorization": "Bearer lgd_nope"}).status_code == 401
        )
        assert "Log in" in c.get("/login").text


def test_login_sets_a_safe_cookie_and_changes_need_the_csrf_token(server: Server) -> None:
    with server.client("https://127.0.0.1") as c:
        form = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        data = {"login": "al", "password": "wrong password", "csrf_token": token.group(1)}
        assert c.post("/login", data=data).status_code == 401
        data = {"login": "al", "password": PASSWORD, "csrf_token": "forged"}
        assert c.post("/login", data=data).status_code == 403
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
        assert token
        data = {"login": "al", "password": PASSWORD, "csrf_token": token.group(1), "next": "//evil"}
        r = c.post("/login", data=data, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"  # never another site
        cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
        assert "max-age=28800" in flags

    with server.client() as c:
        csrf = login(c, "al")
        assert "back_squat" in c.get("/api/strength").text
        edit = f"/api/strength/session/{server.lift_id}/edit"
        r = c.post(edit, json={"notes": "felt easy"})
        assert r.status_code == 403 and "CSRF" in r.json()["error"]
        r = c.post(edit, json={"notes": "felt easy"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200 and r.json()["notes"] == "felt easy"
        assert (
            c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
        )
        assert c.get("/api/strength").status_code == 401


def test_tokens_coaches_and_the_access_log(server: Server) -> None:
    db = open_database(server.url)
    try:
        _, bo_token = create_token(db, "bo", "phone", server.clock)
        _, jo_token = create_token(db, "jo", "laptop", server.clock)
        with server.client() as c:
            bo = {"Authorization": f"Bearer {bo_token}"}
            jo = {"Authorization": f"Bearer {jo_token}"}
            assert c.get("/api/strength", headers=bo).json()["exercises"] == []
            r = c.get("/api/strength", params={"athlete": "al"}, headers=bo)
            assert r.status_code == 404 and "back_squat" not in r.text
            assert c.get("/api/strength", params={"athlete": "al"}, headers=jo).status_code == 404

            link_coach(db, "al", "jo", server.clock)
            r = c.get("/api/strength", params={"athlete": "al"}, headers=jo)
            assert r.status_code == 200 and "back_squat" in r.text
            assert c.get("/api/account", headers=jo).json()["athletes"] == [
                {"name": "al", "login": "al", "right": "read"}
            ]
            # read-only: a bearer needs no CSRF token, and is refused all the same
            edit = f"/api/strength/session/{server.lift_id}/edit?athlete=al"
            r = c.post(edit, json={"notes": "x"}, headers=jo)
            assert r.status_code == 403 and "read-only" in r.json()["error"]

            revoke_coach(db, "al", "jo", server.clock)
            r = c.get("/api/strength", params={"athlete": "al"}, headers=jo)
            assert r.status_code == 404 and "back_squat" not in r.text

            login(c, "al")
            seen = c.get("/api/account/access").json()["access"]
            assert [e["who"] for e in seen] == ["jo", "jo"]
            assert seen[-1]["what"] == "GET /api/strength?athlete=al"
            assert "jo" in c.get("/account").text
    finally:
        db.dispose()


def test_multi_user_refuses_sqlite(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli_app, ["serve", "--multi-user", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"]
    )
    assert r.exit_code == 1
    assert "legday serve --multi-user needs a PostgreSQL database" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_an_athlete_invites_and_revokes_a_coach(server: Server) -> None:
    db = open_database(server.url)
    try:
        _, jo_token = create_token(db, "jo", "laptop", server.clock)
    finally:
        db.dispose()
    jo = {"Authorization": f"Bearer {jo_token}"}
    with server.client() as c:
        csrf = login(c, "al")
        invite = {"coach": "jo", "can_edit": True}
        assert c.post("/api/account/coaches", json=invite).status_code == 403  # no CSRF token
        r = c.post("/api/account/coaches", json=invite, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200 and r.json()["coaches"][0]["can_edit"] is True
        edit = f"/api/strength/session/{server.lift_id}/edit?athlete=al"
        r = c.post(edit, json={"notes": "by the coach"}, headers=jo)
        assert r.status_code == 200 and r.json()["notes"] == "by the coach"
        # a coach has no coaches, and cannot grant themself an athlete
        r = c.post("/api/account/coaches", json={"coach": "jo"}, headers=jo)
        assert r.status_code == 403 and "only athletes have coaches" in r.json()["error"]

        page = c.get("/account")
        assert "My coaches" in page.text and "/account/coaches/jo/revoke" in page.text
        r = c.post("/account/coaches/jo/revoke", data={"csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303
        assert c.get("/api/strength", params={"athlete": "al"}, headers=jo).status_code == 404
        (link,) = c.get("/api/account").json()["coaches"]
        assert link["coach"] == "jo" and link["revoked_at"] is not None
