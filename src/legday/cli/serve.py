"""``legday serve``: the local web dashboard over the same library as every other command."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from legday import config

from .common import DbOption, console, example, fail, guarded, home

EPILOG = example(
    "legday serve",
    "legday serve --port 9000 --db sqlite:///legday.sqlite",
    'legday serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"',
    "legday serve --allowed-hosts legday.club.example --log-level info",
    "legday serve --multi-user --workers 4",
)

#: Environment variable that holds the dashboard's token when --token is not given.
TOKEN_ENV = config.TOKEN.name


@guarded
def serve(
    host: Annotated[
        str,
        typer.Option(
            envvar=config.HOST.name,
            help="Address to listen on. Anything but loopback needs a token.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65535, envvar=config.PORT.name, help="Port to listen on.")
    ] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            envvar=TOKEN_ENV,
            help="Require this token on every request. Open /?token=T once in the browser; "
            "API clients send Authorization: Bearer T.",
            show_default=False,
        ),
    ] = None,
    allowed_hosts: Annotated[
        str | None,
        typer.Option(
            envvar=config.ALLOWED_HOSTS.name,
            help="Host names to answer to besides loopback ones, comma-separated "
            "(legday.club.example,*.club.example); other names get 403.",
            show_default=False,
        ),
    ] = None,
    log_level: Annotated[
        str,
        typer.Option(
            envvar=config.LOG_LEVEL.name,
            help=f"How much the server logs: {', '.join(config.LOG_LEVELS)} (info: every request).",
        ),
    ] = "warning",
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            envvar=config.WORKERS.name,
            help="Server processes, all on the one database (each runs its share of imports).",
        ),
    ] = 1,
    multi_user: Annotated[
        bool,
        typer.Option(
            "--multi-user",
            envvar=config.MULTI_USER.name,
            help="A coach's server: users log in (legday users add), each sees their own data "
            "and a coach their linked athletes'. Needs a PostgreSQL --db.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Serve the dashboard: your newest week with its rules and body map, every session in a
    filtered list, a month calendar and a year of weekly totals, each run's route, splits and
    charts with its verdict, your records and totals, your lifts, next week's plan (with an
    .ics download), an import page and a roster of every athlete, plus a JSON API at /api
    (documented at /docs). An upload answers at once with a job; imports run in a child
    process, one at a time. Every option can come from a LEGDAY_* environment
    variable instead (LEGDAY_PORT, …; the option wins). Stop it with Ctrl+C. No --json: it
    serves JSON itself, under /api."""
    try:
        import uvicorn

        from legday.web import create_app  # noqa: F401  (the dashboard's extra is installed)
    except ImportError as exc:  # installed without the dashboard's extra
        fail(f"legday serve needs the dashboard's packages ({exc.name}): pip install 'legday[web]'")
    from legday.store.library import Library
    from legday.web.security import check_bind
    from legday.web.server import build_app, serve_workers, server_config

    if log_level.lower() not in config.LOG_LEVELS:
        raise typer.BadParameter(
            f"{log_level!r} is not one of {', '.join(config.LOG_LEVELS)}", param_hint="--log-level"
        )
    token = token or None
    where = home()
    if not multi_user:
        check_bind(host, token)
    hosts = config.parse_hosts(allowed_hosts)
    # a bad --db (or a database --multi-user cannot serve) fails here, as one line
    app = build_app(where, db, token=token, allowed_hosts=hosts, multi_user=multi_user)
    Library.open(where, db).close()
    shown = f"[{host}]" if ":" in host else host
    console.print(f"legday dashboard on http://{shown}:{port}/ (Ctrl+C to stop)")
    if workers == 1:
        uvicorn.Server(server_config(app, host, port, log_level=log_level.lower())).run()
        return
    # each worker builds the same app from the environment (legday.web.server)
    environment = {
        config.HOME.name: str(where.path),
        config.DB.name: where.db_url(db),
        config.TOKEN.name: token or "",
        config.ALLOWED_HOSTS.name: ",".join(hosts),
        config.MULTI_USER.name: "1" if multi_user else "",
    }
    os.environ.update(environment)
    serve_workers(host, port, workers, log_level=log_level.lower())
