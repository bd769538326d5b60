"""Issue 18 item 5: commands that start fast. Not timed (speed is measured in
``bench/web_speed.py``): what each command loads is checked instead, in a fresh interpreter.

``legday --help`` and a command's parsing load no command module but the one asked for, and none
of the heavy libraries; ``legday week``, ``strength``, ``plan`` and ``verdict`` run end to end
without Pydantic (which Typer would load to hand back values unchanged), the web server, the
frames or the file readers they do not need; on a SQLite home, without SQLAlchemy (they read
it with sqlite3, ``legday.store.quick``) or numpy either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

import legday
from legday.cli import COMMANDS, app
from legday.cli.common import as_given
from legday.synth import generate_history, write_history

#: Libraries no help and no parsing may load: the database, arrays, validation, the web, frames,
#: FIT decoders, plotting of the batch.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "pydantic",
    "pandas",
    "polars",
    "scipy",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "fitdecode",
    "garmin_fit_sdk",
    "dask",
    "pyarrow",
    "psycopg",
)

#: Libraries the four everyday commands never need, even when they run.
NEVER = ("pydantic", "pandas", "polars", "scipy", "fastapi", "starlette", "uvicorn", "jinja2")
NEVER += ("fitdecode", "garmin_fit_sdk", "dask", "pyarrow", "psycopg", "argon2")
#: What the four commands need on a SQLite home no more: the ORM (SQLAlchemy, Alembic), numpy.
SQLITE_NEVER = ("sqlalchemy", "alembic", "numpy")
#: legday's own modules that judge or import files, which reading a stored week never needs.
LATER = ("legday.web", "legday.analysis", "legday.io", "legday.store.importer", "legday.batch")
LATER += ("legday.accounts",)

#: Where the legday under test lives: the child interpreters load that one, not another
#: installed copy (a worktree's sources on ``PYTHONPATH``).
SOURCES = str(Path(legday.__file__).parents[1])

#: Runs ``python -m legday ARGS``; at exit, prints the modules it loaded as its last line.
LOADED = """
import atexit, json, runpy, sys
sys.argv = ["legday", *{args!r}]
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
runpy.run_module("legday", run_name="__main__")
"""

#: Parses ``legday ARGS`` (the root and the command's options) without running the command.
PARSED = """
import json, sys
import typer.main
from legday.cli import app
root = typer.main.get_command(app)
args = {args!r}
with root.make_context("legday", list(args)) as ctx:
    command = root.get_command(ctx, args[0])
    command.make_context(args[0], list(args[1:]), parent=ctx)
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(args: list[str], home: Path) -> tuple[int, list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED.format(args=args)],
        capture_output=True,
        text=True,
        env={"LEGDAY_HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": SOURCES},
        timeout=300,
    )
    *messages, last = done.stderr.strip().splitlines()
    return done.returncode, json.loads(last), "\n".join(messages)


def _tops(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & set(names))


def _command_modules(modules: list[str]) -> set[str]:
    return {m.removeprefix("legday.cli.") for m in modules if m.startswith("legday.cli.")} - {
        "common"
    }


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_the_root_help_loads_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    code, modules, err = _loaded(args, tmp_path)
    assert code == 0, err
    assert _tops(modules, HEAVY) == []
    assert not [m for m in modules if m.startswith(("legday.store", "legday.plan", *LATER))]


@pytest.mark.parametrize("name", ["week", "strength", "plan", "verdict"])
def test_a_command_parsed_loads_its_module_alone(name: str, tmp_path: Path) -> None:
    """The command's own options (``--date``, ``--exercise``, an ID) given and parsed: only
    its module is imported, and nothing heavy (the library opens when the command runs)."""
    args = {
        "week": ["week", "--date", "2026-11-23", "--json", "--db", "sqlite:///x.db"],
        "strength": ["strength", "--exercise", "back squat"],
        "plan": [
            "plan",
            "--runs",
            "mon=easy",
            "--available",
            "mon,wed",
            "--race",
            "2027-04-18:42.2",
        ],
        "verdict": ["verdict", "42", "--json"],
    }[name]
    done = subprocess.run(
        [sys.executable, "-c", PARSED.format(args=args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": SOURCES},
    )
    modules = json.loads(done.stdout)
    assert _tops(modules, HEAVY) == [], done.stderr
    assert _command_modules(modules) == {COMMANDS[name][0]}


def test_each_command_of_the_table_builds_with_its_help() -> None:
    """The lazy table names each command's real module, function and epilog."""
    root = typer.main.get_command(app)
    assert list(root.commands) == list(COMMANDS)  # type: ignore[attr-defined]
    for name, (_, _, epilog) in COMMANDS.items():
        command = root.commands[name]  # type: ignore[attr-defined]
        assert command.name == name
        assert epilog is None or command.epilog.startswith("Example")


def test_everyday_commands_run_without_pydantic_or_the_web(tmp_path: Path) -> None:
    """A home with a week of runs and lifts imported: week, strength, plan and verdict (of a
    stored run and of a lifting session) run end to end and load none of :data:`NEVER`, nor the
    analysis, the file readers or the importer: they read what the import stored. The home is
    SQLite: they load none of :data:`SQLITE_NEVER` either."""
    history = generate_history(weeks=1, seed=3)
    write_history(history, tmp_path / "files", formats=("fit",))
    code, _, err = _loaded(["import", str(tmp_path / "files"), "--workers", "1"], tmp_path)
    assert code == 0, err
    day = history.last_day.isoformat()
    for args in (
        ["week", "--date", day, "--json"],
        ["week", "--date", day],
        ["strength", "--json"],
        ["strength"],
        ["plan", "--json"],
        ["plan"],
        ["verdict", "1", "--json"],
        ["verdict", "1"],
        ["verdict", "s1", "--json"],
    ):
        code, modules, err = _loaded(args, tmp_path)
        assert code == 0, (args, err)
        assert _tops(modules, NEVER) == [], args
        assert _tops(modules, SQLITE_NEVER) == [], args
        assert not [m for m in modules if m.startswith(LATER)], args


def _param(command: str, name: str) -> Any:
    root = typer.main.get_command(app)
    found = root.commands[command]  # type: ignore[attr-defined]
    return found, next(p for p in found.params if p.name == name)


@pytest.mark.parametrize(
    ("command", "param", "value", "plain"),
    [
        ("week", "date_", None, True),
        ("week", "date_", "2026-11-23", True),
        ("week", "db", "sqlite:///x.db", True),
        ("plan", "weeks", 1, True),  # the default, an int already
        ("plan", "weeks", "8", False),  # typed: Typer parses it
        ("plan", "minutes", 25, False),  # bounded (min=10): Typer checks it
        ("plan", "minutes", None, True),
        ("plan", "ics", "plan.ics", False),  # a Path
        ("verdict", "target", "42", True),
        ("week", "json_out", False, False),  # a bool: Typer's own shortcut
    ],
)
def test_a_value_passed_as_given_is_what_typer_makes_of_it(
    command: str, param: str, value: Any, plain: bool
) -> None:
    """Where :func:`as_given` lets a value skip Typer's Pydantic coercion, Typer's coercion
    hands back that same value; elsewhere Typer still coerces."""
    coercion = pytest.importorskip(
        "typer._coercion", reason="Typer < 0.26 coerces without Pydantic"
    )
    from typer._click import Context

    found, option = _param(command, param)
    assert as_given(option, value) is plain
    if plain:
        typer_made = coercion.build_runtime_param(option.type_descriptor).coerce(
            value, param=option, ctx=Context(found)
        )
        assert typer_made == value and type(typer_made) is type(value)
