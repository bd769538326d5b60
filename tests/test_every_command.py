"""Every command ``legday --help`` lists, with typical arguments, on the demo's database, on
SQLite and on PostgreSQL.

The commands are read from the command line itself, so a new command without a case here fails
:func:`test_every_command_has_a_case`. The demo's runner is built once per back end: on SQLite
it is the demo's own database, on PostgreSQL the demo's files imported into a new database.
Cases that change the data undo what they did (``rm`` then ``rm --undo``, ``label`` then
``--clear``), so the cases can run in any order.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer.main
from typer.testing import CliRunner

from conftest import new_pg_database
from legday.cli import app
from legday.store.db import open_database
from legday.store.schema import ActivityRow, StrengthSessionRow
from serving import free_port, serving

runner = CliRunner()


@dataclass(frozen=True)
class Demo:
    """The demo runner on one back end."""

    home: Path
    url: str
    files: Path
    last_day: date
    run_id: int
    """A run of the demo's last week."""
    lift_id: int
    """A lifting session from the demo's Strong CSV."""
    fit: Path
    """One of the demo's FIT recordings."""

    @property
    def db(self) -> list[str]:
        return ["--db", self.url]


def _commands() -> list[str]:
    """Every command and subcommand the CLI has, as typed (``labels export``)."""

    def walk(command: object, path: tuple[str, ...]) -> Iterator[str]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, (*path, name))
        else:
            yield " ".join(path)

    return sorted(walk(typer.main.get_command(app), ()))


#: A command's typical calls: each is the arguments after the command's name, and a piece of
#: text its output must hold.
Case = tuple[list[str], str]

CASES: dict[str, Callable[[Demo], list[Case]]] = {
    "demo": lambda d: [
        (["--weeks", "1", "--seed", "5", "--teammates", "0"], "4. Next week's plan")
    ],
    "inspect": lambda d: [([str(d.fit)], "synthetic"), ([str(d.fit), "--json"], '"sport"')],
    "import": lambda d: [([str(d.files), "--workers", "1", *d.db], " duplicates, 0 failed")],
    "reanalyze": lambda d: [(d.db, "sessions.")],
    "analyze": lambda d: [
        ([str(d.fit), *d.db], "Kind: "),
        ([str(d.fit), "--explain", "--json", *d.db], '"kind"'),
    ],
    "verdict": lambda d: [
        ([str(d.fit), *d.db], " — "),
        ([str(d.run_id), "--json", *d.db], '"counts_as_leg_day"'),
    ],
    "log": lambda d: [
        (
            ["back squat 3x5 @ 70kg rir 2", "--date", f"{d.last_day}T19:45", *d.db],
            "Logged session s",
        )
    ],
    "strength": lambda d: [
        (d.db, "e1RM"),
        (["--exercise", "back squat", "--json", *d.db], "{"),
    ],
    "week": lambda d: [
        (["--date", str(d.last_day), *d.db], "R8"),
        (["--date", str(d.last_day), "--json", *d.db], '"sessions"'),
    ],
    "records": lambda d: [
        (d.db, "Personal records"),
        (["--json", *d.db], '"personal_records"'),
    ],
    "roster": lambda d: [
        (["--date", str(d.last_day), *d.db], "Roster, week"),
        (["--date", str(d.last_day), "--json", *d.db], '"attention"'),
    ],
    "plan": lambda d: [
        (d.db, "R10"),
        (["--weeks", "4", "--ics", str(d.home / "block.ics"), *d.db], "BEGIN:VCALENDAR"),
        (["--runs", "mon=easy,tue=intervals,sat=long", "--minutes", "25", "--json", *d.db], "{"),
    ],
    "label": lambda d: [
        ([str(d.run_id), "--kind", "tempo", *d.db], "Kind: tempo (set by you"),
        ([str(d.run_id), "--clear", *d.db], "no label of yours"),
    ],
    "labels export": lambda d: [
        (["--out", str(d.home / "labels.toml"), *d.db], " labels to "),
        (["--json", *d.db], "["),
    ],
    "profile show": lambda d: [([], "hr_max"), (["--json"], "{")],
    "profile set": lambda d: [
        (["minutes_per_day=25", "available_days=mon,wed,fri"], "Saved profile")
    ],
    "rm": lambda d: [
        ([f"s{d.lift_id}", *d.db], f"Removed s{d.lift_id}"),
        (["--undo", *d.db], f"Put back s{d.lift_id}"),
    ],
    "edit": lambda d: [
        ([f"s{d.lift_id}", "--notes", "felt strong", "--rpe", "8", *d.db], "felt strong"),
    ],
    "serve": lambda d: [],  # a server that runs until stopped: test_serve_answers
    "batch": lambda d: [
        ([str(d.files), "--out", str(d.home / "study"), "--workers", "1", "--json"], '"rows"'),
    ],
    "batch-summary": lambda d: [([_study(d), "--json"], '"leg_days"')],
    "users add": lambda d: [([_login("ann"), "--role", "coach", *d.db], "Added ann-")],
    "users list": lambda d: [([*d.db], _account(d, "lee")), (["--json", *d.db], '"role"')],
    "users disable": lambda d: [([_account(d, "dee"), *d.db], "Disabled dee-")],
    "users link": lambda d: [
        ([_account(d, "al"), _account(d, "jo", "coach"), "--edit", *d.db], "(may edit)")
    ],
    "users unlink": lambda d: [([*_linked(d), *d.db], "no longer sees")],
    "users token create": lambda d: [([_account(d, "tc"), "--name", "phone", *d.db], "lgd_")],
    "users token list": lambda d: [([_account(d, "tl"), "--json", *d.db], "[")],
    "users token revoke": lambda d: [([*_token(d), *d.db], "Revoked token")],
    "backup": lambda d: [([str(d.home / "every.tar"), *d.db], "Backed up")],
    "restore": lambda d: [([_archive(d), "--force", *d.db], "replacing its data")],
}

#: The password ``users add`` reads from the environment in these cases.
PASSWORD = "demo password"


def _login(prefix: str) -> str:
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _account(d: Demo, prefix: str, role: str = "athlete") -> str:
    """A new user's login, made on the demo's database (a cheap hash: the rules are tested
    in tests/test_accounts.py)."""
    from legday.accounts import Passwords, Role, add_user
    from legday.store.db import open_database

    db = open_database(d.url)
    try:
        login = _login(prefix)
        add_user(db, login, PASSWORD, Role(role), passwords=Passwords(cheap=True), clock=_now)
        return login
    finally:
        db.dispose()


def _linked(d: Demo) -> tuple[str, str]:
    from legday.accounts import link_coach

    athlete, coach = _account(d, "al"), _account(d, "jo", "coach")
    db = open_database(d.url)
    try:
        link_coach(db, athlete, coach, _now)
    finally:
        db.dispose()
    return athlete, coach


def _token(d: Demo) -> tuple[str, str]:
    from legday.accounts import create_token

    login = _account(d, "tr")
    db = open_database(d.url)
    try:
        made, _ = create_token(db, login, "phone", _now)
    finally:
        db.dispose()
    return login, str(made.id)


def _now() -> datetime:
    return datetime.now(UTC)


def _archive(d: Demo) -> str:
    """A backup of the demo's database as it stands: ``restore --force`` puts back what it
    holds, so the other cases find what they expect."""
    from legday.store.backup import backup

    out = d.home / "restore-me.tar"
    backup(d.url, d.home / "originals", out)
    return str(out)


def _study(d: Demo) -> str:
    """A batch's output of the demo's files (``batch-summary`` reads one), made once."""
    from legday.batch import run_batch

    out = d.home / "summary-study"
    if not out.exists():
        run_batch([str(d.files)], str(out), workers=1)
    return str(out)


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``legday demo`` run once: its home holds the files, the profile and a SQLite database."""
    home = tmp_path_factory.mktemp("demo")
    result = runner.invoke(
        app, ["demo", "--weeks", "3", "--teammates", "0"], env={"LEGDAY_HOME": str(home)}
    )
    assert result.exit_code == 0, result.output
    return home / "demo" / "seed-0"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest, demo_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Demo:
    home = tmp_path_factory.mktemp(f"home-{request.param}")
    shutil.copytree(demo_home, home, dirs_exist_ok=True)
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'legday.sqlite'}"
    else:
        url = new_pg_database(request.getfixturevalue("pg_server_url"))
        for db_file in home.glob("legday.sqlite*"):
            db_file.unlink()
        result = runner.invoke(
            app, ["import", str(home / "files"), "--db", url], env={"LEGDAY_HOME": str(home)}
        )
        assert result.exit_code == 0, result.output
    db = open_database(url)
    try:
        with db.session() as s:
            last = s.scalars(sa.select(ActivityRow).order_by(ActivityRow.start.desc())).first()
            lift = s.scalar(sa.select(sa.func.min(StrengthSessionRow.id)))
    finally:
        db.dispose()
    assert last is not None and lift is not None
    return Demo(
        home=home,
        url=url,
        files=home / "files",
        last_day=last.start.date(),
        run_id=last.id,
        lift_id=lift,
        fit=sorted((home / "files").glob("*.fit"))[0],
    )


def test_every_command_has_a_case() -> None:
    missing = sorted(set(_commands()) - set(CASES))
    assert not missing, f"legday commands with no case in CASES: {missing}"
    assert set(CASES) <= set(_commands()), "a case for a command legday no longer has"


@pytest.mark.parametrize("command", _commands())
def test_every_command(command: str, demo: Demo) -> None:
    env = {"LEGDAY_HOME": str(demo.home), "LEGDAY_PASSWORD": PASSWORD}
    for args, expected in CASES[command](demo):
        argv = [*command.split(), *args]
        result = runner.invoke(app, argv, env=env, terminal_width=200)
        shown = f"legday {' '.join(argv)} exited {result.exit_code}:\n{result.output}"
        assert result.exit_code == 0, shown
        assert result.exception is None or isinstance(result.exception, SystemExit), shown
        output = result.output
        if "--ics" in args:
            output = (demo.home / "block.ics").read_text(encoding="utf-8")
        assert expected in output, shown
        if "--json" in args:
            json.loads(result.stdout)


def test_serve_answers(demo: Demo) -> None:
    """``legday serve`` starts, answers the week's JSON for the demo, and stops on SIGTERM."""
    port = free_port()
    env = {**os.environ, "LEGDAY_HOME": str(demo.home)}
    url = f"http://127.0.0.1:{port}/api/week?date={demo.last_day}"
    with (
        serving(["serve", "--port", str(port), *demo.db], env, url) as proc,
        urllib.request.urlopen(url, timeout=10) as response,
    ):
        week = json.load(response)
    assert week["sessions"], week
    assert "Traceback" not in proc.printed  # type: ignore[attr-defined]
