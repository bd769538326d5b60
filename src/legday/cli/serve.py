"""``legday serve``: the local web dashboard over the same library as every other command."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from .common import DbOption, console, example, fail, guarded, home

EPILOG = example(
    "legday serve",
    "legday serve --port 9000 --db sqlite:///legday.sqlite",
    'legday serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"',
)

#: Environment variable that holds the dashboard's token when --token is not given.
TOKEN_ENV = "LEGDAY_TOKEN"


@guarded
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Anything but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            help=f"Require this token on every request (default: ${TOKEN_ENV}). Open "
            "/?token=T once in the browser; API clients send Authorization: Bearer T.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Serve the dashboard: your newest week with its rules and body map, every session in a
    filtered list, a month calendar and a year of weekly totals, each run's route, splits and
    charts with its verdict, your records and totals, your lifts, next week's plan (with an
    .ics download) and an import page, plus a JSON API at /api (documented at /docs). Imports
    run in a child process, one at a time. Stop it with Ctrl+C. No --json: it serves JSON
    itself, under /api."""
    try:
        import uvicorn

        from legday.web import create_app
    except ImportError as exc:  # installed without the dashboard's extra
        fail(f"legday serve needs the dashboard's packages ({exc.name}): pip install 'legday[web]'")
    from legday.store.library import Library
    from legday.web.security import check_bind
    from legday.web.server import server_config

    token = token or os.environ.get(TOKEN_ENV) or None
    check_bind(host, token)
    where = home()
    Library.open(where, db).close()  # a bad --db fails here, as one line, not per request
    app = create_app(lambda: Library.open(where, db), token=token, home=where.path)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"legday dashboard on http://{shown}:{port}/ (Ctrl+C to stop)")
    uvicorn.Server(server_config(app, host, port)).run()
