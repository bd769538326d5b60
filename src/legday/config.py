"""Every setting legday reads from the environment, in one table (twelve-factor, "III. Config").

A server is configured by its environment alone: the database URL, the home, the address, the
port, the token… each a ``LEGDAY_*`` variable listed in :data:`VARIABLES`. Where a command-line
option sets the same thing, the option wins (``legday serve --port 9000`` over
``LEGDAY_PORT``): the option is declared with ``envvar=`` the variable's :attr:`Variable.name`,
so click reads the variable only when the option is not given, and checks its value as it
checks the option's ("Invalid value for '--port' (env var: 'LEGDAY_PORT')").

``docs/operations.md`` holds the table :func:`markdown_table` draws, and
``tests/test_config.py`` checks that the documentation, this table, the options that name a
variable and every ``LEGDAY_*`` name in the sources agree, so none can drift from the others.

This module imports nothing heavy: every command loads it (``tests/test_startup.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALLOWED_HOSTS",
    "DB",
    "DEBUG",
    "HOME",
    "HOST",
    "LOG_LEVEL",
    "LOG_LEVELS",
    "MULTI_USER",
    "PASSWORD",
    "PG_BIN",
    "PORT",
    "TOKEN",
    "VARIABLES",
    "Variable",
    "markdown_table",
    "parse_hosts",
]


@dataclass(frozen=True, slots=True)
class Variable:
    """One environment variable legday reads."""

    name: str
    #: What it sets, as the documentation says it.
    meaning: str
    #: What legday does when it is not set.
    default: str
    #: The command-line option that wins over it (``legday serve --port``), if any.
    option: str | None = None


HOME = Variable(
    "LEGDAY_HOME",
    "The legday home: `legday.toml` (profile, settings), the SQLite database, the originals.",
    "the platform's user data folder",
)
DB = Variable(
    "LEGDAY_DB",
    "The database URL, e.g. `postgresql+psycopg://legday:PASSWORD@db/legday`.",
    "SQLite in the home",
    "--db",
)
HOST = Variable(
    "LEGDAY_HOST",
    "The address the dashboard listens on; anything but loopback needs a token.",
    "127.0.0.1",
    "legday serve --host",
)
PORT = Variable("LEGDAY_PORT", "The dashboard's port.", "8765", "legday serve --port")
TOKEN = Variable(
    "LEGDAY_TOKEN",
    "The token every request to the dashboard must carry (a secret: prefer the environment "
    "to the command line, which `ps` shows).",
    "none: loopback only",
    "legday serve --token",
)
ALLOWED_HOSTS = Variable(
    "LEGDAY_ALLOWED_HOSTS",
    "Host names the dashboard answers to, comma-separated (`legday.club.example`, "
    "`*.club.example`), besides loopback names; others get 403.",
    "loopback names only without a token; any name with one",
    "legday serve --allowed-hosts",
)
LOG_LEVEL = Variable(
    "LEGDAY_LOG_LEVEL",
    "How much the server logs: `critical`, `error`, `warning`, `info` (every request) or `debug`.",
    "warning",
    "legday serve --log-level",
)
MULTI_USER = Variable(
    "LEGDAY_MULTI_USER",
    "`1` (or `true`): a coach's server, where users log in and each sees their own data and a "
    "coach their linked athletes'; needs a PostgreSQL database.",
    "single-user: local, no login",
    "legday serve --multi-user",
)
DEBUG = Variable(
    "LEGDAY_DEBUG",
    "Set to 1 to let an unexpected error through with its traceback (for a bug report).",
    "one line on stderr",
)
WORKERS = Variable(
    "LEGDAY_WORKERS",
    "Server processes the dashboard runs, all on the one database.",
    "1",
    "legday serve --workers",
)
PASSWORD = Variable(
    "LEGDAY_PASSWORD",
    "The password `legday users add` gives the new user (a script's way; a secret).",
    "one line of standard input, else a prompt",
)
PG_BIN = Variable(
    "LEGDAY_PG_BIN",
    "The folder of PostgreSQL's client programs (`pg_dump`, `pg_restore`, `psql`) for "
    "`legday backup` and `restore`.",
    "`PATH`, then `/usr/lib/postgresql/*/bin`: the server's major version",
)

#: Every variable, in the order the documentation lists them.
VARIABLES: tuple[Variable, ...] = (
    HOME,
    DB,
    HOST,
    PORT,
    TOKEN,
    ALLOWED_HOSTS,
    LOG_LEVEL,
    WORKERS,
    MULTI_USER,
    DEBUG,
    PASSWORD,
    PG_BIN,
)

#: The log levels ``--log-level`` takes (uvicorn's, but ``trace``).
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def is_set(value: str | None) -> bool:
    """Whether a yes-or-no variable says yes (``1``, ``true``, ``yes``, ``on``, any case)."""
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def parse_hosts(value: str | None) -> tuple[str, ...]:
    """``a.example, *.b.example`` → ``("a.example", "*.b.example")``, lower-cased; () when
    unset or empty."""
    if not value:
        return ()
    return tuple(dict.fromkeys(h.strip().lower() for h in value.split(",") if h.strip()))


def markdown_table(variables: tuple[Variable, ...] = VARIABLES) -> str:
    """The table ``docs/operations.md`` holds: variable, meaning, default, the option that wins."""
    rows = ["| variable | what it sets | when unset | option that wins |", "|---|---|---|---|"]
    for v in variables:
        option = f"`{v.option}`" if v.option else "—"
        rows.append(f"| `{v.name}` | {v.meaning} | {v.default} | {option} |")
    return "\n".join(rows)
