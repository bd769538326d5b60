"""Issue 20 item 6: configuration from the environment, in one table (:mod:`legday.config`).

The table, ``docs/operations.md``, the options that read a variable and every ``LEGDAY_*`` name
in the sources agree; an option wins over its variable; a server started with nothing but its
environment serves as the variables say."""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from legday import config
from legday.cli import app
from legday.home import Home
from legday.web import create_app
from serving import free_port, serving
from test_json_schemas import _commands
from test_web_api import build_empty

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "legday"
DOC = ROOT / "docs" / "operations.md"
runner = CliRunner()


def _options() -> Iterator[tuple[str, Any]]:
    """Every option of every command, with the command's path (``serve``, ``labels export``)."""
    for path, command in _commands().items():
        for param in command.params:
            yield path, param


def test_the_documented_table_is_the_codes() -> None:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- variables:[^\n]*-->\n(.*?)\n<!-- end of variables -->", text, re.S)
    assert match, "docs/operations.md lost its variables markers"
    assert match.group(1).strip() == config.markdown_table(), (
        "docs/operations.md's table differs from legday.config.VARIABLES: paste "
        "legday.config.markdown_table() between the markers"
    )


def test_every_legday_variable_in_the_sources_is_in_the_table() -> None:
    named = {v.name for v in config.VARIABLES}
    assert len(named) == len(config.VARIABLES)
    found: dict[str, str] = {}
    for path in SRC.rglob("*"):
        if path.suffix in (".py", ".html", ".js") and path.name != "config.py":
            for name in re.findall(r"\bLEGDAY_[A-Z][A-Z0-9_]*\b", path.read_text("utf-8")):
                found.setdefault(name, str(path.relative_to(ROOT)))
    unlisted = {n: where for n, where in found.items() if n not in named}
    assert not unlisted, f"LEGDAY_* variables read but not in legday.config.VARIABLES: {unlisted}"


def test_every_variable_is_read_somewhere() -> None:
    """A variable of the table is an option's ``envvar`` or its constant is used in the
    sources: the table lists nothing legday ignores."""
    constants = {v.name: attr for attr, v in vars(config).items() if isinstance(v, config.Variable)}
    envvars = {p.envvar for _, p in _options() if getattr(p, "envvar", None)}
    sources = "\n".join(p.read_text("utf-8") for p in SRC.rglob("*.py") if p.name != "config.py")
    for v in config.VARIABLES:
        used = v.name in envvars or re.search(rf"\b{constants[v.name]}\.name\b", sources)
        assert used, f"{v.name} is in the table but nothing reads it"


def test_each_option_named_reads_its_variable() -> None:
    options = {(command, opt): p for command, p in _options() for opt in p.opts}
    envvars = {p.envvar for _, p in _options() if getattr(p, "envvar", None)}
    assert envvars <= {v.name for v in config.VARIABLES}, "an option reads an unlisted variable"
    for v in config.VARIABLES:
        if v.option is None or not v.option.startswith("legday "):
            continue
        *words, opt = v.option.removeprefix("legday ").split()
        param = options.get((" ".join(words), opt))
        assert param is not None, f"{v.option} (for {v.name}) is not an option of legday"
        assert param.envvar == v.name, f"{v.option} does not read {v.name}"


def test_db_the_option_wins_over_the_environment(tmp_path: Path) -> None:
    """``--db`` (every storage command) over ``LEGDAY_DB`` over SQLite in the home."""
    home = Home(tmp_path)
    env = {config.DB.name: "sqlite:///env.sqlite"}
    assert home.db_url("sqlite:///option.sqlite", env) == "sqlite:///option.sqlite"
    assert home.db_url(None, env) == "sqlite:///env.sqlite"
    assert home.db_url(None, {}) == f"sqlite:///{tmp_path / 'legday.sqlite'}"
    assert config.DB.option == "--db"
    assert any(opt == "--db" for _, p in _options() for opt in p.opts)


def _serve_params(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    root = typer.main.get_command(app)
    command = root.commands["serve"]  # type: ignore[attr-defined]
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with command.make_context("serve", list(args)) as ctx:
            return dict(ctx.params)
    finally:
        for k, value in saved.items():
            if value is None:
                os.environ.pop(k)
            else:
                os.environ[k] = value


def test_serve_takes_the_environment_and_the_option_wins() -> None:
    env = {
        config.HOST.name: "0.0.0.0",
        config.PORT.name: "7000",
        config.TOKEN.name: "t0ken",
        config.ALLOWED_HOSTS.name: "legday.example",
        config.LOG_LEVEL.name: "info",
    }
    from_env = _serve_params([], env)
    assert from_env["host"] == "0.0.0.0" and from_env["port"] == 7000
    assert from_env["token"] == "t0ken" and from_env["allowed_hosts"] == "legday.example"
    assert from_env["log_level"] == "info"
    given = _serve_params(["--port", "9000", "--host", "127.0.0.1", "--log-level", "error"], env)
    assert given["port"] == 9000 and given["host"] == "127.0.0.1"
    assert given["log_level"] == "error" and given["token"] == "t0ken"


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("LEGDAY_PORT", "eighty", "env var: 'LEGDAY_PORT'"),
        ("LEGDAY_PORT", "70000", "env var: 'LEGDAY_PORT'"),
        ("LEGDAY_LOG_LEVEL", "loud", "'loud' is not one of critical, error"),
        ("LEGDAY_HOST", "0.0.0.0", "without a token"),
    ],
)
def test_a_bad_variable_is_one_line_naming_it(variable: str, value: str, said: str) -> None:
    result = runner.invoke(app, ["serve"], env={variable: value, config.TOKEN.name: ""})
    assert result.exit_code != 0
    assert said in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_parse_hosts() -> None:
    assert config.parse_hosts(None) == ()
    assert config.parse_hosts(" A.example , *.b.example,,a.example") == ("a.example", "*.b.example")


def test_allowed_hosts_with_and_without_a_token(tmp_path: Path) -> None:
    allowed = ("legday.example", "*.club.example")
    cases = [(None, "legday.example", 200), (None, "x.club.example", 200)]
    cases += [(None, "club.example", 403), (None, "evil.example", 403), (None, "127.0.0.1", 200)]
    cases += [("t", "legday.example", 200), ("t", "evil.example", 403)]
    for token, host, status in cases:
        headers = {"Authorization": "Bearer t"} if token else {}
        application = create_app(build_empty(tmp_path), token=token, allowed_hosts=allowed)
        with TestClient(application, base_url=f"http://{host}") as client:
            response = client.get("/api/week", headers=headers)
        assert response.status_code == status, (token, host, response.text)
        if status == 403:
            assert "legday.example, *.club.example" in response.text


def _get(url: str, host: str) -> int:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_a_server_configured_by_its_environment_alone(tmp_path: Path) -> None:
    """``legday serve`` with no option: the port, the database, the allowed names and the log
    level all come from ``LEGDAY_*`` (as compose.yaml runs it)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGDAY_")}
    env |= {
        config.HOME.name: str(tmp_path / "home"),
        config.DB.name: f"sqlite:///{tmp_path / 'served.sqlite'}",
        config.PORT.name: str(port),
        config.ALLOWED_HOSTS.name: "legday.example",
        config.LOG_LEVEL.name: "info",
    }
    url = f"http://127.0.0.1:{port}/api/week"
    with serving(["serve"], env, url) as proc:
        assert _get(url, "legday.example") == 200
        assert _get(url, "evil.example") == 403
    assert (tmp_path / "served.sqlite").is_file()  # the database the variable named
    assert '"GET /api/week HTTP/1.1" 200' in proc.printed  # type: ignore[attr-defined]
    assert "Traceback" not in proc.printed  # type: ignore[attr-defined]
