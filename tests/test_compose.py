"""Issue 20 item 6: compose.yaml and the Dockerfile agree with the code.

Docker is not run here (nor in CI): these tests read both files and check what the code can
check. The variables they set are legday's own and parse as the command line parses them; the
command is a real legday command; the ports, the PostgreSQL user and database, and the
PostgreSQL major versions of the server image and of the image's client programs match. Then
``legday serve`` runs with compose.yaml's environment against a real PostgreSQL (in place of the
``db`` service): it upgrades the empty database to the schema's head and answers."""

from __future__ import annotations

import os
import re
import shlex
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy import make_url

from conftest import new_pg_database
from legday import config
from legday.cli import COMMANDS
from legday.store.db import SCHEMA_HEAD
from serving import free_port, serving
from test_config import _serve_params

ROOT = Path(__file__).resolve().parent.parent
#: What compose would read from .env in these tests.
DOT_ENV = {"LEGDAY_DB_PASSWORD": "pw-from-env"}


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}``."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        if env.get(name):
            return env[name]
        if op == ":?":
            raise AssertionError(f"compose would stop: {arg}")
        return arg if op == ":-" else ""

    return re.sub(r"\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}", one, value)


def _environment(service: str, env: dict[str, str] = DOT_ENV) -> dict[str, str]:
    raw = _compose()["services"][service]["environment"]
    return {k: _interpolate(str(v), env) for k, v in raw.items()}


def _dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continued lines joined), as (INSTRUCTION, arguments)."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _docker(instruction: str) -> list[str]:
    return [args for name, args in _dockerfile() if name == instruction]


def _docker_env() -> dict[str, str]:
    found: dict[str, str] = {}
    for args in _docker("ENV"):
        for pair in shlex.split(args):
            key, _, value = pair.partition("=")
            found[key] = value
    return found


def test_every_variable_set_is_legdays_and_parses() -> None:
    known = {v.name for v in config.VARIABLES}
    legday_env = _environment("legday")
    set_here = {k for k in [*legday_env, *_docker_env()] if k.startswith("LEGDAY_")}
    assert set_here <= known, f"not legday variables: {set_here - known}"
    assert set(legday_env) <= known
    # what the command line makes of them: a multi-user server on every address, port 8765
    params = _serve_params([], {k: v for k, v in legday_env.items() if k != "LEGDAY_DB"})
    assert params["multi_user"] is True and params["host"] == "0.0.0.0"
    assert params["port"] == 8765 and params["log_level"] == "info"
    assert params["workers"] == 2


def test_the_command_is_a_real_legday_command() -> None:
    command = _compose()["services"]["legday"]["command"]
    (cmd,) = _docker("CMD")
    assert command == yaml.safe_load(cmd), "compose.yaml and the Dockerfile run different commands"
    assert command[0] == "legday" and command[1] in COMMANDS
    _serve_params(command[2:], {})  # its options, if any, are serve's


def test_the_ports_agree() -> None:
    legday = _compose()["services"]["legday"]
    port = int(_environment("legday")[config.PORT.name])
    published = [str(p).rsplit(":", 1)[-1] for p in legday["ports"]]
    assert published == [str(port)]
    assert str(legday["ports"][0]).startswith("127.0.0.1:"), "published beyond loopback"
    assert _docker("EXPOSE") == [str(port)] and _docker_env()[config.PORT.name] == str(port)


def test_the_database_url_names_the_db_service() -> None:
    services = _compose()["services"]
    url = make_url(_environment("legday")[config.DB.name])
    db = _environment("db")
    assert url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg"
    assert (url.host, url.port) == ("db", 5432) and "db" in services
    assert url.username == db["POSTGRES_USER"] and url.database == db["POSTGRES_DB"]
    assert url.password == db["POSTGRES_PASSWORD"] == DOT_ENV["LEGDAY_DB_PASSWORD"]
    with pytest.raises(AssertionError, match="set LEGDAY_DB_PASSWORD"):
        _environment("db", {})  # no password, no start


def test_postgres_is_healthy_before_legday_starts_and_keeps_its_data() -> None:
    compose = _compose()
    db, legday = compose["services"]["db"], compose["services"]["legday"]
    assert legday["depends_on"]["db"]["condition"] == "service_healthy"
    test = " ".join(db["healthcheck"]["test"])
    assert "pg_isready" in test and f"-U {_environment('db')['POSTGRES_USER']}" in test
    volumes = {v.split(":")[0]: v.split(":")[1] for v in db["volumes"]}
    assert volumes.get("pgdata") == "/var/lib/postgresql/data"
    home = {v.split(":")[0]: v.split(":")[1] for v in legday["volumes"]}
    assert home.get("legday-home") == _environment("legday")[config.HOME.name]
    assert {"pgdata", "legday-home"} <= set(compose["volumes"])


def test_the_images_postgresql_versions_match() -> None:
    """pg_dump refuses a newer server: the image's client is the server image's major."""
    server = re.fullmatch(r"postgres:(\d+)(?:[.-].*)?", _compose()["services"]["db"]["image"])
    assert server, "pin the postgres image's major version"
    clients = re.findall(r"postgresql-client-(\d+)", " ".join(_docker("RUN")))
    assert clients == [server.group(1)]


def test_the_image_installs_what_serve_needs() -> None:
    (install,) = [r for r in _docker("RUN") if "pip install" in r]
    extra = re.search(r"'\.\[([a-z,]+)\]'", install)
    assert extra, install
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = " ".join(" ".join(extras[e]) for e in extra.group(1).split(","))
    for needed in ("web", "postgres", "argon2-cffi"):  # legday[server] is web + postgres + …
        assert needed in wanted or needed in " ".join(extras.get("server", [])), needed
    copied = {src for args in _docker("COPY") for src in args.split()[:-1]}
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    let_in = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert {c.rstrip("/") for c in copied} <= let_in, "the Dockerfile copies what is ignored"
    assert all((ROOT / c).exists() for c in copied)


def test_serve_runs_with_composes_environment(pg_server_url: str, tmp_path: Path) -> None:
    """compose.yaml's environment, with the test's PostgreSQL for the ``db`` service, a free
    port and loopback: the empty database is upgraded at start and the server answers."""
    url = new_pg_database(pg_server_url)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGDAY_")}
    env |= _environment("legday")
    env |= {
        config.DB.name: url,
        config.HOME.name: str(tmp_path / "data"),
        config.HOST.name: "127.0.0.1",
        config.PORT.name: str(port),
    }
    login = f"http://127.0.0.1:{port}/login"
    with (
        serving(["serve"], env, login) as proc,
        urllib.request.urlopen(login, timeout=10) as response,
    ):
        assert response.status == 200
    assert "Traceback" not in proc.printed  # type: ignore[attr-defined]
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        version = connection.execute(sa.text("select version_num from alembic_version")).scalar()
    engine.dispose()
    assert version == SCHEMA_HEAD
