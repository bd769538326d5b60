"""Issue 20, item 3: isolation with two lines of defence, on real PostgreSQL.

1. PostgreSQL's row-level security (migration 0010): acting as a user, a query *without* the
   athlete filter finds no row of an athlete the user may not see, on every athlete-owned
   table, and every table that holds ``athlete_id`` (a new one too) has the policies on.
2. The property test: generated athletes, coaches and club admins, with generated links
   (read-only or edit, granted to others, granted to the victim and revoked, again and again)
   and generated lifting data, try every route of the multi-user app (read from the app itself,
   so a new route is covered without a change here) as outsiders, unlinked coaches and revoked
   coaches, asking for the victim by name and by the victim's session ids. Every route that
   serves an athlete's data answers 403 or 404; no answer holds anything of the victim's; the
   victim's data is unchanged afterwards.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import new_pg_database
from legday.accounts import (
    Passwords,
    Role,
    User,
    add_user,
    create_token,
    link_coach,
    open_access,
    revoke_coach,
)
from legday.accounts.store import user_named
from legday.home import Home
from legday.store.db import Database, open_database
from legday.store.library import Library
from legday.web import create_app
from legday.web.app import get_library
from legday.web.auth import MultiUser
from test_accounts import PASSWORD, Clock, bound, easy_run
from test_web_support import LOOPBACK

CHEAP = Passwords(cheap=True)
VICTIM = "victim"
#: Text only the victim's data holds: a lift's notes, a load no generated lift has, the run's
#: start (generated lifts are in October) and a removed session's notes.
MARKERS = ("VICTIM-NOTE-7Q", "173.5", "2026-11-24T07:", "VICTIM-REMOVED-3Z", "victim-upload-Q9")
#: Tables every probe adds the victim's rows to: the access log, and the links it revokes.
GROWING = ("access_log", "coach_links")
#: Statuses that give nothing away.
REFUSED = {401, 403, 404}

#: Athlete-owned tables, and how a row belongs to the victim (as the owner counts them).
OWNED_SQL = {
    "athletes": "id = :a",
    "activities": "athlete_id = :a",
    "strength_sessions": "athlete_id = :a",
    "removed_sessions": "athlete_id = :a",
    "best_efforts": "athlete_id = :a",
    "lift_state": "athlete_id = :a",
    "access_log": "athlete_id = :a",
    "coach_links": "athlete_id = :a",
    "plans": "athlete_id = :a",
    "files": "athlete_id = :a",
    "laps": "activity_id in (select id from activities where athlete_id = :a)",
    "segments": "activity_id in (select id from activities where athlete_id = :a)",
    "strength_sets": "session_id in (select id from strength_sessions where athlete_id = :a)",
}


@dataclass
class World:
    url: str
    db: Database
    home: Path
    clock: Clock
    victim: User
    run_id: int
    lift_id: int
    client: TestClient
    job_id: str
    """An import job of the victim's, uploaded through the API."""
    counts: dict[str, int]
    """The victim's rows per table, as the owner counts them, before any probe."""


def _victim_counts(db: Database, athlete_id: int) -> dict[str, int]:
    with db.session() as s:  # the owner: no policy applies
        return {
            t: int(
                s.execute(
                    sa.text(f"select count(*) from {t} where {w}"), {"a": athlete_id}
                ).scalar()
                or 0
            )
            for t, w in OWNED_SQL.items()
            if t not in GROWING
        }


@pytest.fixture(scope="module")
def world(pg_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("isolation")
    url = new_pg_database(pg_server_url)
    db = open_database(url)
    clock = Clock()
    victim = add_user(db, VICTIM, PASSWORD, Role.ATHLETE, passwords=CHEAP, clock=clock)
    lib = bound(db, open_access(db, victim, victim.athlete_id or 0, "t", clock), tmp)
    assert lib.import_paths([easy_run(tmp / "run.fit", seed=3)], workers=1).ok
    lift = lib.log("back squat 3x5 @ 173.5kg", date(2026, 11, 25))
    lib.edit(f"s{lift.id}", notes=MARKERS[0])
    gone = lib.log("deadlift 1x5 @ 120kg", date(2026, 11, 26))
    lib.edit(f"s{gone.id}", notes=MARKERS[3])
    lib.remove([f"s{gone.id}"])
    (run_id,) = [
        s["id"]
        for s in lib.week(date(2026, 11, 24)).to_dict()["sessions"]
        if isinstance(s["id"], int)
    ]
    lib.label(run_id, "tempo")
    app = create_app(
        lambda: Library.open(Home(tmp / "home"), url),
        home=tmp / "home",
        multi_user=MultiUser(CHEAP, clock),
    )
    with TestClient(app, base_url=LOOPBACK) as client:
        job_id = _upload(client, db, clock, tmp / "run.fit")
        yield World(
            url,
            db,
            tmp,
            clock,
            victim,
            run_id,
            lift.id,
            client,
            job_id,
            _victim_counts(db, victim.athlete_id or 0),
        )
    db.dispose()


def _upload(client: TestClient, db: Database, clock: Clock, path: Path) -> str:
    """The victim uploads ``path`` again as ``victim-upload-Q9.fit``: the id of its import job,
    once done (its report names the file)."""
    _, token = create_token(db, VICTIM, "upload", clock)
    headers = {"Authorization": f"Bearer {token}"}
    files = {"files": ("victim-upload-Q9.fit", path.read_bytes(), "application/octet-stream")}
    r = client.post("/api/import", files=files, headers=headers)
    assert r.status_code == 202, r.text
    job = r.json()
    deadline = time.monotonic() + 120
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = client.get(job["url"], headers=headers).json()
    assert "victim-upload-Q9" in json.dumps(job), job
    return str(job["id"])


# -- the second line of defence: row-level security ---------------------------------------------


def _athlete_tables(db: Database) -> set[str]:
    with db.session() as s:
        return set(
            s.scalars(
                sa.text(
                    "select table_name from information_schema.columns "
                    "where column_name = 'athlete_id' and table_schema = current_schema()"
                )
            )
        )


def test_every_athlete_owned_table_has_row_level_security(world: World) -> None:
    owned = _athlete_tables(world.db) - {"users", "web_sessions"}  # accounts, not athlete data
    assert owned <= set(OWNED_SQL), (
        f"athlete tables this test does not know: {owned - set(OWNED_SQL)}"
    )
    with world.db.session() as s:
        rows = dict(
            s.execute(
                sa.text(
                    "select relname, relrowsecurity from pg_class "
                    "where relkind = 'r' and relnamespace = current_schema()::regnamespace"
                )
            ).all()
        )
    assert {t: rows.get(t) for t in OWNED_SQL} == dict.fromkeys(OWNED_SQL, True)


def _seen(db: Database, user_id: int | None, athlete_id: int) -> dict[str, int]:
    """Rows of ``athlete_id`` that a query *without* any athlete filter returns, acting as
    ``user_id``: the statement asks for every row and counts the victim's among them."""
    acting = db.acting_as(user_id)
    found = {}
    with acting.session() as s:
        for table, where in OWNED_SQL.items():
            rows = s.execute(sa.text(f"select * from {table}")).mappings().all()
            ids = {"a": athlete_id}
            mine = s.execute(sa.text(f"select count(*) from {table} where {where}"), ids).scalar()
            found[table] = int(mine or 0)
            assert len(rows) >= found[table]
    return found


def test_row_level_security_hides_rows_a_query_forgot_to_filter(world: World) -> None:
    athlete = world.victim.athlete_id or 0
    assert all(world.counts[t] for t in ("activities", "laps", "strength_sets", "removed_sessions"))
    outsider = add_user(
        world.db, "rls-outsider", PASSWORD, Role.ATHLETE, passwords=CHEAP, clock=world.clock
    )
    coach = add_user(
        world.db, "rls-coach", PASSWORD, Role.COACH, passwords=CHEAP, clock=world.clock
    )
    nothing = dict.fromkeys(OWNED_SQL, 0)
    for who in (outsider.id, coach.id, None):  # None: acting for nobody (as at a login)
        assert _seen(world.db, who, athlete) == nothing
    own = _seen(world.db, world.victim.id, athlete)
    assert {t: own[t] for t in world.counts} == world.counts

    link_coach(world.db, VICTIM, "rls-coach", world.clock)
    linked = _seen(world.db, coach.id, athlete)
    assert {t: linked[t] for t in world.counts} == world.counts
    with world.db.acting_as(coach.id).session() as s:  # read-only: an update changes no row
        done = s.execute(
            sa.text("update activities set name = 'hacked' where athlete_id = :a"), {"a": athlete}
        )
        assert done.rowcount == 0
    revoke_coach(world.db, VICTIM, "rls-coach", world.clock)
    # nothing of the athlete's, but the coach's own link, revoked: theirs to know
    assert _seen(world.db, coach.id, athlete) == {**nothing, "coach_links": 1}
    insert = "insert into plans (athlete_id, week, created_at, plan) values (:a, 'x', now(), '{}')"
    with (  # nor can an outsider write a row there
        world.db.acting_as(outsider.id).session() as s,
        pytest.raises(sa.exc.ProgrammingError, match="row-level security"),
    ):
        s.execute(sa.text(insert), {"a": athlete})


# -- the first line: every route, as everyone who must not see -----------------------------------


def _routes(app: Any) -> list[tuple[str, str, Any]]:
    """(method, path, route) of every route the app serves, read from the app itself."""
    import fastapi.routing

    contexts = getattr(fastapi.routing, "iter_route_contexts", None)
    found = []
    for item in contexts(app.routes) if contexts else app.routes:
        route = getattr(item, "route", item)
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                found.append((method, route.path, route))
    return found


def _uses_library(route: Any) -> bool:
    """Whether the route is served an athlete's library (``get_library``)."""

    def walk(dependant: Any) -> Iterator[Any]:
        yield dependant.call
        for sub in dependant.dependencies:
            yield from walk(sub)

    dependant = getattr(route, "dependant", None)
    return dependant is not None and get_library in set(walk(dependant))


#: The logins made so far (every example adds new people to the one database).
_serial = itertools.count()


@dataclass(frozen=True)
class Cast:
    """One generated world around the victim."""

    others: list[tuple[int, float]]
    """Other athletes, each with (day of October, load kg) of a lift they log."""
    coaches: list[tuple[list[int], list[bool]]]
    """Each coach: the other athletes they are linked to (indices), and the victim grants they
    had, each revoked (its can_edit); empty: a coach never linked to the victim."""
    club_admin: bool


casts = st.builds(
    Cast,
    others=st.lists(
        st.tuples(st.integers(1, 28), st.sampled_from([40.0, 60.0, 82.5, 100.0])),
        min_size=1,
        max_size=2,
    ),
    coaches=st.lists(
        st.tuples(st.lists(st.integers(0, 1), max_size=2), st.lists(st.booleans(), max_size=2)),
        min_size=1,
        max_size=2,
    ),
    club_admin=st.booleans(),
)


def _cast(world: World, cast: Cast) -> list[tuple[str, User]]:
    """Make the cast's people, links and data; the probers: (what they are, user)."""
    n = next(_serial)
    db, clock = world.db, world.clock
    probers = []
    athletes = []
    for i, (day, load) in enumerate(cast.others):
        login = f"other{n}-{i}"
        user = add_user(
            db, login, PASSWORD, Role.ATHLETE, passwords=CHEAP, clock=clock, club=f"club{n}"
        )
        lib = bound(db, open_access(db, user, user.athlete_id or 0, "t", clock), world.home)
        lib.log(f"back squat 3x5 @ {load}kg", date(2026, 10, day))
        athletes.append(login)
        probers.append(("outsider", user))
    for j, (linked, grants) in enumerate(cast.coaches):
        login = f"coach{n}-{j}"
        coach = add_user(db, login, PASSWORD, Role.COACH, passwords=CHEAP, clock=clock)
        for k in linked:
            link_coach(db, athletes[k % len(athletes)], login, clock, can_edit=k % 2 == 0)
        for can_edit in grants:
            link_coach(db, VICTIM, login, clock, can_edit=can_edit)
            revoke_coach(db, VICTIM, login, clock)
        probers.append(("revoked coach" if grants else "unlinked coach", coach))
    if cast.club_admin:  # of the others' club, which the victim is not in
        admin = add_user(
            db,
            f"admin{n}",
            PASSWORD,
            Role.CLUB_ADMIN,
            passwords=CHEAP,
            clock=clock,
            club=f"club{n}",
        )
        probers.append(("club admin of another club", admin))
    return probers


def _requests(world: World, method: str, path: str) -> list[dict[str, Any]]:
    """The requests that try ``path`` on the victim: by the victim's name, and by the victim's
    ids in the path or the body."""
    filled = (
        path.replace("{activity_id}", str(world.run_id))
        .replace("{session_id}", str(world.lift_id))
        .replace("{name}", "x")
        .replace("{job_id}", world.job_id)
    )
    while "{" in filled:  # a parameter this test does not know: the victim's run id
        start = filled.index("{")
        filled = filled[:start] + str(world.run_id) + filled[filled.index("}", start) + 1 :]
    body: dict[str, Any] = {}
    if method == "POST":
        if path.endswith("/label"):  # the page's form, or the API's JSON
            body = (
                {"json": {"kind": "race"}}
                if path.startswith("/api")
                else {"data": {"kind": "race"}}
            )
        elif path.endswith("/edit"):
            body = {"json": {"notes": "overwritten"}}
        elif path.endswith("/remove"):
            body = {"json": {"ids": [str(world.run_id), f"s{world.lift_id}"]}}
        elif path.endswith("import"):
            body = {"files": {"files": ("x.csv", b"not a log", "text/csv")}}
        else:
            body = {"json": {}}
    by_name = {"method": method, "url": filled, "params": {"athlete": VICTIM}, **body}
    by_id = {"method": method, "url": filled, **body}
    return [by_name, by_id] if filled != path else [by_name]


#: Routes that act on the caller's own account, never on an athlete's data by id or name.
OWN_ONLY = {("POST", "/logout"), ("POST", "/login"), ("POST", "/api/import"), ("POST", "/import")}


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(cast=casts)
def test_no_route_shows_the_victim_to_anyone_else(world: World, cast: Cast) -> None:
    routes = _routes(world.client.app)
    assert len(routes) >= 30, routes
    for kind, prober in _cast(world, cast):
        _, token = create_token(world.db, prober.login, "probe", world.clock)
        headers = {"Authorization": f"Bearer {token}"}
        for method, path, route in routes:
            if path.startswith("/static"):
                continue
            for request in _requests(world, method, path):
                if (method, path) in OWN_ONLY and "params" not in request:
                    continue  # nothing of the victim's in it: the caller's own import or logout
                r = world.client.request(headers=headers, follow_redirects=False, **request)
                said = f"{kind} {prober.login}: {method} {request['url']} {request.get('params')}"
                if _uses_library(route):
                    assert r.status_code in REFUSED, f"{said} -> {r.status_code}: {r.text[:300]}"
                leaked = [m for m in MARKERS if m in r.text]
                assert not leaked, f"{said} -> {r.status_code} shows {leaked}"
    assert _victim_counts(world.db, world.victim.athlete_id or 0) == world.counts
    victim = replace(Library.open(Home(world.home / "home"), world.url), athlete=VICTIM)
    try:
        assert victim.activity(world.run_id)["label"]["kind"] == "tempo"
        assert victim.strength_session(world.lift_id)["notes"] == MARKERS[0]
    finally:
        victim.close()


def test_the_routes_tried(world: World) -> None:
    """The list the report gives: every route, and whether it serves an athlete's data."""
    routes = _routes(world.client.app)
    served = sorted(f"{m} {p}" for m, p, r in routes if _uses_library(r))
    assert "GET /api/week" in served and "POST /api/sessions/remove" in served
    assert "GET /login" not in served
    print("\n".join(f"{m} {p}{' (library)' if _uses_library(r) else ''}" for m, p, r in routes))


def test_the_victim_can_still_see_everything(world: World) -> None:
    """The control: the same requests as the victim succeed and hold the markers."""
    _, token = create_token(world.db, VICTIM, "self", world.clock)
    headers = {"Authorization": f"Bearer {token}"}
    r = world.client.get(f"/api/strength/session/{world.lift_id}", headers=headers)
    assert r.status_code == 200 and MARKERS[0] in r.text
    r = world.client.get(
        f"/api/activity/{world.run_id}", params={"athlete": VICTIM}, headers=headers
    )
    assert r.status_code == 200 and MARKERS[2] in r.text
    assert user_named(world.db, VICTIM).athlete_id == world.victim.athlete_id
