"""PostgreSQL's client programs (pg_dump, pg_restore, psql), found and run for a backup.

Debian puts each major version's programs in ``/usr/lib/postgresql/<major>/bin`` and only a
wrapper on ``PATH`` (when ``postgresql-client-common`` is there at all); other systems use
``/usr/pgsql-<major>/bin`` (the PGDG RPMs) or Homebrew's ``postgresql@<major>``. A program may
talk to a server of its own major version or an older one, never a newer one (pg_dump refuses:
"aborting because of server version mismatch"), so :func:`find_tool` takes the server's major
version and picks the program of that version, else the oldest newer one.
``$LEGDAY_PG_BIN`` names the one folder to look in instead.

The database URL's password never goes on a command line (``ps`` shows those): it is passed
in ``PGPASSWORD``.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, make_url

from legday.config import PG_BIN
from legday.errors import BackupError, ToolMissingError

__all__ = ["Tool", "choose_tool", "find_tool", "libpq_target", "run_tool", "tool_dirs"]

#: Where PostgreSQL's client programs live besides ``PATH``: Debian and Ubuntu, the PGDG RPMs,
#: Homebrew (Apple silicon, then Intel), Postgres.app.
VERSIONED_DIRS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
    "/Applications/Postgres.app/Contents/Versions/*/bin",
)
#: ``pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`` → 15; ``9.6.24`` → 9.
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class Tool:
    """A client program and its PostgreSQL major version."""

    path: Path
    major: int


def tool_dirs(env: Mapping[str, str]) -> list[Path]:
    """The folders to look in, in order: ``$LEGDAY_PG_BIN`` alone when set, else ``PATH``
    and then the versioned folders (newest first)."""
    if env.get(PG_BIN.name):
        return [Path(env[PG_BIN.name]).expanduser()]
    found = [Path(p) for p in env.get("PATH", os.defpath).split(os.pathsep) if p]
    for pattern in VERSIONED_DIRS:
        found += sorted((Path(p) for p in glob.glob(pattern)), key=_dir_major, reverse=True)
    return found


def _dir_major(path: Path) -> int:
    digits = re.findall(r"\d+", str(path))
    return int(digits[-1]) if digits else 0


def choose_tool(found: Sequence[Tool], server_major: int) -> Tool | None:
    """The program of the server's major version, else the oldest newer one; None when every
    one found is older than the server (or none was found)."""
    same = [t for t in found if t.major == server_major]
    if same:
        return same[0]
    newer = sorted((t for t in found if t.major > server_major), key=lambda t: t.major)
    return newer[0] if newer else None


def _major(path: Path) -> int | None:
    try:
        done = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    match = _VERSION.search(done.stdout)
    if done.returncode != 0 or match is None:
        return None
    major = int(match.group(1))
    return major if major >= 10 else major * 100 + int(match.group(2) or 0)  # 9.6 → 906


def find_tool(name: str, server_major: int, env: Mapping[str, str] | None = None) -> Tool:
    """``name`` (``pg_dump``, ``pg_restore``, ``psql``) fit for a server of ``server_major``.

    Raises :class:`ToolMissingError` naming the package to install when none is found, or
    when every one found is older than the server."""
    env = os.environ if env is None else env
    found: list[Tool] = []
    seen: set[Path] = set()
    for folder in tool_dirs(env):
        candidate = folder / name
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        real = candidate.resolve()
        if real in seen:
            continue
        seen.add(real)
        major = _major(candidate)
        if major is not None:
            found.append(Tool(candidate, major))
    chosen = choose_tool(found, server_major)
    if chosen is not None:
        return chosen
    package = f"postgresql-client-{server_major}"
    where = f"in ${PG_BIN.name} ({env[PG_BIN.name]})" if env.get(PG_BIN.name) else "on PATH"
    if not found:
        raise ToolMissingError(
            f"{name} not found {where} or in /usr/lib/postgresql/*/bin: install PostgreSQL "
            f"{server_major}'s client programs (Debian and Ubuntu: apt-get install {package})"
        )
    older = ", ".join(f"{t.path} ({t.major})" for t in found)
    raise ToolMissingError(
        f"{name} must be PostgreSQL {server_major} or newer to work with this server, but only "
        f"{older} was found: install {package} (Debian and Ubuntu), or set {PG_BIN.name} to "
        "the folder of a newer one"
    )


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A SQLAlchemy PostgreSQL URL as a libpq connection URI for the client programs, and the
    environment that carries its password."""
    parsed = make_url(url)
    extra = {"PGPASSWORD": parsed.password} if parsed.password else {}
    uri = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return uri.render_as_string(hide_password=False), extra


def run_tool(tool: Tool, args: Sequence[str], *, env: Mapping[str, str], what: str) -> None:
    """Run ``tool`` with ``args``; a failure raises :class:`BackupError` with the program's
    own first error line."""
    try:
        done = subprocess.run(
            [str(tool.path), *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            check=False,
        )
    except OSError as exc:
        raise BackupError(f"cannot run {tool.path}: {exc.strerror}") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
        reason = (errors or lines or [f"exit status {done.returncode}"])[0]
        raise BackupError(f"{what} failed: {reason.strip()}")
