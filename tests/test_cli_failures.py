"""A clear message, never a traceback (issue 16, item 3).

Every command, found in the CLI's own command list (so a new command is covered, or this test
asks for its typical arguments), fails with exactly one line on stderr and a non-zero exit on
bad arguments and on a broken home. Then the known cases one by one: dates at the calendar's
edges (also through ``/api/week``), a damaged database, one written by a newer legday, one with
a column dropped, a read-only home, ``legday week`` on a read-only database (it only reads, so
it works), and Rich markup in a file's data (a device named ``[/oops]`` crashed ``inspect``;
``[link=…]`` made a terminal hyperlink).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from legday.cli import app
from legday.home import Home
from legday.store.library import Library
from legday.web import create_app
from test_web_support import LOOPBACK

runner = CliRunner()

SQUAT = "back squat 3x8 @ 80kg rir 2"
#: The day the stored sessions are logged on (a fixed day: "now" could fall in another week).
DAY = "2026-11-24"
#: A file's data holding Rich markup: a closing tag that crashes the renderer, and a link.
OOPS = "[/oops]"
LINK = "[link=https://evil.example]click me[/link]"


def _gpx(creator: str = "test", name: str = "run") -> str:
    start = datetime(2026, 11, 23, 7, tzinfo=UTC).timestamp()
    points = "\n".join(
        f'<trkpt lat="{35.0 + i * 2.5e-5:.6f}" lon="139.0"><ele>10</ele>'
        f"<time>{datetime.fromtimestamp(start + i, UTC):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i in range(240)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gpx version="1.1" creator="{creator}" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>{name}</name><type>running</type><trkseg>\n{points}\n</trkseg></trk></gpx>\n"
    )


def _commands() -> dict[str, Any]:
    """Every leaf command by its path ("profile set"), from the CLI's own command list."""
    found: dict[str, Any] = {}

    def walk(cmd: Any, prefix: list[str]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            if hasattr(sub, "commands"):
                walk(sub, [*prefix, name])
            else:
                found[" ".join([*prefix, name])] = sub

    walk(typer.main.get_command(app), [])
    return found


#: Typical arguments of each command (``{run}`` is a small GPX run). A new command needs a
#: line here: the test below fails until it has one.
TYPICAL: dict[str, list[str]] = {
    "demo": ["--weeks", "1", "--teammates", "0"],
    "inspect": ["{run}"],
    "import": ["{run}"],
    "reanalyze": [],
    "analyze": ["{run}"],
    "verdict": ["{run}"],
    "log": [SQUAT],
    "strength": [],
    "rm": ["s1"],
    "edit": ["s1", "--rpe", "7"],
    "week": [],
    "records": [],
    "roster": [],
    "plan": [],
    "serve": ["--port", "1"],
    "label": ["1", "--kind", "race"],
    "labels export": [],
    "profile show": [],
    "profile set": ["hr_max=188"],
    "batch": ["{run}", "--out", "study"],
    "batch-summary": ["study"],
    "backup": ["backup.tar"],
    "restore": ["backup.tar"],
    "users add": ["ada"],
    "users list": [],
    "users disable": ["ada"],
    "users link": ["ada", "jo"],
    "users unlink": ["ada", "jo"],
    "users token create": ["ada"],
    "users token list": ["ada"],
    "users token revoke": ["ada", "1"],
}


def _one_line_failure(result: Result, what: object) -> None:
    shown = f"{what}: exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert result.exit_code not in (0, None), shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    assert len(result.stderr.strip().splitlines()) == 1, shown
    assert result.stderr.startswith("legday: error: "), shown
    # an error the CLI did not map would be the runner's exception, not SystemExit
    assert result.exception is None or isinstance(result.exception, SystemExit), shown


def test_every_command_has_typical_arguments() -> None:
    assert sorted(_commands()) == sorted(TYPICAL)


@pytest.mark.parametrize("path", sorted(TYPICAL))
def test_bad_arguments_are_one_line(path: str, tmp_path: Path) -> None:
    env = {"LEGDAY_HOME": str(tmp_path)}
    words = path.split()
    _one_line_failure(runner.invoke(app, [*words, "--no-such-option"], env=env), path)
    command = _commands()[path]
    if any(p.required for p in command.params):
        _one_line_failure(runner.invoke(app, words, env=env), f"{path} (nothing)")


def _broken_homes(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "home-is-a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    bad_toml = tmp_path / "bad-toml"
    bad_toml.mkdir()
    (bad_toml / "legday.toml").write_text("[profile\nhr_max = ", encoding="utf-8")
    return {"a file": a_file, "bad legday.toml": bad_toml}


@pytest.mark.parametrize("path", sorted(TYPICAL))
def test_a_broken_home_is_one_line_for_every_command(path: str, tmp_path: Path) -> None:
    run = tmp_path / "run.gpx"
    run.write_text(_gpx(), encoding="utf-8")
    args = [*path.split(), *(a.replace("{run}", str(run)) for a in TYPICAL[path])]
    for what, home in _broken_homes(tmp_path).items():
        if path == "demo" and what == "bad legday.toml":
            continue  # the demo is a home of its own, under <home>/demo: it never reads yours
        if path == "users list" and what == "bad legday.toml":
            continue  # accounts live in the database: listing them never reads the profile
        result = runner.invoke(app, args, env={"LEGDAY_HOME": str(home)})
        _one_line_failure(result, f"{path} with {what}")


def test_a_command_without_guarded_still_fails_in_one_line() -> None:
    from legday.cli.common import OneLineErrors

    other = typer.Typer(cls=OneLineErrors, name="legday", pretty_exceptions_enable=False)

    @other.command()
    def boom() -> None:
        raise ValueError("first\nsecond")

    @other.command()
    def fine() -> None:
        """Does nothing."""

    result = runner.invoke(other, ["boom"])
    _one_line_failure(result, "boom")
    assert "a bug in legday" in result.stderr
    assert runner.invoke(other, ["fine"]).exit_code == 0


# --- dates at the edges -----------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_week_at_the_calendars_edges(day: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["week", "--date", day], env={"LEGDAY_HOME": str(tmp_path)})
    _one_line_failure(result, day)
    assert "outside 1900–2100" in result.stderr
    result = runner.invoke(app, ["plan", "--date", day], env={"LEGDAY_HOME": str(tmp_path)})
    assert result.exit_code != 0 and "Traceback" not in result.stderr + result.stdout


def test_api_week_at_the_calendars_edges(tmp_path: Path) -> None:
    def factory() -> Library:
        return Library.open(Home(tmp_path))

    with TestClient(create_app(factory), base_url=LOOPBACK) as client:
        for day in ("9999-12-31", "0001-01-01"):
            for path in ("/api/week", "/api/plan"):
                r = client.get(path, params={"date": day})
                assert r.status_code == 400, (path, day, r.text)
                assert "outside 1900–2100" in r.json()["error"]


def test_log_at_9999_in_a_western_zone(tmp_path: Path) -> None:
    env = {"LEGDAY_HOME": str(tmp_path)}
    assert runner.invoke(app, ["profile", "set", "time_zone=America/Los_Angeles"], env=env)
    for when in ("9999-12-31T23:00", "9999-12-31", "0001-01-01T00:30"):
        result = runner.invoke(app, ["log", SQUAT, "--date", when], env=env)
        _one_line_failure(result, when)


# --- databases legday cannot use --------------------------------------------------------------


def _home_with_a_session(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    result = runner.invoke(app, ["log", SQUAT, "--date", DAY], env={"LEGDAY_HOME": str(home)})
    assert result.exit_code == 0, result.output
    return home


def _damage(home: Path, *statements: str) -> None:
    """Change the home's database behind legday's back."""
    with sqlite3.connect(home / "legday.sqlite") as db:
        for statement in statements:
            db.execute(statement)
    db.close()


@pytest.mark.parametrize("command", [["week"], ["strength"], ["log", "push up 3x10"]])
def test_a_damaged_database_is_one_line(command: list[str], tmp_path: Path) -> None:
    home = _home_with_a_session(tmp_path)
    for suffix in ("-wal", "-shm"):
        (home / f"legday.sqlite{suffix}").unlink(missing_ok=True)
    (home / "legday.sqlite").write_bytes(os.urandom(8192))
    result = runner.invoke(app, command, env={"LEGDAY_HOME": str(home)})
    _one_line_failure(result, command)
    assert "damaged or not a legday database" in result.stderr


def test_a_database_written_by_a_newer_legday(tmp_path: Path) -> None:
    home = _home_with_a_session(tmp_path)
    _damage(
        home,
        "update alembic_version set version_num = '0099'",
        "update legday_meta set value = '9.1.0' where key = 'written_by'",
    )
    result = runner.invoke(app, ["week"], env={"LEGDAY_HOME": str(home)})
    _one_line_failure(result, "newer")
    assert "written by legday 9.1.0" in result.stderr and "upgrade legday" in result.stderr
    _damage(home, "delete from legday_meta")
    result = runner.invoke(app, ["week"], env={"LEGDAY_HOME": str(home)})
    assert "written by a newer legday" in result.stderr


def test_a_dropped_column_is_one_line(tmp_path: Path) -> None:
    home = _home_with_a_session(tmp_path)
    # a column every command reads; a careless hand drops its indexes first
    _damage(
        home,
        "drop index if exists ix_strength_athlete_list",
        "drop index if exists ix_strength_athlete_start",
        "alter table strength_sessions drop column start",
    )
    for command in (["week"], ["log", "push up 3x10"], ["strength"]):
        result = runner.invoke(app, command, env={"LEGDAY_HOME": str(home)})
        _one_line_failure(result, command)
        assert "does not match this legday's schema" in result.stderr


def test_a_database_server_that_does_not_answer_keeps_its_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://runner:hunter2@127.0.0.1:1/legday"
    result = runner.invoke(app, ["week", "--db", url], env={"LEGDAY_HOME": str(tmp_path)})
    _one_line_failure(result, url)
    assert "hunter2" not in result.stderr and "runner:***@127.0.0.1" in result.stderr


# --- read-only homes and databases ------------------------------------------------------------

#: The user a root test run drops to, to meet permissions as a user does (root ignores them).
NOBODY = 65534


def _invoke_as_a_user(args: list[str], home: Path) -> tuple[int, str, str]:
    """Run the CLI where file permissions apply: in-process for a normal user; as root (which
    ignores them), in a forked child that drops to ``nobody`` first. The child cannot import
    from root's Python, so the same command runs once here first, on a writable copy, to load
    every module it needs."""
    if os.geteuid() != 0:
        result = runner.invoke(app, args, env={"LEGDAY_HOME": str(home)})
        return result.exit_code, result.stdout, result.stderr
    warm = home.parent / "warm"
    shutil.copytree(home, warm, dirs_exist_ok=True)
    for path in (warm, *warm.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    runner.invoke(app, args, env={"LEGDAY_HOME": str(warm)})
    read, write = os.pipe()
    with warnings.catch_warnings():  # 3.12+ warns of fork in a threaded process: the child
        warnings.simplefilter("ignore", DeprecationWarning)  # only runs the CLI, then exits
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = runner.invoke(app, args, env={"LEGDAY_HOME": str(home)})
            out = [result.exit_code, result.stdout, result.stderr]
        except BaseException as exc:
            out = [99, "", f"the child failed: {exc!r}"]
        os.write(write, json.dumps(out).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    code, stdout, stderr = json.loads(data)
    return int(code), str(stdout), str(stderr)


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A folder every user can reach (pytest's own are root's alone when root runs them)."""
    folder = Path(tempfile.mkdtemp(prefix="legday-ro-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        if not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def _read_only(home: Path, *, folder: bool) -> None:
    for path in home.iterdir():
        path.chmod(0o444)
    home.chmod(0o555 if folder else 0o755)
    (home.parent).chmod(0o755)


def test_week_works_on_a_read_only_database(public_tmp: Path) -> None:
    home = _home_with_a_session(public_tmp)
    assert runner.invoke(app, ["week"], env={"LEGDAY_HOME": str(home)}).exit_code == 0
    _read_only(home, folder=False)  # the file is read-only; the folder is not
    code, out, err = _invoke_as_a_user(["week", "--json", "--date", DAY], home)
    assert code == 0, err
    assert json.loads(out)["strength_sessions"] == 1
    code, out, err = _invoke_as_a_user(["log", "push up 3x10"], home)
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "the database is read-only" in err


def test_a_read_only_database_that_a_writer_has_open_shows_its_newest_sessions(
    public_tmp: Path,
) -> None:
    home = _home_with_a_session(public_tmp)
    writer = sqlite3.connect(home / "legday.sqlite")  # open: the next log stays in the WAL
    try:
        writer.execute("select count(*) from strength_sessions").fetchall()
        logged = runner.invoke(
            app, ["log", "push up 3x10", "--date", DAY], env={"LEGDAY_HOME": str(home)}
        )
        assert logged.exit_code == 0, logged.output
        assert (home / "legday.sqlite-wal").stat().st_size > 0
        _read_only(home, folder=True)
        code, out, err = _invoke_as_a_user(["week", "--json", "--date", DAY], home)
        assert code == 0, err
        assert json.loads(out)["strength_sessions"] == 2  # the one in the WAL too
    finally:
        writer.close()


def test_a_read_only_home(public_tmp: Path) -> None:
    home = _home_with_a_session(public_tmp)
    _read_only(home, folder=True)
    code, out, err = _invoke_as_a_user(["week", "--json", "--date", DAY], home)
    assert code == 0, err  # reading still works
    assert json.loads(out)["strength_sessions"] == 1
    for args in (["profile", "set", "hr_max=190"], ["log", "push up 3x10"]):
        code, _, err = _invoke_as_a_user(args, home)
        assert code == 1 and len(err.strip().splitlines()) == 1, (args, err)
        assert "Traceback" not in err, err
        assert "read-only" in err or "cannot write" in err, err


def test_a_home_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["log", SQUAT], env={"LEGDAY_HOME": str(blocker / "home")})
    _one_line_failure(result, "home under a file")


# --- markup in a file's data ------------------------------------------------------------------


@pytest.mark.parametrize("text", [OOPS, LINK])
def test_markup_from_a_file_is_printed_as_written(text: str, tmp_path: Path) -> None:
    run = tmp_path / "run.gpx"
    escaped = text.replace("&", "&amp;").replace('"', "&quot;")
    run.write_text(_gpx(creator=escaped, name=escaped), encoding="utf-8")
    env = {"LEGDAY_HOME": str(tmp_path / "home")}
    result = runner.invoke(app, ["inspect", str(run)], env=env, color=True)
    assert result.exit_code == 0, result.stderr or result.output
    assert text in result.stdout
    assert "\x1b]8;" not in result.stdout  # no terminal hyperlink (OSC 8)
    assert runner.invoke(app, ["import", str(run)], env=env).exit_code == 0
    week = runner.invoke(app, ["week", "--date", "2026-11-23"], env=env, color=True)
    assert week.exit_code == 0 and "\x1b]8;" not in week.stdout
