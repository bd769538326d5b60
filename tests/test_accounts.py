"""Issue 20 items 1, 2 and 6: accounts, consent, and the migration that turns a single-user
database into its first athlete's. On SQLite and PostgreSQL (``db_url``); the row-level security
that PostgreSQL adds is tested in ``tests/test_isolation.py``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from legday.accounts import Passwords, Role, add_user, open_access
from legday.accounts.rules import Access, Link, Right, User, access_to, check_login
from legday.accounts.store import (
    SESSION_LIFETIME,
    access_log,
    authenticate,
    create_token,
    disable_user,
    end_session,
    link_coach,
    revoke_coach,
    revoke_token,
    session_user,
    start_session,
    token_user,
    visible_athletes,
    visible_ids,
)
from legday.cli import app
from legday.errors import AccountError, AuthenticationError, ForbiddenError, NotFoundError
from legday.home import Home
from legday.store.blobs import BlobStore
from legday.store.db import SCHEMA_HEAD, Database, open_database
from legday.store.library import Library
from legday.synth import Device, SyntheticAthlete, make_run, write_fit

PASSWORD = "correct horse"
#: Argon2 at its cheapest: these tests are about the rules, not the hash's cost.
CHEAP = Passwords(cheap=True)


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _user(db: Database, login: str, role: Role = Role.ATHLETE, **kw: str) -> User:
    return add_user(db, login, PASSWORD, role, passwords=CHEAP, clock=Clock(), **kw)


def bound(db: Database, access: Access, home: Path) -> Library:
    """The library of ``access``'s athlete, acting as its user (as the server opens it)."""
    h = Home(home)
    return Library(
        db=db.acting_as(access.user_id),
        blobs=BlobStore(h.path / "originals"),
        profile=h.profile(),
        settings=h.settings(),
        access=access,
    )


def easy_run(path: Path, seed: int) -> Path:
    """A synthetic easy run on 24 November 2026 at 07:00 UTC, written as a FIT file."""
    run = make_run(
        "easy",
        SyntheticAthlete.default(),
        Device.clean(),
        datetime(2026, 11, 24, 7, tzinfo=UTC),
        np.random.default_rng(seed),
    )
    path.write_bytes(write_fit(run.activity, run.truth))
    return path


# -- the rule, pure ------------------------------------------------------------------------------

COACH = User(2, "jo", Role.COACH, None, None, False)


@pytest.mark.parametrize(
    ("user", "links", "club", "right"),
    [
        (User(1, "al", Role.ATHLETE, 7, None, False), [], [], Right.OWN),
        (User(1, "al", Role.ATHLETE, 7, None, True), [], [], None),  # disabled
        (User(1, "al", Role.ATHLETE, 8, None, False), [], [], None),  # another athlete
        (COACH, [Link(7, 2, False, False)], [], Right.READ),
        (COACH, [Link(7, 2, True, False)], [], Right.EDIT),
        (COACH, [Link(7, 2, True, True)], [], None),  # revoked
        (COACH, [Link(7, 3, True, False)], [], None),  # another coach's link
        (COACH, [Link(8, 2, True, False)], [], None),  # a link to another athlete
        (COACH, [], [7], None),  # a coach is not a club admin
        (User(4, "ad", Role.CLUB_ADMIN, None, 1, False), [], [7], Right.READ),
    ],
)
def test_access_rule(user: User, links: list[Link], club: list[int], right: Right | None) -> None:
    access = access_to(user, 7, links, club)
    assert (access.right if access else None) == right


def test_read_only_access_refuses_edits_by_name() -> None:
    access = Access(2, "jo", 7, Right.READ)
    with pytest.raises(
        ForbiddenError, match="jo may not edit labels, notes and plans of athlete 7"
    ):
        access.require(Right.EDIT)
    Access(2, "jo", 7, Right.EDIT).require(Right.EDIT)
    with pytest.raises(ForbiddenError, match="only the athlete"):
        Access(2, "jo", 7, Right.EDIT).require(Right.OWN)


@pytest.mark.parametrize("login", ["", "-x", "a b", "x" * 81, "al\n", "ü"])
def test_bad_login_names_are_refused(login: str) -> None:
    with pytest.raises(AccountError, match="bad login name"):
        check_login(login)


def test_passwords_are_argon2id_with_rfc_9106_parameters() -> None:
    stored = Passwords().hash(PASSWORD)
    # RFC 9106 section 4, second recommended option: argon2id, m = 64 MiB, t = 3, p = 4
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert Passwords().verify(stored, PASSWORD)
    assert not Passwords().verify(stored, PASSWORD + "!")
    assert not Passwords().verify(None, PASSWORD)  # an unknown user, against the decoy


# -- the store -----------------------------------------------------------------------------------


def test_accounts_links_and_revocation(db_url: str) -> None:
    db = open_database(db_url)
    clock = Clock()
    try:
        al, bo = _user(db, "al"), _user(db, "bo")
        jo = _user(db, "jo", Role.COACH, club="Harriers")
        ad = _user(db, "ad", Role.CLUB_ADMIN, club="Harriers")
        with pytest.raises(AccountError, match="a club admin needs a club"):
            _user(db, "ae", Role.CLUB_ADMIN)
        assert al.athlete_id and bo.athlete_id and al.athlete_id != bo.athlete_id
        assert jo.athlete_id is None
        with pytest.raises(AccountError, match="exists already"):
            _user(db, "al")
        with pytest.raises(NotFoundError):  # jo sees no one yet; bo learns nothing of al
            open_access(db, jo, al.athlete_id, "GET /", clock)
        with pytest.raises(NotFoundError):
            open_access(db, bo, al.athlete_id, "GET /", clock)

        link_coach(db, "al", "jo", clock)
        assert [(v.login, v.access.right) for v in visible_athletes(db, jo)] == [("al", Right.READ)]
        assert open_access(db, jo, al.athlete_id, "GET /week", clock).right is Right.READ
        link_coach(db, "al", "jo", clock, can_edit=True)  # replaces the read-only grant
        assert open_access(db, jo, al.athlete_id, "GET /plan", clock).right is Right.EDIT
        # the athlete's own look is not logged; the coach's are, newest first
        assert open_access(db, al, al.athlete_id, "GET /", clock).right is Right.OWN
        assert [(e.login, e.what, e.can_edit) for e in access_log(db, al.athlete_id)] == [
            ("jo", "GET /plan", True),
            ("jo", "GET /week", False),
        ]
        assert access_log(db, bo.athlete_id) == []

        clock.now += timedelta(minutes=1)
        revoke_coach(db, "al", "jo", clock)
        with pytest.raises(NotFoundError):
            open_access(db, jo, al.athlete_id, "GET /", clock)
        assert visible_athletes(db, jo) == []
        with pytest.raises(NotFoundError, match="no standing link"):
            revoke_coach(db, "al", "jo", clock)

        # the club admin sees the club's athletes, read-only, once they join the club
        assert visible_athletes(db, ad) == []
        _user(db, "cy", club="Harriers")
        assert [(v.login, v.access.right) for v in visible_athletes(db, ad)] == [("cy", Right.READ)]
        with pytest.raises(AccountError, match="is an athlete, not a coach"):
            link_coach(db, "al", "bo", clock)
    finally:
        db.dispose()


def test_a_roster_view_is_in_each_athletes_access_log(db_url: str) -> None:
    """A coach's roster shows every linked athlete's week: one access-log row each, the coach's
    own look at nobody's data logged nowhere, an unlinked athlete's log untouched."""
    db = open_database(db_url)
    clock = Clock()
    try:
        al, bo, cy = _user(db, "al"), _user(db, "bo"), _user(db, "cy")
        jo = _user(db, "jo", Role.COACH)
        link_coach(db, "al", "jo", clock)
        link_coach(db, "bo", "jo", clock, can_edit=True)
        assert set(visible_ids(db, jo.id, "GET /roster", clock)) == {al.athlete_id, bo.athlete_id}
        assert [(e.login, e.what, e.can_edit) for e in access_log(db, al.athlete_id)] == [
            ("jo", "GET /roster", False)
        ]
        assert [(e.login, e.can_edit) for e in access_log(db, bo.athlete_id)] == [("jo", True)]
        assert access_log(db, cy.athlete_id) == []
        assert visible_ids(db, al.id, "GET /roster", clock) == [al.athlete_id]  # own: no row
        assert len(access_log(db, al.athlete_id)) == 1
    finally:
        db.dispose()


def test_logins_sessions_and_tokens(db_url: str) -> None:
    db = open_database(db_url)
    clock = Clock()
    try:
        al = _user(db, "al")
        assert authenticate(db, "al", PASSWORD, CHEAP) == al
        for login, password in (("al", "wrong password"), ("nobody", PASSWORD)):
            with pytest.raises(AuthenticationError, match="wrong login name or password"):
                authenticate(db, login, password, CHEAP)

        cookie, started = start_session(db, al, clock)
        assert session_user(db, cookie, clock) == started
        clock.now += SESSION_LIFETIME
        with pytest.raises(AuthenticationError, match="expired"):
            session_user(db, cookie, clock)
        start_session(db, al, clock)  # a new login clears the expired one away
        with db.session() as s:
            assert s.execute(sa.text("select count(*) from web_sessions")).scalar() == 1
        clock.now -= SESSION_LIFETIME
        end_session(db, cookie)
        with pytest.raises(AuthenticationError):
            session_user(db, cookie, clock)

        made, secret = create_token(db, "al", "phone", clock)
        assert secret.startswith("lgd_") and token_user(db, secret) == al
        with db.session() as s:  # at rest, only its hash
            stored = s.execute(sa.text("select token_hash from api_tokens")).scalar()
        assert stored != secret and len(stored) == 64 and secret not in stored
        revoke_token(db, "al", made.id, clock)
        with pytest.raises(AuthenticationError, match="revoked"):
            token_user(db, secret)

        _, secret = create_token(db, "al", "laptop", clock)
        cookie, _ = start_session(db, al, clock)
        disable_user(db, "al", clock)
        for check in (lambda: token_user(db, secret), lambda: session_user(db, cookie, clock)):
            with pytest.raises(AuthenticationError):
                check()
        with pytest.raises(AuthenticationError):
            authenticate(db, "al", PASSWORD, CHEAP)
    finally:
        db.dispose()


def test_a_read_only_coach_reads_but_changes_nothing(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    clock = Clock()
    try:
        al, jo = _user(db, "al"), _user(db, "jo", Role.COACH)
        mine = bound(db, open_access(db, al, al.athlete_id or 0, "t", clock), tmp_path)
        logged = mine.log("back squat 3x5 @ 100kg", date(2026, 11, 30))
        link_coach(db, "al", "jo", clock)
        theirs = bound(db, open_access(db, jo, al.athlete_id or 0, "t", clock), tmp_path)
        assert [s.sets[0].load_kg for s in theirs.strength_sessions()] == [100.0]
        for change in (
            lambda: theirs.log("back squat 3x5 @ 90kg", date(2026, 11, 29)),
            lambda: theirs.remove([f"s{logged.id}"]),
            lambda: theirs.edit(f"s{logged.id}", notes="easy"),
            lambda: theirs.import_paths([]),
        ):
            with pytest.raises(ForbiddenError, match="jo may not"):
                change()
        link_coach(db, "al", "jo", clock, can_edit=True)
        editor = bound(db, open_access(db, jo, al.athlete_id or 0, "t", clock), tmp_path)
        assert editor.edit(f"s{logged.id}", notes="felt easy")["notes"] == "felt easy"
        with pytest.raises(ForbiddenError, match="only the athlete"):
            editor.edit(f"s{logged.id}", rpe=7)
    finally:
        db.dispose()


# -- migration 0010 ------------------------------------------------------------------------------


def _to_revision(url: str, revision: str) -> None:
    """Take the database at ``url`` down to ``revision``, as an older legday left it."""
    from alembic import command
    from alembic.config import Config

    engine = sa.create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("legday.store") / "migrations"))
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()


def single_user_history(db_url: str, tmp_path: Path) -> tuple[Home, dict[str, Any]]:
    """A single-user home whose database at ``db_url`` holds a run (``run.fit`` in
    ``tmp_path``) and a lifting session; the week of 25 November 2026 as it reads it."""
    home = Home(tmp_path / "home")
    lib = Library.open(home, db_url)
    try:
        assert lib.import_paths([easy_run(tmp_path / "run.fit", seed=1)], workers=1).ok
        lib.log("back squat 3x5 @ 60kg", date(2026, 11, 25))
        return home, lib.week(date(2026, 11, 25)).to_dict()
    finally:
        lib.close()


def test_a_single_user_database_becomes_its_first_athletes(db_url: str, tmp_path: Path) -> None:
    """Issue 20, item 6: a database at 0009 with a run and a lifting session upgrades; the first
    athlete user made owns that history (and the second does not), single-user mode reads it as
    before, and the downgrade takes every account table away again."""
    home, before = single_user_history(db_url, tmp_path)
    _to_revision(db_url, "0009")
    engine = sa.create_engine(db_url)
    with engine.connect() as c:
        assert c.execute(sa.text("select version_num from alembic_version")).scalar() == "0009"
        assert "users" not in sa.inspect(c).get_table_names()
    engine.dispose()

    db = open_database(db_url)  # upgrades to 0010
    clock = Clock()
    try:
        with db.session() as s:
            head = s.execute(sa.text("select version_num from alembic_version")).scalar()
        assert head == SCHEMA_HEAD
        al, bo = _user(db, "al"), _user(db, "bo")
        first = bound(db, open_access(db, al, al.athlete_id or 0, "t", clock), home.path)
        second = bound(db, open_access(db, bo, bo.athlete_id or 0, "t", clock), home.path)
        assert first.week(date(2026, 11, 25)).to_dict() == before
        assert len(first.strength_sessions()) == 1 and first.has_sessions()
        assert not second.has_sessions() and second.strength_sessions() == []
        (run_id,) = [s["id"] for s in before["sessions"] if isinstance(s["id"], int)]
        assert first.activity(run_id)["id"] == run_id
        with pytest.raises(NotFoundError):
            second.activity(run_id)
    finally:
        db.dispose()
    single = Library.open(home, db_url)
    try:
        assert single.week(date(2026, 11, 25)).to_dict() == before
    finally:
        single.close()

    _to_revision(db_url, "0009")
    engine = sa.create_engine(db_url)
    with engine.connect() as c:
        assert not {"users", "coach_links", "access_log"} & set(sa.inspect(c).get_table_names())
    engine.dispose()


# -- the command line ----------------------------------------------------------------------------


def test_users_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'legday.sqlite'}"
    monkeypatch.setenv("LEGDAY_DB", url)

    def run(*args: str, stdin: str | None = None) -> str:
        done = runner.invoke(app, ["users", *args], input=stdin)
        assert done.exit_code == 0, done.output
        return done.output

    assert "Added al (athlete)" in run("add", "al", stdin=PASSWORD + "\n")
    run("add", "jo", "--role", "coach", "--club", "Harriers", stdin=PASSWORD + "\n")
    assert "jo now sees al (may edit)" in run("link", "al", "jo", "--edit")
    out = run("token", "create", "al", "--name", "phone")
    secret = out.split(": ", 1)[1].split()[0]
    assert secret.startswith("lgd_")
    assert '"revoked": false' in run("token", "list", "al", "--json")
    run("token", "revoke", "al", "1")
    run("unlink", "al", "jo")
    run("disable", "jo")
    listed = run("list")
    assert "al  athlete" in listed and "jo  coach · Harriers disabled" in listed
    bad = runner.invoke(app, ["users", "add", "x", "--role", "boss"], input=PASSWORD + "\n")
    assert bad.exit_code == 1
    assert "unknown role 'boss': use one of athlete, coach, club_admin" in bad.output
    short = runner.invoke(app, ["users", "add", "y"], input="short\n")
    assert short.exit_code == 1 and "8 to 256 characters" in short.output
